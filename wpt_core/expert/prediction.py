"""Where the other road users will be: constant velocity (braking vehicles: constant deceleration to a stop).

Vehicles driving roughly along the route (same or opposite direction) are predicted in the path frame
(they follow the road, with their lateral drift only counted when it is clearly a lane change); all
others (crossing traffic, walkers) move in a straight world line that is then projected on the path.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np

from wpt_core.expert.path_frame import PathFrame
from wpt_core.types import Actor, ActorKind, Scene

COARSE_NEAR_M = 10.0   # points farther than 2× this from every 10th path point cannot touch the corridor


@dataclass(frozen=True)
class PredictionConfig:
    horizon_s: float = 6.0
    dt_s: float = 0.25
    walker_horizon_s: float = 3.0       # walkers change their mind: do not trust them further
    radius_m: float = 100.0             # actors farther are ignored (= the scene radius: a pass needs it all)
    parallel_deg: float = 30.0          # |heading − path heading| below this (or above 180 − this) = along the road
    lateral_deadband_deg: float = 8.0   # heading noise of lane followers is not a lane change
    lateral_horizon_s: float = 3.0      # a cut-in's sideways motion is extrapolated this long at most
    straight_path_deg: float = 25.0     # path heading change up to which along-the-road prediction is used
    braking_threshold_mps2: float = -0.7  # below this estimated accel, a vehicle is predicted to keep braking
    accel_smoothing: float = 0.3        # EMA weight of a new acceleration sample


@dataclass
class ActorTrack:
    """One actor in the path frame now (s0, d0) and at the prediction times (s_k, d_k)."""

    actor: Actor
    s0: float
    d0: float
    dpsi_rad: float          # actor heading − path heading, wrapped to (−π, π]
    v_lon: float             # speed along the path (negative = oncoming)
    v_lat: float             # sideways speed counted by the prediction (+ = to the right)
    e_lon: float             # half extent along the path
    e_lat: float             # half extent across the path
    parallel: bool
    oncoming: bool
    accel: float
    s_k: np.ndarray
    d_k: np.ndarray
    valid_k: np.ndarray      # False beyond the actor's trusted horizon
    e_lat_k: np.ndarray      # half extent across the path per sample (a crossing actor turns relative to it)

    @property
    def is_vru(self) -> bool:
        return self.actor.kind in (ActorKind.WALKER, ActorKind.BICYCLE)

    @property
    def is_static(self) -> bool:
        return self.actor.kind == ActorKind.STATIC


def travel(speed: np.ndarray, accel: np.ndarray, times: np.ndarray) -> np.ndarray:
    """(A, K) distance covered at constant `accel` (< 0: until standstill; ≥ 0: constant speed)."""
    speed, accel = np.atleast_1d(speed)[:, None], np.atleast_1d(accel)[:, None]
    braking = accel < 0.0
    t_stop = np.where(braking, speed / np.where(braking, -accel, 1.0), np.inf)
    t = np.minimum(times[None, :], t_stop)
    return speed * t + 0.5 * np.where(braking, accel, 0.0) * t * t


class ActorPredictor:
    """Stateful only for the acceleration estimate (speed differences between ticks)."""

    def __init__(self, config: Optional[PredictionConfig] = None) -> None:
        self.config = config if config is not None else PredictionConfig()
        self.times = np.arange(0.0, self.config.horizon_s + 1e-9, self.config.dt_s)
        self._history: Dict[str, Tuple[float, float, float]] = {}

    def reset(self) -> None:
        self._history.clear()

    def _accel(self, actor: Actor, time_s: float) -> float:
        prev = self._history.get(actor.id)
        accel = 0.0
        if prev is not None and time_s > prev[0] + 1e-6:
            sample = (actor.speed_mps - prev[1]) / (time_s - prev[0])
            accel = prev[2] + self.config.accel_smoothing * (min(max(sample, -10.0), 5.0) - prev[2])
        self._history[actor.id] = (time_s, actor.speed_mps, accel)
        return accel

    def predict(self, scene: Scene, frame: PathFrame) -> List[ActorTrack]:
        """Tracks of the actors within `radius_m` of the ego (computed as one batch: this runs every tick)."""
        c = self.config
        ego = scene.ego
        seen = set()
        near = []
        for a in scene.actors:
            seen.add(a.id)
            accel = self._accel(a, scene.time_s)
            if math.hypot(a.x_m - ego.x_m, a.y_m - ego.y_m) <= c.radius_m:
                near.append((a, accel))
        for gone in [k for k in self._history if k not in seen]:
            del self._history[gone]
        if not near:
            return []
        actors = [a for a, _ in near]
        arr = np.array([[a.x_m, a.y_m, a.yaw_deg, a.speed_mps, a.length_m, a.width_m, acc] for a, acc in near])
        walker = np.array([a.kind == ActorKind.WALKER for a in actors])
        static = np.array([a.kind == ActorKind.STATIC for a in actors])
        s0, d0, _ = frame.project(arr[:, :2])
        yaw = np.radians(arr[:, 2])
        dpsi = (yaw - frame.yaw_at(s0) + math.pi) % (2 * math.pi) - math.pi
        speed = np.where(static, 0.0, np.maximum(arr[:, 3], 0.0))
        tol = math.radians(c.parallel_deg)
        parallel = ~walker & ((np.abs(dpsi) < tol) | (np.abs(dpsi) > math.pi - tol))
        parallel &= self._straight_between(frame, s0, parallel)
        oncoming = parallel & (np.abs(dpsi) > math.pi / 2)
        hl, hw = 0.5 * arr[:, 4], 0.5 * arr[:, 5]
        radius = np.maximum(np.maximum(hl, hw), 0.3)
        hl, hw = np.where(walker, radius, hl), np.where(walker, radius, hw)
        cos_d, sin_d = np.cos(dpsi), np.sin(dpsi)
        e_lon = np.abs(hl * cos_d) + np.abs(hw * sin_d)
        e_lat = np.abs(hl * sin_d) + np.abs(hw * cos_d)
        braking = np.where((arr[:, 6] < c.braking_threshold_mps2) & ~walker, arr[:, 6], 0.0)
        dist = travel(speed, braking, self.times)
        horizon = np.where(walker, c.walker_horizon_s, c.horizon_s)
        valid = self.times[None, :] <= horizon[:, None] + 1e-9
        deviation = np.minimum(np.abs(dpsi), math.pi - np.abs(dpsi))
        side = np.where(parallel & (deviation < math.radians(c.lateral_deadband_deg)), 0.0, sin_d)
        lat_dist = travel(speed, braking, np.minimum(self.times, c.lateral_horizon_s))
        s_k = np.where(parallel[:, None], s0[:, None] + dist * cos_d[:, None], np.nan)
        # along the road = in their lane: where the path itself changes lanes, their offset from it changes
        lane_shift = (frame.interp(np.nan_to_num(s_k, nan=0.0), frame.lane_shift_m)
                      - frame.interp(s0, frame.lane_shift_m)[:, None])
        d_k = np.where(parallel[:, None], d0[:, None] + lat_dist * side[:, None] - lane_shift, np.nan)
        e_lat_k = np.repeat(e_lat[:, None], len(self.times), axis=1)
        self._project_crossing(~parallel, arr, dist, s_k, d_k, frame)
        crossing = np.nonzero(~parallel)[0]
        if len(crossing):
            rel = yaw[crossing, None] - frame.yaw_at(np.nan_to_num(s_k[crossing], nan=0.0))
            e_lat_k[crossing] = np.abs(hl[crossing, None] * np.sin(rel)) + np.abs(hw[crossing, None] * np.cos(rel))
        v_lon, v_lat = speed * cos_d, speed * side
        return [ActorTrack(a, float(s0[i]), float(d0[i]), float(dpsi[i]), float(v_lon[i]), float(v_lat[i]),
                           float(e_lon[i]), float(e_lat[i]), bool(parallel[i]), bool(oncoming[i]), float(braking[i]),
                           s_k[i], d_k[i], valid[i], e_lat_k[i]) for i, a in enumerate(actors)]

    def _straight_between(self, frame: PathFrame, s0: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """The along-the-road model only holds where the path is straight between the ego and the actor:
        where it turns (junctions) an oncoming car goes straight across it."""
        ok = np.ones(len(s0), dtype=bool)
        limit = math.radians(self.config.straight_path_deg)
        for i in np.nonzero(candidates)[0]:
            lo = int(np.searchsorted(frame.s, min(0.0, s0[i]) - 5.0))
            hi = int(np.searchsorted(frame.s, max(0.0, s0[i]) + 10.0))
            seg = frame.yaw_rad[lo:max(hi, lo + 1)]
            ok[i] = float(seg.max() - seg.min()) < limit if len(seg) else True
        return ok

    def _project_crossing(self, todo: np.ndarray, arr: np.ndarray, dist: np.ndarray, s_k: np.ndarray,
                          d_k: np.ndarray, frame: PathFrame) -> None:
        """Straight world-line prediction for everything not along the road, projected in one batch."""
        rows = np.nonzero(todo)[0]
        if len(rows) == 0:
            return
        yaw = np.radians(arr[rows, 2])
        pts = np.stack([arr[rows, 0:1] + dist[rows] * np.cos(yaw)[:, None],
                        arr[rows, 1:2] + dist[rows] * np.sin(yaw)[:, None]], axis=2).reshape(-1, 2)
        s, d = np.full(len(pts), np.nan), np.full(len(pts), np.nan)
        # only points that can be near the path are projected (the projection is the expensive part)
        coarse = frame.xy[:: max(1, int(COARSE_NEAR_M))]
        near = np.min(np.sum((pts[:, None, :] - coarse[None, :, :]) ** 2, axis=2), axis=1) < (2.0 * COARSE_NEAR_M) ** 2
        if near.any():
            s[near], d[near], _ = frame.project(pts[near])
        k = len(self.times)
        s_k[rows] = s.reshape(-1, k)
        d_k[rows] = d.reshape(-1, k)
