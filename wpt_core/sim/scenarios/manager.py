"""All scenarios of one route: built and set up at route start, triggered and ticked after each world tick.

A route's `<scenario>` entries that the embedded simulator cannot build (an unknown type, a site that does
not fit) are skipped with a warning, as the leaderboard skips scenarios it cannot load.
"""
from __future__ import annotations

import logging
from typing import Dict, List, Sequence

import numpy as np

from wpt_core.leaderboard.route_file import ScenarioSpec
from wpt_core.sim.scenarios.base import Scenario, ScenarioContext
from wpt_core.sim.scenarios.registry import UnknownScenarioType, build_scenario
from wpt_core.types import DenseRoute

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

    def cleanup(self) -> None:
        for scenario in self.scenarios:
            scenario.cleanup()
