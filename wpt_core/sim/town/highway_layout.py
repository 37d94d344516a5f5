"""The plain network of the motorway towns: a 2 km divided motorway with ramps between two small town blocks.

netgenerate has no motorway layout, so this town's plain nodes, edges and ramp connections are written
here (SUMO frame: x east, y north; right-hand traffic). Layout, west to east:

- a town block at each end (1-lane two-way streets, 50 km/h) whose middle junction (B1 west, C1 east,
  signalised) is where the motorway begins and ends;
- the motorway: two one-way carriageways, 12 m apart, with an 80 km/h link at each end; per direction an
  off-ramp (a deceleration lane added on the right, then a 1-lane ramp leaving it) followed by an on-ramp
  (a 1-lane ramp joining as an acceleration lane on the right, which then ends into the rightmost lane);
  lanes, speed, the auxiliary lanes' length and where the ramps are come from a `HighwayDesign`:
  `EmbeddedHighway` (training) has 3 lanes at 120 km/h and 200 m auxiliary lanes, `EmbeddedMotorway`
  (evaluation only, as EmbeddedRand: the highway types' routes are then held out) 2 lanes at 100 km/h,
  175 m auxiliary lanes and ramps 50 m further from the middle;
- crosswalks at the end junctions over the streets only (netconvert would also cross the motorway arm);
- two interurban roads (1 lane each way, 70 km/h) parallel to the motorway, 220 m north and south, on
  which the ramps end at unsignalised T junctions where the interurban road has the right of way.

The westbound carriageway and its ramps are the eastbound ones turned by 180° about the town's centre,
so both directions have the same geometry. Motorway and ramp edges carry no pedestrians.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

MOTORWAY_LINK_MPS = 22.22  # 80 km/h: the motorway's first and last stretch, into the town junctions
RAMP_MPS = 16.67           # 60 km/h
INTERURBAN_MPS = 19.44     # 70 km/h
STREET_MPS = 13.89         # 50 km/h
CENTRE_X = 1000.0          # the point symmetry's centre (x, 0)
MEDIAN_Y = -6.0            # the eastbound carriageway's median edge; its lanes lie to its right (south)
LANE_SPREAD_M = 3.25       # lane width netconvert gives the motorway lanes (for where a ramp leaves the edge)
RAMP_TO_ROAD_M = 150.0     # along x, from where a ramp leaves / joins the motorway to its interurban end
NO_PEDESTRIANS = "pedestrian bicycle"

XY = Tuple[float, float]


@dataclass(frozen=True)
class PlainEdge:
    """One plain-XML edge; `lanes`/`speed_mps`/`priority` as netconvert reads them."""

    id: str
    start: str
    end: str
    lanes: int
    speed_mps: float
    priority: int
    shape: Tuple[XY, ...] = ()
    motorway: bool = False   # no pedestrians; lanes spread to the right of the carriageway's median edge




@dataclass(frozen=True)
class HighwayDesign:
    """What differs between the motorway towns; the off-ramp leaves at `off_ramp_x`, the on-ramp joins at
    `on_ramp_x` (eastbound; the westbound half is the same turned by 180°)."""

    motorway_lanes: int = 3
    motorway_mps: float = 33.33     # 120 km/h
    aux_lane_m: float = 200.0       # deceleration / acceleration lane
    off_ramp_x: float = 900.0
    on_ramp_x: float = 1300.0


HIGHWAY = HighwayDesign()
MOTORWAY = HighwayDesign(motorway_lanes=2, motorway_mps=27.78, aux_lane_m=175.0, off_ramp_x=850.0, on_ramp_x=1350.0)
RAMP_POINTS = 16            # samples of a ramp's curve (≤ 7° heading change between them)


def _eastbound_nodes(d: HighwayDesign) -> Dict[str, XY]:
    xs = {"EB0": 250.0, "EB1": d.off_ramp_x - d.aux_lane_m, "EB2": d.off_ramp_x, "EB3": d.on_ramp_x,
          "EB4": d.on_ramp_x + d.aux_lane_m, "EB5": 1750.0}
    nodes = {n: (x, MEDIAN_Y) for n, x in xs.items()}
    nodes.update({"S1": (d.off_ramp_x + RAMP_TO_ROAD_M, -220.0), "S2": (d.on_ramp_x - RAMP_TO_ROAD_M, -220.0)})
    return nodes


def _bezier(p0: XY, p1: XY, p2: XY, p3: XY, n: int) -> Tuple[XY, ...]:
    """n points of the cubic Bézier p0 → p3 (tangents p0→p1 at the start, p2→p3 at the end)."""
    out = []
    for k in range(n):
        t = k / (n - 1)
        w = ((1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3)
        out.append((sum(wi * p[0] for wi, p in zip(w, (p0, p1, p2, p3))),
                    sum(wi * p[1] for wi, p in zip(w, (p0, p1, p2, p3)))))
    return tuple(out)


def _ramp_shapes(d: HighwayDesign) -> Tuple[Tuple[XY, ...], Tuple[XY, ...]]:
    """The off-ramp curves from the motorway's right edge (beside the deceleration lane) down to the
    interurban road, meeting it at a right angle; the on-ramp is its mirror image about the point between
    the ramps' road ends, driven the other way."""
    edge_y = MEDIAN_Y - (d.motorway_lanes + 1) * LANE_SPREAD_M
    road_x = d.off_ramp_x + RAMP_TO_ROAD_M
    off = _bezier((d.off_ramp_x + 15.0, edge_y), (d.off_ramp_x + 100.0, edge_y - 5.0), (road_x, -90.0),
                  (road_x, -200.0), RAMP_POINTS)
    mirror_x = d.off_ramp_x + d.on_ramp_x
    return off, tuple((mirror_x - x, y) for x, y in reversed(off))

