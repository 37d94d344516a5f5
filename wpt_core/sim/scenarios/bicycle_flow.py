"""CrossingBicycleFlow (cross_bicycle_flow.py): the ego turns across a flow of cyclists.

Cyclists ride from `start_actor_flow` (the lane there; our towns have no bike lanes, so they keep
to its right edge, where a bike lane would be) through the junction the route enters after the
trigger, straight on, until `END_DIST_FLOW_M` past it, at `flow_speed` (m/s, default 10), spaced by
`source_dist_interval` (m, default 20–50). At a signalised junction the ego's light is held red for 5 s,
then green, every other light red. The scenario ends when the ego leaves the junction; timeout 240 s.
"""
from __future__ import annotations

from wpt_core.sim.scenarios.flows import ScriptedFlow
from wpt_core.sim.scenarios.junction_conflicts import JunctionScenario
from wpt_core.sim.scenarios.motion import actor_boxes
from wpt_core.sim.scenarios.placement import link_path
from wpt_core.types import ActorKind

END_DIST_FLOW_M = 40.0
GREEN_DELAY_S = 5.0
EDGE_GAP_M = 0.6            # a cyclist's centre this far inside the lane's right edge (plus half its width)
BIKE_TYPES = ("vehicle.bh.crossbike", "vehicle.diamondback.century")


class CrossingBicycleFlow(JunctionScenario):
    type_name = "CrossingBicycleFlow"
    timeout_s = 240.0

    def setup(self) -> None:
        attrs = self.spec.params.get("start_actor_flow")
        if not attrs or "x" not in attrs or "y" not in attrs:
            raise ValueError(f"{self.spec.name}: CrossingBicycleFlow needs <start_actor_flow x=.. y=.. z=../>")
        start = (float(attrs["x"]), float(attrs["y"]))
        match = self.town.nearest_lane(start, max_distance_m=10.0)
        if match is None or self.town.lanes[match.lane_id].is_internal:
            raise ValueError(f"{self.spec.name}: start_actor_flow is not near a lane outside junctions")
        lane = self.town.lanes[match.lane_id]
        if lane.to_junction != self.junction_id:
            raise ValueError(f"{self.spec.name}: the bicycle flow's lane does not lead into junction "
                             f"{self.junction_id}")
        link = next((lk for lk in lane.links if lk.direction == "s"), lane.links[0] if lane.links else None)
        if link is None:
            raise ValueError(f"{self.spec.name}: lane {lane.id} has no way through junction {self.junction_id}")
        path = link_path(self.town, lane, link, match.s_m, END_DIST_FLOW_M)
        lateral = lane.width_m / 2 - EDGE_GAP_M
        self.flow = ScriptedFlow(self, path, "bicycle", self.interval("source_dist_interval", (20.0, 50.0)),
                                 self.param("flow_speed", float, 10.0), lateral_m=lateral, type_ids=BIKE_TYPES,
                                 kind=ActorKind.BICYCLE)
        self.end_s = self.exit_s
        self.ego_green = False

    def on_trigger(self) -> None:
        if self.tls_id is not None:
            self.force_lights([(self.in_lane, "r")])

    def tick(self) -> None:
        if self.tls_id is not None and not self.ego_green and self.elapsed_s() >= GREEN_DELAY_S:
            self.force_lights([(self.in_lane, "G")])
            self.ego_green = True
        self.flow.tick(actor_boxes(self.world))
