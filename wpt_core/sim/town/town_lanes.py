"""Lanes, links and junctions of a town (CARLA frame), and the polyline maths they need.

A lane's `shape_xy` runs in its driving direction in CARLA's frame (y south), so "left" of a lane is the
side a CARLA driver calls left: for a heading d = (dx, dy) the right normal is (−dy, dx).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np


@dataclass
class Link:
    """An outgoing connection of a lane (SUMO `<connection>`)."""

    to_lane: str
    via_lane: Optional[str]  # internal junction lane (':J1_3_0'), None if none
    direction: str           # SUMO dir: 's','l','r','t','L','R'
    tls_id: Optional[str]
    tls_index: int           # -1 if not signalised
    state: str               # SUMO link state: 'M','m','s','w','O','=', ...


@dataclass
class Lane:
    """One SUMO lane, in CARLA's frame. `index` 0 = rightmost lane of its edge (SUMO)."""

    id: str
    edge_id: str
    index: int
    shape_xy: np.ndarray     # (N, 2) CARLA frame, in driving direction
    width_m: float
    length_m: float
    speed_mps: float
    kind: str                # 'driving' | 'sidewalk' | 'crossing' | 'walkingarea'
    is_internal: bool
    junction_id: Optional[str]
    from_junction: str
    to_junction: str
    links: List[Link] = field(default_factory=list)

    def pose_at(self, s_m: float) -> Tuple[float, float, float]:
        """(x, y, yaw_deg) at lane position `s_m` (SUMO lane metres, clipped to the lane)."""
        return polyline_pose(self.shape_xy, s_m * polyline_length(self.shape_xy) / max(self.length_m, 1e-9))


@dataclass
class Junction:
    id: str
    type: str                # SUMO node type
    polygon_xy: np.ndarray   # (K, 2) CARLA frame
    center_xy: Tuple[float, float]
    tls_id: Optional[str]


@dataclass
class LaneMatch:
    lane_id: str
    s_m: float               # lane position (SUMO lane metres)
    lateral_m: float         # + = right of the lane centre (CARLA)
    distance_m: float


def polyline_length(xy: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(xy, axis=0), axis=1).sum()) if len(xy) > 1 else 0.0


def cumulative(xy: np.ndarray) -> np.ndarray:
    """(N,) arc length at each vertex."""
    return np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(xy, axis=0), axis=1))])


def polyline_pose(xy: np.ndarray, s_geom: float) -> Tuple[float, float, float]:
    """Point and heading at geometric arc length `s_geom` (clipped)."""
    cum = cumulative(xy)
    s = float(np.clip(s_geom, 0.0, cum[-1]))
    i = int(np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(xy) - 2))
    seg = xy[i + 1] - xy[i]
    seg_len = max(float(np.linalg.norm(seg)), 1e-9)
    p = xy[i] + seg * (s - cum[i]) / seg_len
    return float(p[0]), float(p[1]), float(np.degrees(np.arctan2(seg[1], seg[0])))


def resample(xy: np.ndarray, spacing_m: float) -> Tuple[np.ndarray, np.ndarray]:
    """Points every `spacing_m` along a polyline (last point included) and their arc lengths."""
    cum = cumulative(xy)
    n = max(int(np.ceil(cum[-1] / spacing_m)), 1)
    s = np.linspace(0.0, cum[-1], n + 1)
    return np.stack([np.interp(s, cum, xy[:, 0]), np.interp(s, cum, xy[:, 1])], axis=1), s


def offset_polyline(xy: np.ndarray, offset_m: float) -> np.ndarray:
    """The polyline shifted sideways by `offset_m` (+ = right in CARLA's frame), mitred at the vertices."""
    d = np.diff(xy, axis=0)
    d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-9)
    seg_normals = np.stack([-d[:, 1], d[:, 0]], axis=1)
    normals = np.concatenate([seg_normals[:1], seg_normals[:-1] + seg_normals[1:], seg_normals[-1:]])
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-9)
    cos_half = np.concatenate([[1.0], np.einsum("ij,ij->i", normals[1:-1], seg_normals[1:]), [1.0]])
    return xy + normals * (offset_m / np.clip(cos_half, 0.5, None))[:, None]


def lane_polygon(xy: np.ndarray, width_m: float) -> np.ndarray:
    """Closed outline of a lane: left border forward, right border backward."""
    return np.concatenate([offset_polyline(xy, -width_m / 2.0), offset_polyline(xy, width_m / 2.0)[::-1]])


def stop_line(lane: Lane) -> Tuple[Tuple[float, float], Tuple[float, float]]:
    """Across the lane at its end: (left edge point, right edge point)."""
    end, prev = lane.shape_xy[-1], lane.shape_xy[-2]
    d = (end - prev) / max(float(np.linalg.norm(end - prev)), 1e-9)
    right = np.array([-d[1], d[0]]) * lane.width_m / 2.0
    left_pt, right_pt = end - right, end + right
    return (float(left_pt[0]), float(left_pt[1])), (float(right_pt[0]), float(right_pt[1]))
