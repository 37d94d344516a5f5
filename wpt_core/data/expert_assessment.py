"""`expert_assessment/<frame−1:05d>.npz`: the expert's own decision at each frame.

Bench2Drive's expert (Think2Drive, an RL agent over 39 discrete actions) saves, per frame k, the file named
k − 1 (frame 0 → `-0001.npz`) holding one array `arr_0` = [feature …, value, action index] (float32), and
Bench2Drive's converter reads it unconditionally: it takes `arr_0[-1]` as the action index and replaces the
frame's throttle/steer/brake by that action's values. Our expert is rule-based (no learned feature, no value
estimate), so `arr_0` holds just the index of the discrete action nearest to the control it sent — the
converter then labels the frame with what the expert actually did, to the table's resolution — and the
expert's full output sits beside it under its own keys: `trajectory_xy_ego_m` (T, 2), `trajectory_dt_s`,
`target_speed_mps`, `control` [throttle, steer, brake], `should_brake`.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Dict, Protocol, Tuple, Union

import numpy as np

from wpt_core.types import Control, Trajectory

# Think2Drive's action table: (throttle, steer, brake, reverse) by index. 0 brakes; 1–9 throttle 0.7,
# 10–20 throttle 0.3, 21–29 coast (except 25: full throttle straight), 30–38 reverse at 0.5.
_STEER_9 = (-0.5, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3, 0.5)
_STEER_11 = (-0.7, -0.5, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3, 0.5, 0.7)
_COAST = ((0.0, -1.0), (0.0, -0.6), (0.0, -0.3), (0.0, -0.1), (1.0, 0.0), (0.0, 0.1), (0.0, 0.3), (0.0, 0.6),
          (0.0, 1.0))
DISCRETE_ACTIONS: Tuple[Tuple[float, float, float, bool], ...] = (
    ((0.0, 0.0, 1.0, False),)
    + tuple((0.7, s, 0.0, False) for s in _STEER_9)
    + tuple((0.3, s, 0.0, False) for s in _STEER_11)
    + tuple((t, s, 0.0, False) for t, s in _COAST)
    + tuple((0.5, s, 0.0, True) for s in _STEER_9)
)
_TABLE = np.array([a[:3] for a in DISCRETE_ACTIONS])
_REVERSE = np.array([a[3] for a in DISCRETE_ACTIONS])


class ExpertStep(Protocol):
    """What a privileged expert decided at one tick (`wpt_core.expert.ExpertOutput` is one)."""

    trajectory: Trajectory
    control: Control
    target_speed_mps: float
    should_brake: bool


def nearest_action(control: Control) -> int:
    """Index of the discrete action closest to `control` in (throttle, steer, brake), same gear."""
    c = control.clamped()
    candidates = np.flatnonzero(_REVERSE == bool(c.reverse))
    d = np.linalg.norm(_TABLE[candidates] - np.array([c.throttle, c.steer, c.brake]), axis=1)
    return int(candidates[int(np.argmin(d))])


def encode_assessment(step: ExpertStep) -> bytes:
    """The npz bytes of one frame's assessment."""
    c = step.control.clamped()
    buf = io.BytesIO()
    np.savez(buf, np.array([nearest_action(c)], dtype=np.float32),
             trajectory_xy_ego_m=np.asarray(step.trajectory.xy_ego_m, dtype=np.float32).reshape(-1, 2),
             trajectory_dt_s=np.float32(step.trajectory.dt_s), target_speed_mps=np.float32(step.target_speed_mps),
             control=np.array([c.throttle, c.steer, c.brake], dtype=np.float32),
             should_brake=np.bool_(step.should_brake))
    return buf.getvalue()


def read_assessment(path: Union[str, Path]) -> Dict[str, np.ndarray]:
    """All arrays of an assessment file (ours or Bench2Drive's: there only `arr_0`)."""
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}
