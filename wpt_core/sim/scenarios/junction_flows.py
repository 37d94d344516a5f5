"""Turns at the junction after the trigger against a flow of vehicles (scenario_runner's ActorFlow).

A flow of SUMO vehicles (`sumo_flow.SumoFlow`) drives from a source on one approach of the junction
through it at `flow_speed` (m/s), spaced by `source_dist_interval` m. The turns end 10 m after the
junction and time out after 240 s.

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
from wpt_core.sim.scenarios.sumo_flow import SumoFlow

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
        self.src_lane, link = self.flow_approach()
        self.flow = SumoFlow(self, self.src_lane, self.src_lane.length_m - self.source_factor * self.flow_speed,
                             [self.src_lane.edge_id, self.town.lanes[link.to_lane].edge_id], self.flow_speed,
                             self.interval("source_dist_interval", (25.0, 50.0)))
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
            self.flow.prefill()

    def tick(self) -> None:
        if self.signalised and not self.ego_green and self.elapsed_s() >= GREEN_DELAY_S:
            self.force_lights([(self.in_lane, "G"), (self.src_lane, "G")])
            self.ego_green = True
        self.flow.tick(clear_beyond_m=self.source_factor * self.flow_speed)


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
