"""Read a SUMO `.net.xml` into lanes, links and junctions in CARLA's frame.

Plain ElementTree instead of sumolib: it loads a town in a fraction of a second and needs no SUMO
install (sumolib is only needed to *run* the world).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np

from wpt_core.errors import InputError
from wpt_core.geometry import DEFAULT_LAT_REF, DEFAULT_LON_REF
from wpt_core.sim.town.frames import sumo_to_carla_xy
from wpt_core.sim.town.town_lanes import Junction, Lane, Link
from wpt_core.xml_files import parse_xml_root

SUMO_DEFAULT_LANE_WIDTH_M = 3.2


class TownError(InputError, ValueError):
    """A network file that cannot be used as a town (names the file)."""


@dataclass
class ParsedNet:
    lanes: Dict[str, Lane] = field(default_factory=dict)
    junctions: Dict[str, Junction] = field(default_factory=dict)
    edges: Dict[str, List[str]] = field(default_factory=dict)            # driving edges → lane ids by index
    edge_nodes: Dict[str, Tuple[str, str]] = field(default_factory=dict)  # driving edges → (from, to)
    internal_dir: Dict[str, str] = field(default_factory=dict)            # internal lane → link dir
    crossing_edges: Dict[str, List[str]] = field(default_factory=dict)    # crossing lane → road edges it crosses
    lat_ref: float = DEFAULT_LAT_REF
    lon_ref: float = DEFAULT_LON_REF


def _shape(text: str | None) -> np.ndarray:
    pts = [tuple(float(v) for v in p.split(",")[:2]) for p in (text or "").split()]
    return sumo_to_carla_xy(np.asarray(pts, dtype=np.float64).reshape(-1, 2))


def _allows_cars(lane: ET.Element) -> bool:
    allow, disallow = lane.get("allow"), lane.get("disallow")
    if allow is not None:
        return allow == "all" or "passenger" in allow.split()
    if disallow is not None:
        return disallow != "all" and "passenger" not in disallow.split()
    return True


def _kind(edge: ET.Element, lane: ET.Element) -> str | None:
    function = edge.get("function", "normal")
    if function in ("crossing", "walkingarea"):
        return function
    if lane.get("allow") == "pedestrian":
        return "sidewalk"
    return "driving" if _allows_cars(lane) else None


def _geo_reference(root: ET.Element) -> Tuple[float, float]:
    """lat/lon of the origin from the projection's +lat_0/+lon_0 (OpenDRIVE geoReference), else defaults."""
    loc = root.find("location")
    proj = loc.get("projParameter", "!") if loc is not None else "!"
    lat = re.search(r"\+lat_0=([-0-9.eE]+)", proj)
    lon = re.search(r"\+lon_0=([-0-9.eE]+)", proj)
    return (float(lat.group(1)) if lat else DEFAULT_LAT_REF, float(lon.group(1)) if lon else DEFAULT_LON_REF)


def parse_net(path: Path) -> ParsedNet:
    """Parse `path`; raises `TownError` naming the file when it is missing or not a SUMO network."""
    root = parse_xml_root(path, "net", "SUMO network", TownError)
    net = ParsedNet()
    net.lat_ref, net.lon_ref = _geo_reference(root)
    for edge in root.iter("edge"):
        _add_edge(net, edge)
    if not net.edges:
        raise TownError(f"{path}: network has no driving lanes")
    for junction in root.iter("junction"):
        jid = junction.get("id", "")
        if jid.startswith(":") or junction.get("type") == "internal":
            continue
        poly = _shape(junction.get("shape"))
        center = sumo_to_carla_xy(np.array([float(junction.get("x", 0)), float(junction.get("y", 0))]))
        net.junctions[jid] = Junction(jid, junction.get("type", "unknown"), poly,
                                      (float(center[0]), float(center[1])), None)
    for conn in root.iter("connection"):
        _add_connection(net, conn)
    return net


def _add_edge(net: ParsedNet, edge: ET.Element) -> None:
    eid = edge.get("id", "")
    function = edge.get("function", "normal")
    internal = function == "internal" or (eid.startswith(":") and function not in ("crossing", "walkingarea"))
    junction_id = eid[1:].rsplit("_", 1)[0] if eid.startswith(":") else None
    driving: List[Tuple[int, str]] = []
    for lane in edge.iter("lane"):
        kind = _kind(edge, lane)
        if kind is None:
            continue
        lid = lane.get("id", "")
        index = int(lane.get("index", 0))
        net.lanes[lid] = Lane(
            id=lid, edge_id=eid, index=index, shape_xy=_shape(lane.get("shape")),
            width_m=float(lane.get("width", SUMO_DEFAULT_LANE_WIDTH_M)), length_m=float(lane.get("length", 0.0)),
            speed_mps=float(lane.get("speed", 13.89)), kind=kind, is_internal=internal or junction_id is not None,
            junction_id=junction_id, from_junction=edge.get("from", ""), to_junction=edge.get("to", ""))
        if kind == "crossing":
            net.crossing_edges[lid] = edge.get("crossingEdges", "").split()
        if kind == "driving" and not internal and junction_id is None:
            driving.append((index, lid))
    if driving:
        net.edges[eid] = [lid for _, lid in sorted(driving)]
        net.edge_nodes[eid] = (edge.get("from", ""), edge.get("to", ""))


def _add_connection(net: ParsedNet, conn: ET.Element) -> None:
    from_lane = f"{conn.get('from')}_{conn.get('fromLane')}"
    to_lane = f"{conn.get('to')}_{conn.get('toLane')}"
    lane = net.lanes.get(from_lane)
    if lane is None or to_lane not in net.lanes or lane.kind != "driving":
        return
    via = conn.get("via")
    tls = conn.get("tl")
    lane.links.append(Link(to_lane=to_lane, via_lane=via, direction=conn.get("dir", "s"), tls_id=tls,
                           tls_index=int(conn.get("linkIndex", -1)) if tls else -1, state=conn.get("state", "M")))
    if via:
        net.internal_dir.setdefault(via, conn.get("dir", "s"))
    if tls and lane.to_junction in net.junctions and not lane.is_internal:
        net.junctions[lane.to_junction].tls_id = tls
