"""Give-way scenarios (yield_to_emergency_vehicle.py, invading_turn.py).

YieldToEmergencyVehicle: at the trigger an ambulance appears `distance` m behind on the route lane and
drives at the ego's speed + 25 km/h, keeping to the route lane (it never overtakes: it queues behind
whatever is in its lane). Once it is within 50 m of the ego the ego has 10 s; if the ambulance is then
still behind the ego → 'yield_emergency_vehicle_infractions' (leaderboard's YieldToEmergencyVehicleTest).
The scenario also ends (passed) when the ambulance is in front of the ego and has driven 50 m more.
InvadingTurn: from the trigger, oncoming cars every 40 m in the opposite lane, shifted `offset` m
(+ lane width / 2 − 0.7) towards the ego lane, from trigger + `distance` + 30 m (B2D's source, clamped to
the start of the opposite lane) down to the trigger, with cones on their right over half that stretch;
background traffic is kept out of the ego lane there (B2D's RemoveRoadLane). Cars appear only while the
ego is at least 50 m from the source and brake for what is in their way; one held up by the ego moves
back into its own lane. Ends when the ego is past the source (B2D: in front of it), 240 s timeout.
"""
from __future__ import annotations

import math
from typing import Optional

from wpt_core.leaderboard.infractions import DEFAULT_MESSAGES, YIELD_EMERGENCY
from wpt_core.sim.scenarios.base import Scenario
from wpt_core.sim.scenarios.flows import ScriptedFlow
from wpt_core.sim.scenarios.motion import ScriptedMover, actor_boxes
from wpt_core.sim.scenarios.placement import opposite_lane
from wpt_core.sim.scenarios.props import make_actor
from wpt_core.types import ActorKind

EV_TYPE = "vehicle.ford.ambulance"
EV_SPEED_INCREMENT_MPS = 25.0 / 3.6
EV_NEAR_M = 50.0
EV_IDLE_S = 10.0
EV_END_M = 50.0


class YieldToEmergencyVehicle(Scenario):
    type_name = "YieldToEmergencyVehicle"

    def setup(self) -> None:
        self.distance = self.param("distance", float, 140.0)
        self.ev: Optional[ScriptedMover] = None
        self.near_since: Optional[float] = None
        self.passed_at_s: Optional[float] = None
        self.result: Optional[bool] = None
        self.start_s = max(self.trigger_s - self.distance, 0.0)
        if self.trigger_s - self.start_s < 15.0:
            raise ValueError(f"{self.spec.name}: no room on the route behind the trigger for the emergency vehicle")

    def on_trigger(self) -> None:
        start_s = max(min(self.start_s, self.ego_s - 15.0), 0.0)
        actor = make_actor(self.uid("ambulance"), EV_TYPE, ActorKind.VEHICLE, (0.0, 0.0, 0.0), is_emergency=True)
        speed = self.world.ego.speed_mps + EV_SPEED_INCREMENT_MPS
        self.ev = ScriptedMover(self.world, actor, self.geometry.path, start_s, speed, accel_mps2=3.5)
        self.movers.append(self.ev)

    def ev_in_front(self) -> bool:
        """The leaderboard's test: the ego is not ahead along the ambulance's heading."""
        ego = self.world.ego
        x, y, yaw = self.ev.pose
        return (ego.x_m - x) * math.cos(math.radians(yaw)) + (ego.y_m - y) * math.sin(math.radians(yaw)) <= 0.0

    def clear_ev_lane(self) -> None:
        """Bench2Drive's RemoveRoadLane: no background car between the ambulance and the ego in the route
        lane (taken out while more than 20 m from the ego), so only the ego can hold the ambulance up."""
        ego = self.world.ego
        for actor in self.world.scene().actors:
            if actor.role != "background" or math.hypot(actor.x_m - ego.x_m, actor.y_m - ego.y_m) <= 20.0:
                continue
            s, lateral, _ = self.geometry.path.project((actor.x_m, actor.y_m))
            if self.ev.s < s < self.ego_s and abs(lateral) < 1.5:
                self.world.remove(actor.id)

    def tick(self) -> None:
        ego = self.world.ego
        if self.passed_at_s is None:
            self.clear_ev_lane()
        self.ev.target_mps = ego.speed_mps + EV_SPEED_INCREMENT_MPS
        self.ev.step(actor_boxes(self.world))
        x, y, _ = self.ev.pose
        if self.near_since is None and math.hypot(ego.x_m - x, ego.y_m - y) <= EV_NEAR_M:
            self.near_since = self.world.time_s
        if self.passed_at_s is None and self.ev_in_front():
            self.passed_at_s = self.ev.s
        if self.passed_at_s is not None and (self.ev.s >= self.passed_at_s + EV_END_M or self.ev.finished):
            self.result = True
        elif self.near_since is not None and self.world.time_s - self.near_since >= EV_IDLE_S:
            self.result = self.ev_in_front()
            if not self.result:
                self.ctx.report_infraction(YIELD_EMERGENCY, DEFAULT_MESSAGES[YIELD_EMERGENCY], ego.x_m, ego.y_m)
        if self.result:  # past the ego it drives on as traffic; still behind it, it is taken away (B2D)
            self.hand_over(self.ev)

    def finished(self) -> bool:
        return self.result is not None