TOWN_NODES: Dict[str, Tuple[XY, str]] = {   # id → (position, junction type)
    "A0": ((-200.0, -220.0), "priority"), "A1": ((-200.0, 0.0), "priority_stop"),
    "A2": ((-200.0, 220.0), "priority"), "B0": ((0.0, -220.0), "priority_stop"),
    "B1": ((0.0, 0.0), "traffic_light"), "B2": ((0.0, 220.0), "priority_stop"),
}
STREETS = [("A0", "A1"), ("A1", "A2"), ("A0", "B0"), ("A1", "B1"), ("A2", "B2"), ("B0", "B1"), ("B1", "B2")]


def _turned(xy: XY) -> XY:
    """The point turned by 180° about (CENTRE_X, 0): eastbound geometry → westbound."""
    return 2.0 * CENTRE_X - xy[0], -xy[1]


def _turned_id(node: str) -> str:
    """Node ids of the turned half: EB* ↔ WB*, S* ↔ N*, town columns A ↔ D, B ↔ C with row k → row 2 − k."""
    if node[:2] in ("EB", "WB"):
        return {"EB": "WB", "WB": "EB"}[node[:2]] + node[2:]
    if node[0] in "SN":
        return {"S": "N", "N": "S"}[node[0]] + node[1:]
    return {"A": "D", "B": "C", "C": "B", "D": "A"}[node[0]] + str(2 - int(node[1:]))


def _eastbound_edges(d: HighwayDesign) -> List[PlainEdge]:
    def motorway(a: str, b: str, lanes: int = d.motorway_lanes, speed: float = d.motorway_mps) -> PlainEdge:
        return PlainEdge(a + b, a, b, lanes, speed, 4, motorway=True)
    off_shape, on_shape = _ramp_shapes(d)
    return [motorway("B1", "EB0", speed=MOTORWAY_LINK_MPS), motorway("EB0", "EB1"),
            motorway("EB1", "EB2", d.motorway_lanes + 1), motorway("EB2", "EB3"),
            motorway("EB3", "EB4", d.motorway_lanes + 1), motorway("EB4", "EB5"),
            motorway("EB5", "C1", speed=MOTORWAY_LINK_MPS),
            PlainEdge("EB2S1", "EB2", "S1", 1, RAMP_MPS, 2, off_shape, motorway=True),
            PlainEdge("S2EB3", "S2", "EB3", 1, RAMP_MPS, 2, on_shape, motorway=True)]


def _eastbound_connections(d: HighwayDesign) -> List[Tuple[str, int, str, int]]:
    """(from edge, lane, to edge, lane) at the four ramp nodes; SUMO lane 0 is the rightmost."""
    n = d.motorway_lanes
    out = [("EB0EB1", 0, "EB1EB2", 0)]                                  # into the deceleration lane
    out += [("EB0EB1", i, "EB1EB2", i + 1) for i in range(n)]
    out += [("EB1EB2", 0, "EB2S1", 0)]                                  # the off-ramp leaves lane 0 only
    out += [("EB1EB2", i + 1, "EB2EB3", i) for i in range(n)]
    out += [("S2EB3", 0, "EB3EB4", 0)]                                  # the on-ramp joins as lane 0
    out += [("EB2EB3", i, "EB3EB4", i + 1) for i in range(n)]
    out += [("EB3EB4", 0, "EB4EB5", 0)]                                 # the acceleration lane ends
    out += [("EB3EB4", i + 1, "EB4EB5", i) for i in range(n)]
    return out


def _crossings() -> List[Tuple[str, str, str]]:
    """(node, edge, edge): the crosswalks of the west end junction, one per street arm."""
    return [("B1", "B1B2", "B2B1"), ("B1", "B1B0", "B0B1"), ("B1", "B1A1", "A1B1")]


