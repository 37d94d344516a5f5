"""The projection a Bench2Drive-trained model applies to the calibration a clip records (test helper).

`world2cam` is the inverse of the camera's world transform (CARLA's UE axes: x forward, y right, z up);
a model then swaps to OpenCV's optical axes (x right, y down, z forward) and applies the pinhole K.
"""
from __future__ import annotations

import numpy as np

from wpt_core.sim.sensors.spec import SensorSpec, ego_to_world, sensor_to_ego
from wpt_core.types import EgoState

UE_TO_OPENCV = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, -1.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]])


def world2cam(spec: SensorSpec, ego: EgoState) -> np.ndarray:
    """4x4 world → camera (UE axes) at the given ego pose."""
    return np.linalg.inv(ego_to_world(ego) @ sensor_to_ego(spec))


def project_to_image(points_world: np.ndarray, K: np.ndarray, world_to_cam: np.ndarray) -> np.ndarray:
    """(N, 3) world points → (N, 3) [u, v, depth_m]; depth ≤ 0: behind the camera (u, v meaningless)."""
    pts = np.concatenate([np.asarray(points_world, np.float64), np.ones((len(points_world), 1))], axis=1)
    cam = (UE_TO_OPENCV @ world_to_cam @ pts.T)[:3]
    with np.errstate(divide="ignore", invalid="ignore"):
        uv = (K @ cam)[:2] / cam[2]
    return np.stack([uv[0], uv[1], cam[2]], axis=1)
