"""The ego vehicle's own motion: a kinematic bicycle with CARLA-like actuation limits.

SUMO only learns the ego's pose (`moveToXY`); how the car answers throttle/steer/brake is decided
here, so an agent tuned against CARLA's Lincoln meets similar gains: steer 1 = 70° wheel angle
(CARLA's max_steer_angle), accelerations bounded by power, brakes and tyre grip.
"""
from __future__ import annotations

from typing import Optional

import math
from dataclasses import dataclass

from wpt_core.types import Control, EgoState


@dataclass(frozen=True)
class EgoParams:
    """Vehicle constants (SI). Defaults: a mid-size sedan the size of CARLA's Lincoln MKZ 2020."""

    wheelbase_m: float = 2.9
    max_steer_rad: float = 1.22          # wheel angle at steer = ±1
    steer_rate_per_s: float = 3.0        # normalised steer command change per second (0 → 1 in 1/3 s)
    max_accel_mps2: float = 3.5          # traction limit at low speed
    power_per_mass_w_kg: float = 40.0    # above ~11 m/s the drive force falls as P / v
    max_brake_mps2: float = 8.0
    rolling_mps2: float = 0.15           # rolling resistance, always against motion
    drag_per_m: float = 0.00045          # aerodynamic: a = drag · v²
    engine_brake_mps2: float = 0.3       # extra coast-down with throttle released ...
    engine_brake_full_mps: float = 5.0   # ... fading in up to this speed (a car creeps on light throttle)
    max_lat_accel_mps2: float = 8.0      # tyre grip: curvature ≤ a_lat / v²
    accel_lag_s: float = 0.15            # first-order lag of the powertrain/brakes
    max_reverse_mps: float = 5.0
    length_m: float = 4.9
    width_m: float = 2.1
    height_m: float = 1.5


class EgoDynamics:
    """Integrates the box-centre pose of the ego at a fixed step (CARLA frame: y right, yaw clockwise)."""

    def __init__(self, x_m: float, y_m: float, yaw_deg: float, params: Optional[EgoParams] = None) -> None:
        self.params = params if params is not None else EgoParams()
        self.x_m, self.y_m, self.yaw_deg = float(x_m), float(y_m), float(yaw_deg)
        self.speed_mps = 0.0          # signed: negative when reversing
        self.accel_mps2 = 0.0          # reported: actual dv/dt of the last step
        self._accel_cmd = 0.0          # lagged actuator acceleration
        self.lat_accel_mps2 = 0.0
        self.yaw_rate_dps = 0.0
        self.steer = 0.0              # applied (rate-limited) steer
        self.control = Control()

    def drive_accel(self, speed_mps: float) -> float:
        """Full-throttle acceleration available at `speed_mps`: traction-limited, then power-limited."""
        p = self.params
        return min(p.max_accel_mps2, p.power_per_mass_w_kg / max(abs(speed_mps), 1e-3))

    def _target_accel(self, c: Control) -> float:
        """Signed longitudinal acceleration the actuators ask for (before the lag)."""
        p, v = self.params, self.speed_mps
        direction = -1.0 if c.reverse else 1.0
        drive = c.throttle * self.drive_accel(v) * direction
        if c.reverse and v <= -p.max_reverse_mps:
            drive = 0.0
        brake = p.max_brake_mps2 if c.hand_brake else c.brake * p.max_brake_mps2
        engine = p.engine_brake_mps2 * (1.0 - c.throttle) * min(1.0, abs(v) / p.engine_brake_full_mps)
        resist = brake + p.rolling_mps2 + p.drag_per_m * v * v + engine
        if abs(v) < 1e-6:
            # at standstill resistances can only cancel the drive, never push the car backwards
            return math.copysign(max(0.0, abs(drive) - resist), drive) if drive else 0.0
        return drive - math.copysign(resist, v)

    def step(self, control: Control, dt_s: float) -> None:
        """Advance one tick under `control` (already clamped to CARLA ranges)."""
        p = self.params
        self.control = control
        max_d = p.steer_rate_per_s * dt_s
        self.steer += max(-max_d, min(max_d, control.steer - self.steer))

        target = self._target_accel(control)
        self._accel_cmd += dt_s / (p.accel_lag_s + dt_s) * (target - self._accel_cmd)
        v0 = self.speed_mps
        v1 = v0 + self._accel_cmd * dt_s
        crossed_zero = (v0 > 0.0 > v1) or (v0 < 0.0 < v1)
        wrong_way = (v0 == 0.0) and ((v1 < 0.0) != control.reverse)
        if crossed_zero or wrong_way:
            v1 = 0.0                  # brakes and resistances stop the car, they never drive it backwards
            self._accel_cmd = 0.0
        self.accel_mps2 = (v1 - v0) / dt_s

        curvature = math.tan(self.steer * p.max_steer_rad) / p.wheelbase_m
        v_mid = 0.5 * (v0 + v1)
        if abs(v_mid) > 1e-3:
            limit = p.max_lat_accel_mps2 / (v_mid * v_mid)
            curvature = max(-limit, min(limit, curvature))
        yaw_rate = v_mid * curvature              # rad/s, positive = clockwise (CARLA right turn)
        yaw0 = math.radians(self.yaw_deg)
        yaw1 = yaw0 + yaw_rate * dt_s
        yaw_mid = 0.5 * (yaw0 + yaw1)
        self.x_m += v_mid * math.cos(yaw_mid) * dt_s
        self.y_m += v_mid * math.sin(yaw_mid) * dt_s
        self.yaw_deg = (math.degrees(yaw1) + 180.0) % 360.0 - 180.0
        self.speed_mps = v1
        self.yaw_rate_dps = math.degrees(yaw_rate)
        self.lat_accel_mps2 = v_mid * yaw_rate

    def collide(self, dx_m: float, dy_m: float, keep_speed: float) -> None:
        """A contact: the box is moved by (dx, dy) and keeps `keep_speed` of its speed (0: it stops dead)."""
        self.x_m += dx_m
        self.y_m += dy_m
        self.speed_mps *= keep_speed
        self._accel_cmd *= keep_speed

    def place(self, x_m: float, y_m: float, yaw_deg: float) -> None:
        """Put the car back at a pose, standing (it ran into the map's edge)."""
        self.x_m, self.y_m, self.yaw_deg = float(x_m), float(y_m), float(yaw_deg)
        self.collide(0.0, 0.0, 0.0)

    def state(self) -> EgoState:
        """The ego as every consumer sees it (speed reported as a magnitude, like CARLA's velocity norm)."""
        p, c = self.params, self.control
        return EgoState(x_m=self.x_m, y_m=self.y_m, yaw_deg=self.yaw_deg, speed_mps=abs(self.speed_mps),
                        accel_mps2=self.accel_mps2, lat_accel_mps2=self.lat_accel_mps2,
                        yaw_rate_dps=self.yaw_rate_dps, length_m=p.length_m, width_m=p.width_m,
                        height_m=p.height_m, steer=self.steer, throttle=c.throttle, brake=c.brake)
