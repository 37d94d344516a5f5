"""The ego located on the dense route (progress and lateral offset), with a windowed search so a step costs
O(window), not O(route)."""
from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from wpt_core.polyline import project_points
from wpt_core.types import DenseRoute


class RouteLocaliser:
    """Remembers the route index of the ego; relocalises globally only when it is lost."""

    def __init__(self, route: DenseRoute, back_points: int = 8, ahead_points: int = 60,
                 relocalise_m: float = 8.0) -> None:
        self.route = route
        self.s_m = route.cumulative_length_m()
        self.back_points, self.ahead_points, self.relocalise_m = back_points, ahead_points, relocalise_m
        self.index: Optional[int] = None
        self.progress_m = 0.0
        self.lateral_m = 0.0

    @property
    def length_m(self) -> float:
        return float(self.s_m[-1])

    def update(self, xy: Tuple[float, float]) -> float:
        """Locate the ego (box centre) and return its route arc length."""
        n = len(self.route)
        if n < 2:
            self.index, self.progress_m, self.lateral_m = 0, 0.0, 0.0
            return 0.0
        if self.index is not None:
            lo = max(0, self.index - self.back_points)
            hi = min(n, self.index + self.ahead_points + 1)
            s, d, dist = self._project(xy, lo, hi)
            if dist <= self.relocalise_m:
                return self._store(s, d)
        s, d, _ = self._project(xy, 0, n, prefer_first=self.index is None)
        return self._store(s, d)

    def _project(self, xy: Tuple[float, float], lo: int, hi: int,
                 prefer_first: bool = False) -> Tuple[float, float, float]:
        hi = max(hi, lo + 2)
        pts, s = self.route.xy_m[lo:hi], self.s_m[lo:hi]
        if prefer_first:
            # the route starts at the ego: on a route that passes the same place twice, take the earliest pass
            d_all = np.linalg.norm(pts - np.asarray(xy), axis=1)
            near = np.nonzero(d_all <= d_all.min() + 1.0)[0]
            first = int(near[0])
            lo2, hi2 = max(0, first - 2), min(len(pts), first + 3)
            pts, s = pts[lo2:hi2], s[lo2:hi2]
        sp, dp, dist = project_points(pts, s, np.asarray(xy, dtype=np.float64)[None])
        return float(max(sp[0], 0.0)), float(dp[0]), float(dist[0])   # beyond the end: keeps growing

    def _store(self, s: float, d: float) -> float:
        self.progress_m, self.lateral_m = s, d
        self.index = min(max(int(np.searchsorted(self.s_m, s, side="right")) - 1, 0), len(self.route) - 1)
        return s

    def window(self, behind_m: float, ahead_m: float) -> slice:
        """Index slice of route points from `behind_m` before to `ahead_m` after the current progress."""
        lo = int(np.searchsorted(self.s_m, self.progress_m - behind_m, side="left"))
        hi = int(np.searchsorted(self.s_m, self.progress_m + ahead_m, side="right"))
        lo = max(0, min(lo, len(self.route) - 2))
        return slice(lo, max(hi, lo + 2))
