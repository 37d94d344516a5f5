"""The dense route as the leaderboard hands it to `set_global_plan`: (GNSS, command) and (Transform, command)."""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

from wpt_core.geometry import world_to_gnss
from wpt_core.protocol import make_transform
from wpt_core.types import DenseRoute, RoadOption


def global_plan(route: DenseRoute, lat_ref: float, lon_ref: float
                ) -> Tuple[List[Tuple[Dict[str, float], RoadOption]], List[Tuple[Any, RoadOption]]]:
    """(gps_route, world_route), ~1 m spaced like the leaderboard's interpolated route."""
    gps: List[Tuple[Dict[str, float], RoadOption]] = []
    world: List[Tuple[Any, RoadOption]] = []
    z = route.z_m if route.z_m is not None else [0.0] * len(route)
    for (x, y), yaw, cmd, zz in zip(route.xy_m, route.yaw_deg, route.commands, z):
        option = RoadOption(int(cmd))
        lat, lon, alt = world_to_gnss(float(x), float(y), float(zz), lat_ref, lon_ref)
        gps.append(({"lat": lat, "lon": lon, "z": alt}, option))
        world.append((make_transform(float(x), float(y), float(zz), float(yaw)), option))
    return gps, world
