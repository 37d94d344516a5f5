"""Town: frame conventions, shipped-town contents, lane queries, dense routes, ground raster."""
from __future__ import annotations

import math
import time
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from wpt_core.ground_map import GroundClass
from wpt_core.sim.town.frames import (carla_centre_to_sumo_front, sumo_angle_to_yaw, sumo_front_to_carla_centre,
                                      sumo_to_carla_xy, yaw_to_sumo_angle)
from wpt_core.sim.town.town import Town, TownError, shipped_towns
from wpt_core.types import RoadOption

TOWNS = ["EmbeddedGrid", "EmbeddedRand", "EmbeddedArterial", "EmbeddedHighway", "EmbeddedMotorway"]


def right_normal(d: np.ndarray) -> np.ndarray:
    """CARLA frame (y south): the right of heading (dx, dy) is (-dy, dx) — e.g. east (1,0) → south (0,1)."""
    d = d / np.linalg.norm(d)
    return np.array([-d[1], d[0]])


# --- conversions -----------------------------------------------------------------------------------

def test_conversions_match_hand_values():
    assert sumo_to_carla_xy(np.array([10.0, 20.0])).tolist() == [10.0, -20.0]
    assert sumo_to_carla_xy(np.array([[3.0, -4.0]])).tolist() == [[3.0, 4.0]]
    # SUMO: 0 = north, 90 = east (clockwise). CARLA: 0 = east (+x), 90 = south (+y), -90 = north.
    assert sumo_angle_to_yaw(90.0) == pytest.approx(0.0)
    assert sumo_angle_to_yaw(0.0) == pytest.approx(-90.0)
    assert sumo_angle_to_yaw(180.0) == pytest.approx(90.0)
    assert sumo_angle_to_yaw(270.0) == pytest.approx(-180.0)
    assert yaw_to_sumo_angle(-90.0) == pytest.approx(0.0)
    assert yaw_to_sumo_angle(135.0) == pytest.approx(225.0)
    # a 4 m car centred at (10, 5) heading east (CARLA) has its front bumper at (12, 5): SUMO (12, -5), angle 90
    assert carla_centre_to_sumo_front(10.0, 5.0, 0.0, 4.0) == pytest.approx((12.0, -5.0, 90.0))
    # heading south (CARLA yaw 90, SUMO angle 180): a bumper at SUMO (0, -12) is 2 m ahead of the centre (0, 10)
    assert sumo_front_to_carla_centre(0.0, -12.0, 180.0, 4.0) == pytest.approx((0.0, 10.0, 90.0))


def test_conversions_round_trip():
    rng = np.random.default_rng(0)
    xy = rng.uniform(-500, 500, (50, 2))
    assert np.allclose(sumo_to_carla_xy(sumo_to_carla_xy(xy)), xy)
    for x, y, yaw in rng.uniform(-180, 180, (20, 3)):
        assert sumo_front_to_carla_centre(*carla_centre_to_sumo_front(x, y, yaw, 4.9), 4.9) == \
            pytest.approx((x, y, yaw), abs=1e-9)
    angles = rng.uniform(0, 360, 50)
    back = yaw_to_sumo_angle(sumo_angle_to_yaw(angles))
    assert np.allclose(np.cos(np.radians(back - angles)), 1.0)
    assert np.all((back >= 0) & (back < 360))


# --- shipped towns ---------------------------------------------------------------------------------

def _junction_types(town: Town) -> dict:
    out: dict = {}
    for j in town.junctions.values():
        out[j.type] = out.get(j.type, 0) + 1
    return out


def test_shipped_towns_listed_and_small():
    assert set(TOWNS) <= set(shipped_towns())
    for name in TOWNS:
        assert Town.load(name).net_path.stat().st_size < 1_000_000


@pytest.mark.parametrize("name,min_tls,min_stop", [("EmbeddedGrid", 4, 8), ("EmbeddedRand", 5, 5),
                                                    ("EmbeddedArterial", 8, 4)])
