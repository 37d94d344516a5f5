"""Ground-raster tests shared by the layout-collision and outside-lanes criteria."""
from __future__ import annotations

import math
from typing import Iterable, Tuple

import numpy as np

from wpt_core.ground_map import GroundClass, GroundMap

_RING = np.stack([np.cos(np.arange(8) * math.pi / 4), np.sin(np.arange(8) * math.pi / 4)], axis=1)


def surface_at(ground: GroundMap, xy: Tuple[float, float]) -> GroundClass:
    """Class under one point (OFF_ROAD outside the raster); scalar arithmetic, called every tick."""
    col = math.floor((xy[0] - ground.origin_xy[0]) / ground.resolution_m)
    row = math.floor((xy[1] - ground.origin_xy[1]) / ground.resolution_m)
    h, w = ground.classes.shape
    return GroundClass(int(ground.classes[row, col])) if 0 <= row < h and 0 <= col < w else GroundClass.OFF_ROAD


def deep_inside(ground: GroundMap, xy: Tuple[float, float], classes: Iterable[GroundClass], margin_m: float) -> bool:
    """Whether `xy` and every point `margin_m` around it (8 directions) lie on one of `classes`.

    That is "at least `margin_m` deep into that surface": the raster has no distance field, and a
    ring of probes is enough at the 0.25 m raster resolution for margins of a metre or so.
    """
    wanted = {int(c) for c in classes}
    if int(surface_at(ground, xy)) not in wanted:
        return False
    ring = ground.lookup(np.asarray(xy, dtype=np.float64) + margin_m * _RING)
    return all(int(c) in wanted for c in ring)
