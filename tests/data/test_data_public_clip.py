"""A clip built strictly from Bench2Drive's documented schema reads into the same Frame type."""
from __future__ import annotations

import gzip
import json

import laspy
import numpy as np
import pytest
from PIL import Image

from wpt_core.data.clip_reader import ClipReader, Frame
from wpt_core.data.labels import future_trajectory

CAMS = ["front", "front_left", "front_right", "back", "back_left", "back_right"]


def _public_anno(i: int) -> dict:
    """Keys as Bench2Drive's docs/anno.md lists them; theta is the compass (ego heading east = π/2)."""
    eye = np.eye(4).tolist()
    sensors = {f"CAM_{c.upper()}": {"location": [0, 0, 1.6], "rotation": [0, 0, 0], "intrinsic": np.eye(3).tolist(),
                                    "world2cam": eye, "cam2ego": eye, "fov": 70, "image_size_x": 1600,
                                    "image_size_y": 900} for c in CAMS}
    sensors["LIDAR_TOP"] = {"location": [0, 0, 1.84], "rotation": [0, 0, 0], "world2lidar": eye, "lidar2ego": eye}
    ego = {"class": "ego_vehicle", "id": "1", "type_id": "vehicle.lincoln.mkz_2020", "location": [i * 0.4, 0, 0],
           "rotation": [0, 0, 0], "bbx_loc": [0, 0, 0.75], "center": [i * 0.4, 0, 0.75], "extent": [2.4, 1.0, 0.75],
           "world_cord": [[0, 0, 0]] * 8, "speed": 4.0, "world2ego": eye}
    return {"x": i * 0.4, "y": 0.0, "throttle": 0.5, "steer": 0.0, "brake": 0.0, "reverse": False,
            "theta": np.pi / 2, "speed": 4.0, "x_command_far": 50.0, "y_command_far": 0.0, "command_far": 4,
            "x_command_near": 5.0, "y_command_near": 0.0, "command_near": 4, "should_brake": 0, "only_ap_brake": 0,
            "x_target": 50.0, "y_target": 0.0, "next_command": 4, "weather": {"cloudiness": 5.0},
            "acceleration": [0, 0, 9.81], "angular_velocity": [0, 0, 0], "sensors": sensors, "bounding_boxes": [ego]}


def _write_public_clip(root, frames=12):
    clip = root / "Accident_Town03_Route101_Weather23"
    rng = np.random.default_rng(0)
    for i in range(frames):
        stem = f"{i:05d}"
        (clip / "anno").mkdir(parents=True, exist_ok=True)
        with gzip.open(clip / "anno" / f"{stem}.json.gz", "wt", encoding="utf-8") as f:
            json.dump(_public_anno(i), f, indent=4)
        for cam in CAMS:
            folder = clip / "camera" / f"rgb_{cam}"
            folder.mkdir(parents=True, exist_ok=True)
            Image.fromarray(np.full((900, 1600, 3), 120, np.uint8)).save(folder / f"{stem}.jpg", quality=20)
        pts = rng.uniform(-40, 40, (500, 3))
        header = laspy.LasHeader(point_format=0)  # B2D: offsets = min, scales = 0.001, x/y/z only
        header.offsets = pts.min(axis=0)
        header.scales = np.array([0.001, 0.001, 0.001])
        (clip / "lidar").mkdir(exist_ok=True)
        with laspy.open(clip / "lidar" / f"{stem}.laz", mode="w", header=header) as writer:
            record = laspy.ScaleAwarePointRecord.zeros(len(pts), header=header)
            record.x, record.y, record.z = pts[:, 0], pts[:, 1], pts[:, 2]
            writer.write_points(record)
        if i == 0:
            np.save(clip / "lidar_0.npy", pts)
    (clip / "expert_assessment").mkdir()
    return clip


def test_public_clip_reads_as_frames(tmp_path):
    clip = _write_public_clip(tmp_path)
    reader = ClipReader(clip)  # no meta.json / COMPLETE: complete as published
    assert reader.is_public and reader.complete and len(reader) == 12
    assert reader.cameras == sorted(f"CAM_{c.upper()}" for c in CAMS)
    frame = reader.frame(0)
    assert isinstance(frame, Frame)
    assert set(frame.images) == set(reader.cameras)
    assert all(img.shape == (900, 1600, 3) and img.dtype == np.uint8 for img in frame.images.values())
    assert abs(float(frame.images["CAM_FRONT"].mean()) - 120.0) < 3.0
    pts = np.load(clip / "lidar_0.npy")
    assert frame.lidar.shape == (500, 4) and frame.lidar.dtype == np.float32
    assert np.abs(frame.lidar[:, :3] - pts).max() <= 0.0006 and (frame.lidar[:, 3] == 0).all()
    assert frame.calibration["CAM_BACK"]["intrinsic"].shape == (3, 3)
    assert frame.calibration["LIDAR_TOP"]["lidar2ego"].shape == (4, 4)


def test_labels_work_on_public_annotations(tmp_path):
    reader = ClipReader(_write_public_clip(tmp_path))
    xy, valid = future_trajectory(reader.annos(), 0)
    assert valid.tolist() == [True, True, False, False]  # 12 frames: 5 and 10 exist, 15 and 20 do not
    assert xy[:2] == pytest.approx(np.array([[2.0, 0.0], [4.0, 0.0]]), abs=1e-6)


def test_not_a_clip(tmp_path):
    with pytest.raises(FileNotFoundError):
        ClipReader(tmp_path)
