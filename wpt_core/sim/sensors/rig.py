"""The Bench2Drive sensor rig and the calibration matrices its clips record.

Bench2Drive's collector stores `intrinsic` (pinhole K), `cam2ego` / `lidar2ego` (the mount transform,
CARLA's left-handed UE axes: x forward, y right, z up — no optical-axis swap) and `world2cam` /
`world2lidar` (inverse of the sensor's world transform). These helpers produce exactly those matrices so
the embedded simulator's clips and CARLA's clips calibrate the same way.
"""
from __future__ import annotations

import math
from typing import List

import numpy as np

from wpt_core.sim.sensors.spec import (CAMERA, GNSS, IMU, LIDAR, SPEEDOMETER, SensorSpec, ego_to_world,
                                       sensor_to_ego)
from wpt_core.types import EgoState

# (id, x, y, yaw_deg, fov_deg) of the six B2D cameras, all at z = 1.60.
B2D_CAMERAS = (
    ("CAM_FRONT", 0.80, 0.0, 0.0, 70.0),
    ("CAM_FRONT_LEFT", 0.27, -0.55, -55.0, 70.0),
    ("CAM_FRONT_RIGHT", 0.27, 0.55, 55.0, 70.0),
    ("CAM_BACK", -2.0, 0.0, 180.0, 110.0),
    ("CAM_BACK_LEFT", -0.32, -0.55, -110.0, 70.0),
    ("CAM_BACK_RIGHT", -0.32, 0.55, 110.0, 70.0),
)
B2D_CAMERA_Z = 1.60
B2D_LIDAR_XYZ = (-0.39, 0.0, 1.84)
B2D_IMU_GNSS_XYZ = (-1.4, 0.0, 0.0)

# UE camera axes (x forward, y right, z up) → OpenCV optical axes (x right, y down, z forward).
UE_TO_OPENCV = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, -1.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]])


def bench2drive_rig(width: int = 1600, height: int = 900) -> List[SensorSpec]:
    """Leaderboard spec dicts of the B2D rig: 6 cameras, LIDAR_TOP, IMU, GPS, SPEED (B2D's ids)."""
    specs: List[SensorSpec] = [
        {"type": CAMERA, "id": cam_id, "x": x, "y": y, "z": B2D_CAMERA_Z, "roll": 0.0, "pitch": 0.0, "yaw": yaw,
         "width": int(width), "height": int(height), "fov": fov}
        for cam_id, x, y, yaw, fov in B2D_CAMERAS
    ]
    lx, ly, lz = B2D_LIDAR_XYZ
    ix, iy, iz = B2D_IMU_GNSS_XYZ
    specs += [
        {"type": LIDAR, "id": "LIDAR_TOP", "x": lx, "y": ly, "z": lz, "roll": 0.0, "pitch": 0.0, "yaw": 0.0},
        {"type": IMU, "id": "IMU", "x": ix, "y": iy, "z": iz, "roll": 0.0, "pitch": 0.0, "yaw": 0.0},
        {"type": GNSS, "id": "GPS", "x": ix, "y": iy, "z": iz, "roll": 0.0, "pitch": 0.0, "yaw": 0.0},
        {"type": SPEEDOMETER, "id": "SPEED", "reading_frequency": 20},
    ]
    return specs


def focal_length(width: int, fov_deg: float) -> float:
    """CARLA's pinhole focal length in pixels: f = W / (2 tan(fov/2)) (fov is horizontal)."""
    return float(width) / (2.0 * math.tan(math.radians(float(fov_deg)) / 2.0))


def intrinsics(width: int, height: int, fov_deg: float) -> np.ndarray:
    """3x3 K = [[f, 0, W/2], [0, f, H/2], [0, 0, 1]] as Bench2Drive records it."""
    f = focal_length(width, fov_deg)
    return np.array([[f, 0.0, width / 2.0], [0.0, f, height / 2.0], [0.0, 0.0, 1.0]])


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
