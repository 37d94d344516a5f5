"""The per-route `metric_info.json` that Bench2Drive agents write for the comfort metric.

Bench2Drive's zoo agents log the hero vehicle's kinematics at 10 Hz (every other 20 Hz step) to
`$SAVE_PATH/<save_name>/metric_info.json`; `wpt report --metric-dir` reads the same file. Values are
in CARLA's units and frames (world-frame acceleration in m/s², angular velocity in deg/s, unit
forward/right vectors, rotation as [roll, pitch, yaw] degrees), whichever simulator produced them.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np

from wpt_core.types import EgoState

METRIC_FILE = "metric_info.json"
METRIC_INFO_HZ = 10
FIELDS = ("acceleration", "angular_velocity", "forward_vector", "right_vector", "location", "rotation")


def metric_frame(ego: EgoState) -> Dict[str, List[float]]:
    """One frame from the ego state: the accelerations are rotated from the ego into the world frame."""
    yaw = math.radians(ego.yaw_deg)
    forward = [math.cos(yaw), math.sin(yaw), 0.0]
    right = [-math.sin(yaw), math.cos(yaw), 0.0]
    acc = [ego.accel_mps2 * forward[i] + ego.lat_accel_mps2 * right[i] for i in range(2)] + [0.0]
    return {"acceleration": acc, "angular_velocity": [0.0, 0.0, ego.yaw_rate_dps], "forward_vector": forward,
            "right_vector": right, "location": [ego.x_m, ego.y_m, ego.z_m], "rotation": [0.0, 0.0, ego.yaw_deg]}


class MetricInfoLogger:
    """Collects frames during a route and writes them once at the end (agents call it from `destroy`)."""

    def __init__(self, out_dir: Optional[Path]) -> None:
        self.out_dir = out_dir
        self.frames: Dict[str, Dict[str, Any]] = {}

    def record(self, step: int, ego: EgoState) -> None:
        self.frames[str(step)] = metric_frame(ego)

    def record_frame(self, step: int, frame: Dict[str, List[float]]) -> None:
        """A frame as the base class's `get_metric_info()` returns it (sensor agents have no EgoState)."""
        self.frames[str(step)] = {name: [float(v) for v in frame[name]] for name in FIELDS}

    def save(self) -> Optional[Path]:
        """Write `<out_dir>/metric_info.json`; nothing when no folder was given (e.g. no SAVE_PATH)."""
        if self.out_dir is None or not self.frames:
            return None
        self.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.out_dir / METRIC_FILE
        path.write_text(json.dumps(self.frames))
        return path


def read_metric_info(path: Path) -> Dict[str, np.ndarray]:
    """metric_info.json → (N, 3) arrays per field, in the file's frame order."""
    data = json.loads(Path(path).read_text())
    columns: Dict[str, List] = {name: [] for name in FIELDS}
    for frame in data.values():
        for name in FIELDS:
            columns[name].append(frame[name])
    return {name: np.asarray(values, dtype=np.float64).reshape(-1, 3) for name, values in columns.items()}
