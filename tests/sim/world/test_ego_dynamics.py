"""Ego vehicle dynamics: bands derived from the parameters by hand (bounds, not the integrator's output)."""
import math

import pytest

from wpt_core.sim.world.ego_dynamics import EgoDynamics, EgoParams
from wpt_core.types import Control

DT = 0.05
P = EgoParams()


def drive(dyn, control, seconds):
    speeds = []
    for _ in range(int(round(seconds / DT))):
        dyn.step(control, DT)
        speeds.append(dyn.speed_mps)
    return speeds


def test_full_throttle_from_rest_band():
    dyn = EgoDynamics(0.0, 0.0, 0.0)
    drive(dyn, Control(throttle=1.0), 5.0)
    # upper bound: never more than the traction limit for 5 s; lower bound: the power limit
    # (P/m = 40 W/kg above 40/3.5 = 11.4 m/s) minus < 0.6 m/s² of resistances gets well past 12 m/s
    assert 12.0 < dyn.speed_mps < P.max_accel_mps2 * 5.0
    assert dyn.x_m > 0.0 and dyn.y_m == pytest.approx(0.0) and dyn.yaw_deg == pytest.approx(0.0)
    assert dyn.state().accel_mps2 > 0.0


def test_braking_from_10_mps_stops_within_bound_and_never_reverses():
    dyn = EgoDynamics(0.0, 0.0, 0.0)
    dyn.speed_mps = 10.0
    speeds = drive(dyn, Control(brake=1.0), 4.0)
    # at most 8 m/s²: at least v²/2a = 6.25 m; the 0.15 s actuator lag adds at most v·(lag + dt) = 2 m
    assert 10.0 ** 2 / (2 * P.max_brake_mps2) - 0.01 < dyn.x_m < 6.25 + 10.0 * (P.accel_lag_s + DT)
    assert min(speeds) == 0.0 and speeds[-1] == 0.0
    assert all(s >= 0.0 for s in speeds)
    assert dyn.state().accel_mps2 == 0.0             # standing still under brake: no phantom deceleration


def test_coasting_slows_down_gently():
    dyn = EgoDynamics(0.0, 0.0, 0.0)
    dyn.speed_mps = 10.0
    drive(dyn, Control(), 5.0)
    # resistances with throttle released: 0.15 + 0.3 + ≤ 0.045 m/s² → lose 2.2 .. 2.5 m/s in 5 s
    assert 7.3 < dyn.speed_mps < 8.0


def test_negative_steer_turns_left_yaw_decreasing():
    dyn = EgoDynamics(0.0, 0.0, 0.0)
    dyn.speed_mps = 5.0
    drive(dyn, Control(throttle=0.3, steer=-0.3), 1.0)
    assert dyn.yaw_deg < -5.0                          # left = counter-clockwise = yaw decreasing
    assert dyn.y_m < 0.0                               # and drifting towards −y (left when heading east)
    assert dyn.state().yaw_rate_dps < 0.0 and dyn.state().lat_accel_mps2 < 0.0


def test_lateral_acceleration_and_steer_rate_limits():
    dyn = EgoDynamics(0.0, 0.0, 0.0)
    dyn.speed_mps = 15.0
    dyn.step(Control(throttle=0.5, steer=1.0), DT)
    assert dyn.steer == pytest.approx(P.steer_rate_per_s * DT)     # rate limited
    drive(dyn, Control(throttle=0.5, steer=1.0), 1.0)
    assert abs(dyn.lat_accel_mps2) <= P.max_lat_accel_mps2 + 1e-6
    assert dyn.lat_accel_mps2 > 0.5 * P.max_lat_accel_mps2       # but it does turn hard (right)


def test_reverse_only_with_flag():
    dyn = EgoDynamics(10.0, 0.0, 0.0)
    drive(dyn, Control(brake=1.0), 1.0)
    assert dyn.speed_mps == 0.0 and dyn.x_m == 10.0
    drive(dyn, Control(throttle=0.5, reverse=True), 2.0)
    assert dyn.speed_mps < 0.0 and dyn.x_m < 10.0
    state = dyn.state()
    assert state.speed_mps == pytest.approx(abs(dyn.speed_mps))
    assert math.isclose(state.yaw_deg, 0.0, abs_tol=1e-9)


def test_light_throttle_creeps_from_rest():
    dyn = EgoDynamics(0.0, 0.0, 0.0)
    drive(dyn, Control(throttle=0.1), 3.0)
    # 0.1 · 3.5 = 0.35 m/s² of drive against 0.15 of rolling resistance (no engine braking at rest)
    assert 0.2 < dyn.speed_mps < 0.35 * 3.0
