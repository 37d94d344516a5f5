"""Analytic ray casting against oriented boxes (slab test) and the ground plane z = 0."""
from __future__ import annotations

from typing import Tuple

import numpy as np

from wpt_core.sim.sensors.scene_boxes import SceneBoxes


def box_axes(yaw_deg: np.ndarray) -> np.ndarray:
    """(K, 3, 3) box axes as columns (forward, right, up) in the world for yaws (K,)."""
    yaw = np.radians(np.asarray(yaw_deg, np.float64))
    c, s = np.cos(yaw), np.sin(yaw)
    out = np.zeros((yaw.size, 3, 3))
    out[:, 0, 0], out[:, 1, 0] = c, s
    out[:, 0, 1], out[:, 1, 1] = -s, c
    out[:, 2, 2] = 1.0
    return out


def slab_distances(origin_local: np.ndarray, dirs_local: np.ndarray, half: np.ndarray) -> np.ndarray:
    """Entry distance of rays (…,3) from `origin_local` (3,) into the box |p| ≤ half; inf on a miss.

    Rays starting inside the box miss (a sensor never sees the box it sits in); a ray grazing a face
    exactly (0·inf = NaN) counts as a miss.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / dirs_local
        t1 = (-half - origin_local) * inv
        t2 = (half - origin_local) * inv
    t_near = np.minimum(t1, t2).max(axis=-1)
    t_far = np.maximum(t1, t2).min(axis=-1)
    hit = (t_near <= t_far) & (t_near > 0.0)
    return np.where(hit, t_near, np.inf)


def ground_distances(origin_z: float, dirs_z: np.ndarray) -> np.ndarray:
    """Distance along rays from height `origin_z` to the plane z = 0; inf for rays not going down."""
    with np.errstate(divide="ignore"):
        t = -origin_z / dirs_z
    return np.where((dirs_z < 0.0) & (origin_z > 0.0), t, np.inf)


def cast_world(origin: np.ndarray, dirs: np.ndarray, boxes: SceneBoxes,
               max_range_m: float) -> Tuple[np.ndarray, np.ndarray]:
    """Nearest hit of world rays (N,3) from `origin` against LiDAR boxes and the ground.

    Returns (distance (N,), hit box index (N,), -1 for ground or no hit); distance inf beyond range.
    """
    t = ground_distances(float(origin[2]), dirs[:, 2])
    which = np.full(dirs.shape[0], -1, np.int64)
    idx = np.nonzero(boxes.lidar)[0]
    if idx.size:
        reach = np.linalg.norm(boxes.center[idx] - origin, axis=1) - np.linalg.norm(boxes.half[idx], axis=1)
        idx = idx[reach < max_range_m]
    axes = box_axes(boxes.yaw_deg[idx])
    for k, b in enumerate(idx):
        o_local = (origin - boxes.center[b]) @ axes[k]
        tb = slab_distances(o_local, dirs @ axes[k], boxes.half[b])
        closer = tb < t
        t[closer] = tb[closer]
        which[closer] = b
    t[t > max_range_m] = np.inf
    return t, which
