"""A flow of SUMO-driven vehicles (scenario_runner's ActorFlow): from a source on one lane along fixed
edges to their end, at a set speed, a new vehicle each time the last one has driven `spacing` m (drawn
per vehicle from an interval) from the source. SUMO drives them, so they keep safe gaps and respect
right of way; they keep to the lanes their path links (ActorFlow turns the traffic manager's lane changes
off); background vehicles are kept off the source lanes so the flow is the only traffic there
(HandleJunctionScenario's `remove_entries`)."""
from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple

from wpt_core.sim.scenarios.base import Scenario
from wpt_core.sim.scenarios.props import CAR_TYPES
from wpt_core.sim.town.town import Lane

END_MARGIN_M = 3.0   # no vehicle is placed closer than this to the source lane's end
EGO_CLEAR_M = 8.0    # nor within this of the ego (CARLA's spawn would fail on the overlap)


class SumoFlow:
    """One lane's flow; its vehicles are the scenario's actors (removed at cleanup)."""

    def __init__(self, scenario: Scenario, lane: Lane, s_m: float, edges: Sequence[str], speed_mps: float,
                 spacing_m: Tuple[float, float], end_s_m: Optional[float] = None) -> None:
        self.scenario = scenario
        self.end_s_m = end_s_m   # prefill: up to here on the last edge (None: the source lane only)
        self.lane = lane
        self.s_m = float(min(max(s_m, 0.0), lane.length_m - END_MARGIN_M))
        self.edges: List[str] = list(edges)
        self.speed = min(speed_mps, lane.speed_mps)
        self.spacing = (float(min(spacing_m)), float(max(spacing_m)))
        self.next_spawn_t = 0.0

    def ego_clear(self, s_m: float, lane: Optional[Lane] = None) -> bool:
        x, y, _ = (lane or self.lane).pose_at(s_m)
        ego = self.scenario.world.ego
        return math.hypot(ego.x_m - x, ego.y_m - y) > EGO_CLEAR_M

    def spawn_at(self, s_m: float, lane: Optional[Lane] = None) -> str:
        scenario, lane = self.scenario, lane or self.lane
        edges = self.edges[self.edges.index(lane.edge_id):]
        vid = scenario.spawn(lane.id, s_m, self.speed, route_edges=edges, keep_lane=True,
                             type_id=CAR_TYPES[len(scenario.actor_ids) % len(CAR_TYPES)])
        scenario.world.set_speed(vid, self.speed)  # the flow's speed, still keeping safe gaps (SUMO speed mode)
        return vid

    def lane_chain(self) -> List[Lane]:
        """The normal lanes the flow drives through: from the source lane, the link into each next edge."""
        town, chain = self.scenario.town, [self.lane]
        for edge in self.edges[1:] if self.end_s_m is not None else []:
            link = next((lk for lk in chain[-1].links if town.lanes[lk.to_lane].edge_id == edge), None)
            if link is None:
                break
            chain.append(town.lanes[link.to_lane])
        return chain

    def prefill(self) -> None:
        """ActorFlow's `initial_actors`: the path from the source to its end (`end_s_m` on the last edge;
        without it, the source lane's end) is already occupied (junctions aside)."""
        rng, gap = self.scenario.ctx.rng, 0.0
        chain = self.lane_chain()
        for k, lane in enumerate(chain):
            start = self.s_m if k == 0 else 0.0
            end = self.end_s_m if k == len(chain) - 1 and k > 0 and self.end_s_m is not None else lane.length_m
            s = start + float(rng.uniform(*self.spacing)) - gap
            while s < min(end, lane.length_m - END_MARGIN_M):
                if self.ego_clear(s, lane):
                    self.spawn_at(s, lane)
                s += float(rng.uniform(*self.spacing))
            gap = lane.length_m - s

    def tick(self, clear_beyond_m: float = 40.0) -> None:
        scenario = self.scenario
        scenario.keep_clear(scenario.town.edges[self.lane.edge_id], beyond_m=clear_beyond_m)
        if scenario.world.time_s >= self.next_spawn_t and self.ego_clear(self.s_m):
            self.spawn_at(self.s_m)
            gap = float(scenario.ctx.rng.uniform(*self.spacing))
            self.next_spawn_t = scenario.world.time_s + gap / max(self.speed, 1.0)
