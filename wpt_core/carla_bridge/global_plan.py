"""The leaderboard's dense global plan (`set_global_plan`'s world coords) → our DenseRoute."""
from __future__ import annotations

from typing import Any, Sequence, Tuple

import numpy as np

from wpt_core.types import DenseRoute, RoadOption

DEFAULT_LANE_WIDTH_M = 3.5
_JUNCTION_OPTIONS = (int(RoadOption.LEFT), int(RoadOption.RIGHT), int(RoadOption.STRAIGHT))


def dense_route_from_plan(world_plan: Sequence[Tuple[Any, Any]], carla_map: Any = None) -> DenseRoute:
    """[(carla.Transform, RoadOption)] (~1 m apart) → DenseRoute.

    The leaderboard's route interpolation tags junction segments LEFT/RIGHT/STRAIGHT, so those points are
    `in_junction`; lane widths come from the map's waypoints when a map is given.
    """
    if not world_plan:
        raise ValueError("empty global plan")
    xy = np.array([[t.location.x, t.location.y] for t, _ in world_plan], dtype=np.float64)
    z = np.array([t.location.z for t, _ in world_plan], dtype=np.float64)
    yaw = np.array([t.rotation.yaw for t, _ in world_plan], dtype=np.float64)
    commands = np.array([int(getattr(option, "value", option)) for _, option in world_plan], dtype=np.int64)
    widths = np.full(len(world_plan), DEFAULT_LANE_WIDTH_M)
    if carla_map is not None:
        for i, (t, _) in enumerate(world_plan):
            wp = carla_map.get_waypoint(t.location)
            if wp is not None:
                widths[i] = float(wp.lane_width)
    return DenseRoute(xy_m=xy, yaw_deg=yaw, commands=commands, in_junction=np.isin(commands, _JUNCTION_OPTIONS),
                      lane_width_m=widths, z_m=z)
