"""GNSS + compass + speed → the ego pose (x, y, yaw_deg) in CARLA's world frame, as the training labels have it.

The labels use the vehicle's origin and its compass heading; the GNSS antenna sits at its mount (Bench2Drive:
1.4 m behind the origin), so the fix is moved to the origin along the heading. The leaderboard adds σ = 5e-6°
of noise to every fix (≈ 0.5 m), which would jitter the target point and the history poses: the position is
dead-reckoned from speed and heading and pulled towards each fix by a constant gain (an α filter; a jump larger
than `reset_jump_m` re-initialises it). The map's GNSS reference comes from the global plan (`reference_from_plan`),
not from an assumed default. The compass is NaN on CARLA's first frames: the heading then comes
from the motion since the last good heading, else the previous heading, else the route's first direction.
"""
from __future__ import annotations

import math
from typing import Optional, Tuple

import numpy as np

from wpt_core.deploy.agent_config import LocalisationConfig
from wpt_core.geometry import (DEFAULT_LAT_REF, DEFAULT_LON_REF, EARTH_RADIUS_M, compass_to_yaw_deg, gnss_to_world,
                               world_to_gnss, wrap_deg)

Pose = Tuple[float, float, float]
REFERENCE_ITERATIONS = 8


def reference_from_plan(gps: Tuple[float, float], world_xy: Tuple[float, float]) -> Tuple[float, float]:
    """(lat_ref, lon_ref) of the map from one global-plan point given both ways (GNSS and world).

    The leaderboard takes the reference from the map's OpenDRIVE geoReference (42.0 / 2.0 when it has none);
    solving the GNSS formula for it makes the agent right on any map. lat depends on lat_ref almost one to one,
    so a fixed-point iteration converges in a few steps; lon_ref then follows in closed form.
    """
    lat, lon = float(gps[0]), float(gps[1])
    x, y = float(world_xy[0]), float(world_xy[1])
    lat_ref = lat
    for _ in range(REFERENCE_ITERATIONS):
        lon_ref = lon - math.degrees(x / (EARTH_RADIUS_M * math.cos(math.radians(lat_ref))))
        lat_ref += lat - world_to_gnss(x, y, 0.0, lat_ref, lon_ref)[0]
    return lat_ref, lon - math.degrees(x / (EARTH_RADIUS_M * math.cos(math.radians(lat_ref))))


class Localiser:
    """Call `update` once per tick with that tick's readings (a finite GNSS fix is required; compass may be NaN)."""

    def __init__(self, config: LocalisationConfig, mount_xy: Tuple[float, float] = (0.0, 0.0),
                 initial_yaw_deg: float = 0.0, lat_ref: float = DEFAULT_LAT_REF,
                 lon_ref: float = DEFAULT_LON_REF) -> None:
        self.config = config
        self.mount_xy = (float(mount_xy[0]), float(mount_xy[1]))
        self.lat_ref, self.lon_ref = lat_ref, lon_ref
        self._xy: Optional[np.ndarray] = None
        self._yaw_deg = float(initial_yaw_deg)
        self._anchor: Optional[np.ndarray] = None   # position where the heading was last known

    @property
    def pose(self) -> Optional[Pose]:
        return None if self._xy is None else (float(self._xy[0]), float(self._xy[1]), self._yaw_deg)

    def _heading(self, compass_rad: float, antenna_xy: np.ndarray) -> float:
        if math.isfinite(compass_rad):
            self._anchor = antenna_xy
            return compass_to_yaw_deg(compass_rad)
        if self._anchor is None:
            self._anchor = antenna_xy
        moved = antenna_xy - self._anchor
        if float(np.hypot(*moved)) >= self.config.heading_min_motion_m:
            self._anchor = antenna_xy
            return math.degrees(math.atan2(float(moved[1]), float(moved[0])))
        return self._yaw_deg

    def update(self, lat: float, lon: float, compass_rad: float, speed_mps: float, dt_s: float) -> Pose:
        x, y, _ = gnss_to_world(lat, lon, 0.0, self.lat_ref, self.lon_ref)
        antenna = np.array([x, y], dtype=np.float64)
        previous_yaw = self._yaw_deg
        self._yaw_deg = float(wrap_deg(self._heading(compass_rad, antenna)))
        yaw = math.radians(self._yaw_deg)
        mx, my = self.mount_xy
        fix = antenna - np.array([mx * math.cos(yaw) - my * math.sin(yaw), mx * math.sin(yaw) + my * math.cos(yaw)])
        if self._xy is None:
            self._xy = fix
            return self.pose  # type: ignore[return-value]
        mid = math.radians(previous_yaw + 0.5 * float(wrap_deg(self._yaw_deg - previous_yaw)))
        step = (speed_mps if math.isfinite(speed_mps) else 0.0) * dt_s
        predicted = self._xy + step * np.array([math.cos(mid), math.sin(mid)])
        innovation = fix - predicted
        if float(np.hypot(*innovation)) > self.config.reset_jump_m:
            self._xy = fix
        else:
            self._xy = predicted + self.config.gnss_gain * innovation
        return self.pose  # type: ignore[return-value]
