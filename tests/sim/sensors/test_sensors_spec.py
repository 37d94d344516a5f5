"""Sensor-spec validation: the leaderboard's rules and messages; the B2D rig and its calibration."""
import math

import numpy as np
import pytest

from wpt_core.ground_map import GroundClass, GroundMap
from b2d_projection import project_to_image, world2cam

from wpt_core.data.rig import bench2drive_rig_specs, intrinsics
from wpt_core.sim.sensors.spec import SensorConfigurationInvalid, sensor_to_ego, validate_sensor_specs
from wpt_core.sim.sensors.suite import SensorSuite
from wpt_core.types import EgoState


def cam(sensor_id, x=0.0, y=0.0, z=1.6):
    return {"type": "sensor.camera.rgb", "id": sensor_id, "x": x, "y": y, "z": z, "roll": 0.0, "pitch": 0.0,
            "yaw": 0.0, "width": 64, "height": 32, "fov": 90}


def test_duplicate_id_is_rejected_with_the_leaderboard_message():
    with pytest.raises(SensorConfigurationInvalid, match=r"^Duplicated sensor tag \[rgb\]$"):
        validate_sensor_specs([cam("rgb"), cam("rgb")])


def test_nine_cameras_are_too_many_on_sensors_but_eight_are_fine():
    validate_sensor_specs([cam(f"c{i}") for i in range(8)])
    msg = r"^Too many sensor.camera.rgb used! Maximum number allowed is 8, but 9 were requested.$"
    with pytest.raises(SensorConfigurationInvalid, match=msg):
        validate_sensor_specs([cam(f"c{i}") for i in range(9)])


def test_qualifier_track_allows_only_four_cameras():
    with pytest.raises(SensorConfigurationInvalid, match="Maximum number allowed is 4, but 5"):
        validate_sensor_specs([cam(f"c{i}") for i in range(5)], track="SENSORS_QUALIFIER")


def test_second_gnss_is_rejected():
    gnss = [{"type": "sensor.other.gnss", "id": f"g{i}", "x": 0.0, "y": 0.0, "z": 0.0} for i in range(2)]
    with pytest.raises(SensorConfigurationInvalid, match="Too many sensor.other.gnss used"):
        validate_sensor_specs(gnss)


def test_mount_radius_is_the_3d_norm_and_limited_to_3_m(monkeypatch):
    monkeypatch.delenv("SAVE_PATH", raising=False)
    validate_sensor_specs([cam("ok", x=2.0, z=2.0)])            # sqrt(8) = 2.83 m
    with pytest.raises(SensorConfigurationInvalid,
                       match=r"^Illegal sensor extrinsics used for sensor 'far'. Max allowed radius is 3.0m$"):
        validate_sensor_specs([cam("far", x=2.5, z=1.7)])       # sqrt(6.25 + 2.89) = 3.02 m


def test_save_path_raises_the_mount_limit_to_100_m_as_bench2drives_wrapper(monkeypatch, tmp_path):
    bev = dict(cam("bev", z=50.0), pitch=-90.0)                  # the Zoo agents' bird's-eye camera
    monkeypatch.delenv("SAVE_PATH", raising=False)
    with pytest.raises(SensorConfigurationInvalid, match=r"sensor 'bev'. Max allowed radius is 3.0m$"):
        validate_sensor_specs([bev])
    monkeypatch.setenv("SAVE_PATH", str(tmp_path))
    validate_sensor_specs([bev, cam("edge", x=60.0, y=80.0, z=0.0)])   # 100 m exactly is still allowed
    with pytest.raises(SensorConfigurationInvalid, match=r"sensor 'far'. Max allowed radius is 100.0m$"):
        validate_sensor_specs([cam("far", x=60.0, y=80.0, z=1.0)])   # sqrt(3600 + 6400 + 1) > 100


def test_unknown_type_and_opendrive_on_sensors_track_are_illegal():
    bad = dict(cam("d"), type="sensor.camera.depth")
    with pytest.raises(SensorConfigurationInvalid,
                       match=r"^Illegal sensor 'sensor.camera.depth' used for Track \[Track.SENSORS\]!$"):
        validate_sensor_specs([bad])
    hd = {"type": "sensor.opendrive_map", "id": "hd", "reading_frequency": 1}
    with pytest.raises(SensorConfigurationInvalid, match=r"Illegal sensor 'sensor.opendrive_map'"):
        validate_sensor_specs([hd], track="SENSORS")
    validate_sensor_specs([hd], track="MAP")


