"""The crossing-conflict rule in isolation: when a yield starts, when it ends, when the ego is committed."""
import numpy as np
from expert_harness import vehicle

from wpt_core.expert.hazards import HazardConfig, _crossing_stop
from wpt_core.expert.prediction import ActorTrack

TIMES = np.arange(0.0, 6.0 + 1e-9, 0.25)
EGO_HL = 2.45
CRUISE = 8.0


def crossing_track(s_m: float, t_from: float, t_to: float):
    """A car crossing the path at arc length `s_m` (centre), inside the corridor from t_from to t_to."""
    inside = (TIMES >= t_from - 1e-9) & (TIMES <= t_to + 1e-9)
    s_k = np.full(len(TIMES), s_m)
    tr = ActorTrack(vehicle("x", 0.0, 0.0, yaw=90.0, speed=8.0), s_m, 20.0, 1.57, 0.0, 8.0, 1.0, 2.4, False, False,
                    0.0, s_k, np.zeros(len(TIMES)), np.ones(len(TIMES), bool), np.full(len(TIMES), 2.4))
    return tr, inside


def test_crawling_ego_with_its_nose_at_the_conflict_still_stops():
    # conflict band starts 1.0 m ahead of the ego centre (front already 1.45 m into it), car arrives in 2 s:
    # at walking pace the ego can still stop, and driving on would put it in front of the car
    tr, inside = crossing_track(2.0, 2.0, 3.0)
    assert _crossing_stop(tr, inside, TIMES, EGO_HL, 0.5, CRUISE, HazardConfig(), False) == 0.0


def test_moving_ego_inside_the_conflict_zone_clears_it():
    tr, inside = crossing_track(2.0, 2.0, 3.0)
    assert _crossing_stop(tr, inside, TIMES, EGO_HL, 5.0, CRUISE, HazardConfig(), False) is None


def test_releasing_a_yield_needs_a_larger_gap_than_engaging():
    # standing ego needs ~4.0 s to clear a band ending 12 m ahead (1.8 m/s²); the car enters at 5.5 s:
    # 1.5 s of margin is enough to go when not yielding (buffer 1.2 s) but not to stop yielding (× 1.5 = 1.8 s)
    tr, inside = crossing_track(11.0, 5.5, 5.75)
    config = HazardConfig()
    assert _crossing_stop(tr, inside, TIMES, EGO_HL, 0.0, CRUISE, config, False) is None
    stop = _crossing_stop(tr, inside, TIMES, EGO_HL, 0.0, CRUISE, config, False, was_yielding=True)
    assert stop is not None and stop == (11.0 - 1.0) - EGO_HL - config.stop_margin_m
