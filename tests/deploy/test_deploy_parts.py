"""The deploy parts against the rules they follow: GNSS formula, label conventions, the dataset's layout."""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from deploy_helpers import StandInPolicy
from wpt_core.config import ConfigError
from wpt_core.data import clip_layout as L
from wpt_core.data import rig
from wpt_core.data.clip_reader import read_image, read_laz
from wpt_core.data.dataset import LearningDataset, find_clips
from wpt_core.data.features import SensorFeatures, target_in_ego
from wpt_core.data.frames import ClipFrames
from wpt_core.data.labels import anno_pose
from wpt_core.deploy.agent_config import AgentConfig, CameraConfig, LocalisationConfig, load_agent_config
from wpt_core.deploy.driver import Driver, jpeg_round_trip
from wpt_core.deploy.frame_check import frame_faults
from wpt_core.deploy.history import HistoryBuffer
from wpt_core.deploy.lidar_sweep import SweepJoiner, move_sweep
from wpt_core.deploy.localisation import Localiser, reference_from_plan
from wpt_core.deploy.sensor_suite import sensor_specs
from wpt_core.geometry import world_to_gnss, yaw_deg_to_compass
from wpt_core.models.policy import INPUT_KEYS, sample_batch


# --- localisation ---------------------------------------------------------------------------------------
def test_gnss_fix_is_moved_from_the_antenna_to_the_vehicle_origin():
    # heading 90° (+y); the antenna 1.4 m behind the origin sits at (10, 20 - 1.4)
    lat, lon, _ = world_to_gnss(10.0, 18.6)
    loc = Localiser(LocalisationConfig(), mount_xy=(-1.4, 0.0))
    x, y, yaw = loc.update(lat, lon, yaw_deg_to_compass(90.0), 0.0, 0.05)
    assert (x, y, yaw) == pytest.approx((10.0, 20.0, 90.0), abs=1e-6)


def test_filter_reduces_the_leaderboards_gnss_noise():
    rng = np.random.default_rng(0)
    loc = Localiser(LocalisationConfig(), mount_xy=(0.0, 0.0))
    raw_err, filt_err = [], []
    for k in range(400):
        x = 8.0 * 0.05 * k
        lat, lon, _ = world_to_gnss(x, 0.0)
        lat, lon = lat + rng.normal(0, 5e-6), lon + rng.normal(0, 5e-6)   # the leaderboard's sigma
        px, py, _ = loc.update(lat, lon, yaw_deg_to_compass(0.0), 8.0, 0.05)
        if k > 20:
            from wpt_core.geometry import gnss_to_world
            rx, ry, _ = gnss_to_world(lat, lon)
            raw_err.append(math.hypot(rx - x, ry))
            filt_err.append(math.hypot(px - x, py))
    assert np.sqrt(np.mean(np.square(filt_err))) < 0.5 * np.sqrt(np.mean(np.square(raw_err)))


def test_nan_compass_heading_from_the_route_then_from_motion():
    loc = Localiser(LocalisationConfig(heading_min_motion_m=2.0), initial_yaw_deg=30.0)
    lat, lon, _ = world_to_gnss(0.0, 0.0)
    assert loc.update(lat, lon, float("nan"), 0.0, 0.05)[2] == pytest.approx(30.0)
    for k in range(1, 6):                     # drives along −y (yaw −90°) with no compass
        lat, lon, _ = world_to_gnss(0.0, -1.0 * k)
        pose = loc.update(lat, lon, float("nan"), 20.0, 0.05)
    assert pose[2] == pytest.approx(-90.0, abs=1e-6)


