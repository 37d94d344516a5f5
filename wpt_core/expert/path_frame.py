"""The route window ahead of the ego as a curvilinear frame (s along, d to the right).

Every hazard, stop line and lateral plan lives in this frame: s = 0 at the ego's projection, the
lateral offset profile d(s) turns the centreline into the planned path, and actors are compared in
(s, d) so that curves do not fool the checks.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

import numpy as np

from wpt_core.expert.route_localiser import RouteLocaliser
from wpt_core.polyline import project_points

COARSE_SPACING_M = 3.0


@dataclass
class PathFrame:
    xy: np.ndarray            # (M, 2) centreline, world frame
    s: np.ndarray             # (M,) arc length, 0 at the ego
    yaw_rad: np.ndarray       # (M,) unwrapped heading of the centreline
    lane_width_m: np.ndarray  # (M,)
    in_junction: np.ndarray   # (M,) bool
    route_s0: float           # route arc length of s = 0
    route_end_s: float        # s of the route's last point (the path is extended straight beyond it)
    lane_shift_m: np.ndarray  # (M,) how far (+ right) the centreline has moved sideways out of its lane (lane changes)

    @classmethod
    def from_localiser(cls, localiser: RouteLocaliser, behind_m: float, ahead_m: float,
                       lane_shift_m: np.ndarray | None = None) -> "PathFrame":
        """Cut the route around the tracked progress; pad past the route end so trajectories never run out.
        `lane_shift_m` (per route point, `spread_lane_changes`): the route's sideways moves into other lanes."""
        route, sl = localiser.route, localiser.window(behind_m, ahead_m)
        xy = route.xy_m[sl].astype(np.float64)
        s = localiser.s_m[sl] - localiser.progress_m
        yaw = np.unwrap(np.radians(route.yaw_deg[sl].astype(np.float64)))
        width = route.lane_width_m[sl].astype(np.float64)
        junction = route.in_junction[sl].astype(bool)
        shift = lane_shift_m[sl].astype(np.float64) if lane_shift_m is not None else np.zeros(len(s))
        route_end_s = localiser.length_m - localiser.progress_m
        missing = ahead_m - s[-1]
        if missing > 0.0:
            n = int(np.ceil(missing)) + 1
            step = np.arange(1, n + 1, dtype=np.float64)
            direction = np.array([np.cos(yaw[-1]), np.sin(yaw[-1])])
            xy = np.vstack([xy, xy[-1] + step[:, None] * direction])
            s = np.concatenate([s, s[-1] + step])
            yaw = np.concatenate([yaw, np.full(n, yaw[-1])])
            width = np.concatenate([width, np.full(n, width[-1])])
            junction = np.concatenate([junction, np.zeros(n, dtype=bool)])
            shift = np.concatenate([shift, np.full(n, shift[-1])])
        return cls(xy, s, yaw, width, junction, localiser.progress_m, route_end_s, shift)

    @property
    def length_m(self) -> float:
        return float(self.s[-1])

    def project(self, points: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(s, d, distance) of (P, 2) world points in this frame.

        Uses the centreline thinned to ~`COARSE_SPACING_M` (a 3 m chord deviates 0.1 m from a 10 m
        radius): projection cost is points × segments, and this is the expert's hottest loop.
        """
        if not hasattr(self, "_coarse"):
            keep = np.searchsorted(self.s, np.arange(self.s[0], self.s[-1], COARSE_SPACING_M))
            keep = np.concatenate([keep[np.concatenate([[True], np.diff(keep) > 0])], [len(self.s) - 1]])
            keep = keep[np.concatenate([np.diff(keep) > 0, [True]])]
            self._coarse = (self.xy[keep], self.s[keep])
        return project_points(self._coarse[0], self._coarse[1], points)

    def interp(self, s_query: np.ndarray | float, values: np.ndarray) -> np.ndarray:
        return np.interp(s_query, self.s, values)

    def yaw_at(self, s_query: np.ndarray | float) -> np.ndarray:
        return np.interp(s_query, self.s, self.yaw_rad)

    def to_world(self, s_query: np.ndarray, d: np.ndarray) -> np.ndarray:
        """(K, 2) world points at arc lengths `s_query` shifted `d` to the right of the centreline."""
        s_query = np.asarray(s_query, dtype=np.float64)
        x = np.interp(s_query, self.s, self.xy[:, 0])
        y = np.interp(s_query, self.s, self.xy[:, 1])
        yaw = self.yaw_at(s_query)
        d = np.broadcast_to(np.asarray(d, dtype=np.float64), s_query.shape)
        beyond = s_query - self.s[-1]
        x = x + np.where(beyond > 0, beyond * np.cos(yaw), 0.0)
        y = y + np.where(beyond > 0, beyond * np.sin(yaw), 0.0)
        return np.stack([x - d * np.sin(yaw), y + d * np.cos(yaw)], axis=-1)
