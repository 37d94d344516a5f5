"""GNSS, IMU and speedometer: leaderboard formats, GNSS inversion, compass convention, IMU with gravity."""
import math

import numpy as np

from wpt_core.geometry import compass_to_yaw_deg, gnss_to_world
from wpt_core.sim.sensors.suite import SensorSuite
from wpt_core.types import EgoState, Scene

GNSS = {"type": "sensor.other.gnss", "id": "GPS", "x": -1.4, "y": 0.0, "z": 0.0, "roll": 0.0, "pitch": 0.0, "yaw": 0.0}
IMU = {"type": "sensor.other.imu", "id": "IMU", "x": -1.4, "y": 0.0, "z": 0.0, "roll": 0.0, "pitch": 0.0, "yaw": 0.0}
SPEED = {"type": "sensor.speedometer", "id": "SPEED", "reading_frequency": 20}


def read(ego, noise=False, frame=7, lat_ref=42.0, lon_ref=2.0):
    suite = SensorSuite([GNSS, IMU, SPEED], None, lat_ref=lat_ref, lon_ref=lon_ref, noise=noise)
    return suite.read(Scene(frame=frame, time_s=0.05 * frame, ego=ego), frame)


def test_formats_and_frame_numbers():
    out = read(EgoState(x_m=1.0, y_m=2.0, yaw_deg=0.0, speed_mps=3.0))
    assert set(out) == {"GPS", "IMU", "SPEED"}
    assert all(frame == 7 for frame, _ in out.values())
    gps, imu, speed = out["GPS"][1], out["IMU"][1], out["SPEED"][1]
    assert gps.dtype == np.float64 and gps.shape == (3,)
    assert imu.dtype == np.float64 and imu.shape == (7,)
    assert isinstance(speed, dict) and set(speed) == {"speed"}


def test_gnss_inverts_to_the_sensor_position():
    ego = EgoState(x_m=123.4, y_m=-56.7, yaw_deg=30.0, speed_mps=0.0)
    lat, lon, alt = read(ego, lat_ref=48.5, lon_ref=11.0)["GPS"][1]
    x, y, _ = gnss_to_world(lat, lon, alt, lat_ref=48.5, lon_ref=11.0)
    # mount 1.4 m behind the vehicle origin along the heading
    assert abs(x - (123.4 - 1.4 * math.cos(math.radians(30.0)))) < 1e-5
    assert abs(y - (-56.7 - 1.4 * math.sin(math.radians(30.0)))) < 1e-5


def test_gnss_noise_is_the_leaderboards_half_metre_scale():
    ego = EgoState(x_m=10.0, y_m=20.0, yaw_deg=0.0, speed_mps=0.0)
    errors = []
    for frame in range(40):
        lat, lon, alt = read(ego, noise=True, frame=frame)["GPS"][1]
        x, y, _ = gnss_to_world(lat, lon, alt)
        errors.append(math.hypot(x - 8.6, y - 20.0))
    assert 0.1 < float(np.mean(errors)) < 2.0


def test_compass_is_zero_north_clockwise_and_inverts_to_yaw():
    for yaw, compass in ((-90.0, 0.0), (0.0, math.pi / 2), (90.0, math.pi), (180.0, 3 * math.pi / 2)):
        got = read(EgoState(x_m=0.0, y_m=0.0, yaw_deg=yaw, speed_mps=0.0))["IMU"][1][6]
        assert abs(got - compass) < 1e-9
        assert abs(((compass_to_yaw_deg(got) - yaw) + 180) % 360 - 180) < 1e-9


def test_imu_includes_gravity_and_the_vehicle_motion():
    rest = read(EgoState(x_m=0.0, y_m=0.0, yaw_deg=45.0, speed_mps=0.0))["IMU"][1]
    assert np.allclose(rest[:6], [0.0, 0.0, 9.81, 0.0, 0.0, 0.0], atol=1e-12)
    moving = read(EgoState(x_m=0.0, y_m=0.0, yaw_deg=45.0, speed_mps=5.0, accel_mps2=2.0, lat_accel_mps2=1.5,
                           yaw_rate_dps=10.0))["IMU"][1]
    assert np.allclose(moving[:6], [2.0, 1.5, 9.81, 0.0, 0.0, math.radians(10.0)], atol=1e-12)


def test_speedometer_is_signed_forward_speed():
    assert read(EgoState(x_m=0.0, y_m=0.0, yaw_deg=0.0, speed_mps=-2.5))["SPEED"][1]["speed"] == -2.5
