"""`sensor.lidar.ray_cast` cast against boxes and the ground, as CARLA's ray-cast LiDAR scans.

The leaderboard ignores the agent's LiDAR attributes and sets range 85 m, 10 Hz rotation, 64 channels
from +10° to −30°, 600 000 points/s, attenuation 0.004/m and CARLA's drop-off model. At 20 Hz each tick
therefore holds half a turn: 64 × round(600000·0.05/64) = 64 × 469 rays over 180° of azimuth, starting at
0° on even frames and 180° on odd frames (azimuth clockwise from the sensor's x axis, like CARLA).
Bench2Drive's data collection instead ticks the world at 10 Hz with drop-off switched off
(`B2D_COLLECTION_LIDAR`): every frame is one full turn of 64 × 938 rays, every hit kept.
Rays are pruned per box to the azimuth/elevation window the box covers, so the cost scales with what is
near rather than with rays × boxes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Tuple, Union

import numpy as np

from wpt_core.leaderboard.tick import DELTA_SECONDS
from wpt_core.sim.sensors.raycast import box_axes, ground_distances, slab_distances
from wpt_core.sim.sensors.scene_boxes import SceneBoxes, box_corners
from wpt_core.sim.sensors.spec import SensorSpec, ego_to_world, sensor_to_ego
from wpt_core.types import EgoState



@dataclass(frozen=True)
class LidarConfig:
    """The values `agent_wrapper._preprocess_sensor_spec` forces on every LiDAR (at the leaderboard's tick)."""

    tick_s: float = DELTA_SECONDS
    range_m: float = 85.0
    rotation_hz: float = 10.0
    channels: int = 64
    upper_fov_deg: float = 10.0
    lower_fov_deg: float = -30.0
    points_per_second: int = 600000
    attenuation_rate: float = 0.004
    dropoff_general_rate: float = 0.45
    dropoff_intensity_limit: float = 0.8
    dropoff_zero_intensity: float = 0.4


# tools/data_collect.py: world at 10 Hz, the same 85 m / 10 Hz / 64 channels / 600 000 points/s, no drop-off.
B2D_COLLECTION_LIDAR = LidarConfig(tick_s=float(np.float32(0.1)), dropoff_general_rate=0.0,
                                   dropoff_intensity_limit=0.0, dropoff_zero_intensity=0.0)


def _wrap_deg(a: np.ndarray) -> np.ndarray:
    return (a + 180.0) % 360.0 - 180.0


class Lidar:
    """One LiDAR: `scan(ego, boxes, frame, rng) -> (N, 4) float32` x, y, z, intensity in the sensor frame."""

    def __init__(self, spec: SensorSpec, config: Optional[LidarConfig] = None) -> None:
        config = config if config is not None else LidarConfig()
        self.config = config
        self.mount = sensor_to_ego(spec)
        self.level = abs(float(spec.get("roll", 0.0))) < 1e-9 and abs(float(spec.get("pitch", 0.0))) < 1e-9
        n_az = int(math.floor(config.points_per_second * config.tick_s / config.channels + 0.5))
        sweep_deg = min(config.rotation_hz * 360.0 * config.tick_s, 360.0)
        self.elev_deg = config.upper_fov_deg - np.arange(config.channels) * (
            (config.upper_fov_deg - config.lower_fov_deg) / (config.channels - 1))
        # CARLA advances the scan head by one sweep per tick: starts 0°, sweep, 2·sweep, … (mod 360°)
        starts = [0.0]
        while len(starts) < 8 and abs(_wrap_deg(np.float64(starts[-1] + sweep_deg))) > 1e-3:
            starts.append((starts[-1] + sweep_deg) % 360.0)
        self.starts, self.step_deg = starts, sweep_deg / n_az
        self.az_deg = [(start + np.arange(n_az) * self.step_deg) % 360.0 for start in starts]
        el = np.radians(self.elev_deg)[:, None]
        self.dirs = []
        for az_deg in self.az_deg:
            az = np.radians(az_deg)[None, :]
            self.dirs.append(np.stack([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az),
                                       np.broadcast_to(np.sin(el), (el.size, az.size))], axis=-1))
        # a level sensor meets the ground at (height) / −dir_z along each downward ray, whatever the yaw
        self.ground_per_height = [ground_distances(1.0, d[..., 2]) for d in self.dirs]

    def scan(self, ego: EgoState, boxes: SceneBoxes, frame: int, rng: np.random.Generator) -> np.ndarray:
        cfg = self.config
        part = frame % len(self.az_deg)
        dirs = self.dirs[part]
        to_world = ego_to_world(ego) @ self.mount
        R, origin = to_world[:3, :3], to_world[:3, 3]
        if self.level and origin[2] > 0.0:
            t = self.ground_per_height[part] * float(origin[2])
        else:
            t = ground_distances(float(origin[2]), dirs @ R[2])
        self._cast_boxes(t, dirs, part, R, origin, boxes)
        keep = t <= cfg.range_m   # no hit (inf) and beyond range alike
        if cfg.dropoff_general_rate > 0.0:
            keep &= rng.random(t.shape) > cfg.dropoff_general_rate
        dist = t[keep]
        points = dirs[keep] * dist[:, None]
        intensity = np.exp(-cfg.attenuation_rate * dist)
        if cfg.dropoff_intensity_limit > 0.0:  # CARLA: below the limit a return survives with α·I + β
            alpha = (1.0 - cfg.dropoff_zero_intensity) / cfg.dropoff_intensity_limit
            survive = (intensity > cfg.dropoff_intensity_limit) | (
                rng.random(dist.shape) < alpha * intensity + cfg.dropoff_zero_intensity)
            points, intensity = points[survive], intensity[survive]
        out = np.empty((len(points), 4), np.float32)
        out[:, :3] = points
        out[:, 3] = intensity
        return out

    def _cast_boxes(self, t: np.ndarray, dirs: np.ndarray, part: int, R: np.ndarray,
                    origin: np.ndarray, boxes: SceneBoxes) -> None:
        """Lower `t` (channels, azimuths) where a ray enters a LiDAR box first."""
        idx = np.nonzero(boxes.lidar)[0]
        if idx.size == 0:
            return
        reach = np.linalg.norm(boxes.center[idx] - origin, axis=1) - np.linalg.norm(boxes.half[idx], axis=1)
        idx = idx[reach < self.config.range_m]
        if idx.size == 0:
            return
        centres = (boxes.center[idx] - origin) @ R          # sensor frame
        axes = np.einsum("ji,kjl->kil", R, box_axes(boxes.yaw_deg[idx]))  # R^T · box axes
        corners = (box_corners(boxes, idx) - origin) @ R     # (K, 8, 3)
        for k in range(idx.size):
            rows, cols = self._window(centres[k], corners[k], boxes.half[idx[k]], part)
            if rows.stop <= rows.start or (isinstance(cols, slice) and cols.stop <= cols.start) or \
                    (not isinstance(cols, slice) and cols.size == 0):
                continue
            block = dirs[rows][:, cols]
            tb = slab_distances(-centres[k] @ axes[k], block @ axes[k], boxes.half[idx[k]])
            sub = t[rows][:, cols]
            closer = tb < sub
            if closer.any():
                sub[closer] = tb[closer]
                t[rows, cols] = sub

    def _window(self, centre: np.ndarray, corners: np.ndarray, half: np.ndarray,
                part: int) -> Tuple[slice, Union[slice, np.ndarray]]:
        """Channel slice and azimuth indices (a slice, or an array where the window wraps past 360°) of the
        rays that can reach this box (all if unsure)."""
        n_az = self.az_deg[part].size
        all_rows, all_cols = slice(0, self.elev_deg.size), slice(0, n_az)
        d_centre = float(np.hypot(centre[0], centre[1]))
        r_xy = float(np.hypot(half[0], half[1]))
        if not self.level or d_centre <= r_xy + 1e-6:
            return all_rows, all_cols
        ac = math.degrees(math.atan2(centre[1], centre[0]))
        rel = _wrap_deg(np.degrees(np.arctan2(corners[:, 1], corners[:, 0])) - ac)
        # ray i points at start + i·step: the rays within [ac + rel.min, ac + rel.max], counted from the start
        lo = (ac + float(rel.min()) - 1e-6 - self.starts[part]) % 360.0
        width = float(rel.max() - rel.min()) + 2e-6
        ranges = []
        for base in (lo, lo - 360.0):
            i0, i1 = max(math.ceil(base / self.step_deg), 0), min(math.floor((base + width) / self.step_deg), n_az - 1)
            if i1 >= i0:
                ranges.append((i0, i1 + 1))
        cols: Union[slice, np.ndarray] = slice(*ranges[0]) if len(ranges) == 1 else \
            np.concatenate([np.arange(a, b) for a, b in ranges]) if ranges else slice(0, 0)
        zmin, zmax = float(corners[:, 2].min()), float(corners[:, 2].max())
        d_min, d_max = max(d_centre - r_xy, 1e-3), d_centre + r_xy
        el_hi = math.degrees(math.atan2(zmax, d_min if zmax > 0 else d_max))
        el_lo = math.degrees(math.atan2(zmin, d_min if zmin < 0 else d_max))
        ch = np.nonzero((self.elev_deg <= el_hi + 1e-6) & (self.elev_deg >= el_lo - 1e-6))[0]
        if ch.size == 0:
            return slice(0, 0), cols
        return slice(int(ch.min()), int(ch.max()) + 1), cols
