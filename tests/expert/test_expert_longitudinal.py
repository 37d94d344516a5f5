"""Closed-loop expert checks on a straight road: leaders, lights, stop signs, pedestrians."""
import numpy as np
from expert_harness import collision_free, ego_at, simulate, straight_route, vehicle, walker

from wpt_core.expert import Expert, ExpertConfig
from wpt_core.types import LightState, StopSign, TrafficLight

ROUTE = straight_route(400)
HALF_LEN = 2.45


def test_stops_behind_stopped_car_with_a_gap():
    log = simulate(Expert(), ROUTE, ego_at(), 20, actors=collision_free(lambda t, e: [vehicle("c1", 60, 0)]))
    gap = (60 - HALF_LEN) - (log.x[-1] + HALF_LEN)
    assert log.speed[-1] < 0.1
    assert 2.0 < gap < 8.0
    assert "c1" in log.reason[-1]


def test_follows_moving_leader_without_closing_in():
    lead = lambda t, e: [vehicle("c1", 30 + 5.0 * t, 0, speed=5.0)]
    log = simulate(Expert(), ROUTE, ego_at(), 30, actors=collision_free(lead))
    gap = (30 + 5.0 * log.t[-1] - HALF_LEN) - (log.x[-1] + HALF_LEN)
    assert abs(log.speed[-1] - 5.0) < 0.5          # settled at the leader's speed
    assert gap > 4.0                                # at least the minimum gap


def test_hard_braking_leader_is_not_hit():
    def lead(t, e):
        if t < 8.0:
            return [vehicle("c1", 25 + 8.0 * t, 0, speed=8.0)]
        tb = min(t - 8.0, 1.0)                       # 8 m/s → 0 in 1 s (8 m/s²)
        return [vehicle("c1", 25 + 64 + 8.0 * tb - 4.0 * tb * tb, 0, speed=max(0.0, 8.0 - 8.0 * (t - 8.0)))]
    log = simulate(Expert(), ROUTE, ego_at(), 18, actors=collision_free(lead))
    assert log.speed[-1] < 0.1


def _light(state_at):
    return lambda t: [TrafficLight("tl", state_at(t), "lane", ((50.0, -1.75), (50.0, 1.75)), 0.0, (50.0, -3.0, 5.0))]


def test_red_light_stops_before_line_then_goes_on_green():
    lights = _light(lambda t: LightState.RED if t < 15.0 else LightState.GREEN)
    log = simulate(Expert(), ROUTE, ego_at(), 25, lights=lights)
    fronts = np.array(log.x) + HALF_LEN
    t = np.array(log.t)
    assert fronts[t < 15.0].max() < 50.0                          # never crossed the line on red
    assert 45.0 < fronts[t < 15.0][-1] and log.speed[int(14.9 / 0.05)] < 0.1
    assert np.array(log.target)[(t > 11.0) & (t < 15.0)].max() < 0.4
    assert fronts[-1] > 80.0                                      # went on green


def test_green_light_does_not_slow_down():
    log = simulate(Expert(), ROUTE, ego_at(), 12, lights=_light(lambda t: LightState.GREEN))
    t = np.array(log.t)
    assert min(np.array(log.speed)[t > 5.0]) > 7.0


def test_lights_of_other_lanes_are_ignored():
    lights = lambda t: [TrafficLight("other", LightState.RED, "l2", ((50.0, 1.75), (50.0, 5.25)), 0.0, (50, 6, 5)),
                        TrafficLight("cross", LightState.RED, "l3", ((48.0, 3.0), (51.5, 3.0)), 90.0, (50, 6, 5))]
    log = simulate(Expert(), ROUTE, ego_at(), 12, lights=lights)
    assert log.x[-1] > 70.0


def test_red_light_ignored_when_switched_off():
    cfg = ExpertConfig(obey_traffic_lights=False)
    log = simulate(Expert(cfg), ROUTE, ego_at(), 12, lights=_light(lambda t: LightState.RED))
    assert log.x[-1] > 70.0


