"""Route completion and route deviation (scenario_runner's RouteCompletionTest / InRouteTest)."""
from __future__ import annotations

from typing import List

import numpy as np

from wpt_core.leaderboard.infractions import ROUTE_DEVIATION
from wpt_core.sim.criteria.events import TrafficEvent, at_location
from wpt_core.sim.criteria.route_points import RouteCursor, RoutePoints
from wpt_core.types import Scene

COMPLETION_WINDOW = 2
COMPLETION_PERCENT = 99.0
COMPLETION_DISTANCE_M = 10.0

DEVIATION_WINDOW = 5
OFFROAD_MAX_M = 30.0
OFFROAD_MIN_M = OFFROAD_MAX_M / 2
MAX_ROUTE_PERCENTAGE = 30.0


class RouteCompletionTest:
    """Percentage of the route length up to the last passed route point; 100 once near the end."""

    def __init__(self, geometry: RoutePoints):
        self._geometry = geometry
        self._cursor = RouteCursor(geometry, COMPLETION_WINDOW)
        self._accum_percent = geometry.accum_m / geometry.length_m * 100.0
        self.percent = 0.0
        self.completed = False

    def update(self, scene: Scene) -> None:
        if self.completed:
            return
        xy = (scene.ego.x_m, scene.ego.y_m)
        self.percent = round(float(self._accum_percent[self._cursor.advance(xy)]), 2)
        if self.percent > COMPLETION_PERCENT and \
                self._geometry.distance(len(self._geometry) - 1, xy) < COMPLETION_DISTANCE_M:
            self.percent = 100.0
            self.completed = True


class InRouteTest:
    """Fails when the ego is 30 m or more from the route points just ahead of it, or when more than
    30 % of the route was driven 15 m or more away from it; the route then ends."""

    def __init__(self, geometry: RoutePoints):
        self._geometry = geometry
        self._index = 0
        self._out_route_m = 0.0
        self._in_safe_route = True
        self.events: List[TrafficEvent] = []
        self.failed = False

    def update(self, scene: Scene) -> None:
        if self.failed:
            return
        geo = self._geometry
        xy = (scene.ego.x_m, scene.ego.y_m)
        window = range(self._index, min(self._index + DEVIATION_WINDOW + 1, len(geo)))
        distances = np.array([geo.distance(i, xy) for i in window])
        # `<=` in the leaderboard's scan keeps the last of equally close points.
        closest = window[len(distances) - 1 - int(np.argmin(distances[::-1]))]
        shortest = float(distances.min())
        off_route = True
        if shortest < OFFROAD_MAX_M:
            off_route = False
            self._in_safe_route = shortest < OFFROAD_MIN_M
        if closest != self._index:
            if not self._in_safe_route:
                self._out_route_m += float(geo.accum_m[closest] - geo.accum_m[self._index])
                if 100.0 * self._out_route_m / geo.length_m > MAX_ROUTE_PERCENTAGE:
                    off_route = True
            self._index = closest
        if off_route:
            ego = scene.ego
            self.events.append(TrafficEvent(ROUTE_DEVIATION, "Agent deviated from the route at "
                                            + at_location(ego.x_m, ego.y_m, ego.z_m), scene.frame))
            self.failed = True
