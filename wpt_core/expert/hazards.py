"""Conflicts between the predicted actors and the ego's swept corridor (planned path ± half width + margin).

Three outcomes: a *leader* (an actor in the corridor ahead, or cutting into it: follow with IDM), a
*stop point* (a crossing actor whose time in the corridor overlaps the ego's: stop before the conflict),
or nothing. Vehicles whose conflict zone the ego has already entered are not braked for (the ego is
committed and clears it faster by going on); pedestrians and cyclists always are.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Literal

import numpy as np

from wpt_core.expert.path_frame import PathFrame
from wpt_core.geometry import OrientedBox
from wpt_core.expert.prediction import ActorTrack
from wpt_core.types import ActorKind, EgoState


MergeGap = Literal["open", "closed", "let pass"]


@dataclass(frozen=True)
class HazardConfig:
    lat_margin_m: float = 0.3          # vehicles: corridor half width = ego half width + this
    vru_lat_margin_m: float = 0.8      # pedestrians / cyclists moving towards the path
    vru_approach_mps: float = 0.3      # sideways speed towards the path that counts as approaching
    vru_along_margin_m: float = 0.1    # pedestrians standing or walking along the path (sidewalks)
    time_buffer_s: float = 1.2         # vehicles: required separation of the corridor occupancy windows
    vru_time_buffer_s: float = 2.0
    stop_margin_m: float = 3.0         # stop this far before a crossing actor's path
    vru_stop_margin_m: float = 3.0
    cutin_horizon_s: float = 2.5       # a vehicle entering the corridor within this becomes a leader
    go_accel_mps2: float = 1.8         # the ego's assumed acceleration when estimating its arrival
    vru_touch_margin_m: float = 0.5    # a pedestrian this close beside a (nearly) standing ego holds it still:
    vru_touch_speed_mps: float = 1.0   # ... it may be walking into the ego's side, where the corridor does not look
    patience_s: float = 10.0           # standing (below `waiting_speed_mps`) this long makes the ego accept
    waiting_speed_mps: float = 1.0     # tighter gaps ... (creeping forward is still waiting)
    impatient_buffer_factor: float = 0.4   # ... in vehicle flows (time buffer × this)
    static_gap_m: float = 7.0          # stand back from obstacles (room to pull out around them)
    merge_headway_s: float = 0.3       # a flow car behind the merging ego keeps at least this headway ...
    merge_follower_decel_mps2: float = 3.0   # ... and brakes at most this hard to the ego's speed (while the
    merge_impatient_decel_mps2: float = 4.5  # ego waits patiently; this hard once impatient or changing lanes)
    merge_min_gap_m: float = 1.5
    merge_speed_max_mps: float = 17.0  # merging, the ego speeds up to the flow's speed, at most this


@dataclass
class Leader:
    gap_m: float               # bumper to bumper along the path
    speed_mps: float           # along the path (negative = oncoming)
    accel_mps2: float
    reason: str
    min_gap_m: float | None = None


@dataclass
class StopPoint:
    distance_m: float          # from the ego's front bumper along the path
    reason: str


def time_to_travel(dist_m: float, v0: float, accel: float, vmax: float) -> float:
    """Seconds to cover `dist_m` from speed v0, accelerating at `accel` up to `vmax`."""
    dist_m, v0 = max(dist_m, 0.0), max(v0, 0.0)
    if vmax <= v0 + 1e-6:
        return dist_m / max(v0, 0.1)
    d_acc = (vmax * vmax - v0 * v0) / (2.0 * accel)
    if dist_m <= d_acc:
        return (-v0 + math.sqrt(v0 * v0 + 2.0 * accel * dist_m)) / accel
    return (vmax - v0) / accel + (dist_m - d_acc) / vmax


@dataclass
class Hazards:
    leaders: List[Leader]
    stops: List[StopPoint]
    merges: List[StopPoint]    # gaps not (yet) acceptable in the lane the path changes into
    flow_mps: float            # the speed of the traffic in that lane (0: none)


def assess(tracks: List[ActorTrack], frame: PathFrame, offsets: np.ndarray, ego: EgoState, times: np.ndarray,
           cruise_mps: float, config: HazardConfig, impatient: bool = False, changing_lanes: bool = False) -> Hazards:
    """What constrains the ego on the path `frame` shifted by `offsets` (M,).

    `impatient` (the ego has stood for long) shrinks the vehicles' time buffer: gap acceptance in a
    dense flow, otherwise the ego would wait for ever. `changing_lanes`: a lane change under way, the
    cars beside the ego were accepted when it began."""
    out = Hazards([], [], [], 0.0)
    ego_hl, ego_hw = 0.5 * ego.length_m, 0.5 * ego.width_m
    v = max(ego.speed_mps, 0.0)
    ego_d = float(offsets[np.searchsorted(frame.s, 0.0)])   # the path's offset at the ego
    for tr in tracks:
        if tr.actor.is_emergency and tr.s0 < 0.0:
            continue  # behind us: the give-way planner handles it
        margin = config.lat_margin_m
        if tr.is_vru:   # heading for the path: a wide berth; walking along the road edge: just no contact
            approaching = -math.copysign(1.0, tr.d0) * tr.v_lat > config.vru_approach_mps
            margin = config.vru_lat_margin_m if approaching else config.vru_along_margin_m
        # the path's offset at the actor's front, centre and rear: a shifting path (pulling out) can clear
        # an actor's centre and still cut its corner
        clear = np.min([np.abs(tr.d_k - np.interp(tr.s_k + ds, frame.s, offsets))
                        for ds in (-tr.e_lon, 0.0, tr.e_lon)], axis=0) - tr.e_lat_k - ego_hw
        inside = (clear < margin) & tr.valid_k & (tr.s_k + tr.e_lon > -ego_hl) & (tr.s_k - tr.e_lon < frame.length_m)
        inside &= ~np.isnan(tr.s_k)
        if not inside.any():
            continue
        label = f"{tr.actor.kind.value}:{tr.actor.id}"
        # changing lanes, the corridor ahead is already in the next lane, where a car passing beside the
        # ego is now; clear of the ego's body it is the car to merge behind (or not), not one to brake for
        beside = (changing_lanes and tr.parallel and tr.v_lat == 0.0 and tr.s0 - tr.e_lon < ego_hl
                  and abs(tr.d0 - ego_d) - tr.e_lat - ego_hw >= margin)
        if inside[0] and not beside:
            if tr.s0 > 0.0:
                speed = max(tr.v_lon, 0.0) if tr.is_vru else tr.v_lon
                gap = tr.s0 - tr.e_lon - ego_hl
                out.leaders.append(Leader(gap, speed, tr.accel, f"leader {label}",
                                          config.static_gap_m if tr.is_static else None))
            continue
        k_in = int(np.argmax(inside))
        idx = _first_crossing(tr, inside)
        if tr.parallel:
            if tr.oncoming:
                continue    # oncoming drifting in: the give-way planner's job
            # not drifting, yet in the corridor later: the path changes into its lane
            lane_change = tr.v_lat == 0.0 and _joins_path(tr, idx, times, frame.length_m)
            cut_in = times[k_in] <= config.cutin_horizon_s and tr.s0 - tr.e_lon > ego_hl
            if lane_change:
                out.flow_mps = max(out.flow_mps, tr.actor.speed_mps)
                merge_s, seen_s = _merge_point(tr, frame, offsets, ego_hw, config.lat_margin_m)
                # the car the ego merges behind is in its way only once one of them reaches the merge point
                # (before, it pulls away beside the ego), and then with the merge's short gap, not 4 m
                cut_in &= merge_s <= ego_hl or tr.s0 - tr.e_lon > merge_s
            if cut_in:   # ahead and coming in (a cut-in, or the car the ego merges behind): follow it
                out.leaders.append(Leader(tr.s0 - tr.e_lon - ego_hl, tr.v_lon, tr.accel, f"cut-in {label}",
                                          config.merge_min_gap_m if lane_change else None))
            elif lane_change:
                gap = _merge_gap(tr, merge_s, seen_s, ego_hl, v, cruise_mps, config, impatient, changing_lanes)
                if gap == "let pass":
                    out.stops.append(StopPoint(max(0.0, merge_s - ego_hl), f"let {label} pass"))
                elif gap == "closed":
                    out.merges.append(StopPoint(max(0.0, merge_s - ego_hl - config.stop_margin_m),
                                                f"merge behind {label}"))
            continue
        stop = _crossing_stop(tr, idx, times, frame.length_m, ego_hl, v, cruise_mps, config, impatient)
        if stop is not None:
            out.stops.append(StopPoint(stop, f"yield {label}"))
    return out


def _first_crossing(tr: ActorTrack, inside: np.ndarray) -> np.ndarray:
    """Prediction indices of the actor's first stay in the corridor (a later "re-entry" is a projection artefact)."""
    idx = np.nonzero(inside)[0]
    gaps = np.nonzero(np.diff(idx) > 1)[0]
    return idx[: gaps[0] + 1] if len(gaps) else idx


