"""Build the shipped towns (layout → patched plain XML → netconvert) and convert OpenDRIVE maps.

Needs the optional `maps` extra (`eclipse-sumo`, which ships the binaries). Each town's layout is plain
node/edge (and optionally connection) XML: from netgenerate for the grid and random towns, written by
`highway_layout` for the motorway town, which netgenerate cannot make. Junction types and arterial lane
counts are then set here by rule (netgenerate cannot vary them per node/edge), and netconvert builds the
final network with sidewalks, crossings and walking areas. Everything is seeded, and the volatile header
comment (date, temporary paths) is stripped, so a rebuild reproduces the shipped files.
"""
from __future__ import annotations

import random
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from wpt_core.errors import InputError
from wpt_core.sim.town.highway_layout import HIGHWAY, MOTORWAY, HighwayDesign, no_sidewalk_edges, plain_network
from wpt_core.sim.town.xodr_signals import stop_junction_types, stop_sign_approaches

LANE_WIDTH_M = 3.5
XODR_CONVERSION_VERSION = 1   # part of the cache key of converted OpenDRIVE towns: bump when convert_xodr changes
XODR_CURVE_RESOLUTION_M = 1.0  # chord of curved OpenDRIVE geometry: off the arc by ≤ κ·c²/8 (1.3 cm at a 10 m
                               # radius, CARLA's tightest junction turns), heading by ≤ κ·c/2
XODR_PRECISION_DIGITS = 3      # mm coordinates: at SUMO's default cm, a 1 m chord's heading is off by up to 0.8°
SIDEWALK_WIDTH_M = 2.0

# node ids → type, and edge → (numLanes, speed, priority); functions of the plain network
NodeRule = Callable[[Dict[str, ET.Element], Dict[str, Set[str]]], Dict[str, str]]
EdgeRule = Callable[[ET.Element], None]
# (nodes, edges, connections or None) plain XML of a layout, made in a scratch folder with a seed
PlainNetwork = Tuple[ET.ElementTree, ET.ElementTree, Optional[ET.ElementTree]]
Layout = Callable[[Path, int], PlainNetwork]


class OpenDriveFileError(InputError, FileNotFoundError):
    """The OpenDRIVE file to convert does not exist."""


@dataclass
class TownRecipe:
    """How one shipped town is made: its plain layout and the per-node / per-edge rules (a layout that
    sets its own junction types leaves `node_types` at its default, no change)."""

    name: str
    layout: Layout
    node_types: NodeRule = field(default=lambda nodes, neigh: {})
    edge_patch: EdgeRule = field(default=lambda edge: None)
    prune_dead_ends: bool = False
    netconvert_options: Tuple[str, ...] = ()   # besides the common ones


def sumo_binary(name: str) -> str:
    """Path of a SUMO binary from the `eclipse-sumo` package (or PATH); a clear error if missing."""
    try:
        import sumo  # eclipse-sumo's data package; bin/ holds the executables
        candidate = Path(sumo.__file__).resolve().parent / "bin" / name
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"SUMO binary {name!r} not found: install the 'maps' extra (pip install eclipse-sumo)")
    return found


