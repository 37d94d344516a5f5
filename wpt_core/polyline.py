"""Polyline maths in CARLA's frame (y south, so "right" of a heading d = (dx, dy) is (−dy, dx)), once.

Lane shapes, the dense route, the expert's path frame, scenario paths and the criteria all measure along,
project onto and offset the same kind of object: (N, 2) points in driving order. `Polyline` is the object
for repeated lookups (arc length, pose at s with a lateral offset, projection, sub-paths); the functions
below work on raw point arrays where a caller holds those (lane shapes, batches of points).
"""
from __future__ import annotations

import math
from typing import Iterable, NamedTuple, Sequence, Tuple

import numpy as np

Pose = Tuple[float, float, float]  # x, y, yaw_deg


def cumulative_length(xy: np.ndarray) -> np.ndarray:
    """(N,) arc length at each vertex (0 at the first)."""
    return np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(xy, axis=0), axis=1))])


def right_vector(yaw_deg: float) -> Tuple[float, float]:
    """Unit vector to the right of heading `yaw_deg` (CARLA: y south, so right of east is +y)."""
    r = math.radians(yaw_deg)
    return -math.sin(r), math.cos(r)


def end_direction(xy: np.ndarray) -> np.ndarray:
    """Unit direction of the last segment (where a lane meets its stop line)."""
    d = xy[-1] - xy[-2]
    return d / max(float(np.linalg.norm(d)), 1e-9)


def end_heading_deg(xy: np.ndarray) -> float:
    """Heading of the last segment, degrees (CARLA yaw)."""
    d = np.asarray(xy[-1], dtype=np.float64) - np.asarray(xy[-2], dtype=np.float64)
    return math.degrees(math.atan2(d[1], d[0]))


def resample(xy: np.ndarray, spacing_m: float) -> Tuple[np.ndarray, np.ndarray]:
    """Points every `spacing_m` along a polyline (last point included) and their arc lengths."""
    cum = cumulative_length(xy)
    n = max(int(np.ceil(cum[-1] / spacing_m)), 1)
    s = np.linspace(0.0, cum[-1], n + 1)
    return np.stack([np.interp(s, cum, xy[:, 0]), np.interp(s, cum, xy[:, 1])], axis=1), s


def densify(xy: np.ndarray, max_spacing_m: float) -> np.ndarray:
    """The polyline's vertices with points inserted so that no two are more than `max_spacing_m` apart."""
    pts = []
    for a, b in zip(xy[:-1], xy[1:]):
        n = max(1, int(math.ceil(np.linalg.norm(b - a) / max_spacing_m)))
        pts.append(a + (b - a) * np.linspace(0.0, 1.0, n, endpoint=False)[:, None])
    pts.append(xy[-1:])
    return np.vstack(pts)


def offset(xy: np.ndarray, offset_m: float) -> np.ndarray:
    """The polyline shifted sideways by `offset_m` (+ = right), mitred at the vertices."""
    d = np.diff(xy, axis=0)
    d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-9)
    seg_normals = np.stack([-d[:, 1], d[:, 0]], axis=1)
    normals = np.concatenate([seg_normals[:1], seg_normals[:-1] + seg_normals[1:], seg_normals[-1:]])
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-9)
    cos_half = np.concatenate([[1.0], np.einsum("ij,ij->i", normals[1:-1], seg_normals[1:]), [1.0]])
    return xy + normals * (offset_m / np.clip(cos_half, 0.5, None))[:, None]


def band_outline(xy: np.ndarray, width_m: float) -> np.ndarray:
    """Closed outline of a band `width_m` wide around the polyline: left border forward, right border back."""
    return np.concatenate([offset(xy, -width_m / 2.0), offset(xy, width_m / 2.0)[::-1]])


class SegmentProjection(NamedTuple):
    """Feet of one point on K segments a→b: parameter t ∈ [0, 1], foot point, distance, b − a, |b − a|²."""

    t: np.ndarray
    foot: np.ndarray
    distance: np.ndarray
    ab: np.ndarray
    length2: np.ndarray


def project_on_segments(a: np.ndarray, b: np.ndarray, p: np.ndarray) -> SegmentProjection:
    """Project point `p` (2,) on the segments (K, 2) a → b (a segment soup: several lanes at once)."""
    ab = b - a
    length2 = np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-12)
    t = np.clip(np.einsum("ij,ij->i", p - a, ab) / length2, 0.0, 1.0)
    foot = a + t[:, None] * ab
    return SegmentProjection(t, foot, np.linalg.norm(foot - p, axis=1), ab, length2)


