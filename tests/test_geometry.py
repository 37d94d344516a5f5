import math

import carla
import numpy as np
import pytest

from wpt_core.geometry import (OrientedBox, compass_to_yaw_deg, ego_to_world, gnss_to_world, segments_intersect,
                               transform_matrix, world_to_ego, world_to_gnss, yaw_deg_to_compass)


def test_ego_frame_is_x_forward_y_right():
    # Ego facing south (yaw 90 in CARLA: +y is south). A point 5 m further south is 5 m ahead;
    # a point to the west (-x) is on the ego's right.
    ego = (10.0, 20.0)
    pts = np.array([[10.0, 25.0], [5.0, 20.0]])
    local = world_to_ego(pts, ego, 90.0)
    assert np.allclose(local, [[5.0, 0.0], [0.0, 5.0]])
    assert np.allclose(ego_to_world(local, ego, 90.0), pts)


def test_transform_matrix_matches_carla_client():
    t = carla.Transform(carla.Location(1.0, -2.0, 3.0), carla.Rotation(pitch=-15.0, yaw=123.0, roll=7.0))
    assert np.allclose(np.array(t.get_matrix()), transform_matrix(1.0, -2.0, 3.0, 7.0, -15.0, 123.0), atol=1e-5)


def test_gnss_reference_point_and_directions():
    lat, lon, _ = world_to_gnss(0.0, 0.0)
    assert lat == pytest.approx(42.0, abs=1e-9) and lon == pytest.approx(2.0, abs=1e-9)
    lat_s, _, _ = world_to_gnss(0.0, 1000.0)  # +y is south in CARLA
    _, lon_e, _ = world_to_gnss(1000.0, 0.0)  # +x is east
    assert lat_s < 42.0 and lon_e > 2.0
    # 1000 m south is ~0.009 deg of latitude (1 deg ≈ 111.2 km on this sphere, Mercator scale 1/cos(lat))
    assert 42.0 - lat_s == pytest.approx(1000.0 / 111319.49, rel=2e-3)


def test_gnss_round_trip():
    for x, y in [(0, 0), (123.4, -567.8), (-1500.0, 2500.0)]:
        lat, lon, alt = world_to_gnss(x, y, 1.5)
        assert np.allclose(gnss_to_world(lat, lon, alt), (x, y, 1.5), atol=1e-6)


def test_compass_convention():
    assert yaw_deg_to_compass(-90.0) == pytest.approx(0.0)          # facing north
    assert yaw_deg_to_compass(0.0) == pytest.approx(math.pi / 2)    # facing east
    assert compass_to_yaw_deg(math.pi) == pytest.approx(90.0)       # facing south


def test_oriented_box_overlap_and_contains():
    a = OrientedBox(0.0, 0.0, 0.0, 4.0, 2.0)
    assert a.overlaps(OrientedBox(3.9, 0.0, 0.0, 4.0, 2.0))
    assert not a.overlaps(OrientedBox(4.1, 0.0, 0.0, 4.0, 2.0))
    # rotated 45 deg: its corner reaches sqrt(2^2+1^2)... its half-diagonal ≈ 2.24 m
    assert a.overlaps(OrientedBox(4.0, 0.0, 45.0, 4.0, 2.0))
    assert not a.overlaps(OrientedBox(4.4, 0.0, 45.0, 4.0, 2.0))
    assert list(a.contains(np.array([[1.9, 0.9], [2.1, 0.0]]))) == [True, False]


def test_segments_intersect():
    assert segments_intersect(np.array([0, -1]), np.array([0, 1]), np.array([-1, 0]), np.array([1, 0]))
    assert not segments_intersect(np.array([0, 0.5]), np.array([0, 1]), np.array([-1, 0]), np.array([1, 0]))
