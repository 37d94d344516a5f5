"""Making room: for an emergency vehicle coming up behind, and for oncoming vehicles cutting into the lane.

Emergency vehicle in the ego lane behind → move a lane width to the side whose corridor is free (the
side with same-direction traffic seen recently first, else the left unless oncoming traffic was seen
there) and slow down to let it pass; while neither side is free, keep going and retry every tick.
Oncoming vehicles invading the ego lane (InvadingTurn) → shift right within the lane just enough to
keep `invade_clearance_m` from their edge, never leaving the lane (pedestrians walk right beside it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

from wpt_core.expert.corridor_check import CorridorCheckConfig, corridor_clear
from wpt_core.expert.lateral_plan import LateralPlan
from wpt_core.expert.path_frame import PathFrame
from wpt_core.expert.prediction import ActorTrack
from wpt_core.types import EgoState


@dataclass(frozen=True)
class YieldingConfig:
    emergency_behind_m: float = 60.0
    emergency_pass_m: float = 8.0        # released once it is this far ahead of the ego's front
    emergency_speed_factor: float = 0.6  # speed cap (× limit) while moved aside
    emergency_check_s: float = 5.0
    side_memory_m: float = 150.0         # how long (route metres) an observed neighbouring lane is remembered
    invade_range_m: float = 45.0
    invade_clearance_m: float = 0.8
    invade_edge_margin_m: float = 0.3    # the shift keeps the ego this far inside its lane (sidewalks!)
    invade_hold_s: float = 1.5


class YieldingPlanner:
    def __init__(self, config: Optional[YieldingConfig] = None, check: Optional[CorridorCheckConfig] = None) -> None:
        self.config = config if config is not None else YieldingConfig()
        self.check = check if check is not None else CorridorCheckConfig()
        self.emergency_id: Optional[str] = None
        self.emergency_offset = 0.0
        self.speed_cap_factor = 1.0
        self._invade_offset, self._invade_until = 0.0, -1.0
        self._seen = {"left_same": -1e9, "right_same": -1e9, "left_oncoming": -1e9}

    def reset(self) -> None:
        self.__init__(self.config, self.check)

    def _observe(self, tracks: List[ActorTrack], lane_w: float, route_s: float) -> None:
        """Remember where neighbouring lanes exist, from the traffic driving in them."""
        for tr in tracks:
            if not tr.parallel or tr.actor.is_emergency or abs(tr.s0) > 40.0:
                continue
            if -1.5 * lane_w < tr.d0 < -0.6 * lane_w:
                self._seen["left_oncoming" if tr.oncoming else "left_same"] = route_s
            elif 0.6 * lane_w < tr.d0 < 1.5 * lane_w and not tr.oncoming:
                self._seen["right_same"] = route_s

    def _recent(self, key: str, route_s: float) -> bool:
        return route_s - self._seen[key] < self.config.side_memory_m

    def update(self, tracks: List[ActorTrack], frame: PathFrame, ego: EgoState, ego_offset_m: float,
               time_s: float, prediction_dt_s: float) -> Tuple[Optional[LateralPlan], float]:
        """(plan or None, speed cap factor ≤ 1)."""
        lane_w = float(frame.interp(0.0, frame.lane_width_m))
        self._observe(tracks, lane_w, frame.route_s0)
        plan = self._emergency(tracks, frame, ego, ego_offset_m, lane_w, prediction_dt_s)
        if plan is not None or self.emergency_id is not None:
            return plan, self.speed_cap_factor
        return self._invading(tracks, ego, lane_w, time_s), 1.0

    def _emergency(self, tracks: List[ActorTrack], frame: PathFrame, ego: EgoState, ego_offset_m: float,
                   lane_w: float, prediction_dt_s: float) -> Optional[LateralPlan]:
        c = self.config
        ego_hl = 0.5 * ego.length_m
        ev = None
        for tr in tracks:
            if not tr.actor.is_emergency or tr.oncoming:
                continue
            tracked = tr.actor.id == self.emergency_id
            behind = -c.emergency_behind_m < tr.s0 < ego_hl + c.emergency_pass_m
            in_lane = abs(tr.d0 - ego_offset_m) < 0.75 * lane_w
            if behind and (tracked or (in_lane and tr.s0 < ego_hl)):
                ev = tr
                break
        if ev is None:
            self.emergency_id, self.emergency_offset, self.speed_cap_factor = None, 0.0, 1.0
            return None
        if ev.actor.id != self.emergency_id or self.emergency_offset == 0.0:
            # (re)try every tick until a neighbouring lane is free; then stick to it until the EV has passed
            self.emergency_id = ev.actor.id
            self.emergency_offset = self._choose_side(tracks, frame, ego, lane_w, ev, prediction_dt_s)
        # slow down only once aside: braking in front of it would invite a rear-end collision
        self.speed_cap_factor = c.emergency_speed_factor if self.emergency_offset != 0.0 else 1.0
        if self.emergency_offset == 0.0:
            return None
        return LateralPlan.constant(self.emergency_offset, f"make room for {ev.actor.id}")

    def _choose_side(self, tracks: List[ActorTrack], frame: PathFrame, ego: EgoState, lane_w: float,
                     ev: ActorTrack, prediction_dt_s: float) -> float:
        route_s = frame.route_s0
        sides = []
        if self._recent("right_same", route_s):
            sides.append(lane_w)
        if self._recent("left_same", route_s) or not self._recent("left_oncoming", route_s):
            sides.append(-lane_w)
        for offset in sides:
            plan = LateralPlan.constant(offset, "probe")
            ok, _ = corridor_clear(tracks, frame, plan.at(frame.route_s0 + frame.s), ego,
                                   self.config.emergency_check_s, max(ego.speed_mps, 3.0), 1.0,
                                   [ev.actor.id], prediction_dt_s, self.check)
            if ok:
                return offset
        return 0.0   # no free lane yet: stay in lane and retry next tick

    def _invading(self, tracks: List[ActorTrack], ego: EgoState, lane_w: float, time_s: float) -> Optional[LateralPlan]:
        """Oncoming traffic cutting into the lane (tracks are only `oncoming` where the path is straight,
        so turning traffic inside a junction does not count)."""
        c = self.config
        ego_hl, ego_hw = 0.5 * ego.length_m, 0.5 * ego.width_m
        need = 0.0
        for tr in tracks:
            if not (tr.oncoming and -ego_hl < tr.s0 < c.invade_range_m and tr.d0 < 0.0 and tr.actor.speed_mps > 1.0):
                continue
            need = max(need, tr.d0 + tr.e_lat + c.invade_clearance_m + ego_hw)
        if need > 0.05:
            limit = max(0.0, 0.5 * (lane_w - ego.width_m) - c.invade_edge_margin_m)
            self._invade_offset = max(min(need, limit), self._invade_offset if time_s < self._invade_until else 0.0)
            self._invade_until = time_s + c.invade_hold_s
        elif time_s >= self._invade_until:
            self._invade_offset = 0.0
        return LateralPlan.constant(self._invade_offset, "invading vehicle") if self._invade_offset > 0.0 else None
