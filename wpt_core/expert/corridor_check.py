"""Is a shifted corridor free for a whole manoeuvre? A space-time check against the predicted actors.

Used before pulling out to overtake or to make room: the ego's progress s_e(t) (accelerating to a
manoeuvre speed) is compared with every actor's predicted (s, d) over the manoeuvre's duration, in
the part of the corridor that leaves the ego's lane. Along-road actors are extrapolated as far as
needed (an oncoming car 100 m away matters for a 10 s pass); crossing ones only within their horizon.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Tuple

import numpy as np

from wpt_core.expert.path_frame import PathFrame
from wpt_core.expert.prediction import ActorTrack
from wpt_core.types import EgoState


@dataclass(frozen=True)
class CorridorCheckConfig:
    lat_margin_m: float = 0.5
    lon_margin_m: float = 4.0
    headway_s: float = 1.2           # extra longitudinal room per m/s of closing speed
    dt_s: float = 0.25
    shifted_threshold_m: float = 0.3  # only where the plan leaves the lane does the check apply


def ego_progress(times: np.ndarray, v0: float, accel: float, vmax: float) -> Tuple[np.ndarray, np.ndarray]:
    """(s, v) of the ego centre accelerating from v0 at `accel` to `vmax`."""
    v0 = max(v0, 0.0)
    vmax = max(vmax, v0)
    t_acc = (vmax - v0) / accel if accel > 0 else 0.0
    ta = np.minimum(times, t_acc)
    s = v0 * ta + 0.5 * accel * ta * ta + vmax * np.maximum(times - t_acc, 0.0)
    return s, np.minimum(v0 + accel * times, vmax)


def corridor_clear(tracks: List[ActorTrack], frame: PathFrame, offsets: np.ndarray, ego: EgoState,
                   duration_s: float, v_pass: float, accel: float, ignore_ids: Iterable[str],
                   prediction_dt_s: float, config: CorridorCheckConfig) -> Tuple[bool, str]:
    """(True, '') if no actor meets the ego in the shifted part of `offsets` (M,) within `duration_s`."""
    ignore = set(ignore_ids)
    times = np.arange(0.0, duration_s + 1e-9, config.dt_s)
    s_e, v_e = ego_progress(times, ego.speed_mps, accel, v_pass)
    ego_hl, ego_hw = 0.5 * ego.length_m, 0.5 * ego.width_m
    for tr in tracks:
        if tr.actor.id in ignore:
            continue
        if tr.parallel or tr.is_static:
            t = times
            s_k = tr.s0 + tr.v_lon * t
            d_k = np.full_like(t, tr.d0)
            se, ve = s_e, v_e
        else:
            step = max(1, int(round(config.dt_s / prediction_dt_s)))
            s_k, d_k = tr.s_k[::step][: len(times)], tr.d_k[::step][: len(times)]
            valid = tr.valid_k[::step][: len(times)]
            e_lat = tr.e_lat_k[::step][: len(times)][valid]
            s_k, d_k = s_k[valid], d_k[valid]
            se, ve = s_e[: len(valid)][valid], v_e[: len(valid)][valid]
        if tr.parallel or tr.is_static:
            e_lat = tr.e_lat
        off = np.interp(s_k, frame.s, offsets)
        lateral = np.abs(d_k - off) - e_lat - ego_hw < config.lat_margin_m
        shifted = np.abs(off) > config.shifted_threshold_m
        closing = np.abs(ve - tr.v_lon)
        longitudinal = np.abs(s_k - se) < tr.e_lon + ego_hl + config.lon_margin_m + config.headway_s * closing
        if np.any(lateral & shifted & longitudinal):
            return False, f"{tr.actor.kind.value}:{tr.actor.id}"
    return True, ""
