"""Lateral offset plans (overtaking, making room) anchored in route arc length so they stay put as the ego moves."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FOREVER_M = 1e9


def smoothstep(x: np.ndarray) -> np.ndarray:
    """0 → 1 with zero slope at both ends (lateral jerk stays bounded)."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


@dataclass
class LateralPlan:
    """Offset `offset_m` (+ right) reached between start_m..full_m, held to release_m, back to 0 at end_m (route s)."""

    offset_m: float
    start_m: float
    full_m: float
    release_m: float
    end_m: float
    reason: str

    @classmethod
    def constant(cls, offset_m: float, reason: str) -> "LateralPlan":
        return cls(offset_m, -FOREVER_M, -FOREVER_M, FOREVER_M, FOREVER_M, reason)

    def at(self, route_s: np.ndarray) -> np.ndarray:
        """Offset at route arc lengths `route_s`."""
        route_s = np.asarray(route_s, dtype=np.float64)
        up = smoothstep((route_s - self.start_m) / max(self.full_m - self.start_m, 1e-6))
        down = 1.0 - smoothstep((route_s - self.release_m) / max(self.end_m - self.release_m, 1e-6))
        return self.offset_m * np.minimum(up, down)


def blend_from_ego(offsets: np.ndarray, s: np.ndarray, ego_offset_m: float, blend_m: float) -> np.ndarray:
    """Start the planned path at the ego's own lateral position and merge into `offsets` over `blend_m`."""
    base0 = float(np.interp(0.0, s, offsets))
    w = 1.0 - smoothstep(np.clip(s, 0.0, None) / max(blend_m, 1e-6))
    return offsets + (ego_offset_m - base0) * w
