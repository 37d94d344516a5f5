"""OpenDRIVE → town: CARLA's frame is kept exactly (checked against the CARLA client's own map), and stop
signs become stop junctions. The OpenDRIVE files are written here: a curved road by hand, a grid by
netgenerate → netconvert's OpenDRIVE writer (the round trip a CARLA town's junctions take)."""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import List, Tuple

import carla
import pytest

from wpt_core.sim.town import maps
from wpt_core.sim.town.town import Town

LANE_W = 3.5
JUNCTION_TRIM_M = 3.0
# (kind, length, curvature): a line, a left arc, a right arc, a line, from (120, -40) heading 30° (OpenDRIVE frame)
PIECES = [("line", 30.0, 0.0), ("arc", 40.0, 0.02), ("arc", 35.0, -0.03), ("line", 25.0, 0.0)]
START = (120.0, -40.0, math.radians(30.0))
# a polyline with chords c along an arc of curvature κ is off the arc's heading by up to κ·c/2 at the chord ends
YAW_TOLERANCE_DEG = math.degrees(max(abs(k) for *_, k in PIECES) * maps.XODR_CURVE_RESOLUTION_M / 2.0) + 0.1


def _geometries() -> Tuple[str, float]:
    """planView <geometry> elements of PIECES, each start pose integrated by the arc formulae."""
    x, y, h = START
    s, out = 0.0, []
    for kind, length, k in PIECES:
        body = "<line/>" if kind == "line" else f'<arc curvature="{k}"/>'
        out.append(f'<geometry s="{s}" x="{x:.9f}" y="{y:.9f}" hdg="{h:.9f}" length="{length}">{body}</geometry>')
        if kind == "line":
            x, y = x + length * math.cos(h), y + length * math.sin(h)
        else:
            x, y = x + (math.sin(h + k * length) - math.sin(h)) / k, y - (math.cos(h + k * length) - math.cos(h)) / k
            h += k * length
        s += length
    return "".join(out), s


def _lane(lane_id: int, kind: str, width: float) -> str:
    return (f'<lane id="{lane_id}" type="{kind}" level="false"><link/>'
            f'<width sOffset="0" a="{width}" b="0" c="0" d="0"/></lane>')


def curved_xodr() -> str:
    geometry, length = _geometries()
    left = _lane(3, "sidewalk", 2.0) + _lane(2, "driving", LANE_W) + _lane(1, "driving", LANE_W)
    right = _lane(-1, "driving", LANE_W) + _lane(-2, "driving", LANE_W) + _lane(-3, "sidewalk", 2.0)
    return f"""<?xml version="1.0" standalone="yes"?>
<OpenDRIVE><header revMajor="1" revMinor="4" name="curved" version="1"/>
<road name="r" length="{length}" id="7" junction="-1"><link/><planView>{geometry}</planView>
<lanes><laneSection s="0"><left>{left}</left><center><lane id="0" type="driving" level="false"><link/></lane></center>
<right>{right}</right></laneSection></lanes></road></OpenDRIVE>"""


def grid_xodr(tmp_path: Path) -> Path:
    """A 3×3 grid of two-way one-lane roads with plain priority junctions, as netconvert writes OpenDRIVE."""
    net, xodr = tmp_path / "grid.net.xml", tmp_path / "grid.xodr"
    maps._run([maps.sumo_binary("netgenerate"), "--grid", "--grid.number", "3", "--grid.length", "100",
               "--default.lanenumber", "1", "--default-junction-type", "priority", "--no-turnarounds", "true",
               "-o", str(net)])
    maps._run([maps.sumo_binary("netconvert"), "-s", str(net), "--opendrive-output", str(xodr)])
    return xodr


def assert_waypoints_on_town_lanes(xodr_text: str, town: Town, skip_junctions: bool) -> int:
    """Every driving waypoint CARLA generates lies on one of our lane centres, heading the same way.

    With `skip_junctions`, junctions and the last JUNCTION_TRIM_M before and after them are left out:
    netconvert draws its own junction shapes and trims the roads' ends to fit them."""
    checked = 0
    for wp in carla.Map("t", xodr_text).generate_waypoints(2.0):
        near = [wp] + wp.next(JUNCTION_TRIM_M) + wp.previous(JUNCTION_TRIM_M)
        if skip_junctions and any(w.is_junction for w in near):
            continue
        loc, yaw = wp.transform.location, wp.transform.rotation.yaw
        match = town.nearest_lane((loc.x, loc.y), max_distance_m=5.0)
        assert match is not None, (loc.x, loc.y)
        lane_yaw = town.lanes[match.lane_id].pose_at(match.s_m)[2]
        assert match.distance_m < 0.05, (wp.road_id, wp.lane_id, wp.s, match)
        assert abs((lane_yaw - yaw + 180.0) % 360.0 - 180.0) < YAW_TOLERANCE_DEG, (wp.road_id, wp.lane_id, wp.s)
        assert town.lanes[match.lane_id].width_m == pytest.approx(wp.lane_width, abs=0.01)
        checked += 1
    return checked


