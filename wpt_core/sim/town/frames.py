"""SUMO ↔ CARLA frame conversions: the only place the two conventions meet.

SUMO: x east, y north, vehicle angle in degrees clockwise from north, a vehicle's position at its front
bumper centre. CARLA: x east, y south, yaw in degrees clockwise (from +x towards +y), an actor's position
at its box centre. So x_c = x_s, y_c = −y_s and yaw_c = angle_s − 90, wrapped to [-180, 180) on the CARLA
side and [0, 360) on the SUMO side (the ranges each simulator reports), and the box centre lies half a
length behind the front bumper.
"""
from __future__ import annotations

import math
from typing import Tuple

import numpy as np


def sumo_to_carla_xy(xy: np.ndarray) -> np.ndarray:
    """(..., 2) SUMO positions → CARLA positions (mirror y)."""
    out = np.array(xy, dtype=np.float64, copy=True)
    out[..., 1] = -out[..., 1]
    return out


def sumo_angle_to_yaw(angle_deg: float | np.ndarray) -> float | np.ndarray:
    """SUMO heading (0 = north, clockwise) → CARLA yaw in [-180, 180)."""
    return (angle_deg + 90.0) % 360.0 - 180.0


def yaw_to_sumo_angle(yaw_deg: float | np.ndarray) -> float | np.ndarray:
    """CARLA yaw → SUMO heading in [0, 360)."""
    return (yaw_deg + 90.0) % 360.0


def carla_centre_to_sumo_front(x_m: float, y_m: float, yaw_deg: float, length_m: float) -> Tuple[float, float, float]:
    """CARLA box-centre pose → SUMO (x, y, angle) of the front bumper centre (what `moveToXY` takes)."""
    yaw = math.radians(yaw_deg)
    fx, fy = x_m + 0.5 * length_m * math.cos(yaw), y_m + 0.5 * length_m * math.sin(yaw)
    return fx, -fy, yaw_to_sumo_angle(yaw_deg)


def sumo_front_to_carla_centre(x_s: float, y_s: float, angle_deg: float, length_m: float) -> Tuple[float, float, float]:
    """SUMO front-bumper position and angle → CARLA box-centre (x, y, yaw); scalar: called per actor per tick."""
    a = math.radians(angle_deg)
    half = 0.5 * length_m
    return x_s - half * math.sin(a), -(y_s - half * math.cos(a)), sumo_angle_to_yaw(angle_deg)
