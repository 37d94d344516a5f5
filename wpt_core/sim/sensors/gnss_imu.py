"""GNSS, IMU and speedometer readings in the leaderboard's formats.

GNSS: the leaderboard's Mercator formula at the sensor's world position, float64 [lat, lon, alt], with the
noise the leaderboard configures (σ = 5e-6° on lat/lon/alt, zero bias). IMU: CARLA's definition —
accelerometer = vehicle acceleration plus gravity (+9.81 on world z) expressed in the sensor frame,
gyroscope = angular velocity in rad/s (yaw rate positive clockwise seen from above, like CARLA's yaw),
compass = heading from north (−y) clockwise in [0, 2π), with the leaderboard's noise σ (0.001 / 0.015 on
acc z / 0.001). The acceleration is the ego's own (longitudinal, lateral); lever-arm terms of an offset
mount are not modelled. Speedometer: {'speed': signed forward m/s} like `SpeedometerReader`.
"""
from __future__ import annotations

import math
from typing import Dict

import numpy as np

from wpt_core.geometry import world_to_gnss, yaw_deg_to_compass
from wpt_core.sim.sensors.spec import SensorSpec, ego_to_world, sensor_to_ego
from wpt_core.types import EgoState

GRAVITY_MPS2 = 9.81
GNSS_NOISE_DEG = 0.000005
ACCEL_NOISE = np.array([0.001, 0.001, 0.015])
GYRO_NOISE = np.array([0.001, 0.001, 0.001])


class Gnss:
    def __init__(self, spec: SensorSpec, lat_ref: float, lon_ref: float) -> None:
        self.mount = sensor_to_ego(spec)
        self.lat_ref, self.lon_ref = lat_ref, lon_ref

    def read(self, ego: EgoState, rng: np.random.Generator | None) -> np.ndarray:
        x, y, z = (ego_to_world(ego) @ self.mount)[:3, 3]
        out = np.array(world_to_gnss(float(x), float(y), float(z), self.lat_ref, self.lon_ref), np.float64)
        if rng is not None:
            out += rng.normal(0.0, GNSS_NOISE_DEG, 3)
        return out


class Imu:
    def __init__(self, spec: SensorSpec) -> None:
        self.mount = sensor_to_ego(spec)
        self.mount_yaw_deg = float(spec.get("yaw", 0.0))

    def read(self, ego: EgoState, rng: np.random.Generator | None) -> np.ndarray:
        to_world = ego_to_world(ego) @ self.mount
        yaw = math.radians(ego.yaw_deg)
        forward = np.array([math.cos(yaw), math.sin(yaw), 0.0])
        right = np.array([-math.sin(yaw), math.cos(yaw), 0.0])
        acc_world = ego.accel_mps2 * forward + ego.lat_accel_mps2 * right + np.array([0.0, 0.0, GRAVITY_MPS2])
        acc = to_world[:3, :3].T @ acc_world
        # CARLA rotates (not un-rotates) the body rate by the mount rotation; same for yaw-only mounts.
        gyro = self.mount[:3, :3] @ np.array([0.0, 0.0, math.radians(ego.yaw_rate_dps)])
        if rng is not None:
            acc = acc + rng.normal(0.0, ACCEL_NOISE)
            gyro = gyro + rng.normal(0.0, GYRO_NOISE)
        compass = yaw_deg_to_compass(ego.yaw_deg + self.mount_yaw_deg)
        return np.array([*acc, *gyro, compass], np.float64)


def speedometer(ego: EgoState) -> Dict[str, float]:
    """The leaderboard's pseudo-sensor: forward speed (np.float64, negative when reversing)."""
    return {"speed": np.float64(ego.speed_mps)}
