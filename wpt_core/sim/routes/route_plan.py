"""A route file's route on an embedded town: its lane path and the dense plan the leaderboard would hand out.

Each waypoint is matched to its nearest driving lane, which must be within `WAYPOINT_ON_ROAD_M`: any point
on a carriageway is within half a lane of some lane's centre, so one lane width (3.5 m, CARLA's standard
lane) leaves 1.75 m for maps converted with other lane widths and for rounded coordinates; a point further
out is on a sidewalk, a verge or another map, and snapping it to the nearest road (what CARLA's route
planner does silently) would drive some other route. Errors name the route file and the route.
"""
from __future__ import annotations

from typing import List, Sequence, Tuple

import numpy as np

from wpt_core.leaderboard.route_file import RouteFileError, RouteSpec
from wpt_core.sim.town.town import Town, TownError
from wpt_core.sim.town.town_lookup import TownSources, locate_town
from wpt_core.types import DenseRoute

WAYPOINT_ON_ROAD_M = 3.5


def route_lanes(town: Town, spec: RouteSpec) -> List[str]:
    """Lane path (internal lanes included) through the route's waypoints: each waypoint is matched to its
    nearest driving edge, consecutive edges are joined by shortest paths."""
    where = f"{spec.source or '<routes>'}: route {spec.id}"
    edges: List[str] = []
    for i, (x, y, _) in enumerate(spec.waypoints):
        match = town.nearest_lane((x, y), max_distance_m=WAYPOINT_ON_ROAD_M)
        if match is None:
            nearest = town.nearest_lane((x, y), max_distance_m=float("inf"))
            raise RouteFileError(f"{where}: waypoint {i} ({x:.1f}, {y:.1f}) is not on a road of {town.name}: "
                                 f"the nearest driving lane is {nearest.distance_m:.1f} m away "
                                 f"(tolerance {WAYPOINT_ON_ROAD_M} m)")
        lane = town.lanes[match.lane_id]
        if lane.is_internal or (edges and edges[-1] == lane.edge_id):
            continue
        edges.append(lane.edge_id)
    if not edges:
        raise RouteFileError(f"{where}: no waypoint lies on a road outside junctions")
    path = [edges[0]]
    try:
        for nxt in edges[1:]:
            path.extend(town.shortest_edge_path(path[-1], nxt)[1:])
        return town.lane_path(path)
    except ValueError as exc:
        raise RouteFileError(f"{where}: {exc}") from None


def route_town(spec: RouteSpec, sources: TownSources | None = None) -> Town:
    """The route's town, looked up as `town_lookup` says (shipped, `--towns`, `CARLA_ROOT`); errors name the
    route file, the route and every place looked in."""
    where = f"{spec.source or '<routes>'}: route {spec.id}"
    try:
        return Town.load(locate_town(spec.town, sources or TownSources.from_environment()))
    except TownError as exc:
        raise RouteFileError(f"{where}: {exc}") from None


def route_plan(town: Town, spec: RouteSpec) -> Tuple[List[str], DenseRoute]:
    """Lane path and the dense plan cut to start at the first waypoint and end at the last one.

    Waypoints lie partway along their lanes; the leaderboard's route (and so route completion and the
    ego's spawn point) runs from the first waypoint to the last, not from lane end to lane end.
    """
    lanes = route_lanes(town, spec)
    dense = town.dense_route(lanes)
    first = _nearest_index(dense.xy_m, spec.waypoints[0], 0, len(dense) // 2 + 1)
    last = _nearest_index(dense.xy_m, spec.waypoints[-1], first + 1, len(dense))
    cut = slice(first, last + 1)
    return lanes, DenseRoute(xy_m=dense.xy_m[cut], yaw_deg=dense.yaw_deg[cut], commands=dense.commands[cut],
                             in_junction=dense.in_junction[cut], lane_width_m=dense.lane_width_m[cut],
                             z_m=None if dense.z_m is None else dense.z_m[cut])


def _nearest_index(xy: np.ndarray, point: Sequence[float], lo: int, hi: int) -> int:
    window = xy[lo:max(hi, lo + 1)]
    return lo + int(np.argmin(np.hypot(window[:, 0] - point[0], window[:, 1] - point[1])))
