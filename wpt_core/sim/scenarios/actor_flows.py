"""Flows between two points the route XML names (scenario_runner's actor_flow.py).

Each type reads `start_actor_flow` and `end_actor_flow` (x, y, z; CARLA frame), `flow_speed` (m/s,
default 10) and `source_dist_interval` (m, default 20–50): SUMO vehicles (`sumo_flow.SumoFlow`) drive
from the driving lane at the start point along the shortest edge path to the end point's edge; a
pre-filled flow is filled from the start point to the end point (ActorFlow's `initial_actors`). All
time out after 240 s.

- EnterActorFlow: a flow on every lane of the start point's road, already filled when the scenario
  starts; the ego must merge into it. Ends when the ego reaches the end point (within `SINK_REACH_M`
  of the route; any lane of that road counts).
- EnterActorFlowV2 (a dedicated entry lane): one flow from the start lane, already filled; ends when the
  ego reaches the end point.
- MergerIntoSlowTraffic / MergerIntoSlowTrafficV2: one (slow) flow from the start lane, already filled;
  the ego merges into it. Ends when the ego reaches the end point.
- HighwayExit: one flow, already filled, that the ego must cut across to leave the road. Ends when the
  ego leaves the first junction after the trigger.
- InterurbanActorFlow: the ego turns across a flow (not pre-filled). Ends when it leaves the junction.
- InterurbanAdvancedActorFlow: two flows: the first from start to end, the second in the opposite
  direction (from the end point's reverse road to the start point's reverse road); the ego crosses the
  first and merges into the second. Ends when the ego is past the second flow's end.
"""
from __future__ import annotations

from typing import ClassVar, List, Optional, Tuple

from wpt_core.sim.scenarios.base import Scenario
from wpt_core.sim.scenarios.sumo_flow import SumoFlow
from wpt_core.sim.town.town import Lane

SINK_REACH_M = 12.0      # a point this close to the route is on it (another lane of the same road counts)
SOURCE_CLEAR_M = 40.0    # background vehicles are taken off the source lanes beyond this from the ego


class _ActorFlow(Scenario):
    timeout_s = 240.0
    every_lane: ClassVar[bool] = False      # EnterActorFlow: a flow on each lane of the source road
    initial_actors: ClassVar[bool] = True
    end_at_sink: ClassVar[bool] = True      # else: when the ego leaves the first junction after the trigger

    def point(self, name: str) -> Tuple[float, float]:
        attrs = self.spec.params.get(name)
        if not attrs or "x" not in attrs or "y" not in attrs:
            raise ValueError(f"{self.spec.name}: {self.type_name} needs <{name} x=.. y=.. z=../>")
        return float(attrs["x"]), float(attrs["y"])

    def lane_near(self, xy: Tuple[float, float], name: str) -> Tuple[Lane, float]:
        match = self.town.nearest_lane(xy, max_distance_m=5.0)
        if match is None or self.town.lanes[match.lane_id].is_internal:
            raise ValueError(f"{self.spec.name}: {name} ({xy[0]:.1f}, {xy[1]:.1f}) is not on a road outside junctions")
        lane = self.town.lanes[match.lane_id]
        return lane, lane.lane_metres(match.s_m)

    def make_flow(self, source: Tuple[float, float], sink: Tuple[float, float], every_lane: bool) -> List[SumoFlow]:
        src_lane, src_s = self.lane_near(source, "start_actor_flow")
        sink_lane, sink_s = self.lane_near(sink, "end_actor_flow")
        edges = self.town.shortest_edge_path(src_lane.edge_id, sink_lane.edge_id)
        lanes = [self.town.lanes[lid] for lid in self.town.edges[src_lane.edge_id]] if every_lane else [src_lane]
        speed = self.param("flow_speed", float, 10.0)
        spacing = self.interval("source_dist_interval", (20.0, 50.0))
        return [SumoFlow(self, lane, src_s, edges, speed, spacing, end_s_m=sink_s) for lane in lanes]

    def setup(self) -> None:
        self.source, self.sink = self.point("start_actor_flow"), self.point("end_actor_flow")
        self.flows = self.make_flow(self.source, self.sink, self.every_lane)
        self.end_s = self.geometry.s_of(self.sink, SINK_REACH_M) if self.end_at_sink else \
            self.geometry.exit_after(self.trigger_s)

    def on_trigger(self) -> None:
        if self.initial_actors:
            for flow in self.flows:
                flow.prefill()

    def tick(self) -> None:
        for flow in self.flows:
            flow.tick(clear_beyond_m=SOURCE_CLEAR_M)


class EnterActorFlow(_ActorFlow):
    type_name = "EnterActorFlow"
    every_lane = True


class EnterActorFlowV2(_ActorFlow):
    type_name = "EnterActorFlowV2"


class MergerIntoSlowTraffic(_ActorFlow):
    type_name = "MergerIntoSlowTraffic"


class MergerIntoSlowTrafficV2(_ActorFlow):
    type_name = "MergerIntoSlowTrafficV2"


class HighwayExit(_ActorFlow):
    type_name = "HighwayExit"
    end_at_sink = False


class InterurbanActorFlow(_ActorFlow):
    type_name = "InterurbanActorFlow"
    initial_actors = False
    end_at_sink = False


class InterurbanAdvancedActorFlow(_ActorFlow):
    type_name = "InterurbanAdvancedActorFlow"
    initial_actors = False

    def setup(self) -> None:
        self.source, self.sink = self.point("start_actor_flow"), self.point("end_actor_flow")
        self.flows = self.make_flow(self.source, self.sink, False)
        src_lane, _ = self.lane_near(self.source, "start_actor_flow")
        sink_lane, _ = self.lane_near(self.sink, "end_actor_flow")
        back_source, back_sink = self.reverse_point(sink_lane, self.sink), self.reverse_point(src_lane, self.source)
        self.flows += self.make_flow(back_source, back_sink, False)
        self.end_s = self.geometry.s_of(back_sink, SINK_REACH_M)

    def reverse_point(self, lane: Lane, xy: Tuple[float, float]) -> Tuple[float, float]:
        """The point beside `xy` on the road's other direction (CARLA's `get_left_lane` on a two-way road)."""
        other: Optional[str] = self.town.opposite_edge(lane.edge_id)
        if other is None:
            raise ValueError(f"{self.spec.name}: road {lane.edge_id} has no lane in the other direction")
        reverse = self.town.lanes[self.town.edges[other][-1]]
        s, _, _ = reverse.path.project(xy)
        x, y, _ = reverse.path.pose_at(s)
        return x, y
