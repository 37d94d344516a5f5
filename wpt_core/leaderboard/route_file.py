"""Leaderboard route XML (`<routes><route id town>…`) read/write, and `--routes-subset`, for both simulators.

The format is the leaderboard 2.0 / Bench2Drive one: waypoints as `<position x y z/>`, one or more
`<scenario name type>` with a `<trigger_point x y z yaw/>` and free-form parameter children
(`<distance value="40"/>`), and `<weather route_percentage …/>` keyframes. Parsing uses `list(element)`
(not `getchildren()`, gone since Python 3.9). Errors name the file, the route and the problem.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

from wpt_core.errors import InputError
from wpt_core.xml_files import parse_xml_root


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


def select_routes(routes: Sequence[Any], subset: str) -> List[Any]:
    """Leaderboard `--routes-subset`: ids separated by commas and/or `a-b` id ranges (inclusive)."""
    if not subset:
        return list(routes)
    wanted: List[str] = []
    for part in (p.strip() for p in subset.split(",")):
        bounds = part.split("-", 1)
        if len(bounds) == 2 and all(b.strip().isdigit() for b in bounds):
            wanted.extend(str(i) for i in range(int(bounds[0]), int(bounds[1]) + 1))
        elif part:
            wanted.append(part)
    known = {str(r.id) for r in routes}
    if not known.intersection(wanted):
        raise ValueError(f"--routes-subset {subset!r} matches no route id of the file")
    return [r for r in routes if str(r.id) in set(wanted)]