def test_shipped_town_contents(name, min_tls, min_stop):
    town = Town.load(name)
    types = _junction_types(town)
    assert types.get("traffic_light", 0) >= min_tls
    assert types.get("priority_stop", 0) >= min_stop
    kinds = [lane.kind for lane in town.lanes.values()]
    assert kinds.count("crossing") >= 20 and kinds.count("sidewalk") >= 20 and kinds.count("walkingarea") >= 20
    assert len(town.traffic_light_approaches()) > 0 and len(town.stop_approaches()) > 0
    tls_junctions = {j.id for j in town.junctions.values() if j.type == "traffic_light"}
    assert {tls for tls, _, _, _ in town.traffic_light_approaches()} == tls_junctions
    for jid, lane_id, _ in town.stop_approaches():
        assert town.junctions[jid].type in ("priority_stop", "allway_stop")
        assert town.lanes[lane_id].to_junction == jid


def test_arterial_has_multilane_edges_and_rand_has_plain_priority():
    lane_counts = {len(v) for v in Town.load("EmbeddedArterial").edges.values()}
    assert {1, 2, 3} <= lane_counts
    rand = Town.load("EmbeddedRand")
    plain = [j for j in rand.junctions.values() if j.type == "priority" and rand.junction_degree(j.id) >= 3]
    assert len(plain) >= 2   # real intersections without stop signs or lights, not just bends


def test_load_is_fast_and_cached():
    path = Town.load("EmbeddedRand").net_path
    t0 = time.perf_counter()
    Town(path)
    assert time.perf_counter() - t0 < 2.0
    assert Town.load("EmbeddedRand") is Town.load(path)


def test_bad_town_errors_name_the_file(tmp_path):
    with pytest.raises(TownError, match="NoSuchTown"):
        Town.load("NoSuchTown")
    bad = tmp_path / "broken.net.xml"
    bad.write_text("<net><edge")
    with pytest.raises(TownError, match="broken.net.xml"):
        Town.load(bad)


# --- frame of lane shapes --------------------------------------------------------------------------

def test_lane_yaw_matches_raw_sumo_heading():
    """Independent check: the heading computed from the raw SUMO shape, converted by the stated rule."""
    town = Town.load("EmbeddedRand")
    root = ET.parse(town.net_path).getroot()
    checked = 0
    for lane in root.iter("lane"):
        lid = lane.get("id")
        if lid.startswith(":") or lid not in town.lanes or town.lanes[lid].kind != "driving":
            continue
        pts = [tuple(map(float, p.split(","))) for p in lane.get("shape").split()]
        (x0, y0), (x1, y1) = pts[0], pts[1]
        sumo_angle = math.degrees(math.atan2(x1 - x0, y1 - y0))  # clockwise from north
        _, _, yaw = town.lanes[lid].pose_at(0.1)
        expected = sumo_angle - 90.0
        assert math.cos(math.radians(yaw - expected)) > 0.999
        x, y, _ = town.lanes[lid].pose_at(0.0)
        assert (x, y) == pytest.approx((x0, -y0), abs=1e-6)
        checked += 1
    assert checked > 50


def test_right_hand_traffic_opposite_left_sidewalk_right():
    town = Town.load("EmbeddedGrid")
    checked = 0
    for edge_id, lane_ids in town.edges.items():
        opp = town.opposite_edge(edge_id)
        if opp is None:
            continue
        lane = town.lanes[lane_ids[-1]]
        x, y, yaw = lane.pose_at(lane.length_m / 2)
        right = right_normal(np.array([math.cos(math.radians(yaw)), math.sin(math.radians(yaw))]))
        opp_lane = town.lanes[town.edges[opp][-1]]
        mid = opp_lane.shape_xy.mean(axis=0)
        side = float(np.dot(mid - np.array([x, y]), right))
        assert side == pytest.approx(-(lane.width_m + opp_lane.width_m) / 2, abs=0.2)  # directly to the left
        walk = [ln for ln in town.lanes.values() if ln.edge_id == edge_id and ln.kind == "sidewalk"]
        assert walk and float(np.dot(walk[0].shape_xy.mean(axis=0) - np.array([x, y]), right)) > 0
        checked += 1
    assert checked >= 20


def test_nearest_lane_finds_offset_point():
    town = Town.load("EmbeddedArterial")
    lane = town.lanes[town.edges[next(e for e, v in town.edges.items() if len(v) == 3)][1]]
    a, b = lane.shape_xy[0], lane.shape_xy[-1]
    mid = (a + b) / 2
    p = mid + right_normal(b - a) * 0.6
    m = town.nearest_lane(p)
    assert m.lane_id == lane.id
    assert m.lateral_m == pytest.approx(0.6, abs=1e-6) and m.distance_m == pytest.approx(0.6, abs=1e-6)
    assert m.s_m == pytest.approx(np.linalg.norm(mid - a) * lane.length_m / np.linalg.norm(b - a), abs=1e-3)
    assert abs(m.lateral_m) < lane.width_m / 2
    assert town.nearest_lane(p + 1000.0) is None


