"""Pedestrians crossing in front of the ego (scenario_runner pedestrian_crossing.py, object_crash_vehicle.py).

PedestrianCrossing: three walkers wait at the kerb of the crosswalk on the exit of the junction after
the trigger and cross (idle 0–1.5 s, 1.3–2.0 m/s) when the ego is 3.5 s or 12 m from the crosswalk.
DynamicObjectCrossing: a blocker (vending machine or parked car, `blocker_model`) stands on the
`direction` side `distance` m after the trigger; a walker hidden just behind it crosses at 2 m/s when
the ego is 2.1 s or 6 m away. Walkers are scripted (not SUMO persons) so they cross exactly then.
"""
from __future__ import annotations

from typing import List, Optional, Tuple

import numpy as np

from wpt_core.sim.scenarios.base import Scenario
from wpt_core.sim.scenarios.motion import ScriptedMover
from wpt_core.polyline import Polyline
from wpt_core.sim.scenarios.props import CAR_TYPES, WALKER_TYPE, make_actor, size_of
from wpt_core.types import ActorKind

END_DISTANCE_M = 40.0


class _WalkersScenario(Scenario):
    """Walkers standing still until `start_walking`, then following their paths and vanishing at the end."""

    reaction_time_s = 3.5
    min_trigger_dist_m = 12.0

    def __init__(self, spec, ctx) -> None:
        super().__init__(spec, ctx)
        self.walkers: List[Tuple[ScriptedMover, float, float]] = []  # mover, idle time, speed
        self.walk_start: Optional[float] = None
        self.conflict_xy = (0.0, 0.0)
        self.conflict_s = 0.0

    def add_walker(self, name: str, path: Polyline, idle_s: float, speed_mps: float, type_id: str = WALKER_TYPE,
                   kind: ActorKind = ActorKind.WALKER) -> None:
        """A crosser (a walker, or a cyclist riding across) standing at the start of `path`."""
        actor = make_actor(self.uid(name), type_id, kind, (0.0, 0.0, 0.0))
        mover = ScriptedMover(self.world, actor, path, 0.0, 0.0, accel_mps2=4.0, in_sumo=False)
        mover.target_mps = 0.0
        mover.step()
        self.movers.append(mover)
        self.walkers.append((mover, idle_s, speed_mps))

    def tick(self) -> None:
        if self.walk_start is None:
            dist, tta = self.ego_time_to(self.conflict_xy)
            if tta <= self.reaction_time_s or dist <= self.min_trigger_dist_m:
                self.walk_start = self.world.time_s
        for mover, idle_s, speed in list(self.walkers):
            if self.walk_start is not None and self.world.time_s - self.walk_start >= idle_s:
                mover.target_mps = speed
            mover.step()
            if mover.finished:
                mover.remove()
                self.movers.remove(mover)
                self.walkers.remove((mover, idle_s, speed))

    def finished(self) -> bool:
        return (self.walk_start is not None and not self.walkers) or self.ego_s > self.conflict_s + END_DISTANCE_M


