"""The Bench2Drive sensor rig and the calibration matrices its clips record, for spec dicts.

The rig itself (mounts, FOVs, ids) and K are defined once in `wpt_core.data.rig` (the data writer cannot
import `sim`; `sim` may import `data`); this module serves them as leaderboard spec dicts and adds the
per-spec extrinsics. Bench2Drive's collector stores `intrinsic` (pinhole K), `cam2ego` / `lidar2ego` (the
mount transform in CARLA's left-handed UE axes: x forward, y right, z up — no optical-axis swap) and
`world2cam` / `world2lidar` (inverse of the sensor's world transform).
"""
from __future__ import annotations

from typing import List

import numpy as np

from wpt_core.data.rig import B2D_IMAGE_SIZE, bench2drive_rig_specs, intrinsics
from wpt_core.sim.sensors.spec import SensorSpec, ego_to_world, sensor_to_ego
from wpt_core.types import EgoState

__all__ = ["bench2drive_rig", "intrinsics", "focal_length", "cam2ego", "lidar2ego", "sensor_to_world", "world2cam",
           "world2lidar", "project_to_image", "UE_TO_OPENCV"]

# UE camera axes (x forward, y right, z up) → OpenCV optical axes (x right, y down, z forward).
UE_TO_OPENCV = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, -1.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]])


def bench2drive_rig(width: int = B2D_IMAGE_SIZE[0], height: int = B2D_IMAGE_SIZE[1]) -> List[SensorSpec]:
    """Leaderboard spec dicts of the B2D rig: 6 cameras, LIDAR_TOP, IMU, GPS, SPEED (B2D's ids and mounts)."""
    return bench2drive_rig_specs(width, height, lidar=True)


def focal_length(width: int, fov_deg: float) -> float:
    """CARLA's pinhole focal length in pixels, f = W / (2 tan(fov/2)) (fov is horizontal): K[0, 0]."""
    return float(intrinsics(int(width), 1, float(fov_deg))[0, 0])


def cam2ego(spec: SensorSpec) -> np.ndarray:
    """4x4 camera → ego (UE axes), B2D's `cam2ego`."""
    return sensor_to_ego(spec)


def lidar2ego(spec: SensorSpec) -> np.ndarray:
    """4x4 LiDAR → ego, B2D's `lidar2ego`."""
    return sensor_to_ego(spec)


def sensor_to_world(spec: SensorSpec, ego: EgoState) -> np.ndarray:
    """4x4 sensor → world at the given ego pose."""
    return ego_to_world(ego) @ sensor_to_ego(spec)


def world2cam(spec: SensorSpec, ego: EgoState) -> np.ndarray:
    """4x4 world → camera (UE axes), B2D's `world2cam` (= the camera transform's inverse matrix)."""
    return np.linalg.inv(sensor_to_world(spec, ego))


def world2lidar(spec: SensorSpec, ego: EgoState) -> np.ndarray:
    """4x4 world → LiDAR, B2D's `world2lidar`."""
    return np.linalg.inv(sensor_to_world(spec, ego))


def project_to_image(points_world: np.ndarray, K: np.ndarray, world_to_cam: np.ndarray) -> np.ndarray:
    """(N, 3) world points → (N, 3) [u, v, depth_m] with the B2D recipe: world2cam, UE→OpenCV, K.

    depth ≤ 0 means the point is behind the camera (its u, v are meaningless).
    """
    pts = np.concatenate([np.asarray(points_world, np.float64), np.ones((len(points_world), 1))], axis=1)
    cam = (UE_TO_OPENCV @ world_to_cam @ pts.T)[:3]
    depth = cam[2]
    with np.errstate(divide="ignore", invalid="ignore"):
        uv = (K @ cam)[:2] / depth
    return np.stack([uv[0], uv[1], depth], axis=1)