# --- routing and dense routes ----------------------------------------------------------------------

def _turn_route(town: Town, first: str, second: str):
    lanes = town.lane_path([first, second])
    assert lanes[0] in town.edges[first] and lanes[-1] in town.edges[second]
    assert any(town.lanes[lid].is_internal for lid in lanes)
    return town.dense_route(lanes)


@pytest.mark.parametrize("second,expected", [("B1B2", RoadOption.LEFT), ("B1B0", RoadOption.RIGHT),
                                             ("B1C1", RoadOption.STRAIGHT)])
def test_dense_route_commands_match_heading_change(second, expected):
    town = Town.load("EmbeddedGrid")  # A1 → B1 runs east (SUMO x grows); B2 lies north, B0 south
    route = _turn_route(town, "A1B1", second)
    spacing = np.linalg.norm(np.diff(route.xy_m, axis=0), axis=1)
    assert np.all(spacing <= 1.0 + 1e-6) and np.median(spacing) > 0.9
    d0 = route.xy_m[5] - route.xy_m[0]
    d1 = route.xy_m[-1] - route.xy_m[-6]
    cross = d0[0] * d1[1] - d0[1] * d1[0]   # CARLA frame (y south): a left turn has a negative cross product
    in_j = route.commands[route.in_junction]
    assert set(in_j.tolist()) == {int(expected)}
    assert set(route.commands[~route.in_junction].tolist()) == {int(RoadOption.LANEFOLLOW)}
    if expected == RoadOption.LEFT:
        assert cross < 0 and route.yaw_deg[-1] - route.yaw_deg[0] == pytest.approx(-90, abs=3)
    elif expected == RoadOption.RIGHT:
        assert cross > 0 and route.yaw_deg[-1] - route.yaw_deg[0] == pytest.approx(90, abs=3)
    else:
        assert abs(cross) < 1e-6


def test_shortest_path_and_lane_path_are_connected():
    town = Town.load("EmbeddedRand")
    edges = sorted(town.edges)
    path = town.shortest_edge_path(edges[0], edges[-1])
    assert path[0] == edges[0] and path[-1] == edges[-1]
    lanes = town.lane_path(path)
    for a, b in zip(lanes, lanes[1:]):
        assert any(lk.to_lane == b or lk.via_lane == b for lk in town.lanes[a].links)
        assert np.linalg.norm(town.lanes[a].shape_xy[-1] - town.lanes[b].shape_xy[0]) < 0.5


# --- ground raster ---------------------------------------------------------------------------------

def _inner_points(lane, margin_m: float = 3.0) -> np.ndarray:
    n = 20
    return np.array([lane.pose_at(s)[:2] for s in np.linspace(margin_m, lane.length_m - margin_m, n)])


def test_ground_map_classes_under_lanes():
    town = Town.load("EmbeddedArterial")
    gm = town.ground_map()
    lanes = [ln for ln in town.lanes.values() if not ln.is_internal and ln.length_m > 20]
    road = np.concatenate([gm.lookup(_inner_points(ln)) for ln in lanes if ln.kind == "driving"])
    walk = np.concatenate([gm.lookup(_inner_points(ln)) for ln in lanes if ln.kind == "sidewalk"])
    assert np.mean(road == GroundClass.ROAD) > 0.99
    assert np.mean(walk == GroundClass.SIDEWALK) > 0.99
    cross = np.array([ln.shape_xy.mean(axis=0) for ln in town.lanes.values() if ln.kind == "crossing"])
    assert np.mean(gm.lookup(cross) == GroundClass.CROSSING) > 0.9
    assert np.count_nonzero(gm.classes == GroundClass.STOP_LINE) > 100
    assert np.count_nonzero(gm.classes == GroundClass.LANE_MARKING) > 1000
    centres = np.array([j.center_xy for j in town.junctions.values() if j.type == "traffic_light"])
    assert np.all(town.is_drivable(centres))
    assert not town.is_drivable(np.array([[gm.origin_xy[0] + 1.0, gm.origin_xy[1] + 1.0]]))[0]
    assert town.ground_map() is gm
