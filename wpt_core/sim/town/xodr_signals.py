"""Stop signs of an OpenDRIVE map, as SUMO junction types (netconvert imports the lights, not the signs).

netconvert turns OpenDRIVE's dynamic signals into traffic lights itself, but drops static signs, so a
CARLA town's stop-controlled junctions would come out as plain priority junctions. A stop sign is a
`<signal type="206">` (or a `<signalReference>` to one) on a road: with orientation "+" it faces the
traffic driving along the road's s (OpenDRIVE's right lanes), which reaches the road's successor
junction; "-" the other way (left lanes, predecessor junction); "none" both; a sign on a junction's own
connecting road belongs to that junction. netconvert names a road's edges `-<road>` (along s) and
`<road>` (against s), each maybe with a `.<s offset>` per lane section, and a junction's node after
the OpenDRIVE junction id, so each sign maps to one SUMO approach (incoming edge) of one node.

A junction all of whose approaches have a sign becomes `allway_stop`; one with some becomes
`priority_stop`, whose minor roads SUMO picks by geometry (the straight-through pair is major, which is
where CARLA puts the signs: on the stems of T junctions and on the side roads).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, Set, Tuple

STOP_SIGN_TYPE = "206"   # OpenDRIVE / German StVO catalogue: "Stop" (CARLA's Sign_Stop)
_EDGE_ID = re.compile(r"^(-?)([^.]+)(\.[0-9.]+)?$")

Approach = Tuple[str, str]   # (road id, "+" along s / "-" against s)
_END = {"+": "successor", "-": "predecessor"}


def stop_sign_approaches(xodr: Path) -> Tuple[Dict[Approach, str], Set[str]]:
    """(approach with a stop sign → the junction id it reaches, junction ids with a sign on one of their own
    connecting roads). Streams the file (CARLA's large towns are ~100 MB of XML), one road at a time."""
    stop_ids: Set[str] = set()
    references: list = []
    approaches: Dict[Approach, str] = {}
    in_junction: Set[str] = set()
    for _, road in ET.iterparse(xodr, events=("end",)):
        if road.tag != "road":
            continue
        ends = {link.tag: link.get("elementId", "") for link in road.iter()
                if link.tag in _END.values() and link.get("elementType") == "junction"}
        where = (road.get("id", ""), road.get("junction", "-1"), ends)
        for signal in road.iter("signal"):
            if signal.get("type") == STOP_SIGN_TYPE:
                stop_ids.add(signal.get("id", ""))
                _add(approaches, in_junction, *where, signal.get("orientation", "none"))
        references += [(ref.get("id", ""), where, ref.get("orientation", "none"))
                       for ref in road.iter("signalReference")]
        road.clear()
    for signal_id, where, orientation in references:
        if signal_id in stop_ids:
            _add(approaches, in_junction, *where, orientation)
    return approaches, in_junction


def _add(approaches: Dict[Approach, str], in_junction: Set[str], road_id: str, junction: str,
         ends: Dict[str, str], orientation: str) -> None:
    if junction != "-1":
        in_junction.add(junction)
        return
    for side, end in _END.items():
        if orientation in (side, "none") and end in ends:
            approaches[(road_id, side)] = ends[end]


def stop_junction_types(net: Path, approaches: Dict[Approach, str], in_junction: Set[str]) -> Dict[str, str]:
    """Node id → `allway_stop` / `priority_stop` for the net's junctions that have stop signs (the network is
    streamed edge by edge, and not read at all for a map without stop signs)."""
    if not approaches and not in_junction:
        return {}
    incoming: Dict[str, list] = {}
    for _, edge in ET.iterparse(net, events=("end",)):
        if edge.tag != "edge":
            continue
        driving = any(lane.get("allow") != "pedestrian" for lane in edge.iter("lane"))
        if driving and not edge.get("function") and edge.get("to"):
            match = _EDGE_ID.match(edge.get("id", ""))
            approach = (match.group(2), "+" if match.group(1) else "-") if match else None
            incoming.setdefault(edge.get("to", ""), []).append(approach)
        edge.clear()
    types: Dict[str, str] = {}
    for node, roads in incoming.items():
        signed = sum(1 for approach in roads if approaches.get(approach) == node)
        if signed and signed == len(roads):
            types[node] = "allway_stop"
        elif signed or node in in_junction:
            types[node] = "priority_stop"
    return types