class PedestrianCrossing(_WalkersScenario):
    type_name = "PedestrianCrossing"

    def crosswalk(self) -> Polyline:
        """The crossing over the route's exit lane of the first junction after the trigger, right kerb first."""
        junction_id, _, _ = self.geometry.junction_after(self.trigger_s)
        _, _, exit_lane = self.geometry.lanes_around(junction_id)
        exit_start = np.asarray(exit_lane.shape_xy[0])
        best: Optional[Tuple[float, Polyline]] = None
        for lane in self.town.lanes.values():
            if lane.kind != "crossing" or lane.junction_id != junction_id:
                continue
            path = lane.path
            _, _, d = path.project(exit_start)
            if best is None or d < best[0]:
                best = (d, path)
        if best is None or best[0] > 8.0:
            raise ValueError(f"{self.spec.name}: junction {junction_id} has no crosswalk over the route's exit")
        path = best[1]
        _, lat_first, _ = self.geometry.path.project(path.xy[0])
        return path if lat_first > 0 else Polyline(path.xy[::-1])

    def setup(self) -> None:
        self.walk = self.crosswalk()  # found at route start: a site without one is skipped, not crashed
        walk = self.walk
        hits = [self.geometry.path.project(walk.pose_at(s)[:2]) for s in np.arange(0.0, walk.length_m, 0.25)]
        self.conflict_s = min(hits, key=lambda h: h[2])[0]  # where the route crosses the crosswalk
        self.conflict_xy = self.geometry.path.pose_at(self.conflict_s)[:2]

    def on_trigger(self) -> None:
        walk = self.walk
        # kerb-side start points, spread along and across the crosswalk (scenario_runner's walker_data)
        for k, (back_m, across_m) in enumerate(((1.5, -1.0), (2.5, 0.0), (0.5, 1.0))):
            start = walk.pose_at(0.0, across_m)
            yaw = np.radians(start[2])
            begin = (start[0] - back_m * np.cos(yaw), start[1] - back_m * np.sin(yaw))
            end = walk.pose_at(walk.length_m, across_m)
            far = (end[0] + 1.0 * np.cos(yaw), end[1] + 1.0 * np.sin(yaw))
            self.add_walker(f"walker{k}", Polyline(np.array([begin, start[:2], end[:2], far])),
                            float(self.ctx.rng.uniform(0.0, 1.5)), float(self.ctx.rng.uniform(1.3, 2.0)))


class DynamicObjectCrossing(_WalkersScenario):
    type_name = "DynamicObjectCrossing"
    reaction_time_s = 2.1
    min_trigger_dist_m = 6.0
    walker_speed_mps = 2.0

    def blocker_model(self) -> str:
        return self.param("blocker_model", str, "static.prop.vendingmachine")

    def setup(self) -> None:
        distance = self.param("distance", float, 12.0)
        direction = self.param("direction", str, "right")
        model = self.blocker_model()
        sign = 1.0 if direction == "right" else -1.0
        blocker_s = self.trigger_s + distance
        if blocker_s + 10.0 > self.route_length_m:
            raise ValueError(f"{self.spec.name}: route too short after the trigger for DynamicObjectCrossing")
        half_lane = self.geometry.lane_width_at(blocker_s) / 2
        is_car = model.startswith("vehicle")
        type_id = CAR_TYPES[0] if is_car and "*" in model else model  # 'vehicle.*' patterns: a sedan
        length, width, _ = size_of(type_id)
        blocker_lat = sign * (half_lane + (width / 2 + 0.05 if is_car else 1.5))
        x, y, yaw = self.geometry.path.pose_at(blocker_s, blocker_lat)
        self.add_static(make_actor(self.uid("blocker"), type_id, ActorKind.STATIC,
                                   (x, y, yaw if is_car else yaw + 90.0)), block_lane=False)
        self.conflict_s = blocker_s + (length if is_car else width) / 2 + 0.5 + 0.25
        walker_lat = sign * (half_lane + 1.5)
        far_lat = -sign * (half_lane + 4.0)
        path = np.array([self.geometry.path.pose_at(self.conflict_s, lat)[:2] for lat in (walker_lat, far_lat)])
        self.conflict_xy = self.geometry.path.pose_at(self.conflict_s)[:2]
        self.add_walker("walker", Polyline(path), 0.0, self.walker_speed_mps)
        if is_car and self.second_car:  # the walker stands in the gap between two parked cars
            pose = self.geometry.path.pose_at(self.conflict_s + 0.75 + length / 2, blocker_lat)
            self.add_static(make_actor(self.uid("parked2"), CAR_TYPES[1], ActorKind.STATIC, pose), block_lane=False)

    second_car = False


class ParkingCrossingPedestrian(DynamicObjectCrossing):
    """A pedestrian steps out between two cars parked at the kerb (scenario_runner's variant of
    DynamicObjectCrossing with a vehicle blocker; 2.15 s reaction time)."""

    type_name = "ParkingCrossingPedestrian"
    reaction_time_s = 2.15
    second_car = True

    def blocker_model(self) -> str:
        return CAR_TYPES[0]
