"""A SUMO network seen in CARLA's frame: lanes, junctions, routing, stop lines, and the ground raster.

Everything the rest of the embedded simulator needs to know about the static map, without starting SUMO.
Loaded towns are cached per file in-process (they are immutable once built).
"""
from __future__ import annotations

import heapq
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from wpt_core.ground_map import GroundMap
from wpt_core.paths import towns_dir
from wpt_core.polyline import cumulative_length, project_on_segments, resample
from wpt_core.sim.town.town_ground import Bounds, draw_ground_map
from wpt_core.sim.town.town_lanes import Junction, Lane, LaneMatch, Link, stop_line
from wpt_core.sim.town.town_parse import TownError, parse_net
from wpt_core.types import XY, DenseRoute, RoadOption

__all__ = ["Town", "Lane", "Link", "Junction", "LaneMatch", "TownError", "is_town_path", "shipped_towns"]

_CACHE: Dict[Path, "Town"] = {}
_TURN_COMMANDS = {"l": RoadOption.LEFT, "L": RoadOption.LEFT, "t": RoadOption.LEFT,
                  "r": RoadOption.RIGHT, "R": RoadOption.RIGHT, "s": RoadOption.STRAIGHT}


def shipped_towns() -> List[str]:
    """Names of the towns shipped as package data."""
    return sorted(p.name[: -len(".net.xml")] for p in towns_dir().glob("*.net.xml"))


def is_town_path(name_or_path: str | Path) -> bool:
    """True for a network file path, False for the name of a shipped town."""
    text = str(name_or_path)
    return text.endswith(".xml") or "/" in text or "\\" in text


