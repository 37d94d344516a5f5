"""All scenarios of one route: built and set up at route start, triggered and ticked after each world tick.

A route's `<scenario>` entries that the embedded simulator cannot build (a site that does not fit, or an
unknown type when the run was started with `--skip-unknown-scenarios`; without it the preflight refuses
the route file) are skipped with a warning, as the leaderboard skips scenarios it cannot load.
"""
from __future__ import annotations

import logging
from typing import Dict, List, Sequence, Tuple

import numpy as np

from wpt_core.leaderboard.route_file import ScenarioSpec
from wpt_core.sim.scenarios.base import Scenario, ScenarioContext
from wpt_core.sim.scenarios.registry import SCENARIO_TYPES, UnknownScenarioType, build_scenario
from wpt_core.sim.town.town import Town
from wpt_core.types import Control, DenseRoute

LOG = logging.getLogger(__name__)


class RouteProgress:
    """The ego's index on the dense route, searched in a short window ahead (like `ScenarioTriggerer`)."""

    WINDOW = 30

    def __init__(self, route: DenseRoute) -> None:
        self.xy = np.asarray(route.xy_m, dtype=np.float64)
        self.s = route.cumulative_length_m()
        self.index = 0

    def update(self, x: float, y: float) -> int:
        hi = min(self.index + self.WINDOW + 1, len(self.xy))
        d = np.hypot(self.xy[self.index:hi, 0] - x, self.xy[self.index:hi, 1] - y)
        self.index += int(np.argmin(d))
        return self.index


def ego_start_pose(specs: Sequence[ScenarioSpec], town: Town, route: DenseRoute) -> Tuple[float, float, float]:
    """The ego's start (box centre, yaw): the route's first point unless a scenario moves it (ParkingExit
    starts it in a parking spot beside the route's first lane)."""
    for spec in specs:
        cls = SCENARIO_TYPES.get(spec.type)
        pose = cls.ego_start_pose(spec, town, route) if cls is not None else None
        if pose is not None:
            return pose
    return float(route.xy_m[0, 0]), float(route.xy_m[0, 1]), float(route.yaw_deg[0])


class ScenarioManager:
    """All scenarios of one route: set up at start, triggered and ticked after each `World.tick`."""

    def __init__(self, specs: Sequence[ScenarioSpec], ctx: ScenarioContext) -> None:
        self.ctx = ctx
        self.progress = RouteProgress(ctx.route)
        self.scenarios: List[Scenario] = []
        self.skipped: Dict[str, str] = {}
        for spec in specs:
            try:
                self.scenarios.append(build_scenario(spec, ctx))
            except (ValueError, UnknownScenarioType) as err:  # the leaderboard skips them with a warning
                LOG.warning("Skipping scenario '%s' (%s): %s", spec.name, spec.type, err)
                self.skipped[spec.name] = str(err)

    def setup(self) -> None:
        for scenario in list(self.scenarios):
            try:
                scenario.setup()
            except ValueError as err:
                LOG.warning("Skipping scenario '%s' due to setup error: %s", scenario.spec.name, err)
                self.skipped[scenario.spec.name] = str(err)
                scenario.cleanup()
                self.scenarios.remove(scenario)

    def tick(self) -> None:
        ego = self.ctx.world.ego
        index = self.progress.update(ego.x_m, ego.y_m)
        ego_s = float(self.progress.s[index])
        route_xy = self.progress.xy[index]
        for scenario in self.scenarios:
            near = float(np.hypot(*(route_xy - scenario.trigger_xy))) < scenario.trigger_distance_m
            scenario.update(ego_s, near)

    def perturb(self, control: Control) -> Control:
        """The agent's control as the ego gets it (running scenarios may disturb it: ControlLoss)."""
        for scenario in self.scenarios:
            if scenario.triggered and not scenario.done:
                control = scenario.perturb(control)
        return control

    def cleanup(self) -> None:
        for scenario in self.scenarios:
            scenario.cleanup()
