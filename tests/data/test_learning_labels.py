"""Sample labels match the annotations: trajectory at 2 Hz × 3 s, occupancy covering the boxes at those
timestamps in the current ego frame, the constant-velocity reference, depth targets, past poses."""
from __future__ import annotations

import math

import numpy as np
import pytest

from synthetic_clips import EGO_SPEED, LEAD_SPEED, write_learning_clip
from wpt_core.data.data_config import DataConfig
from wpt_core.data.dataset import LearningDataset
from wpt_core.data.frames import ClipFrames
from wpt_core.data.labels import (BEV_CHANNELS, BevConfig, constant_velocity_occupancy, depth_target,
                                  relative_pose)


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_learning_clip(tmp_path_factory.mktemp("labels"), 0, frames=40)


def _cells(mask):
    return set(zip(*[a.tolist() for a in np.nonzero(mask)]))


def test_default_trajectory_is_2hz_over_3s(clip):
    config = DataConfig()
    frames = ClipFrames(clip, config)
    f = frames.frame(5)
    assert config.future_steps == 6 and f.trajectory_valid.all()
    # ego at EGO_SPEED along +x: 0.5 s apart
    np.testing.assert_allclose(f.trajectory, [[EGO_SPEED * 0.5 * k, 0.0] for k in range(1, 7)], atol=1e-5)
    late = frames.frame(30)  # frames 35 valid; 40, 45 … past the 40-frame clip
    assert late.trajectory_valid.tolist() == [True, False, False, False, False, False]


def test_occupancy_covers_the_lead_car_at_each_future_step_in_the_current_frame(clip):
    config = DataConfig(bev=BevConfig(64.0, 0.5))
    f = ClipFrames(clip, config).frame(4)
    ego_x = EGO_SPEED * 0.4
    for k in range(3):
        t = 0.4 + 0.5 * (k + 1)
        lead_x = 8.0 + LEAD_SPEED * t - ego_x  # current ego frame: ego at (ego_x, 1.75), yaw 0; lead in its lane
        # 4 m × 2 m box centred at (lead_x, 0): rows ⌊64 − 2x⌋ over x ∈ [lead_x − 2, lead_x + 2], cols 62..65
        rows = range(math.ceil(64 - 2 * (lead_x + 2) - 0.5), math.floor(64 - 2 * (lead_x - 2) - 0.5) + 1)
        expected = {(r, c) for r in rows for c in range(62, 66)}
        assert expected <= _cells(f.occupancy[k, 0])
        assert not f.occupancy[k, 0, :, :56].any()  # nothing left of the lane: the walker is a pedestrian
    assert f.occupancy[:, 1].any(axis=(1, 2)).all()  # the walker is in every step's pedestrian channel
    assert f.occupancy_valid.all()


def test_current_bev_has_the_parked_car_as_vehicle_and_obstacle_and_the_road_from_the_map(clip):
    config = DataConfig(bev=BevConfig(64.0, 0.5))
    f = ClipFrames(clip, config).frame(0)
    obstacle = f.bev[BEV_CHANNELS.index("obstacle")]
    # parked car at world (14, 5): ego frame (14, 3.25); cell centres x = (63.5 − r)/2 ∈ [12, 16] → rows 32..39,
    # y = (c − 63.5)/2 ∈ [2.25, 4.25] (edges included) → cols 68..72
    assert _cells(obstacle) == {(r, c) for r in range(32, 40) for c in range(68, 73)}
    assert _cells(obstacle) <= _cells(f.bev[BEV_CHANNELS.index("vehicle")])
    drivable = f.bev[BEV_CHANNELS.index("drivable")]
    # road y ∈ [−3.5, 3.5) world → ego y ∈ [−5.25, 1.75): cols 54..66
    assert drivable[:, 54:67].all() and not drivable[:, :53].any() and not drivable[:, 68:].any()
    assert f.light == 0  # the red light ahead affects the ego


