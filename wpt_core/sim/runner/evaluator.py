"""`wpt eval`: the leaderboard evaluator for the embedded simulator, fanned out over processes.

One libsumo per process, so each worker is a process; the parent is the only writer of the results
file and writes it after every finished route (atomically), so a killed run resumes with `--resume`
without losing or repeating a finished route. Routes that were in flight at the kill are run again,
and so are the records the leaderboard's route indexer reruns (see `results.RERUN_STATUSES`).

Routes are indexed as the leaderboard's RouteIndexer does, route-major: route i, repetition r has
index i * repetitions + r. The parent also plays the leaderboard's part of naming each route's save
folder and growing the `setup()` string by '+<save_name>' per route, in dispatch order.
"""
from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional

from tqdm import tqdm

from wpt_core.leaderboard.results_file import ResultsFile
from wpt_core.leaderboard.route_file import read_routes, select_routes
from wpt_core.leaderboard.route_record import empty_record
from wpt_core.leaderboard.statuses import SENSORS_INVALID, SIMULATION_CRASHED
from wpt_core.sim.runner.route_execution import (HooksFactory, RouteOutcome, RouteTask, route_seed, run_route,
                                                 save_name, weather_id)
from wpt_core.sim.town.town_lookup import TownSources, locate_town
from wpt_core.sim.world.world import WorldConfig

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class EvalOptions:
    routes_xml: str
    agent: str
    checkpoint: str
    agent_config: str = ""
    resume: bool = False
    workers: int = 1
    seed: int = 0
    repetitions: int = 1
    routes_subset: str = ""
    track: str = "SENSORS"
    world_config: Optional[WorldConfig] = None
    towns_dir: str = ""   # `--towns`: SUMO / OpenDRIVE towns besides the shipped ones (`town_lookup`)
    skip_unknown_scenarios: bool = False   # run routes naming unknown scenario types (those are skipped)


def build_tasks(options: EvalOptions) -> List[RouteTask]:
    """One task per selected route and repetition, indexed route-major as the leaderboard's RouteIndexer does."""
    routes = select_routes(read_routes(options.routes_xml), options.routes_subset)
    sources = TownSources.from_environment(options.towns_dir)
    nets = {town: str(locate_town(town, sources)) for town in sorted({route.town for route in routes})}
    return [RouteTask(index=i * options.repetitions + rep, route=route, repetition=rep, town_path=nets[route.town],
                      agent=str(options.agent), agent_config=options.agent_config,
                      seed=route_seed(options.seed, str(route.id), rep), track=options.track,
                      world_config=options.world_config)
            for i, route in enumerate(routes) for rep in range(options.repetitions)]


def named_in_dispatch_order(tasks: Iterable[RouteTask], agent_config: str) -> Iterator[RouteTask]:
    """Each task with its save name and the `setup()` string Bench2Drive would pass it.

    The leaderboard appends '+<save_name>' to its agent-config string before every route's setup,
    so the string grows along the run ('<config>+<name 1>+<name 2>...'); agents read
    `s.split('+')[0]` and `s.split('+')[-1]`. Lazy, so each save name's time stamp is its start.
    """
    config = agent_config
    for task in tasks:
        name = save_name(task)
        config = f"{config}+{name}"
        yield replace(task, agent_config=config, save_name=name)


def evaluate(options: EvalOptions, hooks_factory: Optional[HooksFactory] = None) -> Dict[str, Any]:
    """Run every not-yet-finished route and return the final results document."""
    tasks = build_tasks(options)
    results = ResultsFile.load_or_create(Path(options.checkpoint), [t.route_key for t in tasks], options.resume)
    done = results.done_route_keys()
    pending = [t for t in tasks if t.route_key not in done]
    LOG.info("%d routes, %d already done, %d to run on %d worker(s)", len(tasks), len(tasks) - len(pending),
             len(pending), options.workers)
    with tqdm(total=len(tasks), initial=len(tasks) - len(pending), desc="routes", unit="route") as bar:
        named = named_in_dispatch_order(pending, options.agent_config)
        for outcome in _run_all(named, options.workers, hooks_factory):
            if outcome.sensors and outcome.record["status"] != SENSORS_INVALID and not results.document.get("sensors"):
                results.set_sensors(outcome.sensors)
            results.add_record(outcome.record)
            bar.update(1)
            if outcome.record["status"] == SENSORS_INVALID:
                # The leaderboard rejects the submission and stops at the first invalid sensor suite.
                raise InvalidSensorsError(f"{options.agent}: the agent's sensors are invalid "
                                          f"(see the log); results so far in {options.checkpoint}")
    return results.document


class InvalidSensorsError(RuntimeError):
    """The agent's `sensors()` failed the leaderboard's validation: the run is rejected."""


def _run_all(tasks: Iterator[RouteTask], workers: int, hooks_factory: Optional[HooksFactory]):
    """Yield records as routes finish; a crashed worker process marks its routes 'Simulation crashed'.

    Tasks are drawn from the iterator only when a worker takes them (dispatch order)."""
    if workers <= 1:
        for task in tasks:
            yield _run_isolated(task, hooks_factory)
        return
    context = multiprocessing.get_context("spawn")
    task = next(tasks, None)
    while task is not None:
        broken: List[RouteTask] = []
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures: Dict[Future, RouteTask] = {}
            while task is not None or futures:
                while task is not None and len(futures) < workers:
                    futures[pool.submit(run_route_in_worker, task, hooks_factory)] = task
                    task = next(tasks, None)
                finished, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in finished:
                    done_task = futures.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        broken.append(done_task)
                if broken:
                    broken.extend(futures.values())
                    break
        for lost in broken:
            yield _run_isolated(lost, hooks_factory)


def _run_isolated(task: RouteTask, hooks_factory: Optional[HooksFactory]) -> RouteOutcome:
    """Run one route in a fresh process so that a simulator crash cannot take the run down."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        try:
            return pool.submit(run_route_in_worker, task, hooks_factory).result()
        except BrokenProcessPool:
            LOG.error("simulation crashed on %s", task.route_key)
            return RouteOutcome(crashed_record(task, SIMULATION_CRASHED))


def run_route_in_worker(task: RouteTask, hooks_factory: Optional[HooksFactory]) -> RouteOutcome:
    """Worker entry: a failure before the route could be scored still gives the route its record."""
    logging.basicConfig(level=logging.WARNING)
    try:
        return run_route(task, hooks_factory)
    except Exception:  # before the route could be scored (e.g. SUMO refused to start): no partial record
        LOG.exception("simulation crashed while preparing %s", task.route_key)
        return RouteOutcome(crashed_record(task, SIMULATION_CRASHED))


def crashed_record(task: RouteTask, status: str) -> Dict[str, Any]:
    """The record of a route whose simulation died before any criteria could be read."""
    return empty_record(index=task.index, route_id=task.route_key,
                        scenario_name=task.route.scenarios[0].name if task.route.scenarios else "",
                        town_name=task.route.town, status=status, weather_id=weather_id(task),
                        save_name=task.save_name)
