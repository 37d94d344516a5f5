"""Point parameters of the flow types on a concrete junction crossing (`start_actor_flow`,
`end_actor_flow`): where on the town the flow comes from and goes to, relative to the ego's approach
(CARLA yaw grows clockwise: traffic from the ego's left heads ego yaw + 90). Each function returns None
when the junction has no such approach."""
from __future__ import annotations

import random
from typing import Callable, Dict, Optional

from wpt_core.geometry import wrap_deg
from wpt_core.polyline import end_heading_deg
from wpt_core.sim.town.town import Lane, Town

Params = Dict[str, Dict[str, str]]
SiteFn = Callable[[Town, Lane, str, random.Random], Optional[Params]]

HEADING_TOL_DEG = 35.0
EDGE_MARGIN_M = 5.0


def _incoming(town: Town, junction_id: str, heading_deg: float) -> Optional[str]:
    """The incoming driving edge of the junction whose traffic arrives heading `heading_deg`."""
    for edge, (_, to) in sorted(town.edge_nodes.items()):
        if to == junction_id and edge in town.edges and abs(float(wrap_deg(
                end_heading_deg(town.lanes[town.edges[edge][0]].shape_xy) - heading_deg))) < HEADING_TOL_DEG:
            return edge
    return None


def edge_point(town: Town, edge: str, s_m: float) -> Dict[str, str]:
    """A point on the edge's rightmost lane, `s_m` along it (clipped inside the lane)."""
    lane = town.lanes[town.edges[edge][0]]
    x, y, _ = lane.pose_at(min(max(s_m, EDGE_MARGIN_M), lane.length_m - EDGE_MARGIN_M))
    return {"x": f"{x:.3f}", "y": f"{y:.3f}", "z": "0.0"}


def before_end(town: Town, edge: str, rng: random.Random, lo: float, hi: float) -> Dict[str, str]:
    return edge_point(town, edge, town.edge_length_m(edge) - rng.uniform(lo, hi))


def _straight_successor(town: Town, edge: str) -> Optional[str]:
    return next((e for e, d in sorted(town.successors(edge).items()) if d == "s"), None)


def _heading(lane: Lane) -> float:
    return end_heading_deg(lane.shape_xy)


def oncoming_straight(town: Town, in_lane: Lane, out_edge: str, rng: random.Random) -> Optional[Params]:
    """InterurbanActorFlow: the oncoming flow the left-turning ego crosses, straight through."""
    source = _incoming(town, in_lane.to_junction or "", _heading(in_lane) + 180.0)
    sink = _straight_successor(town, source) if source else None
    if source is None or sink is None:
        return None
    return {"start_actor_flow": before_end(town, source, rng, 50.0, 60.0),
            "end_actor_flow": edge_point(town, sink, rng.uniform(25.0, 35.0))}


def crossing_then_merging(town: Town, in_lane: Lane, out_edge: str, rng: random.Random) -> Optional[Params]:
    """InterurbanAdvancedActorFlow: the first flow crosses in front of the ego from its left; the second
    (the reverse roads, built by the scenario) runs into the ego's exit road after its left turn."""
    source = _incoming(town, in_lane.to_junction or "", _heading(in_lane) + 90.0)
    sink = _straight_successor(town, source) if source else None
    if source is None or sink is None or town.opposite_edge(source) != out_edge or town.opposite_edge(sink) is None:
        return None
    return {"start_actor_flow": before_end(town, source, rng, 50.0, 60.0),
            "end_actor_flow": edge_point(town, sink, rng.uniform(25.0, 35.0))}


def oncoming_cyclists(town: Town, in_lane: Lane, out_edge: str, rng: random.Random) -> Optional[Params]:
    """CrossingBicycleFlow: cyclists come from straight ahead and ride on through the junction."""
    source = _incoming(town, in_lane.to_junction or "", _heading(in_lane) + 180.0)
    if source is None or _straight_successor(town, source) is None:
        return None
    return {"start_actor_flow": before_end(town, source, rng, 55.0, 65.0)}
