"""Ground-raster tests shared by the layout-collision and outside-lanes criteria."""
from __future__ import annotations

import math
from typing import Iterable, Tuple

import numpy as np

from wpt_core.ground_map import GroundClass, GroundMap

_RING_DIRECTIONS = 8


def deep_inside(ground: GroundMap, xy: Tuple[float, float], classes: Iterable[GroundClass], margin_m: float) -> bool:
    """Whether `xy` and every point `margin_m` around it (8 directions) lie on one of `classes`.

    That is "at least `margin_m` deep into that surface": the raster has no distance field, and a
    ring of probes is enough at the 0.25 m raster resolution for margins of a metre or so.
    """
    angles = np.arange(_RING_DIRECTIONS) * (2.0 * math.pi / _RING_DIRECTIONS)
    probes = np.concatenate([[xy], np.stack([xy[0] + margin_m * np.cos(angles),
                                             xy[1] + margin_m * np.sin(angles)], axis=1)])
    found = ground.lookup(probes)
    return bool(np.isin(found, np.array([int(c) for c in classes], dtype=np.uint8)).all())


def surface_at(ground: GroundMap, xy: Tuple[float, float]) -> GroundClass:
    return GroundClass(int(ground.lookup(np.array([xy]))[0]))
