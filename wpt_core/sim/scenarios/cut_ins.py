"""Cut-ins: a vehicle pulls into the ego lane just in front of the ego.

ParkingCutIn (scenario_runner parking_cut_in.py): a blocker parked 28 m and the adversary parked 35 m
after the trigger at the right road edge; the adversary pulls out when the ego is 2.35 s or 10 m away,
then drives on for 30 m. StaticCutIn (cut_in_with_static_vehicle.py): a stopped queue in the adjacent
lane around `distance` m after the trigger (2 vehicles behind, 3 in front, 11 m gaps); the queue vehicle
at `distance` cuts in when the ego is 2.7 s or 15 m away, then drives on for 70 m.
"""
from __future__ import annotations

from typing import Optional

from wpt_core.sim.scenarios.base import Scenario
from wpt_core.sim.scenarios.motion import ScriptedMover
from wpt_core.sim.scenarios.placement import neighbour, smooth_shift_path
from wpt_core.sim.scenarios.props import CAR_TYPES, make_actor, size_of
from wpt_core.types import ActorKind


class _CutIn(Scenario):
    """Shared: an adversary that leaves its spot on a smooth path into the ego lane when the ego is near."""

    reaction_time_s = 2.35
    min_trigger_dist_m = 10.0
    shift_m = 12.0
    drive_on_m = 30.0
    speed_mps = 6.0
    accel_mps2 = 3.0

    def __init__(self, spec, ctx) -> None:
        super().__init__(spec, ctx)
        self.direction = self.param("direction", str, self.default_direction)
        self.adversary: Optional[ScriptedMover] = None
        self.adversary_s = 0.0
        self.adversary_lateral = 0.0

    default_direction = "right"

    def cut_in_now(self) -> bool:
        x, y, _ = self.geometry.path.pose_at(self.adversary_s, self.adversary_lateral)
        dist, tta = self.ego_time_to((x, y))
        return tta <= self.reaction_time_s or dist <= self.min_trigger_dist_m

    def start_cut_in(self) -> None:
        """Replace the parked/queued adversary by a scripted one moving into the ego lane."""

    def tick(self) -> None:
        if self.adversary is None:
            if self.ego_s < self.adversary_s and self.cut_in_now():
                self.start_cut_in()
            return
        self.adversary.step()
        if self.adversary.finished:
            self.hand_over(self.adversary)
            self.done_driving = True

    def finished(self) -> bool:
        return getattr(self, "done_driving", False) or self.ego_s > self.adversary_s + self.drive_on_m + 20.0

    def make_mover(self, name: str, type_id: str, speed0: float = 0.0) -> ScriptedMover:
        path = smooth_shift_path(self.geometry.path, self.adversary_s, self.adversary_lateral, 0.0,
                                 self.shift_m, self.shift_m + self.drive_on_m)
        actor = make_actor(self.uid(name), type_id, ActorKind.VEHICLE, (0.0, 0.0, 0.0))
        mover = ScriptedMover(self.world, actor, path, 0.0, speed0, accel_mps2=self.accel_mps2)
        mover.target_mps = self.speed_mps
        self.movers.append(mover)
        return mover


class ParkingCutIn(_CutIn):
    type_name = "ParkingCutIn"

    def setup(self) -> None:
        sign = 1.0 if self.direction == "right" else -1.0
        self.adversary_s = self.trigger_s + 35.0
        if self.adversary_s + 10.0 > self.route_length_m:
            raise ValueError(f"{self.spec.name}: route too short after the trigger for ParkingCutIn")
        half_lane = self.geometry.lane_width_at(self.adversary_s) / 2
        self.adversary_lateral = sign * (half_lane + size_of(CAR_TYPES[0])[1] / 2)  # just off the lane, kerbside
        blocker = self.geometry.path.pose_at(self.trigger_s + 28.0 - 5.5, self.adversary_lateral)
        self.add_static(make_actor(self.uid("blocker"), CAR_TYPES[1], ActorKind.STATIC, blocker), block_lane=False)
        parked = self.geometry.path.pose_at(self.adversary_s, self.adversary_lateral)
        self.parked_id = self.add_static(make_actor(self.uid("parked"), CAR_TYPES[0], ActorKind.STATIC, parked),
                                         block_lane=False)

    def start_cut_in(self) -> None:
        self.world.remove(self.parked_id)
        self.actor_ids.remove(self.parked_id)
        self.adversary = self.make_mover("adversary", CAR_TYPES[0])


class StaticCutIn(_CutIn):
    type_name = "StaticCutIn"
    default_direction = "left"
    reaction_time_s = 2.7
    min_trigger_dist_m = 15.0
    shift_m = 15.0
    drive_on_m = 70.0
    speed_mps = 8.0
    accel_mps2 = 4.0
    gap_m = 11.0

    def setup(self) -> None:
        self.adversary_s = self.trigger_s + self.param("distance", float, 100.0)
        if self.adversary_s + 3 * self.gap_m > self.route_length_m:
            raise ValueError(f"{self.spec.name}: route too short after the trigger for StaticCutIn")
        lane, _ = self.geometry.lane_at(self.adversary_s)
        side = neighbour(self.town, lane, self.direction)
        if side is None:
            raise ValueError(f"{self.spec.name}: lane {lane.id} has no {self.direction} neighbour for the queue")
        side_shape = side.path
        side_s, _, _ = side_shape.project(self.geometry.path.pose_at(self.adversary_s)[:2])
        _, self.adversary_lateral, _ = self.geometry.path.project(side_shape.pose_at(side_s)[:2])
        for k in (-2, -1, 1, 2, 3):  # vehicle centres `gap_m` apart
            pose = self.geometry.path.pose_at(self.adversary_s + k * self.gap_m, self.adversary_lateral)
            self.add_static(make_actor(self.uid(f"queue{k}"), CAR_TYPES[(k + 2) % len(CAR_TYPES)],
                                       ActorKind.STATIC, pose), block_lane=True)
        self.adversary = None
        self.waiting = self.make_mover("adversary", CAR_TYPES[0])
        self.waiting.target_mps = 0.0
        self.waiting.step()

    def start_cut_in(self) -> None:
        self.adversary = self.waiting
        self.adversary.target_mps = self.speed_mps