def _stays_to_horizon(tr: ActorTrack, idx: np.ndarray, path_length_m: float) -> bool:
    """The stay lasts to the prediction horizon, or ends only because the actor drives off the path's far
    end (a car passing beside the ego along a short path leaves it that way; it has not left the lane)."""
    last = int(idx[-1])
    if last == int(np.nonzero(tr.valid_k)[0][-1]):
        return True
    following = float(tr.s_k[last + 1])
    return not math.isnan(following) and following - tr.e_lon >= path_length_m


def _joins_path(tr: ActorTrack, idx: np.ndarray, times: np.ndarray, path_length_m: float) -> bool:
    """It enters the corridor and drives on along it to the horizon (a lane the path changes into)."""
    return _stays_to_horizon(tr, idx, path_length_m) and _merges_along(tr, idx, times)


def _crossing_stop(tr: ActorTrack, idx: np.ndarray, times: np.ndarray, path_length_m: float, ego_hl: float,
                   v: float, cruise_mps: float, config: HazardConfig, impatient: bool) -> float | None:
    """Distance to stop at if the actor's corridor occupancy (`idx`) overlaps the ego's; None if no conflict."""
    t_in = float(times[idx[0]])
    t_out = math.inf if _stays_to_horizon(tr, idx, path_length_m) else float(times[idx[-1]])
    s_lo = float(np.min(tr.s_k[idx]) - tr.e_lon)
    s_hi = float(np.max(tr.s_k[idx]) + tr.e_lon)
    if math.isinf(t_out) and not tr.is_vru and _merges_along(tr, idx, times):
        # it joins the path and drives on along it (a flow the ego turns into): the conflict is the merge
        # point only; once its rear is past it, it is a leader like any other
        s_entry = float(tr.s_k[idx[0]])
        past = np.nonzero(tr.valid_k & (tr.s_k - tr.e_lon > s_entry + tr.e_lon))[0]
        past = past[past > idx[0]]
        t_out = float(times[past[0]]) if len(past) else math.inf
        s_lo, s_hi = s_entry - tr.e_lon, s_entry + tr.e_lon
    buffer = config.time_buffer_s * (config.impatient_buffer_factor if impatient else 1.0)
    if tr.is_vru:
        buffer = config.vru_time_buffer_s
    t_ego_in = time_to_travel(s_lo - ego_hl, v, config.go_accel_mps2, cruise_mps)
    t_ego_out = time_to_travel(s_hi + ego_hl, v, config.go_accel_mps2, cruise_mps)
    if not (t_ego_in < t_out + buffer and t_in - buffer < t_ego_out):
        return None
    if s_lo < ego_hl and not tr.is_vru:
        return None         # already in the conflict zone: clear it rather than stop inside it
    return max(0.0, s_lo - ego_hl - (config.vru_stop_margin_m if tr.is_vru else config.stop_margin_m))


