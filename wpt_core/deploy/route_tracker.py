"""The global plan → the target point and command the policy was trained on.

The training labels' `x_target`, `y_target`, `next_command` come from `RouteInfoPlanner` stepped along the
expert's drive; the agent steps the very same planner on its own localised pose over the dense plan that
`set_global_plan` hands it, and expresses the target in its ego frame as `features.target_in_ego` does.
"""
from __future__ import annotations

from typing import Any, Sequence, Tuple

import numpy as np

from wpt_core.data.route_info import RouteInfoPlanner
from wpt_core.geometry import world_to_ego
from wpt_core.leaderboard.global_plan import dense_route_from_plan


class RouteTracker:
    def __init__(self, world_plan: Sequence[Tuple[Any, Any]]) -> None:
        self.route = dense_route_from_plan(world_plan)
        self._planner = RouteInfoPlanner(self.route)

    @property
    def initial_yaw_deg(self) -> float:
        return float(self.route.yaw_deg[0])

    def step(self, pose: Tuple[float, float, float]) -> Tuple[np.ndarray, int]:
        """((2,) target point in the ego frame, RoadOption value of the command)."""
        info = self._planner.step(pose[:2], pose[2])
        target = world_to_ego(np.array([info.target_xy], dtype=np.float64), pose[:2], pose[2])[0]
        return target, int(info.next_command)