# --- LiDAR ----------------------------------------------------------------------------------------------
def test_previous_half_sweep_is_moved_by_the_ego_motion():
    pts = np.array([[10.0, 0.0, 0.0, 1.0]], np.float32)         # 10 m ahead of the sensor at pose 0
    moved = move_sweep(pts, (0.0, 0.0, 0.0), (2.0, 0.0, 0.0))    # the car moved 2 m forward
    assert moved[0, :3] == pytest.approx([8.0, 0.0, 0.0], abs=1e-5)
    turned = move_sweep(pts, (0.0, 0.0, 0.0), (0.0, 0.0, 90.0))  # the car turned right by 90° in place
    ox = rig.LIDAR_MOUNT.x                                        # the point is at ego (10 + ox, 0)
    assert turned[0, :2] == pytest.approx([-ox, -(10.0 + ox)], abs=1e-4)
    joiner = SweepJoiner()
    assert len(joiner.join(pts, (0.0, 0.0, 0.0))) == 1 and len(joiner.join(pts, (1.0, 0.0, 0.0))) == 2


# --- frame checks ---------------------------------------------------------------------------------------
def test_frame_checks_name_each_problem():
    specs = sensor_specs(StandInPolicy(_tiny_data()).data.sensors, CameraConfig(32, 16, 0))
    from deploy_helpers import StraightWorld
    good = StraightWorld().readings(specs)
    assert frame_faults(good, specs) == []
    imu = good["IMU"][1].copy()
    imu[6] = np.nan
    assert frame_faults({**good, "IMU": (0, imu)}, specs) == []          # NaN compass: early CARLA frames
    assert frame_faults({**good, "LIDAR_TOP": (0, np.zeros((0, 4), np.float32))}, specs) == \
        ["LIDAR_TOP: empty point cloud"]
    assert frame_faults({**good, "CAM_FRONT": (0, np.zeros((16, 32, 3), np.uint8))}, specs) == \
        ["CAM_FRONT: camera shape (16, 32, 3) (expected (16, 32, 4))"]


# --- config ---------------------------------------------------------------------------------------------
def test_agent_config_resolves_the_checkpoint_and_rejects_unknown_keys(tmp_path):
    (tmp_path / "a.yaml").write_text("checkpoint: runs/student/best.pt\ncontroller: {max_throttle: 0.5}\n")
    cfg = load_agent_config(str(tmp_path / "a.yaml"))
    assert cfg.checkpoint == str(tmp_path / "runs" / "student" / "best.pt")
    assert cfg.controller.max_throttle == 0.5 and cfg.controller.lat_kp == AgentConfig().controller.lat_kp
    (tmp_path / "b.yaml").write_text("checkpoint: x.pt\ncontroler: {}\n")
    with pytest.raises(ConfigError, match="b.yaml"):
        load_agent_config(str(tmp_path / "b.yaml"))
    (tmp_path / "c.yaml").write_text("device: cpu\n")
    with pytest.raises(ConfigError, match="'checkpoint' is required"):
        load_agent_config(str(tmp_path / "c.yaml"))


# --- the dataset's features and layout ------------------------------------------------------------------
def _tiny_data():
    from deploy_helpers import TINY_DATA
    return TINY_DATA


def _input_data(clip_dir, anno, index, cameras):
    data = {c: (index, _bgra(read_image(L.image_path(clip_dir, c, index)))) for c in cameras}
    ego = read_laz(L.lidar_path(clip_dir, index))
    sensor = ego.copy()
    sensor[:, :3] -= np.array([rig.LIDAR_MOUNT.x, rig.LIDAR_MOUNT.y, rig.LIDAR_MOUNT.z], np.float32)
    data[rig.LIDAR_NAME] = (index, sensor)
    data["SPEED"] = (index, {"speed": float(anno["speed"])})
    return data


def _bgra(rgb):
    out = np.full(rgb.shape[:2] + (4,), 255, np.uint8)
    out[:, :, 2::-1] = rgb
    return out


