"""Where to put scenario actors: arc-length geometry on the route and on town lanes.

Scenario parameters are distances along the route ("the obstacle `distance` m after the trigger"), so
everything here works in route arc length s (metres from the first route point) and in the CARLA frame.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from wpt_core.geometry import wrap_deg
from wpt_core.polyline import Polyline, end_heading_deg
from wpt_core.sim.town.town import Lane, Town
from wpt_core.types import DenseRoute

@dataclass
class RouteLayout:
    """The route as a path plus the lanes it runs on, for 'where along the route' questions."""

    route: DenseRoute
    lanes: List[str]
    town: Town

    def __post_init__(self) -> None:
        self.path = Polyline(self.route.xy_m)
        self._s_points = self.route.cumulative_length_m()

    def s_of(self, xy: Sequence[float], max_distance_m: float = 10.0) -> float:
        """Arc length of the route point nearest to `xy`; error if the route does not pass near it."""
        s, _, d = self.path.project(xy)
        if d > max_distance_m:
            raise ValueError(f"point ({xy[0]:.1f}, {xy[1]:.1f}) is {d:.1f} m from the route (> {max_distance_m} m)")
        return s

    def index_at(self, s_m: float) -> int:
        return int(np.clip(np.searchsorted(self._s_points, s_m), 0, len(self._s_points) - 1))

    def lane_width_at(self, s_m: float) -> float:
        return float(self.route.lane_width_m[self.index_at(s_m)])

    def lane_at(self, s_m: float) -> Tuple[Lane, float]:
        """The route lane under route position s and the position along that lane (SUMO lane metres)."""
        x, y, _ = self.path.pose_at(s_m)
        best: Optional[Tuple[float, Lane, float]] = None
        for lane_id in self.lanes:
            lane = self.town.lanes[lane_id]
            s_lane, _, d = lane.path.project((x, y))
            if best is None or d < best[0] - 1e-6:
                best = (d, lane, s_lane)
        assert best is not None
        return best[1], best[1].lane_metres(best[2])

    def junction_after(self, s_m: float) -> Tuple[str, float, float]:
        """(junction id, entry s, exit s) of the first junction the route enters after s."""
        inside = np.asarray(self.route.in_junction, dtype=bool)
        idx = np.nonzero(inside & (self._s_points >= s_m))[0]
        if len(idx) == 0:
            raise ValueError(f"the route enters no junction after s = {s_m:.0f} m")
        first = int(idx[0])
        last = first
        while last + 1 < len(inside) and inside[last + 1]:
            last += 1
        entry_s, exit_s = float(self._s_points[first]), float(self._s_points[last])
        for lane_id in self.lanes:
            lane = self.town.lanes[lane_id]
            if lane.is_internal and lane.junction_id:
                s_lane, _, d = lane.path.project(self.path.pose_at((entry_s + exit_s) / 2)[:2])
                if d < 1.0:
                    return lane.junction_id, entry_s, exit_s
        raise ValueError(f"no internal route lane found for the junction at s = {entry_s:.0f} m")

    def exit_after(self, s_m: float) -> float:
        """Route s of the first point past the first junction after s (scenario_runner's
        `generate_target_waypoint_in_route`: the first waypoint out of the junction)."""
        _, _, exit_s = self.junction_after(s_m)
        return float(self._s_points[min(self.index_at(exit_s) + 1, len(self._s_points) - 1)])

    def lanes_around(self, junction_id: str) -> Tuple[Lane, Lane, Lane]:
        """(incoming, internal, outgoing) route lanes at a junction."""
        for i, lane_id in enumerate(self.lanes):
            lane = self.town.lanes[lane_id]
            if lane.is_internal and lane.junction_id == junction_id and 0 < i < len(self.lanes) - 1:
                k = i + 1
                while self.town.lanes[self.lanes[k]].is_internal and k + 1 < len(self.lanes):
                    k += 1
                return self.town.lanes[self.lanes[i - 1]], lane, self.town.lanes[self.lanes[k]]
        raise ValueError(f"the route does not cross junction {junction_id}")


def approaches(town: Town, junction_id: str, heading_deg: float, tolerance_deg: float = 35.0,
               link_dir: Optional[str] = "s") -> List[Tuple[Lane, "object"]]:
    """(incoming lane, link) pairs into a junction whose traffic drives at `heading_deg` on arrival.

    link_dir filters the link (SUMO dir 's' straight, 'l' left ...); None keeps every link.
    """
    found = []
    for lane in town.lanes.values():
        if lane.kind != "driving" or lane.is_internal or lane.to_junction != junction_id:
            continue
        if abs(float(wrap_deg(end_heading_deg(lane.shape_xy) - heading_deg))) > tolerance_deg:
            continue
        for link in lane.links:
            if link_dir is None or link.direction == link_dir:
                found.append((lane, link))
    return sorted(found, key=lambda p: (p[0].index, p[0].id))


def link_path(town: Town, lane: Lane, link, start_s: float, extra_m: float) -> Polyline:
    """Path from `start_s` on `lane` through the link's junction lane and `extra_m` into the next lane."""
    shapes = [lane.path.sub(start_s, lane.path.length_m).xy]
    shapes += [np.asarray(town.lanes[v].shape_xy) for v in via_chain(town, link)]
    out = town.lanes[link.to_lane].path
    shapes.append(out.sub(0.0, min(extra_m, out.length_m)).xy)
    return Polyline.joined(shapes)


def opposite_lane(town: Town, lane: Lane) -> Optional[Lane]:
    """The leftmost lane of the reverse edge (same road, other direction), if the road is two-way."""
    other = town.opposite_edge(lane.edge_id)
    return town.lanes[town.edges[other][-1]] if other else None


def neighbour(town: Town, lane: Lane, side: str = "left") -> Optional[Lane]:
    """The same-direction lane to the left/right, if any (edges list their driving lanes right to left)."""
    ids = town.edges.get(lane.edge_id, [])
    if lane.id not in ids:
        return None
    pos = ids.index(lane.id) + (1 if side == "left" else -1)
    return town.lanes[ids[pos]] if 0 <= pos < len(ids) else None


def smooth_shift_path(base: Polyline, s0: float, lateral0: float, lateral1: float, shift_m: float,
                      length_m: float) -> Polyline:
    """Path along `base` from s0 whose sideways offset blends lateral0 → lateral1 over `shift_m`
    (smoothstep, so heading changes gently at both ends), then keeps lateral1 up to `length_m`."""
    pts = []
    for d in np.arange(0.0, length_m + 1e-6, 0.5):
        u = min(d / max(shift_m, 1e-6), 1.0)
        blend = u * u * (3.0 - 2.0 * u)
        pts.append(base.pose_at(s0 + d, lateral0 + (lateral1 - lateral0) * blend)[:2])
    return Polyline(np.asarray(pts))


def via_chain(town: Town, link) -> List[str]:
    """Internal lanes a link runs through (SUMO may split a turn into several internal lanes)."""
    chain: List[str] = []
    via = link.via_lane
    while via is not None and via in town.lanes:
        chain.append(via)
        via = next((lk.via_lane for lk in town.lanes[via].links if lk.to_lane == link.to_lane), None)
    return chain