STOP = [StopSign("ss", "lane", ((40.0, -1.75), (40.0, 1.75)), 0.0, (40.0, 3.0, 2.0))]


def test_stop_sign_full_stop_near_line_then_proceeds():
    log = simulate(Expert(), ROUTE, ego_at(), 20, stop_signs=STOP)
    fronts, speed = np.array(log.x) + HALF_LEN, np.array(log.speed)
    before = fronts < 40.0
    stopped = before & (speed < 0.1) & (fronts > 36.0)
    assert stopped.any()                                   # a real stop within 4 m of the line
    first_stop = np.argmax(stopped)
    assert not np.any((fronts[:first_stop] >= 40.0))       # did not cross before stopping
    assert fronts[-1] > 70.0                               # and then went on (nothing coming)


def test_stop_sign_waits_for_crossing_traffic():
    # a car on the crossing road (north→south through x = 45) arrives while the ego stands at the line
    def cross(t, e):
        return [vehicle("x1", 45.0, -60.0 + 6.0 * t, yaw=90.0, speed=6.0)]
    log = simulate(Expert(), ROUTE, ego_at(), 25, actors=collision_free(cross), stop_signs=STOP)
    fronts = np.array(log.x) + HALF_LEN
    t = np.array(log.t)
    # the crossing car is at x≈45, |y| < 4 for t ∈ [9.3, 10.7]: the ego must still be waiting then
    assert fronts[(t > 8.0) & (t < 10.0)].max() < 43.0
    assert fronts[-1] > 60.0


def test_stop_sign_ignored_when_switched_off():
    log = simulate(Expert(ExpertConfig(obey_stop_signs=False)), ROUTE, ego_at(), 12, stop_signs=STOP)
    fronts, speed = np.array(log.x) + HALF_LEN, np.array(log.speed)
    assert speed[(fronts > 30.0) & (fronts < 40.0)].min() > 3.0


def test_brakes_for_pedestrian_crossing():
    def ped(t, e):
        y = 8.0 - 1.3 * max(0.0, t - 3.0)
        return [walker("p", 40.0, y, -90.0, 1.3 if 3.0 < t and y > -8.0 else 0.0)]
    log = simulate(Expert(), ROUTE, ego_at(), 20, actors=collision_free(ped))
    fronts, t = np.array(log.x) + HALF_LEN, np.array(log.t)
    # the walker is inside the lane (|y| < 2) for t ∈ [7.6, 10.7]: the ego must not have reached its line
    assert fronts[t < 10.0].max() < 39.0
    assert "walker" in " ".join(log.reason)
    assert fronts[-1] > 60.0


def test_pedestrian_standing_on_the_sidewalk_is_ignored():
    log = simulate(Expert(), ROUTE, ego_at(), 12, actors=lambda t, e: [walker("p", 40.0, 5.0, -90.0, 0.0)])
    assert min(np.array(log.speed)[np.array(log.t) > 5.0]) > 7.0


def test_standing_ego_waits_while_a_pedestrian_walks_past_its_side():
    """A walker crossing through the space right beside a standing ego (SUMO pedestrians do not see the
    ego): driving off while it is there would hit it."""
    ego = ego_at(0.0, 0.0)
    start_t = 1.0

    def actors(t, e):
        y = 4.0 - 1.2 * max(t - start_t, 0.0)          # walks from the right side across, 1.2 m/s
        return [walker("w", 1.5, y, -90.0, 1.2)]       # alongside the ego's front half
    log = simulate(Expert(), straight_route(), ego, 12.0, actors)
    # the leaderboard counts a contact only while the ego moves (> 0.1 m/s): it must stand while the
    # walker is in or beside its box
    beside = [i for i, t in enumerate(log.t) if abs(4.0 - 1.2 * max(t - start_t, 0.0)) < 1.05 + 0.5 + 0.25]
    assert beside and all(log.speed[i] <= 0.1 for i in beside)
    assert log.speed[-1] > 1.0                           # and goes once it has passed