def test_constant_velocity_reference_moves_boxes_along_their_heading():
    anno = {"x": 0.0, "y": 0.0, "theta": math.pi / 2, "bounding_boxes": [
        {"class": "ego_vehicle"},
        {"class": "vehicle", "center": [10.0, 0.0, 0.7], "rotation": [0, 0, 90.0], "extent": [2.0, 1.0, 0.7],
         "speed": 4.0}]}
    occ = constant_velocity_occupancy(anno, steps=2, step_s=0.5, config=BevConfig(32.0, 1.0))
    # heading +y (ego's right): after 0.5 s the car is at (10, 2) → ego (10, 2); rows 4..7 wide 2, cols 16..19 long 4
    assert _cells(occ[0, 0]) == {(r, c) for r in (5, 6) for c in range(16, 20)}
    assert _cells(occ[1, 0]) == {(r, c) for r in (5, 6) for c in range(18, 22)}


def test_depth_target_is_the_nearest_valid_depth_per_patch():
    depth = np.zeros((4, 4), np.float32)
    depth[0, 0], depth[1, 1], depth[0, 3], depth[3, 3] = 12.0, 7.0, 30.0, 0.0
    np.testing.assert_array_equal(depth_target(depth, 2, 2), [[7.0, 30.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="does not tile"):
        depth_target(depth, 3, 2)


def test_depth_labels_from_the_clip_depth_images(clip, tmp_path, tiny_profile):
    f = ClipFrames(clip, tiny_profile.data).frame(3)
    # 128×64 depth (5 + 0.5·row + 3·camera m, stored in whole metres) → 64×32 (every other row) → 16-pixel patches:
    # patch row 0 starts at image row 0 (5 m), patch row 1 at resized row 16 = image row 32 (5 + 16 = 21 m)
    assert f.has_depth and f.depth.shape == (3, 2, 4)
    for camera in range(3):
        np.testing.assert_array_equal(f.depth[camera], [[5 + 3 * camera] * 4, [21 + 3 * camera] * 4])
    no_depth = ClipFrames(write_learning_clip(tmp_path, 9, frames=2, depth=False), tiny_profile.data).frame(0)
    assert not no_depth.has_depth and not no_depth.depth.any()


def test_history_poses_are_past_egos_in_the_current_frame(clip):
    config = DataConfig(history=2, history_stride_frames=5)
    sample = LearningDataset([ClipFrames(clip, config)], config)[0]  # frame 10: history frames 0, 5, 10
    np.testing.assert_allclose(sample["history_pose"], [[-5.0, 0, 0], [-2.5, 0, 0], [0, 0, 0]], atol=1e-5)
    assert sample["images"].shape[:2] == (3, 3) and sample["bev_history"].shape[0] == 3
    # ego at (3, 4) heading south (+y, yaw 90): a pose 2 m further south, heading east, is 2 m ahead and yaw −90°
    np.testing.assert_allclose(relative_pose((3.0, 6.0, 0.0), (3.0, 4.0, 90.0)), [2.0, 0.0, -math.pi / 2], atol=1e-6)
    sparse = DataConfig(history=1, sample_every=3)
    every_third = LearningDataset([ClipFrames(clip, sparse)], sparse)
    assert [j for _, j in every_third.index][:4] == [5, 8, 11, 14] and len(every_third) == 12  # frames 5 … 38


def test_privileged_scene_rasters_equal_the_dataset_rasters(clip):
    from data_helpers import route_info_ahead, scene_at
    from synthetic_clips import LIGHT, actors_at, road_map
    from wpt_core.data.privileged_bev import scene_bev

    config = DataConfig(bev=BevConfig(64.0, 0.5))
    x = EGO_SPEED * 0.6  # frame 6 of route 0
    scene = scene_at(x, 1.75, 0.0, speed=EGO_SPEED, actors=actors_at(0.6), traffic_lights=[LIGHT])
    rasters = scene_bev(scene, route_info_ahead(x, 1.75, 0.0), road_map(), config.bev)
    np.testing.assert_array_equal(rasters, ClipFrames(clip, config).frame(6).bev)