def test_suite_validates_before_building():
    with pytest.raises(SensorConfigurationInvalid, match="Duplicated"):
        SensorSuite([cam("a"), cam("a")], GroundMap(np.zeros((4, 4), np.uint8), (0.0, 0.0), 1.0))


def test_missing_camera_size_is_reported_by_name():
    spec = cam("nosize")
    del spec["fov"]
    with pytest.raises(SensorConfigurationInvalid, match="nosize.*fov"):
        validate_sensor_specs([spec])


def test_bench2drive_rig_is_valid_and_has_b2d_ids_and_mounts():
    rig = bench2drive_rig_specs()
    validate_sensor_specs(rig)
    by_id = {s["id"]: s for s in rig}
    assert set(by_id) == {"CAM_FRONT", "CAM_FRONT_LEFT", "CAM_FRONT_RIGHT", "CAM_BACK", "CAM_BACK_LEFT",
                          "CAM_BACK_RIGHT", "LIDAR_TOP", "IMU", "GPS", "SPEED"}
    assert (by_id["CAM_BACK"]["fov"], by_id["CAM_BACK"]["x"], by_id["CAM_BACK"]["yaw"]) == (110.0, -2.0, 180.0)
    assert (by_id["CAM_FRONT_LEFT"]["y"], by_id["CAM_FRONT_LEFT"]["yaw"]) == (-0.55, -55.0)
    assert (by_id["LIDAR_TOP"]["x"], by_id["LIDAR_TOP"]["z"]) == (-0.39, 1.84)
    assert all(s["width"] == 1600 and s["height"] == 900 for s in rig if s["type"] == "sensor.camera.rgb")


def test_intrinsics_and_extrinsics_match_hand_values():
    K = intrinsics(1600, 900, 70.0)
    f = 1600 / (2 * math.tan(math.radians(35.0)))
    assert np.allclose(K, [[f, 0, 800], [0, f, 450], [0, 0, 1]])
    back = {s["id"]: s for s in bench2drive_rig_specs()}["CAM_BACK"]
    assert np.allclose(sensor_to_ego(back), [[-1, 0, 0, -2.0], [0, -1, 0, 0], [0, 0, 1, 1.6], [0, 0, 0, 1]], atol=1e-12)
    lidar = {s["id"]: s for s in bench2drive_rig_specs()}["LIDAR_TOP"]
    assert np.allclose(sensor_to_ego(lidar)[:3, 3], [-0.39, 0.0, 1.84])


def test_world2cam_and_projection_of_a_point_straight_ahead():
    front = {s["id"]: s for s in bench2drive_rig_specs()}["CAM_FRONT"]
    ego = EgoState(x_m=100.0, y_m=50.0, yaw_deg=90.0, speed_mps=0.0)     # facing +y (south)
    point = np.array([[100.0, 50.0 + 0.8 + 10.0, 1.6]])                   # 10 m in front of the camera
    cam_pt = world2cam(front, ego) @ np.array([*point[0], 1.0])
    assert np.allclose(cam_pt[:3], [10.0, 0.0, 0.0], atol=1e-9)
    uvd = project_to_image(point + [[1.0, 0.0, -0.5]], intrinsics(1600, 900, 70.0), world2cam(front, ego))
    f = 1600 / (2 * math.tan(math.radians(35.0)))
    # 1 m towards +x (the camera's left when facing south) and 0.5 m down
    assert np.allclose(uvd[0], [800 - f * 1.0 / 10.0, 450 + f * 0.5 / 10.0, 10.0])


def test_suite_refuses_opendrive_map_honestly():
    hd = {"type": "sensor.opendrive_map", "id": "hd", "reading_frequency": 1}
    with pytest.raises(SensorConfigurationInvalid, match="not available in the embedded simulator"):
        SensorSuite([hd], None, track="MAP")


def test_ground_class_values_are_what_the_texture_assumes():
    assert [int(c) for c in GroundClass] == [0, 1, 2, 3, 4, 5, 6]


def test_track_may_be_given_as_any_enum_with_the_leaderboard_value():
    from enum import Enum

    class ForeignTrack(Enum):   # stands in for leaderboard.autoagents.autonomous_agent.Track
        SENSORS = "SENSORS"

    hd = {"type": "sensor.opendrive_map", "id": "hd", "reading_frequency": 1}
    with pytest.raises(SensorConfigurationInvalid, match=r"Track \[Track.SENSORS\]"):
        validate_sensor_specs([hd], track=ForeignTrack.SENSORS)
