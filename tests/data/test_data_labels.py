"""Labels from annotations: future trajectory, BEV rasters, light state, future occupancy."""
from __future__ import annotations

import math

import numpy as np
import pytest

from data_helpers import car, route_info_ahead, scene_at
from wpt_core.data import rig
from wpt_core.data.annotation import build_annotation
from wpt_core.data.labels import (BEV_CHANNELS, BevConfig, bev_semantics, future_occupancy, future_trajectory,
                                  traffic_light_state)
from wpt_core.ground_map import GroundClass, GroundMap
from wpt_core.types import ActorKind, Control, LightState, TrafficLight

CAL = rig.calibration(16, 9)


def _anno(x, y, yaw, actors=(), **kwargs):
    return build_annotation(scene_at(x, y, yaw, actors=list(actors), **kwargs), route_info_ahead(x, y, yaw),
                            Control(), CAL, {}, False)


def _straight_clip(n, yaw_deg, speed=5.0, actors_at=lambda i: ()):
    c, s = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
    return [_anno(100 + speed * 0.1 * i * c, 50 + speed * 0.1 * i * s, yaw_deg, actors_at(i)) for i in range(n)]


@pytest.mark.parametrize("yaw", [0.0, 90.0, 30.0, -150.0])
def test_future_trajectory_of_straight_constant_speed_clip(yaw):
    annos = _straight_clip(30, yaw)
    xy, valid = future_trajectory(annos, 3)  # 2 Hz over 2 s from 10 Hz frames: t = 0.5, 1.0, 1.5, 2.0 s
    assert valid.all()
    assert xy == pytest.approx(np.array([[2.5, 0.0], [5.0, 0.0], [7.5, 0.0], [10.0, 0.0]]), abs=1e-6)


def test_future_trajectory_validity_near_clip_end():
    annos = _straight_clip(20, 0.0)
    xy, valid = future_trajectory(annos, 12)  # frames 17 (ok), 22, 27, 32 (past the end)
    assert valid.tolist() == [True, False, False, False]
    assert xy[0] == pytest.approx([2.5, 0.0]) and (xy[1:] == 0).all()
    xy3, valid3 = future_trajectory(annos, 0, rate_hz=10.0, horizon_s=0.3)
    assert valid3.all() and xy3[:, 0] == pytest.approx([0.5, 1.0, 1.5])


def _cells(mask):
    rows, cols = np.nonzero(mask)
    return set(zip(rows.tolist(), cols.tolist()))


@pytest.mark.parametrize("yaw", [0.0, 90.0])
def test_bev_vehicle_box_lands_in_the_right_cells(yaw):
    # a 4 m × 2 m car 10 m straight ahead; grid 64 m at 0.5 m: row r ↔ x = (64 − r − 0.5)·0.5, col c ↔ y = (c − 63.5)·0.5
    c, s = math.cos(math.radians(yaw)), math.sin(math.radians(yaw))
    ahead = car("a", 100 + 10 * c, 50 + 10 * s, yaw)
    bev = bev_semantics(_anno(100.0, 50.0, yaw, [ahead]), BevConfig(64.0, 0.5))
    expected = {(r, col) for r in range(40, 48) for col in range(62, 66)}  # x ∈ [8, 12], y ∈ [−1, 1]
    assert _cells(bev[BEV_CHANNELS.index("vehicle")]) == expected
    assert not bev[BEV_CHANNELS.index("pedestrian")].any()


def test_bev_right_side_is_right_and_pedestrians():
    # ego heading +y (south); its right in CARLA's left-handed frame is −x
    walker = car("w", 90.0, 50.0, 0.0, kind=ActorKind.WALKER)
    walker.length_m = walker.width_m = 1.0
    bev = bev_semantics(_anno(100.0, 50.0, 90.0, [walker]), BevConfig(64.0, 0.5))
    cells = _cells(bev[BEV_CHANNELS.index("pedestrian")])
    # x ∈ [−0.5, 0.5] → rows 63, 64; y ∈ [9.5, 10.5] → cols 83, 84
    assert cells == {(63, 83), (63, 84), (64, 83), (64, 84)}


def test_bev_obstacles_route_and_drivable_without_map():
    parked = car("p", 120.0, 50.0, 0.0, kind=ActorKind.STATIC)
    bev = bev_semantics(_anno(100.0, 50.0, 0.0, [parked]), BevConfig(64.0, 0.5))
    assert bev[BEV_CHANNELS.index("obstacle")][20:28, 62:66].all()
    route = bev[BEV_CHANNELS.index("route")]
    assert route[10, 63] and route[10, 64] and not route[10, 70] and not route[127, 63]
    assert bev[BEV_CHANNELS.index("drivable")][10, 60] and not bev[BEV_CHANNELS.index("drivable")][10, 90]
    assert not bev[BEV_CHANNELS.index("lane")].any()


def test_bev_drivable_and_lanes_from_ground_map():
    classes = np.zeros((400, 800), np.uint8)  # world x ∈ [0, 200), y ∈ [0, 100)
    classes[:, :] = GroundClass.OFF_ROAD
    classes[190:210, :] = GroundClass.ROAD       # world y ∈ [47.5, 52.5): a road along x
    classes[199, :] = GroundClass.LANE_MARKING   # y ∈ [49.75, 50)
    gm = GroundMap(classes, (0.0, 0.0), 0.25)
    bev = bev_semantics(_anno(100.0, 50.0, 0.0), BevConfig(64.0, 0.5), ground_map=gm)
    drivable = bev[BEV_CHANNELS.index("drivable")]
    # ego frame y = world y − 50 ∈ [−2.5, 2.5): cell centres (c − 63.5)·0.5 → cols 59..68
    assert {c for _, c in _cells(drivable)} == set(range(59, 69)) and drivable[:, 59:69].all()
    lane_cols = {c for _, c in _cells(bev[BEV_CHANNELS.index("lane")])}
    assert lane_cols == {63}  # y = −0.25, the only cell centre inside [−0.25, 0)


def test_traffic_light_state_of_the_light_affecting_ego():
    light = TrafficLight("tl", LightState.YELLOW, "a", ((120.0, 48.0), (120.0, 52.0)), 0.0, (121.0, 53.0, 5.0))
    assert traffic_light_state(_anno(100.0, 50.0, 0.0, traffic_lights=[light])) == 1
    assert traffic_light_state(_anno(100.0, 50.0, 180.0, traffic_lights=[light])) is None


def test_future_occupancy_is_drawn_in_the_current_ego_frame():
    # ego drives +x at 5 m/s; a parked car stays at world (120, 50): seen from frame 0 it is always 20 m ahead
    annos = _straight_clip(12, 0.0, actors_at=lambda i: [car("p", 120.0, 50.0)])
    occ, valid = future_occupancy(annos, 0, steps=3, step_frames=5, config=BevConfig(64.0, 0.5))
    assert valid.tolist() == [True, True, False]
    expected = {(r, c) for r in range(20, 28) for c in range(62, 66)}  # x ∈ [18, 22]
    assert _cells(occ[0, 0]) == expected and _cells(occ[1, 0]) == expected
    assert not occ[2].any() and not occ[:, 1].any()
