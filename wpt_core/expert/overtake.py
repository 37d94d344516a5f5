"""Passing obstacles that block the ego lane (parked cars, accidents, construction, broken-down vehicles).

The obstacles intruding into the ego's corridor ahead are grouped into one cluster; the ego shifts by
the smallest offset that clears them (within its lane if that is enough, else a full lane width to the
left, i.e. the neighbouring or opposite lane), held from just before the cluster until its rear has
cleared it. The plan is only committed when the shifted corridor is free of other actors for the whole
manoeuvre (space-time check); until then the ego waits behind the obstacle with room to pull out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Dict, List, Optional

import numpy as np

from wpt_core.expert.corridor_check import CorridorCheckConfig, corridor_clear, ego_progress
from wpt_core.expert.lateral_plan import LateralPlan
from wpt_core.expert.path_frame import PathFrame
from wpt_core.expert.prediction import ActorTrack
from wpt_core.types import ActorKind, EgoState


@dataclass(frozen=True)
class OvertakeConfig:
    enabled: bool = True
    detect_range_m: float = 45.0
    commit_range_m: float = 25.0       # decide only when the cluster's rear is this close
    join_gap_m: float = 15.0           # obstacles closer than this are passed in one go
    corridor_margin_m: float = 0.3     # an obstacle blocks if it comes this close to the ego's corridor
    lateral_clearance_m: float = 0.7   # side clearance kept while passing
    pass_speed_mps: float = 6.0
    pass_accel_mps2: float = 1.5
    pass_lat_accel_mps2: float = 2.0   # = the speed planner's curvature limit: the pass speed the check assumes
    patience_s: float = 20.0           # waiting longer than this behind an obstacle relaxes the check
    ramp_in_m: float = 10.0
    ramp_out_m: float = 12.0
    rear_clearance_m: float = 2.0      # the ego's rear passes the cluster by this before returning
    max_offset_lanes: float = 1.6
    stationary_vehicle_s: float = 15.0  # a scenario vehicle standing this long is an obstacle (HardBreak: 10 s)
    stationary_background_s: float = 20.0  # any other vehicle (broken down, parked, deadlocked)
    signal_clearance_m: float = 30.0   # ... unless a red light / stop line lies within this of it
    max_cluster_m: float = 45.0        # longer stationary rows are queues, not obstacles: wait
    slow_cyclist_mps: float = 3.0      # scenario cyclists slower than this are overtaken


@dataclass
class Cluster:
    s_lo: float
    s_hi: float
    d_lo: float
    d_hi: float
    ids: List[str]


class OvertakePlanner:
    def __init__(self, config: Optional[OvertakeConfig] = None, check: Optional[CorridorCheckConfig] = None) -> None:
        self.config = config if config is not None else OvertakeConfig()
        self.check = check if check is not None else CorridorCheckConfig()
        self.plan: Optional[LateralPlan] = None
        self.ignore_ids: List[str] = []
        self.waiting_reason = ""
        self._still_since: Dict[str, float] = {}
        self._waiting_since: Optional[float] = None

    def reset(self) -> None:
        self.plan, self.ignore_ids, self.waiting_reason = None, [], ""
        self._still_since.clear()
        self._waiting_since = None

    def is_obstacle(self, tr: ActorTrack, time_s: float, frame: PathFrame, signal_s: List[float]) -> bool:
        """Static objects, slow scenario cyclists, and vehicles that have stood in the lane for long
        (scenario vehicles after `stationary_vehicle_s`, any vehicle after `stationary_background_s`)
        unless a red light / stop line or a junction explains why they stand."""
        a, c = tr.actor, self.config
        if tr.is_static:
            return True
        if a.speed_mps > 0.2:
            self._still_since.pop(a.id, None)
        else:
            self._still_since.setdefault(a.id, time_s)
        if a.kind == ActorKind.BICYCLE:
            return a.role == "scenario" and not tr.oncoming and a.speed_mps < c.slow_cyclist_mps
        if a.kind != ActorKind.VEHICLE:
            return False
        still = time_s - self._still_since.get(a.id, time_s)
        if still < (c.stationary_vehicle_s if a.role == "scenario" else c.stationary_background_s):
            return False
        if any(tr.s0 - c.signal_clearance_m < s < tr.s0 + c.signal_clearance_m for s in signal_s):
            return False
        return a.role == "scenario" or frame.interp(tr.s0, frame.in_junction.astype(float)) == 0.0

    def cluster(self, tracks: List[ActorTrack], frame: PathFrame, ego: EgoState, time_s: float,
                signal_s: List[float]) -> Optional[Cluster]:
        c = self.config
        ego_hl, ego_hw = 0.5 * ego.length_m, 0.5 * ego.width_m
        found = []
        for tr in tracks:
            if not self.is_obstacle(tr, time_s, frame, signal_s):
                continue
            lo, hi = tr.d0 - tr.e_lat, tr.d0 + tr.e_lat
            blocking = lo < ego_hw + c.corridor_margin_m and hi > -(ego_hw + c.corridor_margin_m)
            if blocking and ego_hl - 1.0 < tr.s0 - tr.e_lon and tr.s0 < c.detect_range_m:
                found.append((tr.s0 - tr.e_lon, tr.s0 + tr.e_lon, lo, hi, tr.actor.id))
        if not found:
            return None
        found.sort()
        s_lo, s_hi, d_lo, d_hi, first = found[0]
        out = Cluster(s_lo, s_hi, d_lo, d_hi, [first])
        for lo_s, hi_s, lo, hi, aid in found[1:]:
            if lo_s > out.s_hi + c.join_gap_m:
                break
            out.s_hi, out.d_lo, out.d_hi = max(out.s_hi, hi_s), min(out.d_lo, lo), max(out.d_hi, hi)
            out.ids.append(aid)
        return out if out.s_hi - out.s_lo <= c.max_cluster_m else None

    def offset_for(self, cl: Cluster, ego: EgoState, lane_width_m: float) -> Optional[float]:
        """Smallest lateral shift that clears the cluster (None if more than `max_offset_lanes`)."""
        c = self.config
        ego_hw = 0.5 * ego.width_m
        in_lane = max(0.0, 0.5 * (lane_width_m - ego.width_m)) + 0.3
        left = cl.d_lo - c.lateral_clearance_m - ego_hw          # ≤ 0: shift to the left
        right = cl.d_hi + c.lateral_clearance_m + ego_hw         # ≥ 0: shift to the right
        if 0.0 <= right <= in_lane and right < -left:
            return right
        offset = left if -left <= in_lane else min(left, -lane_width_m)
        return offset if -offset <= c.max_offset_lanes * lane_width_m else None

    def update(self, tracks: List[ActorTrack], frame: PathFrame, ego: EgoState, ego_offset_m: float,
               time_s: float, prediction_dt_s: float, signal_s: List[float]) -> Optional[LateralPlan]:
        """The active plan (new, continued or None). `signal_s`: stop lines ahead (path s of the ego front)."""
        c = self.config
        self.waiting_reason = ""
        if not c.enabled:
            return None
        signal_s = [s + 0.5 * ego.length_m for s in signal_s]
        cl = self.cluster(tracks, frame, ego, time_s, signal_s)
        route_s = frame.route_s0
        if self.plan is not None:
            if route_s > self.plan.end_m:
                self.plan, self.ignore_ids = None, []
            elif cl is not None and frame.route_s0 + cl.s_lo < self.plan.release_m + c.join_gap_m:
                release = frame.route_s0 + cl.s_hi + 0.5 * ego.length_m + c.rear_clearance_m
                if release > self.plan.release_m:
                    self.plan.release_m, self.plan.end_m = release, release + c.ramp_out_m
                full = frame.route_s0 + cl.s_lo - 1.0
                if full < self.plan.full_m:   # a new obstacle before the planned one: be out by its rear
                    self.plan.start_m, self.plan.full_m = full - c.ramp_in_m, full
                self.ignore_ids = sorted(set(self.ignore_ids) | set(cl.ids))
            if self.plan is not None and route_s < self.plan.full_m and abs(ego_offset_m) < 0.5:
                ok, why = self._clear(self.plan, tracks, frame, ego, prediction_dt_s, time_s)
                if not ok:
                    self.plan, self.waiting_reason = None, why
            return self.plan
        if cl is None or cl.s_lo - 0.5 * ego.length_m > c.commit_range_m:
            self._waiting_since = None
            return None
        lane_w = float(frame.interp(max(cl.s_lo, 0.0), frame.lane_width_m))
        offset = self.offset_for(cl, ego, lane_w)
        if offset is None:
            self.waiting_reason = "obstacle too wide"
            return None
        full = route_s + cl.s_lo - 1.0
        release = route_s + cl.s_hi + 0.5 * ego.length_m + c.rear_clearance_m
        plan = LateralPlan(offset, full - c.ramp_in_m, full, release, release + c.ramp_out_m, "overtake")
        self.ignore_ids = list(cl.ids)
        ok, why = self._clear(plan, tracks, frame, ego, prediction_dt_s, time_s)
        if ok:
            self.plan, self._waiting_since = plan, None
        else:
            self.waiting_reason = why
        return self.plan

    def _clear(self, plan: LateralPlan, tracks: List[ActorTrack], frame: PathFrame, ego: EgoState,
               prediction_dt_s: float, time_s: float) -> tuple:
        """Space-time check of the plan at the speed its lane-change curvature allows; after waiting
        `patience_s` the margins shrink (oncoming traffic brakes for a car in its lane; being blocked
        for good costs more than a tight pass)."""
        c = self.config
        offsets = plan.at(frame.route_s0 + frame.s)
        ramp = max(min(plan.full_m - plan.start_m, plan.end_m - plan.release_m), 1.0)
        kappa = 6.0 * abs(plan.offset_m) / (ramp * ramp)          # peak curvature of a smoothstep shift
        v_pass = min(c.pass_speed_mps, math.sqrt(c.pass_lat_accel_mps2 / max(kappa, 1e-3)))
        times = np.arange(0.0, 40.0, 0.25)
        s_e, _ = ego_progress(times, ego.speed_mps, c.pass_accel_mps2, v_pass)
        remaining = plan.end_m - frame.route_s0
        duration = float(times[min(int(np.searchsorted(s_e, remaining)), len(times) - 1)]) + 1.0
        self._waiting_since = time_s if self._waiting_since is None else self._waiting_since
        check = self.check
        if time_s - self._waiting_since >= c.patience_s:
            check = replace(check, headway_s=check.headway_s * 0.4, lon_margin_m=check.lon_margin_m * 0.5)
        return corridor_clear(tracks, frame, offsets, ego, duration, v_pass, c.pass_accel_mps2,
                              self.ignore_ids, prediction_dt_s, check)
