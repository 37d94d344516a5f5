"""The leaderboard's global plan ↔ our DenseRoute, for both simulators.

`set_global_plan` receives the route interpolated ~1 m apart as `[(carla.Transform, RoadOption)]` and
`[({'lat', 'lon', 'z'}, RoadOption)]`. The embedded runner builds both from its dense route
(`global_plan`); a privileged agent turns the world one back into a DenseRoute (`dense_route_from_plan`),
with the lane widths of the CARLA map when it has one. The leaderboard's route interpolation tags
junction segments LEFT/RIGHT/STRAIGHT, so those points are `in_junction`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

from wpt_core.geometry import world_to_gnss
from wpt_core.protocol import make_transform
from wpt_core.types import DEFAULT_LANE_WIDTH_M, DenseRoute, RoadOption

GpsPlan = List[Tuple[Dict[str, float], RoadOption]]
WorldPlan = List[Tuple[Any, RoadOption]]
JUNCTION_OPTIONS = (int(RoadOption.LEFT), int(RoadOption.RIGHT), int(RoadOption.STRAIGHT))


def global_plan(route: DenseRoute, lat_ref: float, lon_ref: float) -> Tuple[GpsPlan, WorldPlan]:
    """(gps_route, world_route), ~1 m spaced like the leaderboard's interpolated route."""
    gps: GpsPlan = []
    world: WorldPlan = []
    z = route.z_m if route.z_m is not None else [0.0] * len(route)
    for (x, y), yaw, cmd, zz in zip(route.xy_m, route.yaw_deg, route.commands, z):
        option = RoadOption(int(cmd))
        lat, lon, alt = world_to_gnss(float(x), float(y), float(zz), lat_ref, lon_ref)
        gps.append(({"lat": lat, "lon": lon, "z": alt}, option))
        world.append((make_transform(float(x), float(y), float(zz), float(yaw)), option))
    return gps, world


def dense_route_from_plan(world_plan: Sequence[Tuple[Any, Any]], carla_map: Any = None) -> DenseRoute:
    """`set_global_plan`'s dense [(Transform, RoadOption)] → DenseRoute; lane widths from `carla_map`
    (`get_waypoint(location).lane_width`) when given, else 3.5 m."""
    if not world_plan:
        raise ValueError("empty global plan")
    widths = np.full(len(world_plan), DEFAULT_LANE_WIDTH_M)
    if carla_map is not None:
        for i, (t, _) in enumerate(world_plan):
            wp = carla_map.get_waypoint(t.location)
            if wp is not None:
                widths[i] = float(wp.lane_width)
    xy = np.array([[t.location.x, t.location.y] for t, _ in world_plan], dtype=np.float64)
    z = np.array([t.location.z for t, _ in world_plan], dtype=np.float64)
    yaw = np.array([t.rotation.yaw for t, _ in world_plan], dtype=np.float64)
    commands = np.array([int(getattr(option, "value", option)) for _, option in world_plan], dtype=np.int64)
    return DenseRoute(xy_m=xy, yaw_deg=yaw, commands=commands, in_junction=np.isin(commands, JUNCTION_OPTIONS),
                      lane_width_m=widths, z_m=z)
