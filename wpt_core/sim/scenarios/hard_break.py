"""HardBreakRoute: the vehicle in front of the ego brakes hard without warning.

scenario_runner does this with the background traffic (`StopFrontVehicles`, 10 s stopped, then
`StartFrontVehicles`, end after the ego drives 15 m). Here the front vehicle is a scripted lead placed
ahead of the trigger at route start; it pulls away as the ego approaches, keeping a time gap, so that at
the trigger it is a normal lead car, then brakes at 7.5 m/s² to a stop, stands 10 s and drives on. If at
the trigger it is not yet leading (ego held up behind other traffic), it brakes as soon as it is moving
within 40 m ahead of the ego (at most 15 s later).
"""
from __future__ import annotations

from typing import Optional

from wpt_core.sim.scenarios.base import Scenario
from wpt_core.sim.scenarios.motion import ScriptedMover, actor_boxes
from wpt_core.sim.scenarios.props import make_actor
from wpt_core.types import ActorKind

BRAKE_DECEL_MPS2 = 7.5
STOP_DURATION_S = 10.0
END_DISTANCE_M = 15.0
WAKE_DISTANCE_M = 45.0
MAX_WAIT_S = 15.0


class HardBreakRoute(Scenario):
    type_name = "HardBreakRoute"

    def setup(self) -> None:
        start_s = min(self.trigger_s + 10.0, self.route_length_m - 1.0)
        lead_path = self.geometry.path.sub(0.0, self.route_length_m)
        lane, _ = self.geometry.lane_at(start_s)
        self.cruise_mps = max(lane.speed_mps, 6.0)
        actor = make_actor(self.uid("lead"), "vehicle.lincoln.mkz_2020", ActorKind.VEHICLE, (0.0, 0.0, 0.0))
        self.lead = ScriptedMover(self.world, actor, lead_path, start_s, 0.0, accel_mps2=3.0, decel_mps2=6.0)
        self.movers.append(self.lead)
        self.lead.step()
        self.phase = "follow"
        self.awake = False
        self.stopped_at: Optional[float] = None
        self.restart_ego_s: Optional[float] = None

    def _keep_gap(self) -> None:
        """Before the trigger: wait until the ego comes near, then drive ahead of it with a 12 m + 1.2 s
        gap (slower than the ego while the gap is larger, faster while it is smaller)."""
        ego = self.world.ego
        gap = self.lead.s - self.ego_s
        self.awake = self.awake or gap < WAKE_DISTANCE_M
        if self.awake:
            wanted = 12.0 + 1.2 * ego.speed_mps
            self.lead.target_mps = max(0.0, min(self.cruise_mps, ego.speed_mps - 0.3 * (gap - wanted)))
        self.lead.step(actor_boxes(self.world))

    def idle_tick(self) -> None:
        self._keep_gap()

    def tick(self) -> None:
        if self.phase == "follow":  # brake once the lead is really leading (moving, close ahead of the ego)
            self._keep_gap()
            leading = self.lead.v > 3.0 and self.lead.s - self.ego_s < 40.0
            if leading or self.elapsed_s() > MAX_WAIT_S:
                self.phase = "brake"
                self.lead.target_mps = 0.0
        elif self.phase == "brake":
            self.lead.step(decel_override=BRAKE_DECEL_MPS2)
            if self.lead.v <= 0.0:
                self.phase, self.stopped_at = "stopped", self.world.time_s
        elif self.phase == "stopped":
            self.lead.step()
            if self.world.time_s - (self.stopped_at or 0.0) >= STOP_DURATION_S:
                self.phase, self.restart_ego_s = "go", self.ego_s
                self.lead.target_mps = self.cruise_mps
        elif self.phase == "go":
            self.lead.step(actor_boxes(self.world))
            if self.ego_s >= (self.restart_ego_s or 0.0) + END_DISTANCE_M or self.lead.finished:
                self.hand_over(self.lead)
                self.phase = "over"

    def finished(self) -> bool:
        return self.phase == "over"
