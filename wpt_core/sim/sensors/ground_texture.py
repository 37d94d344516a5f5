"""The GroundMap turned into a colour-index raster the cameras sample per pixel.

The road raster only marks where a zebra crossing is; the stripes are made here, once per map: each
crossing pixel learns the crossing's long axis (the direction in which the crossing area extends further)
and stripes alternate along it every `STRIPE_M`, so a crossing on an x-aligned road shows stripes that run
with the traffic, as painted. A one-pixel OFF_ROAD border lets lookups clip instead of masking.
"""
from __future__ import annotations

import numpy as np

from wpt_core.ground_map import GroundClass, GroundMap

CROSSING_LIGHT = 7  # extra render class: the white stripes of a zebra crossing
STRIPE_M = 0.5
AXIS_WINDOW_M = 3.0

# BGR colours indexed by render class (GroundClass values + CROSSING_LIGHT).
GROUND_BGR = np.array([
    (60, 105, 75),     # OFF_ROAD: grass
    (72, 70, 68),      # ROAD: asphalt
    (150, 152, 155),   # SIDEWALK
    (72, 70, 68),      # CROSSING: asphalt between the stripes
    (225, 228, 230),   # LANE_MARKING
    (240, 240, 240),   # STOP_LINE
    (76, 74, 72),      # JUNCTION: asphalt
    (215, 218, 220),   # CROSSING_LIGHT
], dtype=np.uint8)


def _run_counts(mask: np.ndarray, rows: np.ndarray, cols: np.ndarray, half: int, axis: int) -> np.ndarray:
    """For the cells (rows, cols): how many cells within ±half along `axis` are set in `mask`.

    Sampled per cell (not a whole-raster filter) so that a town-sized raster costs only its crossings.
    """
    h, w = mask.shape
    count = np.zeros(rows.shape, np.int32)
    for k in range(-half, half + 1):
        if axis == 1:
            count += mask[rows, np.clip(cols + k, 0, w - 1)]
        else:
            count += mask[np.clip(rows + k, 0, h - 1), cols]
    return count


class GroundTexture:
    """Render classes of a GroundMap with painted crossing stripes; `sample` is the per-pixel lookup."""

    def __init__(self, ground: GroundMap) -> None:
        classes = ground.classes.astype(np.uint8).copy()
        res = float(ground.resolution_m)
        crossing = classes == GroundClass.CROSSING
        if crossing.any():
            rows, cols = np.nonzero(crossing)
            half = max(1, int(round(AXIS_WINDOW_M / res)))
            along_x = _run_counts(crossing, rows, cols, half, axis=1) >= _run_counts(crossing, rows, cols, half, axis=0)
            x = ground.origin_xy[0] + (cols + 0.5) * res
            y = ground.origin_xy[1] + (rows + 0.5) * res
            coord = np.where(along_x, x, y)
            light = (np.floor(coord / STRIPE_M).astype(np.int64) % 2) == 0
            classes[rows[light], cols[light]] = CROSSING_LIGHT
        self.classes = np.pad(classes, 1, constant_values=int(GroundClass.OFF_ROAD))
        self.origin_xy = (ground.origin_xy[0] - res, ground.origin_xy[1] - res)
        self.inv_res = 1.0 / res
        self._flat = self.classes.ravel()

    def sample(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Render classes at world points (any shape); points off the raster read OFF_ROAD."""
        h, w = self.classes.shape
        cols = np.clip(((x - self.origin_xy[0]) * self.inv_res).astype(np.int32), 0, w - 1)
        rows = np.clip(((y - self.origin_xy[1]) * self.inv_res).astype(np.int32), 0, h - 1)
        return self._flat[rows * w + cols]

    def sample_rigid(self, points: np.ndarray, cos_yaw: float, sin_yaw: float, x0: float, y0: float) -> np.ndarray:
        """`sample` at the world points R(yaw)·p + (x0, y0) of local points p (N, 2) float32, with the rotation
        folded into the raster lookup (one pass per coordinate)."""
        h, w = self.classes.shape
        k = np.float32(self.inv_res)
        c, s = np.float32(cos_yaw) * k, np.float32(sin_yaw) * k
        col0, row0 = np.float32((x0 - self.origin_xy[0]) * self.inv_res), np.float32((y0 - self.origin_xy[1]) * self.inv_res)
        px, py = points[:, 0], points[:, 1]
        cols = np.clip((px * c - py * s + col0).astype(np.int32), 0, w - 1)
        rows = np.clip((px * s + py * c + row0).astype(np.int32), 0, h - 1)
        rows *= w
        rows += cols
        return self._flat[rows]
