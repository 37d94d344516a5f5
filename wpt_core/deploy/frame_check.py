"""Is this tick's `input_data` usable? Each problem is one fault kind (a short stable string) the driver logs once.

What the leaderboard delivers (REFERENCE "Sensors"): cameras (H, W, 4) uint8 BGRA at the declared size, LiDAR
(N, 4) float32, GNSS float64 [lat, lon, alt], IMU float64 (7,) whose compass may be NaN on the first frames
(not a fault: the localiser covers it), the speedometer {'speed': m/s}. Anything else — a missing sensor, a
value that is not (frame, data), a wrong shape or dtype, NaN or inf, an empty point cloud — is a fault.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Dict, List, Mapping, Sequence

import numpy as np

CAMERA = "sensor.camera.rgb"
LIDAR = "sensor.lidar.ray_cast"
GNSS = "sensor.other.gnss"
IMU = "sensor.other.imu"
SPEEDOMETER = "sensor.speedometer"


def _array_faults(sid: str, data: Any, spec: Mapping[str, Any]) -> List[str]:
    kind = spec["type"]
    if not isinstance(data, np.ndarray):
        return [f"{sid}: not an array ({type(data).__name__})"]
    if kind == CAMERA:
        if data.dtype != np.uint8:
            return [f"{sid}: camera dtype {data.dtype} (expected uint8)"]
        if data.shape != (int(spec["height"]), int(spec["width"]), 4):
            return [f"{sid}: camera shape {data.shape} (expected ({spec['height']}, {spec['width']}, 4))"]
        return []
    if not np.issubdtype(data.dtype, np.floating):
        return [f"{sid}: dtype {data.dtype} (expected float)"]
    if kind == LIDAR:
        if data.ndim != 2 or data.shape[1] != 4:
            return [f"{sid}: point cloud shape {data.shape} (expected (N, 4))"]
        if len(data) == 0:
            return [f"{sid}: empty point cloud"]
        return [] if np.isfinite(data).all() else [f"{sid}: non-finite points"]
    if kind == GNSS:
        if data.shape != (3,):
            return [f"{sid}: GNSS shape {data.shape} (expected (3,))"]
        return [] if np.isfinite(data).all() else [f"{sid}: non-finite GNSS fix"]
    if kind == IMU:
        if data.shape != (7,):
            return [f"{sid}: IMU shape {data.shape} (expected (7,))"]
        return [] if np.isfinite(data[:6]).all() else [f"{sid}: non-finite IMU reading"]
    return []


def frame_faults(input_data: Any, specs: Sequence[Mapping[str, Any]]) -> List[str]:
    """The fault kinds of one tick's `input_data` for the declared sensor `specs` ([] = usable)."""
    if not isinstance(input_data, Mapping):
        return [f"input_data: not a mapping ({type(input_data).__name__})"]
    faults: List[str] = []
    for spec in specs:
        sid = spec["id"]
        if sid not in input_data:
            faults.append(f"{sid}: missing")
            continue
        value = input_data[sid]
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            faults.append(f"{sid}: not a (frame, data) pair")
            continue
        data = value[1]
        if spec["type"] == SPEEDOMETER:
            speed = data.get("speed") if isinstance(data, Mapping) else None
            if not isinstance(speed, numbers.Real) or not math.isfinite(float(speed)):
                faults.append(f"{sid}: no finite 'speed'")
        else:
            faults.extend(_array_faults(sid, data, spec))
    return faults


def specs_by_type(specs: Sequence[Mapping[str, Any]]) -> Dict[str, str]:
    """type → id of the first sensor of each type (the driver reads one GNSS, IMU, speedometer and LiDAR)."""
    out: Dict[str, str] = {}
    for spec in specs:
        out.setdefault(spec["type"], spec["id"])
    return out
