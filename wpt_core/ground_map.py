"""A top-down class raster of the road surface, in CARLA's world frame.

Shared by the embedded town (which draws it from the SUMO network), the camera renderer (which looks
the ground up per pixel) and the BEV labels (which crop it per frame): one format, no simulator import.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Tuple

import numpy as np


class GroundClass(IntEnum):
    OFF_ROAD = 0
    ROAD = 1
    SIDEWALK = 2
    CROSSING = 3
    LANE_MARKING = 4
    STOP_LINE = 5
    JUNCTION = 6


DRIVABLE_CLASSES = (GroundClass.ROAD, GroundClass.CROSSING, GroundClass.LANE_MARKING, GroundClass.STOP_LINE,
                    GroundClass.JUNCTION)


@dataclass
class GroundMap:
    """classes: (H, W) uint8 GroundClass; row r ↔ y = origin_y + (r + 0.5)·res, col c ↔ x = origin_x + (c + 0.5)·res."""

    classes: np.ndarray
    origin_xy: Tuple[float, float]
    resolution_m: float

    def lookup(self, xy: np.ndarray) -> np.ndarray:
        """(N,) classes at (N, 2) world points; OFF_ROAD outside the raster."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        cols = np.floor((xy[:, 0] - self.origin_xy[0]) / self.resolution_m).astype(np.int64)
        rows = np.floor((xy[:, 1] - self.origin_xy[1]) / self.resolution_m).astype(np.int64)
        h, w = self.classes.shape
        inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
        out = np.zeros(xy.shape[0], dtype=np.uint8)
        out[inside] = self.classes[rows[inside], cols[inside]]
        return out

    def is_drivable(self, xy: np.ndarray) -> np.ndarray:
        """(N,) bool: the point lies on a surface a car may drive on."""
        return np.isin(self.lookup(xy), np.array(DRIVABLE_CLASSES, dtype=np.uint8))

    def crop(self, center_xy: Tuple[float, float], half_size_m: float) -> "GroundMap":
        """Axis-aligned window around a point (what a clip stores for its route area)."""
        c0 = int(np.floor((center_xy[0] - half_size_m - self.origin_xy[0]) / self.resolution_m))
        r0 = int(np.floor((center_xy[1] - half_size_m - self.origin_xy[1]) / self.resolution_m))
        n = int(np.ceil(2 * half_size_m / self.resolution_m))
        h, w = self.classes.shape
        out = np.zeros((n, n), dtype=np.uint8)
        rs, cs = max(r0, 0), max(c0, 0)
        re, ce = min(r0 + n, h), min(c0 + n, w)
        if re > rs and ce > cs:
            out[rs - r0:re - r0, cs - c0:ce - c0] = self.classes[rs:re, cs:ce]
        origin = (self.origin_xy[0] + c0 * self.resolution_m, self.origin_xy[1] + r0 * self.resolution_m)
        return GroundMap(out, origin, self.resolution_m)

    def save(self, path: str | Path) -> None:
        np.savez_compressed(path, classes=self.classes, origin_xy=np.asarray(self.origin_xy),
                            resolution_m=np.asarray(self.resolution_m))

    @classmethod
    def load(cls, path: str | Path) -> "GroundMap":
        with np.load(path) as data:
            return cls(data["classes"].astype(np.uint8), tuple(float(v) for v in data["origin_xy"]),
                       float(data["resolution_m"]))
