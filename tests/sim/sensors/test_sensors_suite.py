"""The whole suite: every sensor every call in the leaderboard formats, radar, and the benchmark entry."""
import numpy as np
import pytest

from wpt_core.sim.sensors.sensor_bench import bench_sensors, demo_ground, demo_scene
from wpt_core.data.rig import bench2drive_rig_specs
from wpt_core.sim.sensors.suite import SensorSuite
from wpt_core.types import Actor, ActorKind, EgoState, Scene

RADAR = {"type": "sensor.other.radar", "id": "RADAR", "x": 2.0, "y": 0.0, "z": 0.7, "roll": 0.0, "pitch": 0.0,
         "yaw": 0.0, "horizontal_fov": 30.0, "vertical_fov": 10.0}


def test_b2d_rig_delivers_every_sensor_every_frame_in_leaderboard_formats():
    rig = bench2drive_rig_specs(160, 90)
    suite = SensorSuite(rig, demo_ground(size_m=200.0))
    for frame in (0, 1, 2):
        out = suite.read(demo_scene(frame), frame)
        assert set(out) == {spec["id"] for spec in rig}
        assert all(f == frame for f, _ in out.values())
        for cam in ("CAM_FRONT", "CAM_FRONT_LEFT", "CAM_FRONT_RIGHT", "CAM_BACK", "CAM_BACK_LEFT", "CAM_BACK_RIGHT"):
            img = out[cam][1]
            assert img.shape == (90, 160, 4) and img.dtype == np.uint8
        assert out["LIDAR_TOP"][1].dtype == np.float32 and out["LIDAR_TOP"][1].shape[1] == 4
        assert out["GPS"][1].shape == (3,) and out["IMU"][1].shape == (7,)
        assert isinstance(out["SPEED"][1]["speed"], float)


def test_radar_sees_an_approaching_car_with_negative_radial_velocity():
    ego = EgoState(x_m=0.0, y_m=0.0, yaw_deg=0.0, speed_mps=5.0)
    car = Actor("oncoming", ActorKind.VEHICLE, 22.0, 0.0, 180.0, 10.0, 4.0, 10.0, 3.0)   # face at x = 20
    out = SensorSuite([RADAR], None).read(Scene(frame=0, time_s=0.0, ego=ego, actors=[car]), 0)["RADAR"][1]
    assert out.dtype == np.float32 and out.shape[1] == 4
    # delivered flipped: [depth, altitude, azimuth, velocity]; rays from x = 2 hit the face at x = 20
    on_car = out[np.abs(out[:, 0] * np.cos(out[:, 1]) * np.cos(out[:, 2]) - 18.0) < 1e-3]
    assert len(on_car) > 10
    radial = -15.0 * np.cos(on_car[:, 1]) * np.cos(on_car[:, 2])    # closing speed 15 m/s along each ray
    assert np.allclose(on_car[:, 3], radial, atol=1e-4)


def test_bench_sensors_times_each_part_and_the_rig_costs_more_than_any_part():
    result = bench_sensors(width=80, height=45, frames=2)
    # the rig renders six cameras and casts the LiDAR; the state sensors are a few matrix products
    assert result["rig_ms"] > result["camera_ms"] > result["gnss_imu_speed_ms"]
    assert result["rig_ms"] > result["lidar_ms"]
    assert result["actors"] >= 30
    # the leaderboard's LiDAR casts 64 channels × round(600 000 · 0.05 / 64) = 64 × 469 rays per 20 Hz tick
    assert 5000 < result["lidar_points"] < 64 * 469


@pytest.mark.slow
def test_b2d_rig_at_400x225_runs_under_100_ms_per_frame():
    assert bench_sensors(width=400, height=225, frames=10)["rig_ms"] < 100.0


def test_a_lazy_frame_reads_a_sensor_only_when_looked_up_and_reads_it_as_an_eager_read_does():
    rig = bench2drive_rig_specs(160, 90)
    scene = demo_scene(4)
    eager = SensorSuite(rig, demo_ground(size_m=200.0), seed=3).read(scene, 4)
    lazy_suite = SensorSuite(rig, demo_ground(size_m=200.0), seed=3)
    frame = lazy_suite.frame(scene, 4)
    assert set(frame) == set(eager) and len(frame) == len(rig)
    assert lazy_suite.clock.snapshot() == {}                       # nothing rendered yet
    for sid in ("LIDAR_TOP", "CAM_BACK", "GPS"):                   # another order than the specs'
        assert frame[sid][0] == 4
        assert np.array_equal(np.asarray(frame[sid][1]), np.asarray(eager[sid][1]))
    timed = {k for k in lazy_suite.clock.snapshot() if k != "sensor.boxes"}
    assert timed == {"sensor.LIDAR_TOP", "sensor.CAM_BACK", "sensor.GPS"}    # CAM_FRONT etc. never rendered
    with pytest.raises(KeyError):
        frame["CAM_NOWHERE"]
