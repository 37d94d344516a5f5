"""A route file split for N evaluator processes, as Bench2Drive's multi-GPU scripts do it.

`tools/split_xml.py` cuts the routes into N contiguous parts, the first `len % N` one route longer, and
copies each `<route>` element unchanged; part i runs its own evaluator and CARLA server on ports
30000 + 150·i (RPC) and 50000 + 150·i (traffic manager). The parts' results files are merged afterwards
(`wpt report PART.json ...`). Splitting is idempotent, so a resumed run finds its parts as it left them, and a
part file that holds other routes (another N, another route file) is refused rather than overwritten.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import List, Sequence, TypeVar

from wpt_core.leaderboard.route_file import RouteFileError
from wpt_core.xml_files import parse_xml_root

BASE_PORT = 30000
BASE_TM_PORT = 50000
PORT_STEP = 150
T = TypeVar("T")


@dataclass(frozen=True)
class RoutePart:
    index: int
    path: Path
    route_ids: List[str]
    port: int
    tm_port: int


def contiguous_parts(items: Sequence[T], n: int) -> List[List[T]]:
    """N contiguous slices, sizes differing by at most one, the longer ones first (B2D's split)."""
    k, m = divmod(len(items), n)
    return [list(items[i * k + min(i, m):(i + 1) * k + min(i + 1, m)]) for i in range(n)]


def ports(index: int) -> tuple:
    """(RPC port, traffic-manager port) of part `index`."""
    return BASE_PORT + PORT_STEP * index, BASE_TM_PORT + PORT_STEP * index


def split_route_file(routes_xml: Path, parts: int, out_dir: Path) -> List[RoutePart]:
    """Write `out_dir/part_<i>.xml` for every non-empty part; existing identical parts are kept."""
    if parts < 1:
        raise RouteFileError(f"{routes_xml}: cannot split into {parts} parts")
    root = parse_xml_root(routes_xml, "routes", "route file", RouteFileError)
    routes = root.findall("route")
    if not routes:
        raise RouteFileError(f"{routes_xml}: no <route> elements (not a leaderboard route file?)")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: List[RoutePart] = []
    for i, chunk in enumerate(contiguous_parts(routes, parts)):
        if not chunk:
            continue
        new_root = ET.Element("routes")
        new_root.extend(chunk)
        text = ET.tostring(new_root, encoding="unicode")
        path = out_dir / f"part_{i}.xml"
        ids = [r.get("id", "") for r in chunk]
        if path.exists():
            old = [r.get("id", "") for r in parse_xml_root(path, "routes", "route file", RouteFileError).findall("route")]
            if old != ids:
                raise RouteFileError(f"{path}: holds routes {old[:3]}... of another split; "
                                     f"use another --out or remove {out_dir}")
        else:
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text("<?xml version='1.0' encoding='utf-8'?>\n" + text + "\n")
            tmp.replace(path)
        written.append(RoutePart(i, path, ids, *ports(i)))
    return written