def project_points(xy: np.ndarray, s: np.ndarray, points: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Project (P, 2) points on the polyline (M, 2) with arc lengths s (M,), all at once.

    Returns (s_p, d_p, dist): arc length of the foot point, signed lateral offset (+ = right of the
    driving direction) and the unsigned distance. Points beyond the ends extrapolate along the end
    segments (s < s[0] or s > s[-1]), so "behind" and "beyond" stay distinguishable.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    a, b = xy[:-1], xy[1:]
    seg = b - a
    length = np.maximum(np.linalg.norm(seg, axis=1), 1e-9)
    u = seg / length[:, None]
    diff = pts[:, None, :] - a[None, :, :]
    along = np.einsum("pmk,mk->pm", diff, u)
    t = np.clip(along, 0.0, length[None, :])
    foot = a[None, :, :] + t[..., None] * u[None, :, :]
    dist2 = np.sum((pts[:, None, :] - foot) ** 2, axis=2)
    k = np.argmin(dist2, axis=1)
    rows = np.arange(len(pts))
    along_k = along[rows, k]
    last = len(a) - 1
    t_k = np.where(k == 0, np.minimum(along_k, length[k]), np.where(k == last, np.maximum(along_k, 0.0), t[rows, k]))
    t_k = np.where((k == 0) & (k == last), along_k, t_k)
    d = diff[rows, k, 0] * (-u[k, 1]) + diff[rows, k, 1] * u[k, 0]
    return s[k] + t_k, d, np.sqrt(dist2[rows, k])


class Polyline:
    """A driving path with arc-length lookups (route, lane shape or a scripted actor's path)."""

    def __init__(self, xy: np.ndarray) -> None:
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        keep = np.concatenate([[True], np.linalg.norm(np.diff(xy, axis=0), axis=1) > 1e-6])
        self.xy = xy[keep]
        if len(self.xy) < 2:
            raise ValueError("a path needs at least two distinct points")
        self.s = cumulative_length(self.xy)

    @classmethod
    def joined(cls, paths: Iterable[np.ndarray]) -> "Polyline":
        """Consecutive shapes (lane, internal lane, next lane ...) as one path."""
        return cls(np.concatenate([np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in paths]))

    @property
    def length_m(self) -> float:
        return float(self.s[-1])

    def pose_at(self, s_m: float, lateral_m: float = 0.0) -> Pose:
        """Pose at arc length s (clamped), shifted `lateral_m` to the right (+) of the path."""
        s_m = float(np.clip(s_m, 0.0, self.length_m))
        i = int(np.clip(np.searchsorted(self.s, s_m, side="right") - 1, 0, len(self.xy) - 2))
        seg = self.xy[i + 1] - self.xy[i]
        t = (s_m - self.s[i]) / max(self.s[i + 1] - self.s[i], 1e-9)
        x, y = self.xy[i] + t * seg
        yaw = math.degrees(math.atan2(seg[1], seg[0]))
        right = right_vector(yaw)
        return float(x + lateral_m * right[0]), float(y + lateral_m * right[1]), float(yaw)

    def project(self, xy: Sequence[float]) -> Tuple[float, float, float]:
        """(s, lateral (+ right), distance) of the closest point of the path to `xy`."""
        p = np.asarray(xy, dtype=np.float64)
        a = self.xy[:-1]
        hit = project_on_segments(a, self.xy[1:], p)
        i = int(np.argmin(hit.distance))
        ab = hit.ab
        cross = ab[i, 0] * (p[1] - a[i, 1]) - ab[i, 1] * (p[0] - a[i, 0])
        lateral = float(hit.distance[i]) * (1.0 if cross > 0 else -1.0)  # y south: positive cross is to the right
        return float(self.s[i] + hit.t[i] * np.linalg.norm(ab[i])), lateral, float(hit.distance[i])

    def sub(self, s0: float, s1: float) -> "Polyline":
        """The part between two arc lengths."""
        inner = (self.s > s0) & (self.s < s1)
        pts = [self.pose_at(s0)[:2], *self.xy[inner], self.pose_at(s1)[:2]]
        return Polyline(np.asarray(pts))

    def shifted(self, lateral_m: float) -> "Polyline":
        """The same path moved sideways (+ right), resampled every metre."""
        pts = [self.pose_at(s, lateral_m)[:2] for s in np.arange(0.0, self.length_m, 1.0)]
        pts.append(self.pose_at(self.length_m, lateral_m)[:2])
        return Polyline(np.asarray(pts))
