"""Driving outside the route lanes (scenario_runner's OutsideRouteLanesTest).

Each tick the ego is "outside" when it is off the driving lanes (more than half a lane plus 0.5 m
from any driving lane) or, outside junctions, in a lane whose direction differs from the route's by
more than 120 degrees (an opposite-direction lane). The route length passed while outside, over the
route length passed so far, is the percentage; the penalty multiplies by (1 - percentage/100).
Scenarios that require using the opposite lane switch the direction part off with
`allow_lane_invasion` (the leaderboard's `AC_SwitchWrongDirectionTest`); being off-road still counts.

Inputs, all optional: `lane_of(x, y) -> (lane_id, lane_yaw_deg) | None` must return None when the
point is off every driving lane (beyond half the lane width plus 0.5 m); the ground raster gives
the same answer for points more than 0.5 m deep into OFF_ROAD or SIDEWALK. Lane ids starting with
':' are SUMO junction-internal lanes, which never count as opposite lanes.
"""
from __future__ import annotations

from typing import Callable, List, Optional, Sequence, Tuple

from wpt_core.geometry import wrap_deg
from wpt_core.ground_map import GroundClass, GroundMap
from wpt_core.leaderboard.infractions import OUTSIDE_ROUTE_LANES
from wpt_core.sim.criteria.events import TrafficEvent
from wpt_core.sim.criteria.route_points import RouteCursor, RoutePoints
from wpt_core.sim.criteria.surface import deep_inside, surface_at
from wpt_core.types import Scene

LaneOf = Callable[[float, float], Optional[Tuple[str, float]]]

WINDOW = 3
ALLOWED_OUT_DISTANCE_M = 0.5
MAX_VEHICLE_ANGLE_DEG = 120.0


class OutsideRouteLanesTest:
    def __init__(self, geometry: RoutePoints, route_lane_ids: Optional[Sequence[str]],
                 ground: Optional[GroundMap], lane_of: Optional[LaneOf]):
        self._geometry = geometry
        self._cursor = RouteCursor(geometry, WINDOW, include_current=False)
        self._route_lanes = set(route_lane_ids or ())
        self._ground = ground
        self._lane_of = lane_of
        self.allow_lane_invasion = False
        self.total_m = 0.0
        self.wrong_m = 0.0
        self.event: Optional[TrafficEvent] = None

    @property
    def events(self) -> List[TrafficEvent]:
        return [self.event] if self.event is not None else []

    def is_outside(self, x: float, y: float) -> bool:
        lane = self._lane_of(x, y) if self._lane_of is not None else None
        off_lanes = self._lane_of is not None and lane is None
        if self._ground is not None and not off_lanes:
            off_lanes = deep_inside(self._ground, (x, y), (GroundClass.OFF_ROAD, GroundClass.SIDEWALK),
                                    ALLOWED_OUT_DISTANCE_M)
        if off_lanes:
            return True
        if self.allow_lane_invasion or lane is None:
            return False
        return self._is_opposite_lane(x, y, lane)

    def _is_opposite_lane(self, x: float, y: float, lane: Tuple[str, float]) -> bool:
        lane_id, lane_yaw = lane
        index = self._cursor.index
        if lane_id in self._route_lanes or lane_id.startswith(":") or self._geometry.in_junction[index]:
            return False
        if self._ground is not None and surface_at(self._ground, (x, y)) == GroundClass.JUNCTION:
            return False
        return abs(float(wrap_deg(lane_yaw - float(self._geometry.yaw_deg[index])))) > MAX_VEHICLE_ANGLE_DEG

    def update(self, scene: Scene) -> None:
        xy = (scene.ego.x_m, scene.ego.y_m)
        outside = self.is_outside(*xy)
        geo = self._geometry
        for index in self._cursor.candidates():
            if not geo.is_passed(index, xy):
                continue
            step = float(((geo.xy[index] - geo.xy[self._cursor.index]) ** 2).sum() ** 0.5)
            self.total_m += step
            if outside:
                self.wrong_m += step
            if self.wrong_m:
                self._set_event(scene.frame)
            self._cursor.index = index

    def _set_event(self, frame: int) -> None:
        percentage = self.wrong_m / self.total_m * 100.0
        message = (f"Agent went outside its route lanes for about {round(self.wrong_m, 3)} meters "
                   f"({round(percentage, 2)}% of the completed route)")
        if self.event is None:
            self.event = TrafficEvent(OUTSIDE_ROUTE_LANES, message, frame)
        self.event.message = message
        self.event.frame = frame
        self.event.data = {"distance": self.wrong_m, "percentage": percentage}