def _two_way(a: str, b: str, speed: float, priority: int) -> List[PlainEdge]:
    return [PlainEdge(a + b, a, b, 1, speed, priority), PlainEdge(b + a, b, a, 1, speed, priority)]


def _west_half(d: HighwayDesign) -> Tuple[Dict[str, Tuple[XY, str]], List[PlainEdge],
                                          List[Tuple[str, int, str, int]]]:
    nodes = dict(TOWN_NODES)
    nodes.update({nid: (xy, "priority") for nid, xy in _eastbound_nodes(d).items()})
    edges = _eastbound_edges(d)
    for a, b in STREETS:
        edges += _two_way(a, b, STREET_MPS, 1)
    edges += _two_way("B0", "S1", INTERURBAN_MPS, 3) + _two_way("S1", "S2", INTERURBAN_MPS, 3)
    return nodes, edges, _eastbound_connections(d)


def _turn_edge(edge: PlainEdge) -> PlainEdge:
    start, end = _turned_id(edge.start), _turned_id(edge.end)
    return PlainEdge(start + end, start, end, edge.lanes, edge.speed_mps, edge.priority,
                     tuple(_turned(p) for p in edge.shape), edge.motorway)


def _whole_town(d: HighwayDesign) -> Tuple[Dict[str, Tuple[XY, str]], List[PlainEdge],
                                          List[Tuple[str, int, str, int]], List[Tuple[str, str, str]]]:
    west_nodes, west_edges, west_conns = _west_half(d)
    nodes = dict(west_nodes)
    nodes.update({_turned_id(n): (_turned(xy), kind) for n, (xy, kind) in west_nodes.items()})
    turned = {e.id: _turn_edge(e) for e in west_edges}
    edges = west_edges + [e for e in turned.values() if e.id not in {w.id for w in west_edges}]
    edges.append(PlainEdge("S2C0", "S2", "C0", 1, INTERURBAN_MPS, 3))   # the two halves' interurban roads meet
    edges.append(PlainEdge("C0S2", "C0", "S2", 1, INTERURBAN_MPS, 3))
    edges.append(PlainEdge("N2B2", "N2", "B2", 1, INTERURBAN_MPS, 3))
    edges.append(PlainEdge("B2N2", "B2", "N2", 1, INTERURBAN_MPS, 3))
    conns = west_conns + [(turned[a].id, i, turned[b].id, j) for a, i, b, j in west_conns]
    crossings = _crossings() + [(_turned_id(n), turned[a].id, turned[b].id) for n, a, b in _crossings()]
    return nodes, edges, conns, crossings


def plain_network(design: HighwayDesign) -> Tuple[ET.ElementTree, ET.ElementTree, ET.ElementTree]:
    """(nodes, edges, connections and crossings) plain XML trees of the whole town."""
    nodes, edges, conns, crossings = _whole_town(design)
    return _nodes_xml(nodes), _edges_xml(edges), _connections_xml(conns, crossings)


def no_sidewalk_edges(design: HighwayDesign) -> List[str]:
    """The motorway's and the ramps' edges, which netconvert must not give sidewalks."""
    return sorted(e.id for e in _whole_town(design)[1] if e.motorway)


def _nodes_xml(nodes: Dict[str, Tuple[XY, str]]) -> ET.ElementTree:
    root = ET.Element("nodes")
    for nid, ((x, y), kind) in sorted(nodes.items()):
        ET.SubElement(root, "node", id=nid, x=f"{x:.2f}", y=f"{y:.2f}", type=kind)
    return ET.ElementTree(root)


def _shape_text(points: Sequence[XY]) -> str:
    return " ".join(f"{x:.2f},{y:.2f}" for x, y in points)


def _edges_xml(edges: Sequence[PlainEdge]) -> ET.ElementTree:
    root = ET.Element("edges")
    for e in sorted(edges, key=lambda e: e.id):
        attrs = {"id": e.id, "from": e.start, "to": e.end, "numLanes": str(e.lanes), "speed": f"{e.speed_mps:.2f}",
                 "priority": str(e.priority)}
        if e.shape:
            attrs["shape"] = _shape_text(e.shape)
        if e.motorway:
            attrs["disallow"] = NO_PEDESTRIANS
        ET.SubElement(root, "edge", attrs)
    return ET.ElementTree(root)


def _connections_xml(conns: Sequence[Tuple[str, int, str, int]],
                      crossings: Sequence[Tuple[str, str, str]]) -> ET.ElementTree:
    root = ET.Element("connections")
    for a, i, b, j in conns:
        ET.SubElement(root, "connection", {"from": a, "to": b, "fromLane": str(i), "toLane": str(j)})
    for node, a, b in crossings:
        ET.SubElement(root, "crossing", node=node, edges=f"{a} {b}")
    return ET.ElementTree(root)
