"""Bench2Drive's comfort ("smoothness") metric (tools/efficiency_smoothness_benchmark.py).

Per route, the frames an agent logs to `<SAVE_PATH>/<save_name>/metric_info.json`
(`{"<step>": {"acceleration": [x,y,z], "angular_velocity": [x,y,z], "forward_vector": [...],
"right_vector": [...], "location": [...], "rotation": [roll, pitch, yaw]}, ...}`) are cut into
chunks of 20 (an incomplete last chunk is dropped; an episode of at most 20 frames is one chunk).
A chunk passes when, after Savitzky–Golay smoothing (window 7, order 2, dt 0.1 s), every sample
has longitudinal acceleration in (-4.05, 2.40), |lateral acceleration| < 4.89, |jerk| < 8.37,
|longitudinal jerk| < 4.13, |yaw acceleration| < 1.93 and |yaw rate| < 0.95 (strict bounds).
As in B2D, "yaw acceleration" is the smoothed yaw rate itself (B2D never differentiates it), and
the angular velocity is used in whatever unit the agent logged (CARLA reports deg/s).

The Savitzky–Golay filter is implemented here with numpy (scipy's default `mode="interp"`), so the
package needs no scipy; windows longer than a short episode shrink to its largest odd length.
"""
from __future__ import annotations

import math
from typing import Mapping, Optional

import numpy as np

from wpt_core.leaderboard.metric_info import METRIC_INFO_HZ

CHUNK_FRAMES = 20
WINDOW = 7
POLY_ORDER = 2
DT_S = 1.0 / METRIC_INFO_HZ
LON_ACC_RANGE = (-4.05, 2.40)
MAX_ABS_LAT_ACC = 4.89
MAX_ABS_JERK = 8.37
MAX_ABS_LON_JERK = 4.13
MAX_ABS_YAW_ACC = 1.93
MAX_ABS_YAW_RATE = 0.95


def _poly_weights(positions: np.ndarray, at: float, order: int, deriv: int, delta: float) -> np.ndarray:
    """Weights w such that w @ y is the `deriv`-th derivative at `at` of the least-squares polynomial."""
    vander = np.vander(positions - at, order + 1, increasing=True)  # columns t^0 .. t^order
    pinv = np.linalg.pinv(vander)
    return pinv[deriv] * math.factorial(deriv) / delta ** deriv


def savgol(y: np.ndarray, window: int, order: int, deriv: int = 0, delta: float = 1.0) -> np.ndarray:
    """Savitzky–Golay filter along the last axis with polynomial fits on the edge windows."""
    y = np.asarray(y, dtype=np.float64)
    n = y.shape[-1]
    if window % 2 == 0 or window > n:
        window = min(window, n) - (1 - min(window, n) % 2)
    if order >= window:
        raise ValueError(f"polynomial order {order} must be below the window length {window}")
    half = window // 2
    positions = np.arange(window, dtype=np.float64)
    out = np.empty_like(y)
    centre = _poly_weights(positions, float(half), order, deriv, delta)
    for i in range(half, n - half):
        out[..., i] = y[..., i - half:i + half + 1] @ centre
    for i in range(half):
        out[..., i] = y[..., :window] @ _poly_weights(positions, float(i), order, deriv, delta)
        out[..., n - 1 - i] = y[..., n - window:] @ _poly_weights(positions, float(window - 1 - i), order, deriv,
                                                                   delta)
    return out


def _phase_unwrap(headings: np.ndarray) -> np.ndarray:
    adjustments = np.zeros_like(headings)
    adjustments[1:] = np.cumsum(np.round(np.diff(headings) / (2.0 * np.pi)))
    return headings - 2.0 * np.pi * adjustments


def _within(values: np.ndarray, low: float, high: float) -> bool:
    return bool(np.all((values > low) & (values < high)))


def chunk_is_comfortable(frames: Mapping[str, np.ndarray]) -> bool:
    """B2D's `compute_comfort_metric` on one chunk of (N, 3) arrays."""
    acc = np.asarray(frames["acceleration"], dtype=np.float64)[:, :2]
    fwd = np.asarray(frames["forward_vector"], dtype=np.float64)[:, :2]
    right = np.asarray(frames["right_vector"], dtype=np.float64)[:, :2]
    yaw_rate = _phase_unwrap(np.asarray(frames["angular_velocity"], dtype=np.float64)[:, 2])
    window = min(WINDOW, len(acc))

    def smooth(values: np.ndarray) -> np.ndarray:
        return savgol(values, window, POLY_ORDER)

    yaw_acc = smooth(yaw_rate)
    yaw_rate = smooth(yaw_rate)
    lon_acc = smooth(np.einsum("ij,ij->i", acc, fwd))
    lat_acc = smooth(np.einsum("ij,ij->i", acc, right))
    magnitude = smooth(np.hypot(acc[:, 0], acc[:, 1]))
    jerk = savgol(magnitude, window, POLY_ORDER, deriv=1, delta=DT_S)
    lon_jerk = savgol(lon_acc, window, POLY_ORDER, deriv=1, delta=DT_S)
    return (_within(lon_acc, *LON_ACC_RANGE) and _within(lat_acc, -MAX_ABS_LAT_ACC, MAX_ABS_LAT_ACC)
            and _within(jerk, -MAX_ABS_JERK, MAX_ABS_JERK)
            and _within(lon_jerk, -MAX_ABS_LON_JERK, MAX_ABS_LON_JERK)
            and _within(yaw_acc, -MAX_ABS_YAW_ACC, MAX_ABS_YAW_ACC)
            and _within(yaw_rate, -MAX_ABS_YAW_RATE, MAX_ABS_YAW_RATE))


def route_comfort(frames: Mapping[str, np.ndarray]) -> Optional[float]:
    """Fraction of passing chunks (B2D's `seg_compute_comfort_metric`); None below 3 frames."""
    n = len(frames["angular_velocity"])
    if n <= POLY_ORDER:
        return None
    if n <= CHUNK_FRAMES:
        return 1.0 if chunk_is_comfortable(frames) else 0.0
    results = [chunk_is_comfortable({k: np.asarray(v)[s:s + CHUNK_FRAMES] for k, v in frames.items()})
               for s in range(0, n - CHUNK_FRAMES + 1, CHUNK_FRAMES)]
    return sum(results) / len(results)
