"""The one feature function: agent path (leaderboard input_data) == dataset path (clip frame); resizing keeps
projections where the rescaled intrinsics say; the LiDAR histogram puts points in the hand-computed cells."""
from __future__ import annotations

import math

import numpy as np
import pytest

from synthetic_clips import write_learning_clip
from wpt_core.data import rig
from wpt_core.data.clip_reader import ClipReader
from wpt_core.data.data_config import LidarGridConfig, SensorConfig
from wpt_core.data.features import (COMMANDS, camera_geometry, command_index, features_from_input_data,
                                    lidar_histogram, sensor_features)
from wpt_core.data.frames import ClipFrames
from wpt_core.types import RoadOption


def test_agent_input_data_and_clip_frame_give_identical_features(tmp_path, tiny_profile):
    clip = write_learning_clip(tmp_path, 1, frames=12)
    frame = ClipReader(clip).frame(7)
    dataset_side = ClipFrames(clip, tiny_profile.data).frame(7)
    # what the leaderboard would deliver for this frame: BGRA cameras, LiDAR in the LIDAR_TOP frame, speedometer
    to_sensor = np.linalg.inv(rig.LIDAR_MOUNT.matrix()).astype(np.float32)
    lidar_sensor = frame.lidar.copy()
    lidar_sensor[:, :3] = frame.lidar[:, :3] @ to_sensor[:3, :3].T + to_sensor[:3, 3]
    input_data = {cam: (7, np.concatenate([img[:, :, ::-1], np.full(img.shape[:2] + (1,), 255, np.uint8)], axis=2))
                  for cam, img in frame.images.items()}
    input_data["LIDAR_TOP"] = (7, lidar_sensor)
    input_data["SPEED"] = (7, {"speed": np.float64(frame.anno["speed"])})
    # the ego heads east (yaw 0): the target point in the ego frame is the world offset
    target = (frame.anno["x_target"] - frame.anno["x"], frame.anno["y_target"] - frame.anno["y"])
    agent_side = features_from_input_data(input_data, target, RoadOption.LANEFOLLOW, tiny_profile.data.sensors)
    assert agent_side.images.shape == (3, 3, 32, 64)  # resized from the clip's 128×64
    np.testing.assert_array_equal(agent_side.images, dataset_side.images)
    np.testing.assert_array_equal(agent_side.lidar_bev, dataset_side.lidar)
    assert agent_side.lidar_bev.sum() > 100
    np.testing.assert_array_equal(agent_side.speed_mps, dataset_side.speed)
    np.testing.assert_allclose(agent_side.target_point, dataset_side.target_point, atol=1e-5)
    assert agent_side.command == dataset_side.command == COMMANDS.index(RoadOption.LANEFOLLOW)


def _project(k: np.ndarray, cam2ego: np.ndarray, point_ego: np.ndarray) -> np.ndarray:
    """CARLA camera: x forward, y right, z up → u = fx·y/x + cx, v = −fy·z/x + cy."""
    p = np.linalg.inv(cam2ego) @ np.append(point_ego, 1.0)
    return np.array([k[0, 0] * p[1] / p[0] + k[0, 2], -k[1, 1] * p[2] / p[0] + k[1, 2]])


@pytest.mark.parametrize("camera,point", [("CAM_FRONT", (15.0, 2.0, 1.0)), ("CAM_FRONT_LEFT", (9.0, -9.0, 0.5))])
def test_resized_image_keeps_a_box_where_the_rescaled_intrinsics_project_it(camera, point):
    width, height = rig.B2D_IMAGE_SIZE
    k_full = rig.intrinsics(width, height, rig.camera(camera).fov_deg)
    cam2ego = rig.camera(camera).mount.matrix()
    u, v = _project(k_full, cam2ego, np.array(point))
    image = np.zeros((height, width, 3), np.uint8)
    image[int(round(v)) - 25:int(round(v)) + 25, int(round(u)) - 25:int(round(u)) + 25] = 255  # a 50 px box
    config = SensorConfig(cameras=(camera,), image_width=256, image_height=144, lidar=False)
    small = sensor_features({camera: image}, None, 0.0, (0.0, 0.0), 4, config).images[0, 0].astype(float)
    rows, cols = np.mgrid[0:144, 0:256]
    centroid = np.array([((cols + 0.5) * small).sum(), ((rows + 0.5) * small).sum()]) / small.sum()
    k_small, cam2ego_small = camera_geometry(config)
    # the box was centred on the full-resolution pixel grid: its centre is (round(u), round(v)) in edge units
    expected = _project(k_small[0].astype(float), cam2ego_small[0].astype(float), np.array(point))
    np.testing.assert_allclose(centroid, expected + (np.array([round(u), round(v)]) - [u, v]) * (256 / width),
                               atol=0.15)
    f = 256 / (2 * math.tan(math.radians(rig.camera(camera).fov_deg) / 2))
    np.testing.assert_allclose(k_small[0], [[f, 0, 128], [0, f * (144 / 900) / (256 / 1600), 72], [0, 0, 1]],
                               rtol=1e-6)


def test_lidar_histogram_cells_heights_and_clipping():
    grid = LidarGridConfig(size_m=64.0, resolution_m=1.0, split_height_m=0.2, max_height_m=3.0, max_count=8)
    points = np.array([[10.2, -3.7, 0.1], [10.2, -3.7, 1.0]] + [[-5.5, 0.5, 1.0]] * 20 +
                      [[0.0, 0.0, 4.0], [40.0, 0.0, 1.0], [0.0, -32.5, 1.0]])
    hist = lidar_histogram(points, grid)
    # row ⌊32 − x⌋, column ⌊y + 32⌋
    assert hist[0, 21, 28] == 1 and hist[1, 21, 28] == 1
    assert hist[1, 37, 32] == 8 and hist[0, 37, 32] == 0
    assert hist.sum() == 10  # the point above 3 m and the two outside the 64 m grid are dropped


def test_void_command_is_lane_follow():
    assert command_index(RoadOption.VOID) == command_index(RoadOption.LANEFOLLOW) == 3
    assert command_index(RoadOption.CHANGELANERIGHT) == 5
