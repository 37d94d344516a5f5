"""Longitudinal plan: speed limits (route, curvature, junctions), stop points and IDM leaders → s(t), v(t).

A short forward simulation (0.1 s steps) of the ego under min(accelerations) gives both the future
trajectory and the controller's target speed (the simulated speed `control_lookahead_s` ahead), so the
trajectory the learned agents imitate and the control the expert applies come from one plan.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np

from wpt_core.expert.hazards import Leader, StopPoint


@dataclass(frozen=True)
class SpeedConfig:
    speed_limit_mps: float = 8.0
    junction_speed_mps: float = 7.0
    max_lat_accel_mps2: float = 2.0
    max_accel_mps2: float = 2.0
    comfort_decel_mps2: float = 3.0
    max_decel_mps2: float = 8.0
    stop_gain_per_s: float = 2.5      # how hard a speed excess is corrected
    brake_onset: float = 0.8          # start braking for a stop once it needs this × comfort_decel
    stop_hold_m: float = 0.7          # standing this close to a stop point counts as stopped there
    anticipation_s: float = 1.0       # speed limits are read this far ahead of the ego
    idm_headway_s: float = 1.5
    idm_min_gap_m: float = 4.0
    sim_dt_s: float = 0.1
    max_leaders: int = 4              # only the nearest few leaders / stop points can bind
    control_lookahead_s: float = 0.5


@dataclass
class SpeedPlan:
    times: np.ndarray       # (K,) seconds
    s: np.ndarray           # (K,) path arc length of the ego centre
    v: np.ndarray           # (K,)
    target_speed_mps: float
    reason: str


def limit_profile(s: np.ndarray, path_xy: np.ndarray, in_junction: np.ndarray, cap_mps: float,
                  config: SpeedConfig) -> np.ndarray:
    """(M,) speed allowed at each path point: cap, junction cap, curvature, and braking for what comes later."""
    heading = np.unwrap(np.arctan2(np.diff(path_xy[:, 1]), np.diff(path_xy[:, 0])))
    ds = np.maximum(np.diff(s), 1e-3)
    kappa = np.abs(np.diff(heading)) / (0.5 * (ds[1:] + ds[:-1])) if len(heading) > 1 else np.zeros(1)
    kappa = np.convolve(np.concatenate([kappa[:1], kappa, kappa[-1:]]), np.ones(5) / 5.0, mode="same")
    kappa = np.concatenate([kappa, kappa[-1:]])[: len(s)]
    v = np.minimum(cap_mps, np.sqrt(config.max_lat_accel_mps2 / np.maximum(kappa, 1e-4)))
    v = np.where(in_junction, np.minimum(v, config.junction_speed_mps), v)
    # backward pass: v_b(s_i) = min(v_i, sqrt(v_b(s_{i+1})² + 2 b (s_{i+1} − s_i)))
    out = v.tolist()
    s_list = s.tolist()
    two_b = 2.0 * config.comfort_decel_mps2
    for i in range(len(out) - 2, -1, -1):
        reach = math.sqrt(out[i + 1] * out[i + 1] + two_b * (s_list[i + 1] - s_list[i]))
        if reach < out[i]:
            out[i] = reach
    return np.array(out)


def idm_accel(v: float, gap: float, leader_v: float, min_gap: float, config: SpeedConfig) -> float:
    """The interaction term of IDM (the free-road term is the limit profile's job)."""
    if gap <= 0.1:
        return -config.max_decel_mps2
    a, b = config.max_accel_mps2, config.comfort_decel_mps2
    desired = min_gap + max(0.0, v * config.idm_headway_s + v * (v - leader_v) / (2.0 * math.sqrt(a * b)))
    return a * (1.0 - (desired / gap) ** 2)


def plan_speed(v0: float, s: np.ndarray, vlim: np.ndarray, leaders: List[Leader], stops: List[StopPoint],
               horizon_s: float, config: SpeedConfig, reason_default: str = "cruise") -> SpeedPlan:
    """Forward-simulate the ego centre along the path from s = 0."""
    dt = config.sim_dt_s
    n = int(round(horizon_s / dt))
    times = np.arange(n + 1) * dt
    s_out, v_out = np.zeros(n + 1), np.zeros(n + 1)
    pos, v = 0.0, max(v0, 0.0)
    s_list, v_list = s.tolist(), vlim.tolist()
    reason = reason_default
    leaders = sorted(leaders, key=lambda ld: ld.gap_m)[: config.max_leaders]
    stops = sorted(stops, key=lambda st: st.distance_m)[: config.max_leaders]
    for k in range(n + 1):
        s_out[k], v_out[k] = pos, v
        if k == n:
            break
        t = times[k]
        allowed = min(_interp(pos, s_list, v_list), _interp(pos + v * config.anticipation_s, s_list, v_list))
        why = reason_default if allowed >= config.speed_limit_mps - 1e-3 else "curve/limit"
        acc = config.stop_gain_per_s * (allowed - v)
        for stop in stops:
            a_stop = stop_accel(v, stop.distance_m - pos, config)
            if a_stop < acc:
                acc, why = a_stop, stop.reason
        for leader in leaders:
            lv = leader.speed_mps
            if lv > 0.0:
                lv = max(lv + min(leader.accel_mps2, 0.0) * t, 0.0)
            travelled = _leader_travel(leader, t)
            gap = leader.gap_m + travelled - pos
            min_gap = leader.min_gap_m if leader.min_gap_m is not None else config.idm_min_gap_m
            a_idm = idm_accel(v, gap, lv, min_gap, config)
            if a_idm < acc:
                acc, why = a_idm, leader.reason
        acc = min(max(acc, -config.max_decel_mps2), config.max_accel_mps2)
        if k == 0:
            reason = why
        v_new = max(0.0, v + acc * dt)
        pos += 0.5 * (v + v_new) * dt
        v = v_new
    target = float(np.interp(config.control_lookahead_s, times, v_out))
    return SpeedPlan(times, s_out, v_out, target, reason)


def _interp(x: float, xs: List[float], ys: List[float]) -> float:
    """Scalar linear interpolation (np.interp costs more than the whole step for one value)."""
    i = bisect.bisect_right(xs, x)
    if i <= 0:
        return ys[0]
    if i >= len(xs):
        return ys[-1]
    f = (x - xs[i - 1]) / max(xs[i] - xs[i - 1], 1e-9)
    return ys[i - 1] + f * (ys[i] - ys[i - 1])


def stop_accel(v: float, distance_m: float, config: SpeedConfig) -> float:
    """Acceleration for stopping exactly at `distance_m` ahead: brake at the constant deceleration that
    reaches 0 there once it exceeds `brake_onset` × comfort (a kinematic law: no lag, no overshoot);
    before that, only keep the speed below the comfortable stopping profile."""
    if distance_m <= 0.05:
        return -config.max_decel_mps2 if v > 0.05 else -config.comfort_decel_mps2
    if distance_m <= config.stop_hold_m and v < 0.5:
        return -config.comfort_decel_mps2   # close enough: do not creep up to the line (and over it)
    needed = v * v / (2.0 * distance_m)
    if needed >= config.brake_onset * config.comfort_decel_mps2:
        return -needed
    return config.stop_gain_per_s * (math.sqrt(2.0 * config.comfort_decel_mps2 * distance_m) - v)


def _leader_travel(leader: Leader, t: float) -> float:
    """Distance the leader covers in t: braking to a stop if it brakes, oncoming at constant speed."""
    v = leader.speed_mps
    if v <= 0.0 or leader.accel_mps2 >= 0.0:
        return v * t
    t_stop = v / -leader.accel_mps2
    tt = min(t, t_stop)
    return v * tt + 0.5 * leader.accel_mps2 * tt * tt


def sample_plan(plan: SpeedPlan, times: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """(s, v) of the plan at `times` (for the output trajectory)."""
    return np.interp(times, plan.times, plan.s), np.interp(times, plan.times, plan.v)
