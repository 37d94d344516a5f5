"""ParkingExit (parking_exit.py): the ego starts in a parking spot and pulls out into traffic.

The route's first scenario, triggered at its first point: the ego starts beside the route's first lane
on the `direction` side, kerbside just off the lane (our towns have no parking lanes: the kerb is
where ParkingCutIn's cars park too), between two parked cars `front_vehicle_distance` m (default 20)
ahead and `behind_vehicle_distance` m (default 10) behind. A car stands in the lane beside the ego (here
`SIDE_AHEAD_M` ahead of it) and drives off on the route when the scenario starts; it is removed after
50 m. The scenario ends `front_vehicle_distance` + 15 m after the trigger and times out after 240 s.
(The class's docstring says OutsideRouteLanesTest is switched off, but its behaviour never does that:
the metres pulled out from the kerb count as in CARLA, where a parking lane is not a driving lane.)
"""
from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from wpt_core.leaderboard.route_file import ScenarioSpec
from wpt_core.polyline import Polyline
from wpt_core.sim.scenarios.base import Scenario
from wpt_core.sim.scenarios.props import CAR_TYPES, make_actor
from wpt_core.sim.town.town import Town
from wpt_core.sim.world.actor_types import EGO_TYPE
from wpt_core.types import ActorKind, DenseRoute

SIDE_END_DISTANCE_M = 50.0
SIDE_AHEAD_M = 6.0   # SUMO maps the parked ego onto the lane beside it, so the side car starts just ahead
END_EXTRA_M = 15.0


def _direction(spec: ScenarioSpec) -> float:
    attrs = spec.params.get("direction", {})
    direction = attrs.get("value", "right")
    if direction not in ("left", "right"):
        raise ValueError(f"{spec.name}: 'direction' must be 'left' or 'right', got {direction!r}")
    return 1.0 if direction == "right" else -1.0


def _beside(route: DenseRoute, s_m: float, lateral_m: float) -> Tuple[float, float, float]:
    """Pose `lateral_m` right of the route at arc length s, extended straight back before the route start."""
    path = Polyline(route.xy_m)
    if s_m >= 0.0:
        return path.pose_at(s_m, lateral_m)
    x, y, yaw = path.pose_at(0.0, lateral_m)
    rad = np.radians(yaw)
    return x + s_m * float(np.cos(rad)), y + s_m * float(np.sin(rad)), yaw


def _kerb_lateral(route: DenseRoute, sign: float, width_m: float) -> float:
    return sign * (float(route.lane_width_m[0]) / 2 + width_m / 2)


class ParkingExit(Scenario):
    type_name = "ParkingExit"
    timeout_s = 240.0

    @classmethod
    def ego_start_pose(cls, spec: ScenarioSpec, town: Town, route: DenseRoute) -> Optional[Tuple[float, float, float]]:
        trigger_s = Polyline(route.xy_m).project(spec.trigger[:2])[0]
        return _beside(route, trigger_s, _kerb_lateral(route, _direction(spec), EGO_TYPE.width_m))

    def setup(self) -> None:
        sign = _direction(self.spec)
        front = self.param("front_vehicle_distance", float, 20.0)
        behind = self.param("behind_vehicle_distance", float, 10.0)
        if self.trigger_s + front + END_EXTRA_M > self.route_length_m:
            raise ValueError(f"{self.spec.name}: route too short after the parking spot")
        for name, ds, type_id in (("front", front, CAR_TYPES[1]), ("behind", -behind, CAR_TYPES[2])):
            car = make_actor(self.uid(name), type_id, ActorKind.STATIC, (0.0, 0.0, 0.0))
            car.x_m, car.y_m, car.yaw_deg = _beside(self.ctx.route, self.trigger_s + ds,
                                                    _kerb_lateral(self.ctx.route, sign, car.width_m))
            self.add_static(car, block_lane=False)
        self.end_s = self.trigger_s + front + END_EXTRA_M
        self.side_id: Optional[str] = None
        self.side_seen = False

    def on_trigger(self) -> None:
        lane, lane_s = self.geometry.lane_at(self.trigger_s + SIDE_AHEAD_M)
        edges = [self.town.lanes[lid].edge_id for lid in self.ctx.route_lanes if not self.town.lanes[lid].is_internal]
        self.side_id = self.spawn(lane.id, lane_s, 0.0, route_edges=edges[edges.index(lane.edge_id):],
                                  type_id=CAR_TYPES[3])
        self.side_start = self.geometry.path.pose_at(self.trigger_s + SIDE_AHEAD_M)[:2]

    def tick(self) -> None:
        """The side car is removed once it has driven SIDE_END_DISTANCE_M (or left the network)."""
        if self.side_id is None:
            return
        side = next((a for a in self.world.scene().actors if a.id == self.side_id), None)
        if side is None:
            if self.side_seen:   # SUMO took it off at its route's end
                self.actor_ids.remove(self.side_id)
                self.side_id = None
            return
        self.side_seen = True
        if np.hypot(side.x_m - self.side_start[0], side.y_m - self.side_start[1]) >= SIDE_END_DISTANCE_M:
            self.world.remove(self.side_id)
            self.actor_ids.remove(self.side_id)
            self.side_id = None
