"""Sensor inputs → model features, in ONE function for the dataset and for the driving agent.

`sensor_features` is the only preprocessing: resizing the cameras, the LiDAR BEV histogram, speed, target
point and command. The dataset calls it through `features_from_frame` (a decoded clip frame) and an agent
through `features_from_input_data` (the leaderboard's `input_data`: BGRA cameras, LiDAR in the sensor frame,
the speedometer dict), so training and driving can never preprocess differently. Images stay uint8; the
model normalises them (its normalisation is stored in its checkpoint).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

import numpy as np
from PIL import Image

from wpt_core.data import rig
from wpt_core.data.data_config import LidarGridConfig, SensorConfig
from wpt_core.data.labels import anno_pose
from wpt_core.geometry import world_to_ego
from wpt_core.types import RoadOption

COMMANDS = (RoadOption.LEFT, RoadOption.RIGHT, RoadOption.STRAIGHT, RoadOption.LANEFOLLOW,
            RoadOption.CHANGELANELEFT, RoadOption.CHANGELANERIGHT)


@dataclass
class SensorFeatures:
    """images (V, 3, H, W) uint8 RGB; lidar_bev (2, L, L) uint8 clipped counts (zeros without LiDAR);
    speed_mps (1,) float32; target_point (2,) float32 ego frame (x forward, y right); command: index into COMMANDS."""

    images: np.ndarray
    lidar_bev: np.ndarray
    speed_mps: np.ndarray
    target_point: np.ndarray
    command: int


def command_index(command: int) -> int:
    """RoadOption value → index into COMMANDS; VOID (−1) counts as LANEFOLLOW, as peers do."""
    option = RoadOption(int(command))
    return COMMANDS.index(RoadOption.LANEFOLLOW if option == RoadOption.VOID else option)


def resize_image(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """(h, w, 3) uint8 → (height, width, 3) uint8 (bilinear; a no-op at the same size)."""
    if rgb.shape[1] == width and rgb.shape[0] == height:
        return np.ascontiguousarray(rgb)
    return np.asarray(Image.fromarray(rgb).resize((width, height), Image.BILINEAR))


def scaled_intrinsics(intrinsic: np.ndarray, src_size: Tuple[int, int], dst_size: Tuple[int, int]) -> np.ndarray:
    """K of an image resized from (w, h) to (w', h'): rows 0/1 scale by w'/w and h'/h (pixel edges stay edges)."""
    k = np.array(intrinsic, dtype=np.float64, copy=True)
    k[0] *= dst_size[0] / src_size[0]
    k[1] *= dst_size[1] / src_size[1]
    return k


def camera_geometry(config: SensorConfig) -> Tuple[np.ndarray, np.ndarray]:
    """((V, 3, 3) intrinsics at the configured size, (V, 4, 4) cam2ego) of the configured cameras (the rig)."""
    size = (config.image_width, config.image_height)
    ks = [scaled_intrinsics(rig.intrinsics(*rig.B2D_IMAGE_SIZE, rig.camera(c).fov_deg), rig.B2D_IMAGE_SIZE, size)
          for c in config.cameras]
    mounts = [rig.camera(c).mount.matrix() for c in config.cameras]
    return np.array(ks, dtype=np.float32).reshape(-1, 3, 3), np.array(mounts, dtype=np.float32).reshape(-1, 4, 4)


def lidar_histogram(points_ego: Optional[np.ndarray], grid: LidarGridConfig) -> np.ndarray:
    """(2, L, L) uint8 point counts per BEV cell (row 0 farthest ahead, column 0 leftmost), ground / above."""
    n = grid.cells
    out = np.zeros((2, n, n), dtype=np.uint8)
    if points_ego is None or len(points_ego) == 0:
        return out
    p = np.asarray(points_ego, dtype=np.float64)
    rows = np.floor(n / 2.0 - p[:, 0] / grid.resolution_m).astype(np.int64)
    cols = np.floor(p[:, 1] / grid.resolution_m + n / 2.0).astype(np.int64)
    keep = (rows >= 0) & (rows < n) & (cols >= 0) & (cols < n) & (p[:, 2] < grid.max_height_m)
    channel = (p[:, 2] >= grid.split_height_m).astype(np.int64)
    flat = (channel * n * n + rows * n + cols)[keep]
    counts = np.bincount(flat, minlength=2 * n * n).reshape(2, n, n)
    return np.minimum(counts, grid.max_count).astype(np.uint8)


def sensor_features(images_rgb: Mapping[str, np.ndarray], lidar_ego: Optional[np.ndarray], speed_mps: float,
                    target_ego_xy: Sequence[float], command: int, config: SensorConfig) -> SensorFeatures:
    """THE preprocessing. images_rgb: sensor id → (h, w, 3) uint8 RGB at any size; lidar_ego: (N, ≥3) ego frame."""
    missing = [c for c in config.cameras if c not in images_rgb]
    if missing:
        raise KeyError(f"camera(s) {missing} missing from the inputs (have {sorted(images_rgb)})")
    images = np.stack([resize_image(images_rgb[c], config.image_width, config.image_height).transpose(2, 0, 1)
                       for c in config.cameras]) if config.cameras else \
        np.zeros((0, 3, config.image_height, config.image_width), np.uint8)
    lidar = lidar_histogram(lidar_ego if config.lidar else None, config.lidar_grid)
    return SensorFeatures(images=images, lidar_bev=lidar, speed_mps=np.array([speed_mps], np.float32),
                          target_point=np.asarray(target_ego_xy, np.float32).reshape(2),
                          command=command_index(command))


def target_in_ego(anno: Dict[str, Any]) -> np.ndarray:
    """The annotation's target point (`x_target`, `y_target`, world) in the frame's ego frame."""
    x, y, yaw = anno_pose(anno)
    return world_to_ego(np.array([[anno["x_target"], anno["y_target"]]]), (x, y), yaw)[0]


def features_from_frame(images_rgb: Mapping[str, np.ndarray], lidar_ego: Optional[np.ndarray],
                        anno: Dict[str, Any], config: SensorConfig) -> SensorFeatures:
    """A clip frame (decoded images, ego-frame LiDAR, annotation) → features."""
    speed = float(anno["speed"]) if math.isfinite(float(anno["speed"])) else 0.0
    return sensor_features(images_rgb, lidar_ego, speed, target_in_ego(anno), int(anno["next_command"]), config)


def features_from_input_data(input_data: Mapping[str, Tuple[int, Any]], target_ego_xy: Sequence[float],
                             command: int, config: SensorConfig) -> SensorFeatures:
    """The leaderboard's `input_data` (BGRA uint8 cameras, LIDAR_TOP (N, 4) in the sensor frame, SPEED) → features.

    The target point and command come from the agent's own route tracking of the global plan.
    """
    images = {c: np.ascontiguousarray(input_data[c][1][:, :, 2::-1]) for c in config.cameras}
    lidar = rig.lidar_to_ego(input_data[rig.LIDAR_NAME][1]) if config.lidar else None
    speed = float(input_data["SPEED"][1]["speed"])
    return sensor_features(images, lidar, speed, target_ego_xy, command, config)
