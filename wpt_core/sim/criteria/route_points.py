"""The dense route as the leaderboard's criteria walk it.

Every route criterion of the leaderboard keeps its own index into the ~1 m route and advances it
through a small window of the next points: a point counts as passed once the ego lies ahead of it
(positive dot product with the point's forward vector). The window keeps a looping route from
jumping ahead to a later pass over the same place. Each criterion owns a `RouteCursor` with the
window size the leaderboard uses for it.
"""
from __future__ import annotations

import math
from typing import Tuple

import numpy as np

from wpt_core.types import DenseRoute


class RoutePoints:
    """Route points, their forward unit vectors and the accumulated length (metres) at each point."""

    def __init__(self, route: DenseRoute):
        if len(route) < 2:
            raise ValueError(f"a route needs at least 2 points, got {len(route)}")
        self.xy = np.asarray(route.xy_m, dtype=np.float64)
        yaw = np.radians(np.asarray(route.yaw_deg, dtype=np.float64))
        self.forward = np.stack([np.cos(yaw), np.sin(yaw)], axis=1)
        self.accum_m = route.cumulative_length_m()
        self.in_junction = np.asarray(route.in_junction, dtype=bool)
        self.yaw_deg = np.asarray(route.yaw_deg, dtype=np.float64)

    def __len__(self) -> int:
        return int(self.xy.shape[0])

    @property
    def length_m(self) -> float:
        return float(self.accum_m[-1])

    def is_passed(self, index: int, xy: Tuple[float, float]) -> bool:
        """Whether the ego at `xy` lies ahead of route point `index`."""
        d = (xy[0] - self.xy[index, 0], xy[1] - self.xy[index, 1])
        return d[0] * self.forward[index, 0] + d[1] * self.forward[index, 1] > 0.0

    def distance(self, index: int, xy: Tuple[float, float]) -> float:
        return math.hypot(xy[0] - self.xy[index, 0], xy[1] - self.xy[index, 1])


class RouteCursor:
    """Monotone index into the route: moves to the last passed point among the next `window` ones.

    `include_current` mirrors the leaderboard's two loop shapes (`range(i, i+w+1)` for route
    completion / min speed / timeout, `range(i+1, i+w+1)` for the outside-lanes test).
    """

    def __init__(self, geometry: RoutePoints, window: int, include_current: bool = True):
        self.geometry = geometry
        self.window = window
        self.include_current = include_current
        self.index = 0

    def candidates(self) -> range:
        start = self.index if self.include_current else self.index + 1
        return range(start, min(self.index + self.window + 1, len(self.geometry)))

    def advance(self, xy: Tuple[float, float]) -> int:
        """Move forward past every passed point of the window; returns the new index."""
        for i in self.candidates():
            if self.geometry.is_passed(i, xy):
                self.index = i
        return self.index