def _merge_gap(tr: ActorTrack, merge_s: float, seen_s: float, ego_hl: float, v: float, cruise_mps: float,
               config: HazardConfig, impatient: bool, changing_lanes: bool) -> MergeGap:
    """Whether a vehicle in the lane the path changes into (an acceleration lane's end) leaves the ego room:
    "open", "closed", or "let pass" — changing lanes into the gap behind it, the ego would reach the merge
    point a moment before it has passed (the speed plan does not know the gap's timing), but holding its
    speed it lets the car by first: a stop at the merge point until then, not a reason to give the gap up.

    Gap acceptance, not a crossing: the ego may change lanes if, when its front reaches the car's lane,
    the car is ahead of it, or if, when the ego is visibly in that lane (the follower reacts then, not
    before), the car is behind with room to brake to the ego's speed (its headway plus the braking distance
    for the speed difference, the ego accelerating meanwhile). The car drives on at its speed along its
    lane. A time window at the lane end alone would need a gap of several seconds from a standstill and
    ignore the car closing in from behind afterwards: a flow of ordinary headways would hold the ego for ever.

    A merge point at the ego already: before the change begins it is the car beside or just behind the
    ego, checked from where the ego is now; once it is `changing_lanes`, that car was accepted."""
    if merge_s < ego_hl and changing_lanes:
        return "open"
    v_car = max(tr.actor.speed_mps, 0.0)
    cruise_mps = max(cruise_mps, v, min(v_car, config.merge_speed_max_mps))   # it merges at the flow's speed
    accel = config.go_accel_mps2

    def ego_at(front_s: float) -> tuple[float, float]:
        travel = max(front_s - ego_hl, 0.0)
        return (time_to_travel(travel, v, accel, cruise_mps),
                min(cruise_mps, math.sqrt(v * v + 2.0 * accel * travel)))

    tolerant = impatient or changing_lanes
    t_merge, _ = ego_at(merge_s)
    ahead = tr.s0 + v_car * t_merge - tr.e_lon >= merge_s + config.merge_min_gap_m
    t_seen, v_seen = ego_at(seen_s + ego_hl)     # its centre at seen_s
    decel = config.merge_impatient_decel_mps2 if tolerant else config.merge_follower_decel_mps2
    headway = config.merge_headway_s * (config.impatient_buffer_factor if tolerant else 1.0)
    room = v_car * headway + max(v_car - v_seen, 0.0) ** 2 / (2.0 * (decel + accel))
    behind = seen_s - ego_hl - (tr.s0 + v_car * t_seen + tr.e_lon) >= room + config.merge_min_gap_m
    if behind or ahead:
        return "open"
    t_holding = max(merge_s - ego_hl, 0.0) / max(v, 0.1)
    if changing_lanes and tr.s0 + v_car * t_holding - tr.e_lon >= merge_s + config.merge_min_gap_m:
        return "let pass"
    return "closed"


