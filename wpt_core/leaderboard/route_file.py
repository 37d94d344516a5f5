"""Leaderboard route XML (`<routes><route id town>…`) read/write, shared by CARLA and the embedded simulator.

The format is the leaderboard 2.0 / Bench2Drive one: waypoints as `<position x y z/>`, one or more
`<scenario name type>` with a `<trigger_point x y z yaw/>` and free-form parameter children
(`<distance value="40"/>`), and `<weather route_percentage …/>` keyframes. Parsing uses `list(element)`
(not `getchildren()`, gone since Python 3.9). Errors name the file, the route and the problem.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Sequence, Tuple

import numpy as np

from wpt_core.errors import InputError
from wpt_core.types import DenseRoute
from wpt_core.xml_files import parse_xml_root

if TYPE_CHECKING:
    from wpt_core.sim.town.town import Town


# A waypoint must lie within one lane width (3.5 m, CARLA's standard lane) of a driving lane's centre line.
# Any point on a carriageway is within half a lane of some lane's centre, so this leaves 1.75 m for maps
# converted with other lane widths and for rounded coordinates; a point further out is on a sidewalk, a
# verge or another map, and snapping it to the nearest road (what CARLA's route planner does silently)
# would drive some other route.
WAYPOINT_ON_ROAD_M = 3.5


class RouteFileError(InputError, ValueError):
    """A route file (or route) that cannot be used; the message names file, route id and problem."""


@dataclass
class ScenarioSpec:
    name: str
    type: str
    trigger: Tuple[float, float, float, float]          # x, y, z, yaw (CARLA)
    params: Dict[str, Dict[str, str]] = field(default_factory=dict)  # tag → attributes


@dataclass
class RouteSpec:
    id: str
    town: str
    waypoints: List[Tuple[float, float, float]]
    scenarios: List[ScenarioSpec] = field(default_factory=list)
    weathers: List[Dict[str, str]] = field(default_factory=list)
    source: str = ""                                     # file it was read from (for error messages)


def _floats(elem: ET.Element, names: Sequence[str], where: str, optional: Sequence[str] = ()) -> List[float]:
    out = []
    for name in names:
        raw = elem.get(name)
        if raw is None and name in optional:
            out.append(0.0)
            continue
        if raw is None:
            raise RouteFileError(f"{where}: <{elem.tag}> lacks attribute {name!r}")
        try:
            out.append(float(raw))
        except ValueError:
            raise RouteFileError(f"{where}: <{elem.tag}> attribute {name}={raw!r} is not a number") from None
    return out


def _parse_scenario(elem: ET.Element, where: str) -> ScenarioSpec:
    name, kind = elem.get("name"), elem.get("type")
    if not name or not kind:
        raise RouteFileError(f"{where}: <scenario> needs 'name' and 'type' attributes")
    trigger = None
    params: Dict[str, Dict[str, str]] = {}
    for child in list(elem):
        if child.tag == "trigger_point":
            x, y, z, yaw = _floats(child, ("x", "y", "z", "yaw"), f"{where}: scenario {name}", optional=("z", "yaw"))
            trigger = (x, y, z, yaw)
        else:
            params[child.tag] = dict(child.attrib)
    if trigger is None:
        raise RouteFileError(f"{where}: scenario {name} has no <trigger_point>")
    return ScenarioSpec(name, kind, trigger, params)


def _parse_route(elem: ET.Element, path: Path) -> RouteSpec:
    rid = elem.get("id")
    where = f"{path}: route {rid}"
    if not rid:
        raise RouteFileError(f"{path}: a <route> lacks its 'id' attribute")
    town = elem.get("town")
    if not town:
        raise RouteFileError(f"{where}: lacks its 'town' attribute")
    wps_elem = elem.find("waypoints")
    if wps_elem is None:
        raise RouteFileError(f"{where}: has no <waypoints>")
    waypoints = [tuple(_floats(p, ("x", "y", "z"), where, optional=("z",))) for p in list(wps_elem)
                 if p.tag == "position"]
    if len(waypoints) < 2:
        raise RouteFileError(f"{where}: needs at least two <position> waypoints, found {len(waypoints)}")
    scen_elem = elem.find("scenarios")
    scenarios = [_parse_scenario(s, where) for s in (list(scen_elem) if scen_elem is not None else [])
                 if s.tag == "scenario"]
    weather_elem = elem.find("weathers")
    weathers = [dict(w.attrib) for w in (list(weather_elem) if weather_elem is not None else [])
                if w.tag == "weather"]
    return RouteSpec(rid, town, waypoints, scenarios, weathers, source=str(path))  # type: ignore[arg-type]


def read_routes(path: str | Path) -> List[RouteSpec]:
    """All routes of a leaderboard route file, in file order."""
    path = Path(path)
    root = parse_xml_root(path, "routes", "route file", RouteFileError)
    routes = [_parse_route(r, path) for r in list(root) if r.tag == "route"]
    seen: Dict[str, int] = {}
    for r in routes:
        if r.id in seen:
            raise RouteFileError(f"{path}: route {r.id}: duplicate route id")
        seen[r.id] = 1
    return routes


def _fmt(v: float) -> str:
    return f"{v:.3f}"


def write_routes(routes: Sequence[RouteSpec], path: str | Path) -> None:
    """Write routes in the leaderboard format (what `read_routes` and the leaderboard's parser read)."""
    root = ET.Element("routes")
    for r in routes:
        re_ = ET.SubElement(root, "route", {"id": str(r.id), "town": r.town})
        wps = ET.SubElement(re_, "waypoints")
        for x, y, z in r.waypoints:
            ET.SubElement(wps, "position", {"x": _fmt(x), "y": _fmt(y), "z": _fmt(z)})
        scens = ET.SubElement(re_, "scenarios")
        for s in r.scenarios:
            se = ET.SubElement(scens, "scenario", {"name": s.name, "type": s.type})
            x, y, z, yaw = s.trigger
            ET.SubElement(se, "trigger_point", {"x": _fmt(x), "y": _fmt(y), "z": _fmt(z), "yaw": _fmt(yaw)})
            for tag, attrs in s.params.items():
                ET.SubElement(se, tag, dict(attrs))
        weathers = ET.SubElement(re_, "weathers")
        for w in r.weathers:
            ET.SubElement(weathers, "weather", dict(w))
    tree = ET.ElementTree(root)
    ET.indent(tree, space="  ")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def route_lanes(town: "Town", spec: RouteSpec) -> List[str]:
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


def route_town(spec: RouteSpec) -> "Town":
    """The route's town: a shipped town by name, or a `.net.xml` path; errors name the route file and route."""
    from wpt_core.sim.town.town import Town, TownError, is_town_path, shipped_towns
    where = f"{spec.source or '<routes>'}: route {spec.id}"
    if not is_town_path(spec.town) and spec.town not in shipped_towns():
        raise RouteFileError(f"{where}: unknown town {spec.town!r} (known: {', '.join(shipped_towns())}; "
                             "or a .net.xml path, e.g. from `wpt maps convert`)")
    try:
        return Town.load(spec.town)
    except TownError as exc:
        raise RouteFileError(f"{where}: {exc}") from None


def route_plan(town: "Town", spec: RouteSpec) -> Tuple[List[str], DenseRoute]:
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
