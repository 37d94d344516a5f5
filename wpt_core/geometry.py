"""Frames and shapes in CARLA's conventions.

World: left-handed, x east, y south, z up; yaw in degrees, positive from +x towards +y.
Ego frame: x forward, y right, z up (CARLA's vehicle frame). GNSS uses the leaderboard's own
Mercator formula (not the 0.9.16 client's geolocation, which flips north/south).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Tuple

import numpy as np

EARTH_RADIUS_M = 6378137.0
DEFAULT_LAT_REF = 42.0
DEFAULT_LON_REF = 2.0


def wrap_deg(angle_deg: float | np.ndarray) -> float | np.ndarray:
    """Wrap to [-180, 180)."""
    return (np.asarray(angle_deg) + 180.0) % 360.0 - 180.0 if isinstance(angle_deg, np.ndarray) \
        else (angle_deg + 180.0) % 360.0 - 180.0


def world_to_ego(xy_world: np.ndarray, ego_xy: Tuple[float, float], ego_yaw_deg: float) -> np.ndarray:
    """(N, 2) world points → ego frame (x forward, y right)."""
    c, s = math.cos(math.radians(ego_yaw_deg)), math.sin(math.radians(ego_yaw_deg))
    d = np.asarray(xy_world, dtype=np.float64) - np.asarray(ego_xy, dtype=np.float64)
    return np.stack([d[..., 0] * c + d[..., 1] * s, -d[..., 0] * s + d[..., 1] * c], axis=-1)


def ego_to_world(xy_ego: np.ndarray, ego_xy: Tuple[float, float], ego_yaw_deg: float) -> np.ndarray:
    """(N, 2) ego-frame points → world."""
    c, s = math.cos(math.radians(ego_yaw_deg)), math.sin(math.radians(ego_yaw_deg))
    p = np.asarray(xy_ego, dtype=np.float64)
    return np.stack([p[..., 0] * c - p[..., 1] * s + ego_xy[0], p[..., 0] * s + p[..., 1] * c + ego_xy[1]], axis=-1)


def rotation_matrix(roll_deg: float, pitch_deg: float, yaw_deg: float) -> np.ndarray:
    """3x3 rotation of a CARLA `Rotation` (UE4 order: yaw about z, then pitch, then roll)."""
    cy, sy = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
    cp, sp = math.cos(math.radians(pitch_deg)), math.sin(math.radians(pitch_deg))
    cr, sr = math.cos(math.radians(roll_deg)), math.sin(math.radians(roll_deg))
    return np.array([
        [cp * cy, cy * sp * sr - sy * cr, -cy * sp * cr - sy * sr],
        [cp * sy, sy * sp * sr + cy * cr, -sy * sp * cr + cy * sr],
        [sp, -cp * sr, cp * cr],
    ])


def transform_matrix(x: float, y: float, z: float, roll_deg: float, pitch_deg: float, yaw_deg: float) -> np.ndarray:
    """4x4 local→parent matrix, identical to `carla.Transform.get_matrix()`."""
    m = np.eye(4)
    m[:3, :3] = rotation_matrix(roll_deg, pitch_deg, yaw_deg)
    m[:3, 3] = (x, y, z)
    return m


# --- GNSS (the leaderboard's formula: route_manipulation._location_to_gps) -------------------------

def world_to_gnss(x: float, y: float, z: float = 0.0, lat_ref: float = DEFAULT_LAT_REF,
                  lon_ref: float = DEFAULT_LON_REF) -> Tuple[float, float, float]:
    """World position → (lat, lon, alt) the way the leaderboard's route parser and GNSS do it."""
    scale = math.cos(lat_ref * math.pi / 180.0)
    mx = scale * lon_ref * math.pi * EARTH_RADIUS_M / 180.0 + x
    my = scale * EARTH_RADIUS_M * math.log(math.tan((90.0 + lat_ref) * math.pi / 360.0)) - y
    lon = mx * 180.0 / (math.pi * EARTH_RADIUS_M * scale)
    lat = 360.0 * math.atan(math.exp(my / (EARTH_RADIUS_M * scale))) / math.pi - 90.0
    return lat, lon, z


def gnss_to_world(lat: float, lon: float, alt: float = 0.0, lat_ref: float = DEFAULT_LAT_REF,
                  lon_ref: float = DEFAULT_LON_REF) -> Tuple[float, float, float]:
    """Inverse of `world_to_gnss` (what a sensor-only agent uses to localise itself)."""
    scale = math.cos(lat_ref * math.pi / 180.0)
    mx = lon * math.pi * EARTH_RADIUS_M * scale / 180.0
    my = EARTH_RADIUS_M * scale * math.log(math.tan((90.0 + lat) * math.pi / 360.0))
    x = mx - scale * lon_ref * math.pi * EARTH_RADIUS_M / 180.0
    y = scale * EARTH_RADIUS_M * math.log(math.tan((90.0 + lat_ref) * math.pi / 360.0)) - my
    return x, y, alt


def compass_to_yaw_deg(compass_rad: float) -> float:
    """IMU compass (0 = north = −y, clockwise) → CARLA yaw."""
    return float(wrap_deg(math.degrees(compass_rad) - 90.0))


def yaw_deg_to_compass(yaw_deg: float) -> float:
    """CARLA yaw → IMU compass in [0, 2π)."""
    return math.radians(yaw_deg + 90.0) % (2.0 * math.pi)


# --- oriented boxes -------------------------------------------------------------------------------

@dataclass(frozen=True)
class OrientedBox:
    """A 2-D box: centre, yaw and full length/width (ground-plane footprint of an actor)."""

    x_m: float
    y_m: float
    yaw_deg: float
    length_m: float
    width_m: float

    def corners(self) -> np.ndarray:
        """(4, 2) corners: front-left, front-right, rear-right, rear-left (y right = CARLA)."""
        hl, hw = self.length_m / 2.0, self.width_m / 2.0
        local = np.array([[hl, -hw], [hl, hw], [-hl, hw], [-hl, -hw]])
        return ego_to_world(local, (self.x_m, self.y_m), self.yaw_deg)

    def overlaps(self, other: "OrientedBox") -> bool:
        """Separating-axis test on the two footprints."""
        return boxes_overlap(self.corners(), other.corners())

    def contains(self, xy: np.ndarray) -> np.ndarray:
        """(N,) bool: which of (N, 2) world points lie inside the footprint."""
        local = world_to_ego(np.atleast_2d(xy), (self.x_m, self.y_m), self.yaw_deg)
        return (np.abs(local[:, 0]) <= self.length_m / 2.0) & (np.abs(local[:, 1]) <= self.width_m / 2.0)


def boxes_overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Separating-axis test for two convex polygons given as (K, 2) corner arrays."""
    for poly in (a, b):
        edges = np.roll(poly, -1, axis=0) - poly
        normals = np.stack([-edges[:, 1], edges[:, 0]], axis=1)
        for n in normals:
            pa, pb = a @ n, b @ n
            if pa.max() < pb.min() or pb.max() < pa.min():
                return False
    return True


def segments_intersect(p1: np.ndarray, p2: np.ndarray, q1: np.ndarray, q2: np.ndarray) -> bool:
    """Whether segment p1p2 crosses segment q1q2 (used for stop-line / red-light crossing checks)."""
    def orient(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
        return float((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))

    d1, d2 = orient(q1, q2, p1), orient(q1, q2, p2)
    d3, d4 = orient(p1, p2, q1), orient(p1, p2, q2)
    return (d1 * d2 < 0) and (d3 * d4 < 0)
