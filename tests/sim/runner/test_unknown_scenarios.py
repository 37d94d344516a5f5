"""A route naming a scenario type the simulator does not know is an input error before any route runs,
unless the user asks to skip such scenarios."""
from __future__ import annotations

import subprocess
import sys

import pytest

from wpt_core.leaderboard.route_file import RouteFileError, read_routes, write_routes
from wpt_core.paths import repo_configs_dir
from wpt_core.privileged_agents import EXPERT_AGENT as EXPERT
from wpt_core.sim.runner.evaluator import EvalOptions
from wpt_core.sim.runner.preflight import check_run_inputs

SMOKE = repo_configs_dir() / "routes" / "embedded_smoke.xml"


def routes_with_type(tmp_path, kind: str):
    routes = read_routes(SMOKE)[:1]
    routes[0].scenarios[0].type = kind
    routes[0].scenarios[0].name = f"{kind}_1"
    path = tmp_path / "routes.xml"
    write_routes(routes, path)
    return path, routes[0].id


def test_unknown_type_is_an_error_naming_file_route_and_type(tmp_path):
    path, route_id = routes_with_type(tmp_path, "FlyingCarScenario")
    options = EvalOptions(routes_xml=str(path), agent=EXPERT, checkpoint=str(tmp_path / "r.json"))
    with pytest.raises(RouteFileError, match=rf"routes\.xml: route {route_id}: scenario FlyingCarScenario_1 has the "
                                             r"unknown type 'FlyingCarScenario' \(pass --skip-unknown-scenarios"):
        check_run_inputs(options)
    check_run_inputs(EvalOptions(routes_xml=str(path), agent=EXPERT, checkpoint=str(tmp_path / "r.json"),
                                 skip_unknown_scenarios=True))


@pytest.mark.parametrize("kind", ["ParkingExit", "HighwayCutIn", "T_Junction"])
def test_bench2drive_types_load_without_skipping(tmp_path, kind):
    path, _ = routes_with_type(tmp_path, kind)
    check_run_inputs(EvalOptions(routes_xml=str(path), agent=EXPERT, checkpoint=str(tmp_path / "r.json")))


def test_cli_exits_2_with_one_line(tmp_path):
    path, _ = routes_with_type(tmp_path, "FlyingCarScenario")
    out = subprocess.run([sys.executable, "-m", "wpt_core.cli", "eval", "--agent", EXPERT, "--routes", str(path),
                          "--checkpoint", str(tmp_path / "r.json")], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "FlyingCarScenario" in out.stderr
    assert not (tmp_path / "r.json").exists()
