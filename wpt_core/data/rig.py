"""The Bench2Drive sensor rig: camera/LiDAR mounts, intrinsics and extrinsics.

One definition shared by the CARLA data agent (its `sensors()` list), the annotation writer
(`sensors{CAM_*: cam2ego, intrinsic, …}`) and anything else that needs the rig geometry, so the
recorded calibration can never drift from the sensors that produced the images. Mounts are in the
ego (vehicle) frame of CARLA: x forward, y right, z up, angles in degrees.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

import numpy as np

from wpt_core.geometry import transform_matrix

B2D_IMAGE_SIZE = (1600, 900)  # (width, height) of the published dataset


@dataclass(frozen=True)
class Mount:
    """A sensor pose on the vehicle (CARLA vehicle frame)."""

    x: float
    y: float
    z: float
    roll: float = 0.0
    pitch: float = 0.0
    yaw: float = 0.0

    def matrix(self) -> np.ndarray:
        """4x4 sensor→ego matrix (what B2D stores as cam2ego / lidar2ego)."""
        return transform_matrix(self.x, self.y, self.z, self.roll, self.pitch, self.yaw)


@dataclass(frozen=True)
class CameraSpec:
    name: str  # sensor id, e.g. 'CAM_FRONT'
    mount: Mount
    fov_deg: float


CAMERAS: Tuple[CameraSpec, ...] = (
    CameraSpec("CAM_FRONT", Mount(0.80, 0.0, 1.60, yaw=0.0), 70.0),
    CameraSpec("CAM_FRONT_LEFT", Mount(0.27, -0.55, 1.60, yaw=-55.0), 70.0),
    CameraSpec("CAM_FRONT_RIGHT", Mount(0.27, 0.55, 1.60, yaw=55.0), 70.0),
    CameraSpec("CAM_BACK", Mount(-2.0, 0.0, 1.60, yaw=180.0), 110.0),
    CameraSpec("CAM_BACK_LEFT", Mount(-0.32, -0.55, 1.60, yaw=-110.0), 70.0),
    CameraSpec("CAM_BACK_RIGHT", Mount(-0.32, 0.55, 1.60, yaw=110.0), 70.0),
)
CAMERA_NAMES: Tuple[str, ...] = tuple(c.name for c in CAMERAS)
TOP_DOWN_NAME = "TOP_DOWN"  # Bench2Drive's debug camera 50 m above the ego (not part of this rig)
LIDAR_NAME = "LIDAR_TOP"
LIDAR_MOUNT = Mount(-0.39, 0.0, 1.84)
IMU_MOUNT = Mount(-1.4, 0.0, 0.0)
GNSS_MOUNT = Mount(-1.4, 0.0, 0.0)


def focal_length(width: int, fov_deg: float) -> float:
    """CARLA's pinhole focal length in pixels, f = W / (2·tan(fov/2)) (the fov is horizontal)."""
    return width / (2.0 * math.tan(math.radians(fov_deg) / 2.0))


def intrinsics(width: int, height: int, fov_deg: float) -> np.ndarray:
    """3x3 pinhole K of a CARLA camera: focal length f, principal point at the image centre."""
    f = focal_length(width, fov_deg)
    return np.array([[f, 0.0, width / 2.0], [0.0, f, height / 2.0], [0.0, 0.0, 1.0]])


def lidar_to_ego(points_sensor: np.ndarray) -> np.ndarray:
    """Leaderboard LiDAR (N, 4) x, y, z, intensity in the LIDAR_TOP frame → the same points in the ego frame
    (what a clip's `lidar/NNNNN.laz` stores)."""
    pts = np.array(points_sensor, dtype=np.float32, copy=True)
    m = LIDAR_MOUNT.matrix()
    pts[:, :3] = pts[:, :3] @ m[:3, :3].T.astype(np.float32) + m[:3, 3].astype(np.float32)
    return pts


def camera(name: str) -> CameraSpec:
    for spec in CAMERAS:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown camera {name!r}; the Bench2Drive rig has {list(CAMERA_NAMES)}")


def calibration(width: int = B2D_IMAGE_SIZE[0], height: int = B2D_IMAGE_SIZE[1]) -> Dict[str, Dict[str, Any]]:
    """Rig calibration at an image size.

    {CAM_*: {mount, fov, width, height, intrinsic, cam2ego}, LIDAR_TOP: {mount, lidar2ego}}.

    This is the `calibration` argument of `build_annotation` (which adds the world poses per frame).
    """
    out: Dict[str, Dict[str, Any]] = {}
    for spec in CAMERAS:
        out[spec.name] = {"mount": spec.mount, "fov": spec.fov_deg, "width": int(width), "height": int(height),
                          "intrinsic": intrinsics(width, height, spec.fov_deg), "cam2ego": spec.mount.matrix()}
    out[LIDAR_NAME] = {"mount": LIDAR_MOUNT, "lidar2ego": LIDAR_MOUNT.matrix()}
    return out


def bench2drive_rig_specs(width: int = B2D_IMAGE_SIZE[0], height: int = B2D_IMAGE_SIZE[1],
                          lidar: bool = True) -> List[Dict[str, Any]]:
    """The leaderboard `sensors()` list of the B2D rig: 6 cameras, LIDAR_TOP (optional), IMU, GPS, SPEED."""
    specs: List[Dict[str, Any]] = []
    for spec in CAMERAS:
        m = spec.mount
        specs.append({"type": "sensor.camera.rgb", "id": spec.name, "x": m.x, "y": m.y, "z": m.z, "roll": m.roll,
                      "pitch": m.pitch, "yaw": m.yaw, "width": int(width), "height": int(height), "fov": spec.fov_deg})
    others = ([("sensor.lidar.ray_cast", LIDAR_NAME, LIDAR_MOUNT)] if lidar else []) + \
        [("sensor.other.imu", "IMU", IMU_MOUNT), ("sensor.other.gnss", "GPS", GNSS_MOUNT)]
    for type_, sid, m in others:
        specs.append({"type": type_, "id": sid, "x": m.x, "y": m.y, "z": m.z, "roll": m.roll, "pitch": m.pitch,
                      "yaw": m.yaw})
    specs.append({"type": "sensor.speedometer", "id": "SPEED", "reading_frequency": 20})
    return specs
