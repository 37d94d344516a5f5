"""SUMO ↔ CARLA frame conversions: the only place the two conventions meet.

SUMO: x east, y north, vehicle angle in degrees clockwise from north. CARLA: x east, y south, yaw in
degrees clockwise (from +x towards +y). So x_c = x_s, y_c = −y_s and yaw_c = angle_s − 90, both wrapped
to [-180, 180) on the CARLA side and [0, 360) on the SUMO side (the ranges each simulator reports).
"""
from __future__ import annotations

import numpy as np

from wpt_core.geometry import wrap_deg


def sumo_to_carla_xy(xy: np.ndarray) -> np.ndarray:
    """(..., 2) SUMO positions → CARLA positions (mirror y)."""
    out = np.array(xy, dtype=np.float64, copy=True)
    out[..., 1] = -out[..., 1]
    return out


def carla_to_sumo_xy(xy: np.ndarray) -> np.ndarray:
    """(..., 2) CARLA positions → SUMO positions (the mirror is its own inverse)."""
    return sumo_to_carla_xy(xy)


def sumo_angle_to_yaw(angle_deg: float | np.ndarray) -> float | np.ndarray:
    """SUMO heading (0 = north, clockwise) → CARLA yaw in [-180, 180)."""
    if isinstance(angle_deg, np.ndarray):
        return wrap_deg(angle_deg - 90.0)
    return float(wrap_deg(float(angle_deg) - 90.0))


def yaw_to_sumo_angle(yaw_deg: float | np.ndarray) -> float | np.ndarray:
    """CARLA yaw → SUMO heading in [0, 360)."""
    if isinstance(yaw_deg, np.ndarray):
        return (yaw_deg + 90.0) % 360.0
    return float((float(yaw_deg) + 90.0) % 360.0)
