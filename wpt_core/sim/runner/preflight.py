"""Checks of a run's inputs before any worker starts (`wpt eval`, `wpt collect`).

Without them a route naming an unknown town, or a waypoint off the map, fails inside a worker minutes
into a run, as a "Simulation crashed" record, and a missing agent file fails every route in turn. The
leaderboard, too, imports the agent module and parses the whole route file before it loads a route.
Each problem raises the project's own `InputError` subtype with one line naming the file and the problem.
"""
from __future__ import annotations

from pathlib import Path

from wpt_core.config import read_yaml
from wpt_core.sim.runner.agent_loader import load_agent_class
from wpt_core.leaderboard.route_file import RouteFileError, read_routes, select_routes
from wpt_core.sim.routes.route_plan import route_lanes, route_town
from wpt_core.sim.scenarios.registry import SCENARIO_TYPES
from wpt_core.sim.runner.evaluator import EvalOptions
from wpt_core.sim.town.town_lookup import TownSources

YAML_SUFFIXES = (".yaml", ".yml")


def check_run_inputs(options: EvalOptions) -> None:
    """The agent file loads, its YAML config parses, every selected route resolves on a known town
    (OpenDRIVE towns are converted here, once, before any worker starts), and every scenario type it names is
    known (unless `skip_unknown_scenarios`: then those are skipped with a warning, as the leaderboard skips
    scenarios it cannot load)."""
    load_agent_class(options.agent)
    check_agent_config(options.agent_config)
    routes = read_routes(options.routes_xml)
    try:
        selected = select_routes(routes, options.routes_subset)
    except ValueError as exc:
        raise RouteFileError(f"{options.routes_xml}: {exc}") from None
    sources = TownSources.from_environment(options.towns_dir)
    for spec in selected:
        route_lanes(route_town(spec, sources), spec)
        unknown = [s for s in spec.scenarios if s.type not in SCENARIO_TYPES]
        if unknown and not options.skip_unknown_scenarios:
            raise RouteFileError(f"{options.routes_xml}: route {spec.id}: scenario {unknown[0].name} has the unknown "
                                 f"type {unknown[0].type!r} (pass --skip-unknown-scenarios to run without it)")


def check_agent_config(agent_config: str) -> None:
    """Every '+'-separated part of `--agent-config` that names a YAML file must exist and parse.

    Agents read the string themselves (Bench2Drive: the config is `s.split('+')[0]`), so only what is
    recognisably a YAML file can be checked here; checkpoints and other formats are the agent's business.
    """
    for part in agent_config.split("+"):
        if Path(part.strip()).suffix.lower() in YAML_SUFFIXES:
            read_yaml(part.strip())
