"""Trajectory (or aim point + target speed) → steer/throttle/brake, shared by the expert and learned agents.

Lateral: PID on the heading to an aim point on the path (error = angle / 90°, CARLA sign: a point to
the right gives positive steer). Longitudinal: PID on the speed error for throttle (≤ `max_throttle`);
brake when the target is below `brake_below_mps` or the speed exceeds `brake_ratio` × target, with a
brake proportional to the overspeed (a flat full brake would fail every comfort check). A creep rule
frees a learned agent that has stood still for long with nothing in front of it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Tuple, Union

import numpy as np

from wpt_core.control.pid import PIDController
from wpt_core.leaderboard.tick import TICK_S
from wpt_core.polyline import cumulative_length
from wpt_core.types import Control, Trajectory


@dataclass(frozen=True)
class ControllerConfig:
    """Gains and thresholds of the trajectory-following peer agents (TCP / Transfuser style PIDs); dt_s is the
    agent tick."""

    lat_kp: float = 1.25
    lat_ki: float = 0.75
    lat_kd: float = 0.3
    lat_window: int = 20
    lon_kp: float = 5.0
    lon_ki: float = 0.5
    lon_kd: float = 1.0
    lon_window: int = 20
    aim_distance_m: float = 3.0          # along a Trajectory (ControlTarget brings its own aim point)
    brake_below_mps: float = 0.4
    brake_ratio: float = 1.1
    max_throttle: float = 0.75
    brake_gain_per_mps: float = 0.25     # brake per m/s of overspeed (≈ 2 m/s² per m/s on an 8 m/s² brake)
    stop_brake: float = 0.3              # minimum brake while the target is a stop
    creep_enabled: bool = True
    creep_after_s: float = 40.0
    creep_duration_s: float = 1.5
    creep_speed_mps: float = 1.5
    stopped_speed_mps: float = 0.1
    dt_s: float = TICK_S


@dataclass
class ControlTarget:
    """What the controller tracks when the caller already knows its aim point (ego frame, x fwd, y right)."""

    aim_xy_ego_m: Tuple[float, float]
    speed_mps: float


def aim_point(trajectory: Trajectory, distance_m: float) -> np.ndarray:
    """The point `distance_m` along the trajectory polyline from the ego origin (its end if shorter)."""
    pts = np.vstack([np.zeros((1, 2)), np.asarray(trajectory.xy_ego_m, dtype=np.float64).reshape(-1, 2)])
    cum = cumulative_length(pts)
    if cum[-1] <= distance_m:
        return pts[-1]
    i = int(np.searchsorted(cum, distance_m, side="right") - 1)
    f = (distance_m - cum[i]) / max(cum[i + 1] - cum[i], 1e-9)
    return pts[i] + f * (pts[i + 1] - pts[i])


def trajectory_speed(trajectory: Trajectory) -> float:
    """Target speed of a trajectory: its own speeds if given, else the mean speed over its first two steps."""
    if trajectory.speed_mps is not None and len(trajectory.speed_mps):
        return float(trajectory.speed_mps[0])
    pts = np.vstack([np.zeros((1, 2)), np.asarray(trajectory.xy_ego_m, dtype=np.float64).reshape(-1, 2)])
    n = min(2, len(pts) - 1)
    if n <= 0:
        return 0.0
    length = float(cumulative_length(pts[: n + 1])[-1])
    return length / (n * trajectory.dt_s)


class VehicleController:
    """Stateful PID pair; one instance per agent (the PIDs and the stuck timer carry across ticks)."""

    def __init__(self, config: Optional[ControllerConfig] = None) -> None:
        config = config if config is not None else ControllerConfig()
        self.config = config
        self._lat = PIDController(config.lat_kp, config.lat_ki, config.lat_kd, config.lat_window)
        self._lon = PIDController(config.lon_kp, config.lon_ki, config.lon_kd, config.lon_window)
        self._stopped_s = 0.0
        self._creep_left_s = 0.0

    def reset(self) -> None:
        self._lat.reset()
        self._lon.reset()
        self._stopped_s = 0.0
        self._creep_left_s = 0.0

    @property
    def creeping(self) -> bool:
        return self._creep_left_s > 0.0

    def control(self, target: Union[Trajectory, ControlTarget], speed_mps: float,
                clear_ahead: bool = True) -> Control:
        """One tick. `clear_ahead` = nothing in front that explains a standstill (gates the creep rule)."""
        if isinstance(target, Trajectory):
            aim = aim_point(target, self.config.aim_distance_m)
            desired = trajectory_speed(target)
        else:
            aim = np.asarray(target.aim_xy_ego_m, dtype=np.float64)
            desired = float(target.speed_mps)
        desired = self._creep(desired, speed_mps, clear_ahead)
        steer = self.steer_towards(aim)
        throttle, brake = self.longitudinal(desired, speed_mps)
        return Control(throttle=throttle, steer=steer, brake=brake).clamped()

    def steer_towards(self, aim_xy_ego: np.ndarray) -> float:
        """PID on the aim-point heading (normalised by 90°); |aim| ≈ 0 keeps the wheel straight."""
        if float(np.hypot(aim_xy_ego[0], aim_xy_ego[1])) < 0.3:
            angle = 0.0
        else:
            angle = math.atan2(float(aim_xy_ego[1]), max(float(aim_xy_ego[0]), 0.0))
        return min(max(self._lat.step(math.degrees(angle) / 90.0), -1.0), 1.0)

    def longitudinal(self, desired_mps: float, speed_mps: float) -> Tuple[float, float]:
        """(throttle, brake) for a target speed; never both non-zero."""
        c = self.config
        desired = max(0.0, desired_mps)
        throttle = min(max(self._lon.step(desired - speed_mps), 0.0), c.max_throttle)
        must_brake = desired < c.brake_below_mps or speed_mps > c.brake_ratio * desired
        if not must_brake:
            return throttle, 0.0
        brake = c.brake_gain_per_mps * max(0.0, speed_mps - desired)
        if desired < c.brake_below_mps:
            brake = max(brake, c.stop_brake)
            self._lon.reset()
        return 0.0, min(max(brake, 0.0), 1.0)

    def _creep(self, desired: float, speed_mps: float, clear_ahead: bool) -> float:
        """After `creep_after_s` standing still with a clear road, roll at `creep_speed_mps` for a moment."""
        c = self.config
        if self._creep_left_s > 0.0:
            self._creep_left_s -= c.dt_s
            return max(desired, c.creep_speed_mps) if clear_ahead else desired
        self._stopped_s = self._stopped_s + c.dt_s if speed_mps < c.stopped_speed_mps else 0.0
        if c.creep_enabled and clear_ahead and self._stopped_s >= c.creep_after_s:
            self._creep_left_s = c.creep_duration_s
            self._stopped_s = 0.0
            return max(desired, c.creep_speed_mps)
        return desired