def _merge_point(tr: ActorTrack, frame: PathFrame, offsets: np.ndarray, ego_hw: float,
                 margin_m: float) -> tuple[float, float]:
    """Where along the path the ego's front first overlaps the car's lane, and where the ego is visibly in
    it (its centre within half a lane of the lane's centre); the path's end where it never gets there."""
    lane_d = tr.d0 - (frame.lane_shift_m - frame.interp(tr.s0, frame.lane_shift_m))
    apart = np.abs(lane_d - offsets)
    ahead = frame.s >= 0.0
    overlaps = ahead & (apart - tr.e_lat - ego_hw < margin_m)
    visible = ahead & (apart < 0.5 * frame.lane_width_m)
    return tuple(float(frame.s[np.argmax(m)]) if m.any() else frame.length_m for m in (overlaps, visible))


def _merges_along(tr: ActorTrack, idx: np.ndarray, times: np.ndarray) -> bool:
    """While in the corridor the actor moves forward along the path at (most of) its own speed."""
    if len(idx) < 2:
        return False
    ds = float(tr.s_k[idx[-1]] - tr.s_k[idx[0]])
    dt = float(times[idx[-1]] - times[idx[0]])
    speed = math.hypot(tr.actor.speed_mps, 0.0)
    return speed > 1.0 and ds > 0.7 * speed * dt


def pedestrian_beside(scene_actors, ego: EgoState, margin_m: float) -> bool:
    """A pedestrian within `margin_m` of the ego's sides (or overlapping it): one walking past a standing
    ego would be hit the moment it drove off, and the corridor ahead does not see it."""
    zone = OrientedBox(ego.x_m, ego.y_m, ego.yaw_deg, ego.length_m, ego.width_m + 2.0 * margin_m)
    reach = 0.5 * math.hypot(ego.length_m, ego.width_m) + margin_m + 1.0
    return any(a.kind == ActorKind.WALKER and math.hypot(a.x_m - ego.x_m, a.y_m - ego.y_m) <= reach
               and zone.overlaps(OrientedBox(a.x_m, a.y_m, a.yaw_deg, a.length_m, a.width_m)) for a in scene_actors)
