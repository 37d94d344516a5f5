"""Route commands and target points per frame, computed the way Bench2Drive's data agent does.

B2D (inheriting TCP/Transfuser) runs two "route planners" on the global plan: a *near* one over the
dense (~1 m) plan with min/max distance 4 m / 50 m, and a *far* one over the 50 m-downsampled plan with
7.5 m / 25 m. Each pops the points already reached (the farthest point within `min_distance`, looking no
further than `max_distance` along the route) and returns the next one with its command. The target
point (`x_target`, `y_target`, `next_command`) walks the downsampled plan: it advances once the next
point is within 12 m and behind the ego. We keep exactly that behaviour so our labels mean what theirs mean.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Deque, List, Tuple

import numpy as np

from wpt_core.geometry import world_to_ego
from wpt_core.protocol import GLOBAL_PLAN_SAMPLE_M, downsample_route
from wpt_core.types import LANE_CHANGE_OPTIONS, DenseRoute

NEAR_MIN_M, NEAR_MAX_M = 4.0, 50.0
FAR_MIN_M, FAR_MAX_M = 7.5, 25.0
TARGET_REACHED_M = 12.0
ROUTE_AHEAD_M = 50.0


@dataclass
class RouteInfo:
    """Route fields of one Bench2Drive annotation (world frame) plus the route ahead of the ego."""

    near_xy: Tuple[float, float]
    near_command: int
    far_xy: Tuple[float, float]
    far_command: int
    target_xy: Tuple[float, float]
    next_command: int
    route_ahead_xy: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))  # (M, 2), next ~50 m


class _NodePlanner:
    """TCP's RoutePlanner: pop reached nodes, return the next (position, command)."""

    def __init__(self, xy: np.ndarray, commands: np.ndarray, min_distance_m: float, max_distance_m: float) -> None:
        self.route: Deque[Tuple[np.ndarray, int]] = deque((np.asarray(p, float), int(c)) for p, c in zip(xy, commands))
        self.min_distance_m = min_distance_m
        self.max_distance_m = max_distance_m

    def run_step(self, pos: np.ndarray) -> Tuple[np.ndarray, int]:
        if len(self.route) == 1:
            return self.route[0]
        to_pop, farthest, cumulative = 0, -np.inf, 0.0
        for i in range(1, len(self.route)):
            if cumulative > self.max_distance_m:
                break
            cumulative += float(np.linalg.norm(self.route[i][0] - self.route[i - 1][0]))
            distance = float(np.linalg.norm(self.route[i][0] - pos))
            if distance <= self.min_distance_m and distance > farthest:
                farthest, to_pop = distance, i
        for _ in range(to_pop):
            if len(self.route) > 2:
                self.route.popleft()
        return self.route[1]


def sparse_indices(route: DenseRoute, sample_m: float = GLOBAL_PLAN_SAMPLE_M) -> List[int]:
    """Indices of the plan the leaderboard keeps in `_global_plan` (B2D: every 50 m + command changes)."""
    z = route.z_m if route.z_m is not None else np.zeros(len(route))
    plan = [(SimpleNamespace(location=SimpleNamespace(x=float(p[0]), y=float(p[1]), z=float(h))), int(c))
            for p, h, c in zip(route.xy_m, z, route.commands)]
    return downsample_route(plan, sample_m)


class RouteInfoPlanner:
    """B2D's near and far route planners and its target point, per route: call `step` once per recorded frame,
    in order."""

    def __init__(self, route: DenseRoute, sample_m: float = GLOBAL_PLAN_SAMPLE_M) -> None:
        if len(route) == 0:
            raise ValueError("RouteInfoPlanner needs a non-empty route")
        self.route = route
        ids = sparse_indices(route, sample_m)
        self._sparse_xy = route.xy_m[ids].astype(np.float64)
        self._sparse_cmd = route.commands[ids].astype(int)
        self._near = _NodePlanner(route.xy_m, route.commands, NEAR_MIN_M, NEAR_MAX_M)
        self._far = _NodePlanner(self._sparse_xy, self._sparse_cmd, FAR_MIN_M, FAR_MAX_M)
        self._nav_idx = 0
        self._progress_idx = 0
        self._cum = route.cumulative_length_m()

    def _target(self, ego_xy: np.ndarray, ego_yaw_deg: float) -> Tuple[np.ndarray, int]:
        n = len(self._sparse_xy)
        if n == 1:
            return self._sparse_xy[0], int(self._sparse_cmd[0])
        nxt = self._sparse_xy[min(self._nav_idx + 1, n - 1)]
        local = world_to_ego(nxt[None], (float(ego_xy[0]), float(ego_xy[1])), ego_yaw_deg)[0]
        if np.hypot(*local) < TARGET_REACHED_M and local[0] < 0.0:
            self._nav_idx += 1
        self._nav_idx = min(self._nav_idx, n - 2)
        cmd0, cmd1 = int(self._sparse_cmd[self._nav_idx]), int(self._sparse_cmd[self._nav_idx + 1])
        command = cmd1 if (cmd0 in LANE_CHANGE_OPTIONS and cmd1 not in LANE_CHANGE_OPTIONS) else cmd0
        return self._sparse_xy[self._nav_idx + 1], command

    def _route_ahead(self, ego_xy: np.ndarray) -> np.ndarray:
        """Dense points from the ego's progress point on, ~50 m; progress never goes backwards."""
        lo = self._progress_idx
        hi = min(len(self.route), lo + 200)
        d = np.linalg.norm(self.route.xy_m[lo:hi] - ego_xy, axis=1)
        self._progress_idx = lo + int(np.argmin(d))
        end = int(np.searchsorted(self._cum, self._cum[self._progress_idx] + ROUTE_AHEAD_M, side="right"))
        return self.route.xy_m[self._progress_idx:max(end, self._progress_idx + 1)].astype(np.float64)

    def step(self, ego_xy: Tuple[float, float], ego_yaw_deg: float) -> RouteInfo:
        pos = np.asarray(ego_xy, dtype=np.float64)
        near_xy, near_cmd = self._near.run_step(pos)
        far_xy, far_cmd = self._far.run_step(pos)
        target_xy, next_cmd = self._target(pos, ego_yaw_deg)
        return RouteInfo(near_xy=(float(near_xy[0]), float(near_xy[1])), near_command=int(near_cmd),
                         far_xy=(float(far_xy[0]), float(far_xy[1])), far_command=int(far_cmd),
                         target_xy=(float(target_xy[0]), float(target_xy[1])), next_command=int(next_cmd),
                         route_ahead_xy=self._route_ahead(pos))