def _resolve(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    if is_town_path(text):
        return Path(text).resolve()
    path = towns_dir() / f"{text}.net.xml"
    if not path.is_file():
        raise TownError(f"{path}: unknown town {text!r} (shipped: {', '.join(shipped_towns())})")
    return path.resolve()


class Town:
    """Static map of one SUMO network (see module docstring)."""

    def __init__(self, net_path: Path) -> None:
        net = parse_net(net_path)
        self.net_path = net_path
        self.name = net_path.name[: -len(".net.xml")] if net_path.name.endswith(".net.xml") else net_path.stem
        self.lat_ref, self.lon_ref = net.lat_ref, net.lon_ref
        self.lanes: Dict[str, Lane] = net.lanes
        self.junctions: Dict[str, Junction] = net.junctions
        self.edges: Dict[str, List[str]] = net.edges
        self.edge_nodes: Dict[str, Tuple[str, str]] = net.edge_nodes
        self.crossing_edges: Dict[str, List[str]] = net.crossing_edges  # crossing lane → road edges it spans
        self._internal_dir = net.internal_dir
        self._ground: Dict[Tuple[float, Optional[Bounds]], GroundMap] = {}
        self._segments: Dict[Tuple[str, ...], Tuple[np.ndarray, ...]] = {}

    @classmethod
    def load(cls, name_or_path: str | Path) -> "Town":
        """A shipped town by name (`EmbeddedGrid`) or any `.net.xml` path; cached per file."""
        path = _resolve(name_or_path)
        if path not in _CACHE:
            _CACHE[path] = cls(path)
        return _CACHE[path]

    # --- topology ---------------------------------------------------------------------------------

    def edge_length_m(self, edge_id: str) -> float:
        return self.lanes[self.edges[edge_id][0]].length_m

    def opposite_edge(self, edge_id: str) -> Optional[str]:
        """The driving edge running the other way between the same two junctions (two-way road)."""
        a, b = self.edge_nodes[edge_id]
        for other, (c, d) in self.edge_nodes.items():
            if c == b and d == a:
                return other
        return None

    def junction_degree(self, junction_id: str) -> int:
        """Number of distinct neighbouring junctions (2 = a bend, 3+ = a real intersection)."""
        return len({b if a == junction_id else a for a, b in self.edge_nodes.values() if junction_id in (a, b)})

    def link_between(self, lane_id: str, next_lane_id: str) -> Optional[Link]:
        """The connection of `lane_id` that leads to `next_lane_id` (directly or through a junction)."""
        return next((lk for lk in self.lanes[lane_id].links
                     if lk.to_lane == next_lane_id or lk.via_lane == next_lane_id), None)

    def successors(self, edge_id: str) -> Dict[str, str]:
        """Driving edges reachable from `edge_id` through its junction → the link direction."""
        out: Dict[str, str] = {}
        for lid in self.edges[edge_id]:
            for link in self.lanes[lid].links:
                out.setdefault(self.lanes[link.to_lane].edge_id, link.direction)
        return out

    def shortest_edge_path(self, from_edge: str, to_edge: str) -> List[str]:
        """Dijkstra over driving edges (edge length as cost); raises ValueError if unreachable."""
        for e in (from_edge, to_edge):
            if e not in self.edges:
                raise ValueError(f"{self.net_path}: unknown driving edge {e!r}")
        dist, prev = {from_edge: 0.0}, {}
        heap = [(0.0, from_edge)]
        while heap:
            d, edge = heapq.heappop(heap)
            if edge == to_edge:
                break
            if d > dist[edge]:
                continue
            for nxt in self.successors(edge):
                nd = d + self.edge_length_m(edge)
                if nd < dist.get(nxt, float("inf")):
                    dist[nxt], prev[nxt] = nd, edge
                    heapq.heappush(heap, (nd, nxt))
        if to_edge not in dist:
            raise ValueError(f"{self.net_path}: no driving path from edge {from_edge!r} to {to_edge!r}")
        path = [to_edge]
        while path[-1] != from_edge:
            path.append(prev[path[-1]])
        return path[::-1]

    def _via_chain(self, lane_id: str, to_lane: str) -> Optional[List[str]]:
        """Internal lanes between `lane_id` and `to_lane` (empty if directly connected), None if not connected."""
        for link in self.lanes[lane_id].links:
            if link.to_lane != to_lane:
                continue
            chain: List[str] = []
            via = link.via_lane
            while via is not None and via in self.lanes:
                chain.append(via)
                via = next((lk.via_lane for lk in self.lanes[via].links if lk.to_lane == to_lane), None)
            return chain
        return None

    def lane_path(self, edges: Sequence[str]) -> List[str]:
        """Lane ids (internal lanes included) along `edges`, keeping to the rightmost lane that still
        connects to the rest of the path; raises ValueError if consecutive edges are not connected."""
        edges = list(edges)
        feasible: List[List[str]] = [list(self.edges[edges[-1]])]
        for edge in reversed(edges[:-1]):
            ok = [lid for lid in self.edges[edge]
                  if any(lk.to_lane in feasible[0] for lk in self.lanes[lid].links)]
            if not ok:
                raise ValueError(f"{self.net_path}: edge {edge!r} does not connect to the next edge of the path")
            feasible.insert(0, ok)
        path = [feasible[0][0]]
        for options in feasible[1:]:
            here = path[-1]
            targets = [lk.to_lane for lk in self.lanes[here].links if lk.to_lane in options]
            nxt = min(targets, key=lambda lid: self.lanes[lid].index)
            path.extend(self._via_chain(here, nxt) or [])
            path.append(nxt)
        return path

    # --- geometry ---------------------------------------------------------------------------------

    def _segment_arrays(self, kinds: Tuple[str, ...]) -> Tuple[np.ndarray, ...]:
        if kinds not in self._segments:
            starts, ends, owner, s0 = [], [], [], []
            ids = [lid for lid, lane in self.lanes.items() if lane.kind in kinds]
            for k, lid in enumerate(ids):
                xy = self.lanes[lid].shape_xy
                starts.append(xy[:-1])
                ends.append(xy[1:])
                owner.append(np.full(len(xy) - 1, k))
                s0.append(cumulative_length(xy)[:-1])
            self._segments[kinds] = (np.concatenate(starts), np.concatenate(ends), np.concatenate(owner),
                                     np.concatenate(s0), np.array(ids))
        return self._segments[kinds]

    def nearest_lane(self, xy: Sequence[float] | np.ndarray, kinds: Sequence[str] = ("driving",),
                     max_distance_m: float = 10.0) -> Optional[LaneMatch]:
        """The lane whose centre line is closest to `xy` (CARLA), or None beyond `max_distance_m`."""
        a, b, owner, s0, ids = self._segment_arrays(tuple(kinds))
        p = np.asarray(xy, dtype=np.float64)[:2]
        hit = project_on_segments(a, b, p)
        i = int(np.argmin(hit.distance))
        if hit.distance[i] > max_distance_m:
            return None
        lane = self.lanes[str(ids[owner[i]])]
        seg_len = float(np.sqrt(hit.length2[i]))
        right = np.array([-hit.ab[i, 1], hit.ab[i, 0]]) / seg_len
        geom_len = float(cumulative_length(lane.shape_xy)[-1])
        s = (s0[i] + hit.t[i] * seg_len) * lane.length_m / max(geom_len, 1e-9)
        return LaneMatch(lane.id, float(s), float(np.dot(p - hit.foot[i], right)), float(hit.distance[i]))

    def dense_route(self, lane_ids: Sequence[str], spacing_m: float = 1.0) -> DenseRoute:
        """~`spacing_m` spaced plan along the lanes' centre lines with the leaderboard's commands."""
        pts, owner = [], []
        for k, lid in enumerate(lane_ids):
            xy = self.lanes[lid].shape_xy
            if pts and np.linalg.norm(pts[-1][-1] - xy[0]) < 1e-3:
                xy = xy[1:]
            if len(xy):
                pts.append(xy)
                owner.append(np.full(len(xy), k))
        xy_all, own = np.concatenate(pts), np.concatenate(owner)
        keep = np.concatenate([[True], np.linalg.norm(np.diff(xy_all, axis=0), axis=1) > 1e-6])
        xy_all, own = xy_all[keep], own[keep]
        dense, s = resample(xy_all, spacing_m)
        cum = cumulative_length(xy_all)
        seg = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(xy_all) - 2)
        which = own[seg + 1]
        lanes = [self.lanes[lid] for lid in lane_ids]
        heading = np.diff(dense, axis=0)
        yaw = np.degrees(np.arctan2(heading[:, 1], heading[:, 0]))
        yaw = np.concatenate([yaw, yaw[-1:]]) if len(yaw) else np.zeros(1)
        commands = np.array([self._command(lanes[k]) for k in which], dtype=np.int64)
        return DenseRoute(xy_m=dense, yaw_deg=yaw, commands=commands,
                          in_junction=np.array([lanes[k].is_internal for k in which]),
                          lane_width_m=np.array([lanes[k].width_m for k in which]), z_m=np.zeros(len(dense)))

    def _command(self, lane: Lane) -> int:
        if not lane.is_internal:
            return int(RoadOption.LANEFOLLOW)
        return int(_TURN_COMMANDS.get(self._internal_dir.get(lane.id, "s"), RoadOption.STRAIGHT))

    # --- traffic control --------------------------------------------------------------------------

    def traffic_light_approaches(self) -> List[Tuple[str, int, str, Tuple[XY, XY]]]:
        """(tls_id, link_index, incoming lane id, stop_line) for every signalised driving link."""
        out = []
        for lane in self.lanes.values():
            if lane.kind == "driving" and not lane.is_internal:
                out.extend((lk.tls_id, lk.tls_index, lane.id, stop_line(lane)) for lk in lane.links if lk.tls_id)
        return out

    def stop_approaches(self) -> List[Tuple[str, str, Tuple[XY, XY]]]:
        """(junction_id, incoming lane id, stop_line) for lanes with a stop / all-way-stop link."""
        return [(lane.to_junction, lane.id, stop_line(lane)) for lane in self.lanes.values()
                if lane.kind == "driving" and not lane.is_internal and any(lk.state in "sw" for lk in lane.links)]

    # --- ground raster ----------------------------------------------------------------------------

    def ground_map(self, resolution_m: float = 0.25, bounds: Optional[Bounds] = None) -> GroundMap:
        """Top-down class raster of the town, or of its part inside `bounds` (x0, y0, x1, y1): a large
        town's whole raster is gigabytes, so a route gets the region around it (cached per region)."""
        key = (resolution_m, bounds)
        if key not in self._ground:
            stop_lanes = [lane_id for _, _, lane_id, _ in self.traffic_light_approaches()]
            stop_lanes += [lane_id for _, lane_id, _ in self.stop_approaches()]
            self._ground[key] = draw_ground_map(self.lanes, self.junctions, self.edges, stop_lanes, resolution_m,
                                                bounds)
        return self._ground[key]

    def is_drivable(self, xy: np.ndarray) -> np.ndarray:
        """(N,) bool: the points lie on road or junction surface."""
        return self.ground_map().is_drivable(np.asarray(xy, dtype=np.float64).reshape(-1, 2))
