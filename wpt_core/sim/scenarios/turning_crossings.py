"""Someone crosses the ego's exit road just after its turn (scenario_runner's object_crash_intersection.py).

VehicleTurningRoute: a cyclist waits on the sidewalk right of the route's exit road, `CYCLIST_AFTER_M`
after the junction the route enters after the trigger, facing the road; it rides across at 1.8 m/s
(twice its distance to the route, so it ends as far on the other side) once the ego is 1.8 s or 6 m
from the crossing point. VehicleTurningRoutePedestrian: a walker on the sidewalk 0.5 m into the exit
road crosses its whole width at 1.8 m/s once the ego is 2.2 s or 6 m away; it starts on the far side
of a right turn and on the near (right) side of a left turn. Both end 40 m after the crossing; neither
has a scenario timeout.
"""
from __future__ import annotations

from typing import Tuple

import numpy as np

from wpt_core.geometry import wrap_deg
from wpt_core.polyline import Polyline
from wpt_core.sim.scenarios.crossings import _WalkersScenario
from wpt_core.sim.scenarios.placement import RouteLayout
from wpt_core.types import ActorKind

SIDEWALK_OFFSET_M = 1.5     # the crosser stands this far beyond the road edge
CYCLIST_AFTER_M = 11.0
PEDESTRIAN_AFTER_M = 0.5
CROSSING_SPEED_MPS = 1.8
CYCLIST_TYPE = "vehicle.diamondback.century"


def road_edges(geometry: RouteLayout, s_m: float) -> Tuple[float, float]:
    """Route laterals (+ right) of the right and left edges of the whole road at route position s: the
    route lane's edge with its same-direction lanes, and the reverse edge's lanes when the road is two-way."""
    lane, _ = geometry.lane_at(s_m)
    town = geometry.town
    lanes = list(town.edges.get(lane.edge_id, [lane.id]))
    other = town.opposite_edge(lane.edge_id)
    lanes += list(town.edges[other]) if other else []
    x, y, _ = geometry.path.pose_at(s_m)
    right, left = -np.inf, np.inf
    for lane_id in lanes:
        road_lane = town.lanes[lane_id]
        s_lane, _, _ = road_lane.path.project((x, y))
        _, lateral, _ = geometry.path.project(road_lane.path.pose_at(s_lane)[:2])
        right = max(right, lateral + road_lane.width_m / 2)
        left = min(left, lateral - road_lane.width_m / 2)
    return float(right), float(left)


class _TurnCrossing(_WalkersScenario):
    """A crosser placed relative to the exit of the route's first junction after the trigger."""

    def crossing_at(self, after_exit_m: float) -> float:
        s = self.geometry.exit_after(self.trigger_s) + after_exit_m
        if s + 10.0 > self.route_length_m:
            raise ValueError(f"{self.spec.name}: the route ends before the crossing after the junction")
        self.conflict_s = s
        self.conflict_xy = self.geometry.path.pose_at(s)[:2]
        return s

    def crossing_path(self, s: float, lateral0: float, lateral1: float) -> Polyline:
        return Polyline(np.array([self.geometry.path.pose_at(s, lat)[:2] for lat in (lateral0, lateral1)]))


class VehicleTurningRoute(_TurnCrossing):
    type_name = "VehicleTurningRoute"
    reaction_time_s = 1.8
    min_trigger_dist_m = 6.0

    def setup(self) -> None:
        s = self.crossing_at(CYCLIST_AFTER_M)
        right, _ = road_edges(self.geometry, s)
        start = right + SIDEWALK_OFFSET_M
        self.add_walker("cyclist", self.crossing_path(s, start, -start), 0.0, CROSSING_SPEED_MPS,
                        type_id=CYCLIST_TYPE, kind=ActorKind.BICYCLE)


class VehicleTurningRoutePedestrian(_TurnCrossing):
    type_name = "VehicleTurningRoutePedestrian"
    reaction_time_s = 2.2
    min_trigger_dist_m = 6.0

    def setup(self) -> None:
        s = self.crossing_at(PEDESTRIAN_AFTER_M)
        right, left = road_edges(self.geometry, s)
        near, far = right + SIDEWALK_OFFSET_M, left - SIDEWALK_OFFSET_M
        turn = float(wrap_deg(self.geometry.path.pose_at(s)[2] - self.geometry.path.pose_at(self.trigger_s)[2]))
        start, end = (far, near) if turn > 0 else (near, far)   # CARLA yaw grows on a right turn
        self.add_walker("walker", self.crossing_path(s, start, end), 0.0, CROSSING_SPEED_MPS)
