"""`sensor.other.radar` as the leaderboard configures it: 1500 points/s, 100 m, the spec's FOVs.

Each tick casts round(1500·0.05) = 75 rays in random directions inside the FOV (CARLA samples them the
same way) against boxes and the ground. A detection is CARLA's (velocity, azimuth, altitude, depth) —
radial velocity of the target relative to the ego (positive moving away), angles in rad — and is
delivered column-flipped, as `sensor_interface._parse_radar_cb` does: [depth, altitude, azimuth, velocity].
"""
from __future__ import annotations

import math

import numpy as np

from wpt_core.leaderboard.tick import DELTA_SECONDS
from wpt_core.sim.sensors.raycast import cast_world
from wpt_core.sim.sensors.scene_boxes import SceneBoxes
from wpt_core.sim.sensors.spec import SensorSpec, ego_to_world, sensor_to_ego
from wpt_core.types import EgoState

RADAR_RANGE_M = 100.0
RADAR_POINTS_PER_SECOND = 1500


class Radar:
    def __init__(self, spec: SensorSpec) -> None:
        self.mount = sensor_to_ego(spec)
        self.h_fov = math.radians(float(spec["horizontal_fov"]))
        self.v_fov = math.radians(float(spec["vertical_fov"]))
        self.n_rays = int(math.floor(RADAR_POINTS_PER_SECOND * DELTA_SECONDS + 0.5))

    def read(self, ego: EgoState, boxes: SceneBoxes, rng: np.random.Generator) -> np.ndarray:
        az = rng.uniform(-self.h_fov / 2.0, self.h_fov / 2.0, self.n_rays)
        alt = rng.uniform(-self.v_fov / 2.0, self.v_fov / 2.0, self.n_rays)
        dirs = np.stack([np.cos(alt) * np.cos(az), np.cos(alt) * np.sin(az), np.sin(alt)], axis=1)
        to_world = ego_to_world(ego) @ self.mount
        dirs_world = dirs @ to_world[:3, :3].T
        t, which = cast_world(to_world[:3, 3], dirs_world, boxes, RADAR_RANGE_M)
        hit = np.isfinite(t)
        yaw = math.radians(ego.yaw_deg)
        ego_vel = ego.speed_mps * np.array([math.cos(yaw), math.sin(yaw)])
        velocities = np.vstack([boxes.velocity, np.zeros((1, 2))])  # index -1 (ground) → at rest
        target_vel = velocities[which[hit]]
        radial = np.sum((target_vel - ego_vel) * dirs_world[hit, :2], axis=1)
        return np.stack([t[hit], alt[hit], az[hit], radial], axis=1).astype(np.float32)
