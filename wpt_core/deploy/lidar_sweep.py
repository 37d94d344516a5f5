"""Two 20 Hz half sweeps → one full LiDAR turn, the input the policy was trained on.

The leaderboard's LiDAR turns at 10 Hz, so a 20 Hz frame holds half a turn; training clips hold a full turn
per frame. As TransFuser-style agents do, the previous half is moved into the current sensor frame with the
ego motion between the two ticks (planar: the world is treated as level) and joined to the current one.
"""
from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from wpt_core.data import rig
from wpt_core.geometry import ego_to_world, world_to_ego

Pose = Tuple[float, float, float]
_OFFSET = np.array([rig.LIDAR_MOUNT.x, rig.LIDAR_MOUNT.y, rig.LIDAR_MOUNT.z], dtype=np.float32)


def move_sweep(points_sensor: np.ndarray, from_pose: Pose, to_pose: Pose) -> np.ndarray:
    """(N, 4) LIDAR_TOP points taken at `from_pose` as seen from LIDAR_TOP at `to_pose` (the mount is a pure
    translation, as the rig has it)."""
    pts = np.array(points_sensor, dtype=np.float32, copy=True)
    ego = pts[:, :2].astype(np.float64) + _OFFSET[:2]
    world = ego_to_world(ego, from_pose[:2], from_pose[2])
    pts[:, :2] = (world_to_ego(world, to_pose[:2], to_pose[2]) - _OFFSET[:2]).astype(np.float32)
    return pts


class SweepJoiner:
    """Keeps the previous half sweep and its pose; `join` returns previous (moved) + current."""

    def __init__(self) -> None:
        self._previous: Optional[Tuple[np.ndarray, Pose]] = None

    def join(self, points_sensor: np.ndarray, pose: Pose) -> np.ndarray:
        current = np.asarray(points_sensor, dtype=np.float32)
        previous, self._previous = self._previous, (current, pose)
        if previous is None:
            return current
        return np.concatenate([move_sweep(previous[0], previous[1], pose), current])


def points_ahead(points_sensor: np.ndarray, x_range: Tuple[float, float], half_width_m: float,
                 z_range: Tuple[float, float]) -> int:
    """Returns in an ego-frame box ahead (x from..to, |y| ≤ half width, z from..to above the ground)."""
    ego = np.asarray(points_sensor, dtype=np.float32)[:, :3] + _OFFSET
    inside = (ego[:, 0] >= x_range[0]) & (ego[:, 0] <= x_range[1]) & (np.abs(ego[:, 1]) <= half_width_m) & \
        (ego[:, 2] >= z_range[0]) & (ego[:, 2] <= z_range[1])
    return int(np.count_nonzero(inside))