def _run(cmd: Sequence[str]) -> None:
    proc = subprocess.run(list(cmd), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{Path(cmd[0]).name} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")


def netgenerate_layout(*options: str) -> Layout:
    """A layout that netgenerate makes from `options` (one lane per edge; lane counts are edge rules)."""
    def make(tmp: Path, seed: int) -> PlainNetwork:
        prefix = tmp / "plain"
        _run([sumo_binary("netgenerate"), *options, "--default.lanenumber", "1", "--seed", str(seed),
              "--no-turnarounds", "true", "--plain-output-prefix", str(prefix), "-o", str(tmp / "raw.net.xml")])
        return ET.parse(f"{prefix}.nod.xml"), ET.parse(f"{prefix}.edg.xml"), None
    return make


def highway_recipe(name: str, design: HighwayDesign) -> TownRecipe:
    """A motorway town of `highway_layout` (written in Python, so no seed), without sidewalks on its
    motorway and ramps."""
    return TownRecipe(name, lambda tmp, seed: plain_network(design),
                      netconvert_options=("--sidewalks.guess.exclude", ",".join(no_sidewalk_edges(design))))


def _degree(edges: Dict[str, Set[str]], node: str) -> int:
    return len(edges.get(node, []))


# --- junction rules -------------------------------------------------------------------------------

def _grid_nodes(nodes: Dict[str, ET.Element], neigh: Dict[str, Set[str]]) -> Dict[str, str]:
    """Lights on a checkerboard of the interior crossings, stop signs elsewhere, plain bends at corners."""
    out = {}
    for nid in nodes:
        col, row = ord(nid[0]) - ord("A"), int(nid[1:])
        if _degree(neigh, nid) <= 2:
            out[nid] = "priority"
        elif _degree(neigh, nid) >= 4 and (col + row) % 2 == 0:
            out[nid] = "traffic_light"
        else:
            out[nid] = "priority_stop"
    return out


def _rand_nodes(nodes: Dict[str, ET.Element], neigh: Dict[str, Set[str]]) -> Dict[str, str]:
    """Seeded mix: most 4+-way crossings signalised, 3-ways split between stop and plain priority."""
    rng = random.Random(11)
    out = {}
    for nid in sorted(nodes, key=lambda n: (len(n), n)):
        deg = _degree(neigh, nid)
        if deg <= 2:
            out[nid] = "priority"
        elif deg >= 4:
            out[nid] = rng.choice(["traffic_light", "traffic_light", "priority_stop"])
        else:
            out[nid] = rng.choice(["priority_stop", "priority_stop", "priority", "traffic_light"])
    return out


ARTERIAL_ROWS = {"1": 2, "3": 2}       # grid row → lanes per direction (east-west arterials)
ARTERIAL_COLS = {"C": 3}               # grid column → lanes per direction (north-south arterial)


def _arterial_lanes(from_node: str, to_node: str) -> int:
    if from_node[1:] == to_node[1:] and from_node[1:] in ARTERIAL_ROWS:
        return ARTERIAL_ROWS[from_node[1:]]
    if from_node[0] == to_node[0] and from_node[0] in ARTERIAL_COLS:
        return ARTERIAL_COLS[from_node[0]]
    return 1


def _arterial_nodes(nodes: Dict[str, ET.Element], neigh: Dict[str, Set[str]]) -> Dict[str, str]:
    """Lights where an arterial meets another road; side-street crossings are stop-controlled."""
    out = {}
    for nid in nodes:
        on_arterial = nid[1:] in ARTERIAL_ROWS or nid[0] in ARTERIAL_COLS
        if _degree(neigh, nid) <= 2:
            out[nid] = "priority"
        elif on_arterial:
            out[nid] = "traffic_light"
        else:
            out[nid] = "priority_stop"
    return out


def _arterial_edge(edge: ET.Element) -> None:
    lanes = _arterial_lanes(edge.get("from", ""), edge.get("to", ""))
    edge.set("numLanes", str(lanes))
    edge.set("priority", "3" if lanes > 1 else "1")
    edge.set("speed", "16.67" if lanes > 1 else "13.89")


RECIPES: List[TownRecipe] = [
    TownRecipe("EmbeddedGrid", netgenerate_layout("--grid", "--grid.x-number", "5", "--grid.y-number", "5",
                                                  "--grid.x-length", "150", "--grid.y-length", "130"), _grid_nodes),
    TownRecipe("EmbeddedRand", netgenerate_layout("--rand", "--rand.iterations", "70", "--rand.min-distance", "110",
                                                  "--rand.max-distance", "190", "--bidi-probability", "1"),
               _rand_nodes, prune_dead_ends=True),
    TownRecipe("EmbeddedArterial", netgenerate_layout("--grid", "--grid.x-number", "5", "--grid.y-number", "5",
                                                      "--grid.x-length", "190", "--grid.y-length", "150"),
               _arterial_nodes, _arterial_edge),
    highway_recipe("EmbeddedHighway", HIGHWAY),
    highway_recipe("EmbeddedMotorway", MOTORWAY),
]


def _neighbours(edges_root: ET.Element) -> Dict[str, Set[str]]:
    neigh: Dict[str, Set[str]] = {}
    for edge in edges_root.iter("edge"):
        a, b = edge.get("from", ""), edge.get("to", "")
        neigh.setdefault(a, set()).add(b)
        neigh.setdefault(b, set()).add(a)
    return neigh


def _prune_dead_ends(nodes_root: ET.Element, edges_root: ET.Element) -> None:
    """Repeatedly drop cul-de-sacs: a random layout is tree-like at its fringe and dead ends make poor routes."""
    while True:
        neigh = _neighbours(edges_root)
        dead = {n for n, others in neigh.items() if len(others) <= 1}
        if not dead:
            return
        for edge in list(edges_root.findall("edge")):
            if edge.get("from") in dead or edge.get("to") in dead:
                edges_root.remove(edge)
        for node in list(nodes_root.findall("node")):
            if node.get("id") in dead:
                nodes_root.remove(node)


def _strip_header(net: Path) -> None:
    """Drop the generator's comment (date, temp paths) so rebuilds are byte-identical."""
    text = net.read_text()
    net.write_text(re.sub(r"<!--.*?-->\s*", "", text, count=1, flags=re.S))


def _netconvert_common() -> List[str]:
    return ["--sidewalks.guess", "true", "--crossings.guess", "true", "--walkingareas", "true",
            "--default.lanewidth", str(LANE_WIDTH_M), "--default.sidewalk-width", str(SIDEWALK_WIDTH_M),
            "--sidewalks.guess.max-speed", "20", "--no-turnarounds", "true", "--no-turnarounds.except-deadend", "true",
            "--offset.disable-normalization", "true", "--output.street-names", "false"]


def build_town(recipe: TownRecipe, out_net: Path, seed: int = 42) -> Path:
    """Make the layout as plain XML, apply the recipe's rules, netconvert the final network."""
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "plain"
        nod_tree, edg_tree, con_tree = recipe.layout(Path(tmp), seed)
        if recipe.prune_dead_ends:
            _prune_dead_ends(nod_tree.getroot(), edg_tree.getroot())
        nodes = {n.get("id", ""): n for n in nod_tree.getroot().iter("node")}
        neigh = _neighbours(edg_tree.getroot())
        for edge in edg_tree.getroot().iter("edge"):
            recipe.edge_patch(edge)
        for nid, kind in recipe.node_types(nodes, neigh).items():
            nodes[nid].set("type", kind)
        nod_tree.write(f"{prefix}.nod.xml")
        edg_tree.write(f"{prefix}.edg.xml")
        connections: List[str] = []
        if con_tree is not None:
            con_tree.write(f"{prefix}.con.xml")
            connections = ["-x", f"{prefix}.con.xml"]
        out_net.parent.mkdir(parents=True, exist_ok=True)
        _run([sumo_binary("netconvert"), "-n", f"{prefix}.nod.xml", "-e", f"{prefix}.edg.xml", *connections,
              *_netconvert_common(), *recipe.netconvert_options, "--seed", str(seed), "-o", str(out_net)])
    _strip_header(out_net)
    return out_net


def build_towns(out_dir: str | Path) -> List[Path]:
    """(Re)build every shipped town into `out_dir` as `<Name>.net.xml`."""
    out = Path(out_dir)
    return [build_town(recipe, out / f"{recipe.name}.net.xml") for recipe in RECIPES]


def convert_xodr(xodr: str | Path, out_net: str | Path) -> Path:
    """OpenDRIVE (e.g. a CARLA town) → SUMO network in the source coordinates, with sidewalks and crossings;
    lights from the map's dynamic signals (netconvert), stop junctions from its stop signs (`xodr_signals`)."""
    xodr, out_net = Path(xodr), Path(out_net)
    if not xodr.is_file():
        raise OpenDriveFileError(f"{xodr}: OpenDRIVE file not found")
    out_net.parent.mkdir(parents=True, exist_ok=True)
    _run([sumo_binary("netconvert"), "--opendrive-files", str(xodr), *_netconvert_common(),
          "--opendrive.import-all-lanes", "false", "--opendrive.curve-resolution", str(XODR_CURVE_RESOLUTION_M),
          "--precision", str(XODR_PRECISION_DIGITS), "-o", str(out_net)])
    stops = stop_junction_types(out_net, *stop_sign_approaches(xodr))
    if stops:
        _set_junction_types(out_net, stops)
    _strip_header(out_net)
    return out_net


def _set_junction_types(net: Path, types: Dict[str, str]) -> None:
    """Rebuild `net` with these node types (netconvert patches a loaded network from a plain node file)."""
    with tempfile.TemporaryDirectory() as tmp:
        nodes = ET.Element("nodes")
        for node_id, kind in sorted(types.items()):
            ET.SubElement(nodes, "node", id=node_id, type=kind)
        patch = Path(tmp) / "stops.nod.xml"
        ET.ElementTree(nodes).write(patch)
        patched = Path(tmp) / "patched.net.xml"
        _run([sumo_binary("netconvert"), "-s", str(net), "-n", str(patch), "--offset.disable-normalization", "true",
              "--precision", str(XODR_PRECISION_DIGITS), "-o", str(patched)])
        shutil.move(str(patched), net)