def test_agent_features_equal_the_datasets_for_the_same_frame(learning_clips, tiny_profile):
    data = tiny_profile.data
    clip = find_clips(learning_clips)[0]
    frames = ClipFrames(clip, data)
    h, w = read_image(L.image_path(clip, data.sensors.cameras[0], 0)).shape[:2]
    config = replace(AgentConfig(checkpoint="x"), camera=CameraConfig(w, h, 0))   # the clip's images are decoded
    driver = Driver(StandInPolicy(data), config, sensor_specs(data.sensors, config.camera))
    for index in (0, 7, 20):
        anno = frames.annos[index]
        inputs = _input_data(clip, anno, index, data.sensors.cameras)
        ours = driver.features(inputs, inputs[rig.LIDAR_NAME][1], float(anno["speed"]), target_in_ego(anno),
                               int(anno["next_command"]))
        theirs = frames.frame(index)
        np.testing.assert_array_equal(ours.images, theirs.images)
        np.testing.assert_array_equal(ours.lidar_bev, theirs.lidar)
        np.testing.assert_allclose(ours.speed_mps, theirs.speed, atol=1e-6)
        np.testing.assert_allclose(ours.target_point, theirs.target_point, atol=1e-5)
        assert ours.command == theirs.command


def test_jpeg_round_trip_is_what_a_clip_image_decodes_to(tmp_path):
    from wpt_core.data.clip_writer import encode_jpeg
    rng = np.random.default_rng(0)
    bgra = rng.integers(0, 256, (36, 64, 4), dtype=np.uint8)
    (tmp_path / "x.jpg").write_bytes(encode_jpeg(bgra, 20))
    np.testing.assert_array_equal(jpeg_round_trip(bgra, 20)[:, :, 2::-1], read_image(tmp_path / "x.jpg"))


@pytest.mark.parametrize("ticks_per_push", [1, 2])
def test_history_batch_is_the_collated_dataset_sample(ticks_per_push, learning_clips, tiny_profile, tiny_batch):
    """20 Hz ticks (each 10 Hz clip frame twice; an agent planning every 2nd tick pushes once per frame) → the
    batch equals the dataset's sample of the same frame."""
    data = tiny_profile.data
    assert data.history >= 1
    clip = find_clips(learning_clips)[0]
    frames = ClipFrames(clip, data)
    dataset = LearningDataset([frames], data)
    buffer = HistoryBuffer(data, ticks_per_push)
    index = 12
    for j in range(index + 1):
        f = frames.frame(j)
        feats = SensorFeatures(f.images, f.lidar, f.speed, f.target_point, f.command)
        for _ in range(2 // ticks_per_push):
            buffer.push(feats, anno_pose(frames.annos[j]))
    batch = sample_batch(buffer.sample(feats), "cpu")
    sample = dataset[dataset.index.index((0, index))]
    assert tuple(batch) == INPUT_KEYS
    for key in INPUT_KEYS:
        assert batch[key].dtype == tiny_batch[key].dtype and batch[key].shape[1:] == tiny_batch[key].shape[1:], key
        if key != "bev_history":       # ground truth: a sensor agent has none (all false)
            np.testing.assert_allclose(batch[key][0].numpy(), np.asarray(sample[key]), atol=1e-5, err_msg=key)
    assert not batch["bev_history"].any()


def test_a_planning_interval_that_does_not_divide_the_history_stride_is_refused(tiny_profile):
    stride_ticks = 2 * tiny_profile.data.history_stride_frames      # 10 Hz frames, 20 Hz ticks
    with pytest.raises(ConfigError, match=f"history stride of {stride_ticks} ticks"):
        HistoryBuffer(tiny_profile.data, stride_ticks + 1)


@pytest.mark.parametrize("ref", [(42.0, 2.0), (0.0, 0.0), (49.0, 8.4)])
def test_map_reference_is_recovered_from_the_global_plan(ref):
    lat, lon, _ = world_to_gnss(312.5, -1780.0, 0.0, *ref)
    lat_ref, lon_ref = reference_from_plan((lat, lon), (312.5, -1780.0))
    assert (lat_ref, lon_ref) == pytest.approx(ref, abs=1e-9)
    loc = Localiser(LocalisationConfig(), lat_ref=lat_ref, lon_ref=lon_ref)
    assert loc.update(lat, lon, yaw_deg_to_compass(0.0), 0.0, 0.05)[:2] == pytest.approx((312.5, -1780.0), abs=1e-3)
