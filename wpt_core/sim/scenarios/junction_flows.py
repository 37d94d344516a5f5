"""Turns at the junction after the trigger against a flow of vehicles (scenario_runner's ActorFlow).

A flow of SUMO vehicles drives from a source on one approach of the junction through it at
`flow_speed` (m/s), a new vehicle each time the last one is `source_dist_interval` m (drawn per vehicle)
from the source; background vehicles are kept off the source approach (HandleJunctionScenario's
`remove_entries`). The turns end 10 m after the junction and time out after 240 s.

- Signalized/NonSignalizedJunctionLeftTurn (signalized_junction_left_turn.py): the ego turns left
  across an oncoming flow going straight; sources 4 × flow_speed m before the junction.
- Signalized/NonSignalizedJunctionLeftTurnEnterFlow (left_turn_enter_flow.py): the oncoming flow turns
  right into the road the ego turns left into, so the ego must merge into it; sources 4 × flow_speed m.
- Signalized/NonSignalizedJunctionRightTurn (signalized_junction_right_turn.py): the ego turns right
  into the road a flow from its left drives straight into; sources 5 × flow_speed m before the junction,
  and the flow's lane is already filled when the scenario starts (`initial_actors`).
The signalised ones hold the ego red and the flow green for 5 s (TrafficLightFreezer), then both green.
"""
from __future__ import annotations

from typing import ClassVar, Tuple

from wpt_core.sim.scenarios.junction_conflicts import JunctionScenario
from wpt_core.sim.scenarios.placement import approaches
from wpt_core.sim.scenarios.props import CAR_TYPES

GREEN_DELAY_S = 5.0


class JunctionFlow(JunctionScenario):
    """A SUMO flow through the junction from the approach at `flow_from_deg` relative to the ego's
    heading (180 oncoming, +90 from the left: CARLA yaw grows clockwise)."""

    timeout_s = 240.0
    signalised: ClassVar[bool] = False
    flow_from_deg: ClassVar[float] = 180.0
    into_ego_exit: ClassVar[bool] = False   # the flow turns into the ego's exit road (else: straight on)
    source_factor: ClassVar[float] = 4.0    # source distance before the junction, × flow_speed
    initial_actors: ClassVar[bool] = False

    def setup(self) -> None:
        if self.signalised:
            self.require_signal()
        self.flow_speed = self.param("flow_speed", float, 20.0)
        self.spacing = self.interval("source_dist_interval", (25.0, 50.0))
        self.src_lane, link = self.flow_approach()
        self.flow_edges = [self.src_lane.edge_id, self.town.lanes[link.to_lane].edge_id]
        self.src_s = max(self.src_lane.length_m - self.source_factor * self.flow_speed, 0.0)
        self.speed = min(self.flow_speed, self.src_lane.speed_mps)
        self.next_spawn_t = 0.0
        self.ego_green = False

    def flow_approach(self) -> Tuple[object, object]:
        """(lane, link) the flow enters the junction by: straight on, or into the ego's exit road."""
        if not self.into_ego_exit:
            return self.approach(self.flow_from_deg)
        found = [(lane, link) for lane, link in approaches(self.town, self.junction_id,
                                                           self.ego_heading + self.flow_from_deg, link_dir=None)
                 if self.town.lanes[link.to_lane].edge_id == self.out_lane.edge_id]
        if not found:
            raise ValueError(f"{self.spec.name}: no approach of junction {self.junction_id} at "
                             f"{self.flow_from_deg:+.0f} deg leads into the route's exit {self.out_lane.edge_id}")
        return found[0]

    def on_trigger(self) -> None:
        if self.signalised:
            self.force_lights([(self.in_lane, "r"), (self.src_lane, "G")])
        if self.initial_actors:
            s = self.src_s + float(self.ctx.rng.uniform(*self.spacing))
            while s < self.src_lane.length_m - 3.0:
                self.spawn_flow_vehicle(s)
                s += float(self.ctx.rng.uniform(*self.spacing))

    def spawn_flow_vehicle(self, s_m: float) -> None:
        vid = self.spawn(self.src_lane.id, s_m, self.speed, route_edges=self.flow_edges,
                         type_id=CAR_TYPES[len(self.actor_ids) % len(CAR_TYPES)])
        self.world.set_speed(vid, self.speed)  # the flow's speed, still keeping safe gaps (SUMO speed mode)

    def tick(self) -> None:
        if self.signalised and not self.ego_green and self.elapsed_s() >= GREEN_DELAY_S:
            self.force_lights([(self.in_lane, "G"), (self.src_lane, "G")])
            self.ego_green = True
        self.keep_clear(self.town.edges[self.src_lane.edge_id], beyond_m=self.source_factor * self.flow_speed)
        if self.world.time_s >= self.next_spawn_t:
            self.spawn_flow_vehicle(self.src_s)
            gap = float(self.ctx.rng.uniform(*self.spacing))
            self.next_spawn_t = self.world.time_s + gap / max(self.speed, 1.0)


class SignalizedJunctionLeftTurn(JunctionFlow):
    type_name = "SignalizedJunctionLeftTurn"
    signalised = True


class NonSignalizedJunctionLeftTurn(JunctionFlow):
    type_name = "NonSignalizedJunctionLeftTurn"


class SignalizedJunctionLeftTurnEnterFlow(JunctionFlow):
    type_name = "SignalizedJunctionLeftTurnEnterFlow"
    signalised = True
    into_ego_exit = True


class NonSignalizedJunctionLeftTurnEnterFlow(JunctionFlow):
    type_name = "NonSignalizedJunctionLeftTurnEnterFlow"
    into_ego_exit = True


class SignalizedJunctionRightTurn(JunctionFlow):
    type_name = "SignalizedJunctionRightTurn"
    signalised = True
    flow_from_deg = 90.0
    source_factor = 5.0
    initial_actors = True


class NonSignalizedJunctionRightTurn(JunctionFlow):
    type_name = "NonSignalizedJunctionRightTurn"
    flow_from_deg = 90.0
    source_factor = 5.0
    initial_actors = True
