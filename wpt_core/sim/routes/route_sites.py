"""Where each scenario type may be placed on a town, and its trigger/parameters on a concrete route.

The site contract (what the scenario implementations rely on) is documented in `route_generation`.
A rule has two halves: `anchors` lists the places in the town that can host the type (an edge for
straight-stretch types, an incoming/outgoing edge pair for junction types), and `place` checks a concrete
lane path through such an anchor and returns the trigger (lane index in the path, lane position) and the
`<scenario>` parameters, or None when the chosen lanes do not qualify.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple

import numpy as np

from wpt_core.geometry import wrap_deg
from wpt_core.polyline import end_heading_deg
from wpt_core.sim.routes.flow_sites import SiteFn
from wpt_core.sim.town.town import Lane, Town

Params = Dict[str, Dict[str, str]]
Anchor = Tuple[str, ...]
Placement = Tuple[int, float, Params]
ParamFn = Callable[[random.Random, Dict[str, str]], Params]

TRIGGER_MARGIN_M = 5.0   # keep triggers and stretch ends this far from lane ends
STRAIGHT_TOL_DEG = 10.0
NON_SIGNALISED = frozenset({"priority", "priority_stop", "right_before_left", "allway_stop"})
SIGNALISED = frozenset({"traffic_light", "traffic_light_right_on_red", "traffic_light_unregulated"})


def param(v: object) -> Dict[str, str]:
    """Attributes of a `<tag value="v"/>` scenario parameter."""
    return {"value": str(v)}


def has_left_lane(town: Town, lane: Lane) -> bool:
    """A same-direction driving lane directly to the left (SUMO: the next higher index on the edge)."""
    lanes = town.edges.get(lane.edge_id, [])
    return lane.id in lanes and lanes.index(lane.id) < len(lanes) - 1


def is_two_way_single(town: Town, edge_id: str) -> bool:
    opp = town.opposite_edge(edge_id)
    return len(town.edges[edge_id]) == 1 and opp is not None and len(town.edges[opp]) == 1


def incoming_relative_headings(town: Town, junction_id: str, own_edge: str) -> List[float]:
    """Heading of every other incoming driving edge at its end, relative to `own_edge`'s (deg, CARLA)."""
    own = end_heading_deg(town.lanes[town.edges[own_edge][0]].shape_xy)
    return [float(wrap_deg(end_heading_deg(town.lanes[lanes[0]].shape_xy) - own)) for e, lanes in town.edges.items()
            if town.edge_nodes[e][1] == junction_id and e != own_edge]


@dataclass(frozen=True)
class StretchRule:
    """A straight, junction-free stretch of `min_len_m` after the trigger on one edge."""

    min_len_m: float
    lanes: str = "any"           # 'any' | 'multi' (same-direction lane to the left) | 'two_way_single' | 'kerb'
    params: ParamFn = field(default=lambda rng, ctx: {})
    at_route_start: bool = False  # the trigger is the route's first point (ParkingExit)

    def lane_ok(self, town: Town, lane: Lane) -> bool:
        if self.lanes == "multi":
            return has_left_lane(town, lane)
        if self.lanes == "kerb":   # the rightmost driving lane: the kerb is beside it
            lanes = town.edges.get(lane.edge_id, [])
            return bool(lanes) and lanes[0] == lane.id
        if self.lanes == "two_way_single":
            return is_two_way_single(town, lane.edge_id)
        return True

    def trigger_offset_m(self, town: Town, anchor: Anchor) -> float:
        """Where the trigger can be expected on the anchor (0: near its start, so the route starts before it)."""
        return 0.0

    def anchors(self, town: Town) -> List[Anchor]:
        return [(e,) for e, lanes in sorted(town.edges.items())
                if town.lanes[lanes[0]].length_m >= self.min_len_m + 2 * TRIGGER_MARGIN_M
                and any(self.lane_ok(town, town.lanes[lid]) for lid in lanes)]

    def place(self, town: Town, lanes: Sequence[str], anchor: Anchor, rng: random.Random) -> Optional[Placement]:
        k = next((i for i, lid in enumerate(lanes) if town.lanes[lid].edge_id == anchor[0]), None)
        if k is None:
            return None
        lane = town.lanes[lanes[k]]
        room = lane.length_m - self.min_len_m - 2 * TRIGGER_MARGIN_M
        if not self.lane_ok(town, lane) or room < 0:
            return None
        s = TRIGGER_MARGIN_M + rng.uniform(0.0, min(room, 15.0))
        yaws = [lane.pose_at(x)[2] for x in np.linspace(s, s + self.min_len_m, 12)]
        if max(abs(float(wrap_deg(y - yaws[0]))) for y in yaws) > STRAIGHT_TOL_DEG:
            return None
        return k, s, self.params(rng, {})