class InvadingTurn(Scenario):
    type_name = "InvadingTurn"
    timeout_s = 240.0
    spacing_m = 40.0
    speed_mps = 8.0
    source_extra_m = 30.0  # B2D: the flow starts this far beyond trigger + distance

    def setup(self) -> None:
        distance = self.param("distance", float, 100.0)
        offset = self.param("offset", float, 0.25)
        far_s = min(self.trigger_s + distance, self.route_length_m - 1.0)
        lane, _ = self.geometry.lane_at(self.trigger_s + 1.0)
        other = opposite_lane(self.town, lane)
        if other is None:
            raise ValueError(f"{self.spec.name}: lane {lane.id} has no opposite lane for the invading flow")
        shape = other.path
        source_xy = self.geometry.path.pose_at(far_s + self.source_extra_m)[:2]
        source_s, _, _ = shape.project(source_xy)
        sink_s, _, _ = shape.project(self.geometry.path.pose_at(self.trigger_s)[:2])
        if sink_s - source_s < 20.0:
            raise ValueError(f"{self.spec.name}: opposite lane {other.id} too short for the invading flow")
        flow_path = shape.sub(source_s, sink_s)
        self.end_s = max(far_s, min(self.geometry.path.project(flow_path.pose_at(0.0)[:2])[0],
                                    self.route_length_m - 1.0))
        shift_m = -(offset + other.width_m / 2 - 0.7)  # to the flow's left, i.e. into the ego lane
        self.flow = ScriptedFlow(self, flow_path, "invader", (self.spacing_m, self.spacing_m), self.speed_mps,
                                 lateral_m=shift_m, corridor_margin_m=0.0, yield_sideways=True)
        self.flow_edge = other.edge_id
        self.ego_lanes = sorted({self.geometry.lane_at(s)[0].id for s in
                                 range(int(self.trigger_s), int(self.end_s) + 1, 10)})
        cone_lat = 0.8 * other.width_m / 2
        cone_s = 10.0
        while cone_s < min(10.0 + 0.5 * distance, flow_path.length_m):
            pose = flow_path.pose_at(cone_s, cone_lat)
            self.add_static(make_actor(self.uid(f"cone{int(cone_s)}"), "static.prop.constructioncone",
                                       ActorKind.STATIC, pose), block_lane=False)
            cone_s += 5.0

    def tick(self) -> None:
        self.keep_clear(self.town.edges[self.flow_edge])
        self.keep_clear(self.ego_lanes)
        self.flow.tick(actor_boxes(self.world))
