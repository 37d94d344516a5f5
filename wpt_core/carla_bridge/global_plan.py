"""The leaderboard's dense global plan (`set_global_plan`'s world coords) → our DenseRoute, lane widths from CARLA."""
from __future__ import annotations

from typing import Any, Sequence, Tuple

import numpy as np

from wpt_core.types import DEFAULT_LANE_WIDTH_M, DenseRoute


def dense_route_from_plan(world_plan: Sequence[Tuple[Any, Any]], carla_map: Any = None) -> DenseRoute:
    """[(carla.Transform, RoadOption)] (~1 m apart) → DenseRoute, with the map's lane widths when a map is given."""
    widths = None
    if carla_map is not None:
        widths = np.full(len(world_plan), DEFAULT_LANE_WIDTH_M)
        for i, (t, _) in enumerate(world_plan):
            wp = carla_map.get_waypoint(t.location)
            if wp is not None:
                widths[i] = float(wp.lane_width)
    return DenseRoute.from_global_plan(world_plan, widths)
