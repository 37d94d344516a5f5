"""A windowed PID, the form the peer trajectory-following agents are calibrated with.

The integral is the *mean* of the last `window` errors and the derivative is the last difference
(per tick, not per second): that is how the published gains (lateral kp 1.25 ki 0.75 kd 0.3,
longitudinal kp 5 ki 0.5 kd 1) are meant, so keeping the form keeps the gains meaningful and the
integral bounded (no wind-up).
"""
from __future__ import annotations

from collections import deque
from typing import Deque


class PIDController:
    """u = kp·e + ki·mean(e over window) + kd·(e − e_previous)."""

    def __init__(self, kp: float, ki: float, kd: float, window: int = 20) -> None:
        self.kp, self.ki, self.kd = float(kp), float(ki), float(kd)
        self._errors: Deque[float] = deque([0.0, 0.0], maxlen=max(2, int(window)))

    def step(self, error: float) -> float:
        """Feed one error sample, return the control output."""
        self._errors.append(float(error))
        integral = sum(self._errors) / len(self._errors)
        derivative = self._errors[-1] - self._errors[-2]
        return self.kp * error + self.ki * integral + self.kd * derivative

    def reset(self) -> None:
        """Forget the history (e.g. at a standstill, so a stale integral does not kick on restart)."""
        maxlen = self._errors.maxlen
        self._errors = deque([0.0, 0.0], maxlen=maxlen)