@dataclass(frozen=True)
class JunctionRule:
    """The route crosses a junction with a link of direction `dirs`; trigger `before_m` before entry."""

    dirs: FrozenSet[str]
    junction_types: FrozenSet[str]
    before_m: float = 35.0
    need_oncoming: bool = False       # an incoming edge from straight ahead
    need_from_left: bool = False      # an incoming edge from the ego's left
    max_degree: int = 99              # at most this many roads meet there (3: T junctions)
    need_crossing_on_exit: bool = False
    need_stop: bool = False           # the ego's link is 's' (stop) or 'w' (all-way stop)
    side_param: bool = False          # add <direction> = side a crossing edge comes from
    params: ParamFn = field(default=lambda rng, ctx: {})
    points: Optional[SiteFn] = None   # point parameters from the concrete crossing (flows, cut-in); None: no site
    sink_on_route: bool = False       # the route passes end_actor_flow (the scenario ends when the ego gets there)

    def trigger_offset_m(self, town: Town, anchor: Anchor) -> float:
        """The trigger sits `before_m` before the end of the anchor's incoming edge."""
        return town.edge_length_m(anchor[0]) - self.before_m

    def anchors(self, town: Town) -> List[Anchor]:
        out = []
        for e_in, lanes in sorted(town.edges.items()):
            jid = town.edge_nodes[e_in][1]
            junction = town.junctions.get(jid)
            if junction is None or junction.type not in self.junction_types or \
                    not 3 <= town.junction_degree(jid) <= self.max_degree:
                continue
            if town.lanes[lanes[0]].length_m < self.before_m + TRIGGER_MARGIN_M:
                continue
            for e_out, direction in sorted(town.successors(e_in).items()):
                if direction in self.dirs and self._junction_ok(town, e_in, e_out):
                    out.append((e_in, e_out) + self._to_sink(town, e_in, e_out))
        return out

    def _to_sink(self, town: Town, e_in: str, e_out: str) -> Anchor:
        """With `sink_on_route`, the edges after `e_out` up to end_actor_flow's (so routes are walked past it)."""
        if not self.sink_on_route or self.points is None:
            return ()
        sink = self.points(town, town.lanes[town.edges[e_in][0]], e_out, random.Random(0))["end_actor_flow"]
        match = town.nearest_lane((float(sink["x"]), float(sink["y"])))
        return tuple(town.shortest_edge_path(e_out, town.lanes[match.lane_id].edge_id)[1:]) if match else ()

    def _junction_ok(self, town: Town, e_in: str, e_out: str) -> bool:
        rel = incoming_relative_headings(town, town.edge_nodes[e_in][1], e_in)
        if self.need_oncoming and not any(abs(r) > 135.0 for r in rel):
            return False
        if self.need_from_left and not any(45.0 < r < 135.0 for r in rel):   # it heads ego_yaw + 90
            return False
        if self.side_param and not any(45.0 < abs(r) < 135.0 for r in rel):
            return False
        if self.need_crossing_on_exit and not any(e_out in edges for edges in town.crossing_edges.values()):
            return False
        if self.points is not None and self.points(town, town.lanes[town.edges[e_in][0]], e_out,
                                                   random.Random(0)) is None:
            return False
        return True

    def place(self, town: Town, lanes: Sequence[str], anchor: Anchor, rng: random.Random) -> Optional[Placement]:
        k = next((i for i, lid in enumerate(lanes) if town.lanes[lid].edge_id == anchor[0]), None)
        if k is None or k + 1 >= len(lanes):
            return None
        lane = town.lanes[lanes[k]]
        link = town.link_between(lane.id, lanes[k + 1])
        if link is None or link.direction not in self.dirs or (self.need_stop and link.state not in ("s", "w")):
            return None
        if lane.length_m < self.before_m + TRIGGER_MARGIN_M:
            return None
        ctx: Dict[str, str] = {}
        if self.side_param:
            rel = incoming_relative_headings(town, lane.to_junction, lane.edge_id)
            # from the right a crossing car heads ego_yaw − 90 (CARLA yaw grows clockwise)
            ctx["direction"] = "right" if any(-135.0 < r < -45.0 for r in rel) else "left"
        params = self.params(rng, ctx)
        if self.points is not None:
            points = self.points(town, lane, town.lanes[lanes[k + 1 + next(
                i for i, lid in enumerate(lanes[k + 1:]) if not town.lanes[lid].is_internal)]].edge_id, rng)
            if points is None:
                return None
            params = {**points, **params}
        return k, lane.length_m - self.before_m, params