def test_curved_road_lands_where_carla_puts_it(tmp_path):
    text = curved_xodr()
    (tmp_path / "curved.xodr").write_text(text)
    town = Town.load(maps.convert_xodr(tmp_path / "curved.xodr", tmp_path / "curved.net.xml"))
    assert len(town.edges) == 2 and all(len(lanes) == 2 for lanes in town.edges.values())
    # 130 m, 4 driving lanes, a waypoint every 2 m: CARLA gives ~66 per lane
    assert assert_waypoints_on_town_lanes(text, town, skip_junctions=False) >= 4 * 60


def test_grid_roads_land_where_carla_puts_them(tmp_path):
    xodr = grid_xodr(tmp_path)
    town = Town.load(maps.convert_xodr(xodr, tmp_path / "g.net.xml"))
    assert assert_waypoints_on_town_lanes(xodr.read_text(), town, skip_junctions=True) > 100


def _roads_at(root: ET.Element, junction_id: str) -> List[Tuple[ET.Element, str]]:
    """(road, orientation facing its traffic) for each normal road with lanes driving into the junction: a
    road's right lanes drive along s to its successor ("+"), its left lanes to its predecessor ("-")."""
    out = []
    for road in root.iter("road"):
        if road.get("junction") != "-1":
            continue
        link = road.find("link")
        for end, orientation, side in (("successor", "+", "right"), ("predecessor", "-", "left")):
            el = link.find(end)
            if el is not None and el.get("elementType") == "junction" and el.get("elementId") == junction_id \
                    and road.findall(f"lanes/laneSection/{side}/lane[@type='driving']"):
                out.append((road, orientation))
    return out


def _add_stop_sign(road: ET.Element, orientation: str) -> None:
    signals = road.find("signals")
    if signals is None:
        signals = ET.SubElement(road, "signals")
    length = float(road.get("length"))
    ET.SubElement(signals, "signal", id=f"stop{road.get('id')}{orientation}",
                  s=str(length - 3.0 if orientation == "+" else 3.0), t="-3" if orientation == "+" else "3",
                  orientation=orientation, dynamic="no", type="206", subtype="-1", country="DE", name="Sign_Stop")


def test_stop_signs_become_stop_junctions(tmp_path):
    xodr = grid_xodr(tmp_path)
    tree = ET.parse(xodr)
    root = tree.getroot()
    by_name = {j.get("name"): j.get("id") for j in root.iter("junction")}
    centre, side = by_name["B1"], by_name["A1"]          # a 4-way crossing and a T junction on the west edge
    for road, orientation in _roads_at(root, centre):
        _add_stop_sign(road, orientation)
    side_roads = _roads_at(root, side)
    assert len(side_roads) == 3
    _add_stop_sign(*side_roads[0])
    tree.write(xodr)
    town = Town.load(maps.convert_xodr(xodr, tmp_path / "stops.net.xml"))
    assert town.junctions[centre].type == "allway_stop"
    assert town.junctions[side].type == "priority_stop"
    assert {j.type for jid, j in town.junctions.items() if jid not in (centre, side)} <= {"priority", "dead_end"}
    centre_states = {lk.state for lane in town.lanes.values() if lane.to_junction == centre and lane.kind == "driving"
                     and not lane.is_internal for lk in lane.links}
    assert centre_states == {"w"}                          # every approach stops, then goes in turn
    stopped = {(lane.id, lk.state) for _, lane_id, _ in town.stop_approaches() for lane in [town.lanes[lane_id]]
               if lane.to_junction == side for lk in lane.links}
    assert stopped and all(state == "s" for _, state in stopped)


def test_signalised_junctions_keep_their_lights(tmp_path):
    """A grid whose junctions netgenerate signalised, written as OpenDRIVE (lights as dynamic signals with
    controllers, as CARLA's maps have them) and converted back: the same junctions have lights."""
    net, xodr = tmp_path / "tls.net.xml", tmp_path / "tls.xodr"
    maps._run([maps.sumo_binary("netgenerate"), "--grid", "--grid.number", "4", "--grid.length", "120",
               "--default.lanenumber", "2", "--tls.guess", "true", "--default-junction-type", "priority_stop",
               "-o", str(net)])
    maps._run([maps.sumo_binary("netconvert"), "-s", str(net), "--opendrive-output", str(xodr)])
    signalised = {j.get("id") for j in ET.parse(net).getroot().iter("junction") if j.get("type") == "traffic_light"}
    by_name = {j.get("name"): j.get("id") for j in ET.parse(xodr).getroot().iter("junction")}
    town = Town.load(maps.convert_xodr(xodr, tmp_path / "back.net.xml"))
    assert len(signalised) == 12
    assert {jid for jid, j in town.junctions.items() if j.tls_id} == {by_name[name] for name in signalised}
    assert len(town.traffic_light_approaches()) > 0
