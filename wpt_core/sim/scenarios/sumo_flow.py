"""A flow of SUMO-driven vehicles (scenario_runner's ActorFlow): from a source on one lane along fixed
edges to their end, at a set speed, a new vehicle each time the last one has driven `spacing` m (drawn
per vehicle from an interval) from the source. SUMO drives them, so they keep safe gaps and respect
right of way; background vehicles are kept off the source lanes so the flow is the only traffic there
(HandleJunctionScenario's `remove_entries`)."""
from __future__ import annotations

import math
from typing import List, Sequence, Tuple

from wpt_core.sim.scenarios.base import Scenario
from wpt_core.sim.scenarios.props import CAR_TYPES
from wpt_core.sim.town.town import Lane

END_MARGIN_M = 3.0   # no vehicle is placed closer than this to the source lane's end
EGO_CLEAR_M = 8.0    # nor within this of the ego (CARLA's spawn would fail on the overlap)


class SumoFlow:
    """One lane's flow; its vehicles are the scenario's actors (removed at cleanup)."""

    def __init__(self, scenario: Scenario, lane: Lane, s_m: float, edges: Sequence[str], speed_mps: float,
                 spacing_m: Tuple[float, float]) -> None:
        self.scenario = scenario
        self.lane = lane
        self.s_m = float(min(max(s_m, 0.0), lane.length_m - END_MARGIN_M))
        self.edges: List[str] = list(edges)
        self.speed = min(speed_mps, lane.speed_mps)
        self.spacing = (float(min(spacing_m)), float(max(spacing_m)))
        self.next_spawn_t = 0.0

    def ego_clear(self, s_m: float) -> bool:
        x, y, _ = self.lane.pose_at(s_m)
        ego = self.scenario.world.ego
        return math.hypot(ego.x_m - x, ego.y_m - y) > EGO_CLEAR_M

    def spawn_at(self, s_m: float) -> str:
        scenario = self.scenario
        vid = scenario.spawn(self.lane.id, s_m, self.speed, route_edges=self.edges,
                             type_id=CAR_TYPES[len(scenario.actor_ids) % len(CAR_TYPES)])
        scenario.world.set_speed(vid, self.speed)  # the flow's speed, still keeping safe gaps (SUMO speed mode)
        return vid

    def prefill(self) -> None:
        """ActorFlow's `initial_actors`: the source lane from the source to its end is already occupied."""
        s = self.s_m + float(self.scenario.ctx.rng.uniform(*self.spacing))
        while s < self.lane.length_m - END_MARGIN_M:
            if self.ego_clear(s):
                self.spawn_at(s)
            s += float(self.scenario.ctx.rng.uniform(*self.spacing))

    def tick(self, clear_beyond_m: float = 40.0) -> None:
        scenario = self.scenario
        scenario.keep_clear(scenario.town.edges[self.lane.edge_id], beyond_m=clear_beyond_m)
        if scenario.world.time_s >= self.next_spawn_t and self.ego_clear(self.s_m):
            self.spawn_at(self.s_m)
            gap = float(scenario.ctx.rng.uniform(*self.spacing))
            self.next_spawn_t = scenario.world.time_s + gap / max(self.speed, 1.0)
