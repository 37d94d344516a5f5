"""Route criteria on hand-built Scenes; expected numbers worked out from the leaderboard's rules.

The route is a straight 199 m road along +x (points every metre at x = 0..199, yaw 0); the ego
drives along it at 0.5 m per 20 Hz tick unless a test says otherwise.
"""
from typing import Callable, List, Optional

import numpy as np
import pytest

from wpt_core.evaluation.scoring import efficiency
from wpt_core.ground_map import GroundClass, GroundMap
from wpt_core.leaderboard.route_record import build_record, empty_record
from wpt_core.leaderboard.tick import TICK_LIMIT
from wpt_core.sim.criteria.route_criteria import RouteCriteria
from wpt_core.types import Actor, ActorKind, DenseRoute, EgoState, LightState, Scene, StopSign, TrafficLight

DT = 0.05
N_POINTS = 200


def straight_route(junction: Optional[range] = None) -> DenseRoute:
    xy = np.stack([np.arange(N_POINTS, dtype=float), np.zeros(N_POINTS)], axis=1)
    in_junction = np.zeros(N_POINTS, dtype=bool)
    if junction is not None:
        in_junction[list(junction)] = True
    return DenseRoute(xy_m=xy, yaw_deg=np.zeros(N_POINTS), commands=np.full(N_POINTS, 4),
                      in_junction=in_junction, lane_width_m=np.full(N_POINTS, 3.5))


def on_lane(x: float, y: float):
    return ("e0_0", 0.0) if abs(y) <= 2.25 else None


def criteria(lane_of=on_lane, ground=None, timeout_s=1000.0, tick_limit=TICK_LIMIT, junction=None) -> RouteCriteria:
    return RouteCriteria(straight_route(junction), ["e0_0"], ground, lane_of, timeout_s, tick_limit)


def scene(k: int, x: float, y: float = 0.0, speed: float = 10.0, actors: Optional[List[Actor]] = None,
          lights: Optional[List[TrafficLight]] = None, stops: Optional[List[StopSign]] = None) -> Scene:
    return Scene(frame=k, time_s=k * DT, ego=EgoState(x_m=x, y_m=y, yaw_deg=0.0, speed_mps=speed),
                 actors=actors or [], traffic_lights=lights or [], stop_signs=stops or [])


def drive(crit: RouteCriteria, x_end: float = 1000.0, y_of: Callable[[float], float] = lambda x: 0.0,
          **scene_kwargs) -> int:
    """Drive at 0.5 m/tick from x = 0 until the route ends or x_end; returns the last tick."""
    k = 0
    while crit.terminated is None and not crit.completed and 0.5 * k <= x_end:
        k += 1
        x = 0.5 * k
        crit.update(scene(k, x, y_of(x), **{key: (v(x) if callable(v) else v) for key, v in scene_kwargs.items()}))
    return k


def finish(crit: RouteCriteria, crashed: Optional[str] = None) -> dict:
    return crit.record(index=0, route_id="RouteScenario_7_rep0", scenario_name="ParkingCutIn_1", weather_id="3",
                       save_name="s", town_name="Town01", duration_game=1.0, duration_system=2.0,
                       crashed_status=crashed)


def walker(aid: str, x: float, y: float = 0.0) -> Actor:
    return Actor(aid, ActorKind.WALKER, x, y, 0.0, 0.0, 0.6, 0.6, 1.8, type_id="walker.pedestrian.0001")


def car(aid: str, x: float, y: float = 0.0) -> Actor:
    return Actor(aid, ActorKind.VEHICLE, x, y, 0.0, 0.0, 4.9, 2.1, 1.5)


RED_LINE = ((100.0, -1.75), (100.0, 1.75))


def light(state: LightState) -> TrafficLight:
    return TrafficLight("tl1", state, "e0_0", RED_LINE, 0.0, (101.0, -3.0, 5.0))


# --- completion, penalties, status ---------------------------------------------------------------

def test_clean_run_completes_with_twenty_one_min_speed_messages():
    crit = criteria()
    drive(crit)
    rec = finish(crit)
    assert crit.completed and crit.route_completion_pct == 100.0
    # min-speed messages are always recorded (B2D), so the status is Completed, not Perfect
    assert rec["status"] == "Completed"
    assert rec["scores"] == {"score_route": 100.0, "score_penalty": 1.0, "score_composed": 100.0}
    msgs = rec["infractions"]["min_speed_infractions"]
    # checkpoints every 9.95 m pass at points 10, 20, ..., 190; the last one (past 95 %) is recorded
    # twice, as B2D's terminate() runs twice
    assert len(msgs) == 21 and set(msgs) == {"Average speed is 100% of the surrounding traffic's one"}
    assert rec["num_infractions"] == 21
    assert rec["meta"]["route_length"] == 199.0 and rec["town_name"] == "Town01"


def test_final_checkpoint_twice_and_efficiency_as_bench2drive_computes_it():
    traffic = [Actor("bg", ActorKind.VEHICLE, -50.0, 50.0, 0.0, 10.0, 4.9, 2.1, 1.5)]   # 10 m/s, far away
    crit = criteria()
    drive(crit, speed=lambda x: 5.0 if x <= 100.0 else 10.0, actors=traffic)
    rec = finish(crit)
    msgs = rec["infractions"]["min_speed_infractions"]
    # checkpoints fire when the ego passes points 10, ..., 100 (ego 5 m/s: 50 %) and 110, ..., 190
    # (10 m/s: 100 %); the final one (100 %) is recorded twice
    assert [float(m.split()[3].rstrip("%")) for m in msgs] == [50.0] * 10 + [100.0] * 11
    assert msgs[0] == "Average speed is 50.0% of the surrounding traffic's one"
    # B2D's efficiency tool: mean of the record's percentages (values above 1000 % dropped)
    assert efficiency([rec]) == pytest.approx((10 * 50.0 + 11 * 100.0) / 21)


def test_pedestrian_and_red_light_compose_to_035():
    crit = criteria()
    drive(crit, actors=lambda x: [walker("w1", 50.0)], lights=[light(LightState.RED)])
    rec = finish(crit)
    assert len(rec["infractions"]["collisions_pedestrian"]) == 1
    assert rec["infractions"]["red_light"] == ["Agent ran a red light tl1 at (x=101.0, y=-3.0, z=5.0)"]
    assert rec["scores"]["score_penalty"] == pytest.approx(0.35)
    assert rec["scores"]["score_composed"] == pytest.approx(35.0)
    assert rec["status"] == "Completed"


def test_green_light_is_no_infraction():
    crit = criteria()
    drive(crit, lights=[light(LightState.GREEN)])
    assert finish(crit)["infractions"]["red_light"] == []


def test_red_light_of_the_opposite_direction_is_ignored():
    crit = criteria()
    opposite = TrafficLight("tl2", LightState.RED, "e1_0", RED_LINE, 180.0, (99.0, 3.0, 5.0))
    drive(crit, lights=[opposite])
    assert finish(crit)["infractions"]["red_light"] == []


def test_lane_is_red_only_when_all_its_link_signals_are():
    left_arrow_red = TrafficLight("tl1:1", LightState.RED, "e0_0", RED_LINE, 0.0, (101.0, -3.0, 5.0))
    straight_green = TrafficLight("tl1:0", LightState.GREEN, "e0_0", RED_LINE, 0.0, (101.0, -3.0, 5.0))
    crit = criteria()
    drive(crit, lights=[left_arrow_red, straight_green])
    assert finish(crit)["infractions"]["red_light"] == []
    both_red = criteria()
    drive(both_red, lights=[left_arrow_red, TrafficLight("tl1:0", LightState.RED, "e0_0", RED_LINE, 0.0,
                                                          (101.0, -3.0, 5.0))])
    assert finish(both_red)["infractions"]["red_light"] == ["Agent ran a red light tl1:0 at (x=101.0, y=-3.0, z=5.0)"]


def test_failed_route_ds_is_rc_times_is():
    crit = criteria()
    drive(crit, x_end=100.5, actors=lambda x: [car("7", 60.0)])
    rec = finish(crit, crashed="Failed - Agent crashed")
    # point 100 passed → 100/199 of the route = 50.25 %
    assert rec["scores"]["score_route"] == 50.25
    assert rec["scores"]["score_penalty"] == 0.6
    assert rec["scores"]["score_composed"] == pytest.approx(30.15)
    assert rec["status"] == "Failed - Agent crashed"
    assert rec["infractions"]["collisions_vehicle"][0].startswith(
        "Agent collided against object with type=vehicle.lincoln.mkz_2020 and id=7 at (x=")


def test_status_strings():
    empty = {key: [] for key in empty_record(0, "RouteScenario_1_rep0", "", "T", "Failed")["infractions"]}
    assert build_record(0, "r", "s", 0, "n", "T", 100.0, 1.0, dict(empty), "", {})["status"] == "Perfect"
    assert build_record(0, "r", "s", 0, "n", "T", 99.9, 1.0, dict(empty), "", {})["status"] == "Failed"
    crashed = empty_record(3, "RouteScenario_1_rep0", "X_1", "Town01", "Failed - Simulation crashed")
    assert crashed["status"] == "Failed - Simulation crashed"
    assert crashed["scores"] == {"score_route": 0.0, "score_penalty": 1.0, "score_composed": 0.0}
    assert set(crashed["infractions"]) == {
        "collisions_layout", "collisions_pedestrian", "collisions_vehicle", "red_light", "stop_infraction",
        "outside_route_lanes", "min_speed_infractions", "yield_emergency_vehicle_infractions",
        "scenario_timeouts", "route_dev", "vehicle_blocked", "route_timeout"}


# --- collisions ----------------------------------------------------------------------------------

def test_walker_collision_counted_once_per_contact():
    crit = criteria()
    drive(crit, x_end=80.0, actors=lambda x: [walker("w1", 50.0)])
    rec = finish(crit)
    assert len(rec["infractions"]["collisions_pedestrian"]) == 1
    assert rec["scores"]["score_penalty"] == 0.5


def test_hits_within_5m_are_merged_but_a_later_one_counts():
    crit = criteria()
    # two walkers side by side: both contacts end before the ego is 5 m past the first counted one
    drive(crit, x_end=150.0, actors=lambda x: [walker("w1", 50.0), walker("w2", 50.0, 0.8), car("c9", 120.0)])
    rec = finish(crit)
    assert len(rec["infractions"]["collisions_pedestrian"]) == 1
    assert len(rec["infractions"]["collisions_vehicle"]) == 1
    assert rec["scores"]["score_penalty"] == pytest.approx(0.3)


def test_same_actor_counts_again_only_after_5s_and_5m():
    crit = criteria()
    k = 0
    for k in range(1, 301):  # a car glued to the ego's nose for 15 s, both at 1 m/s
        x = 0.05 * k
        crit.update(scene(k, x, speed=1.0, actors=[car("c1", x + 4.0)]))
    # counted at t=0.05; the id filter expires after 5 s but the 5 m location filter only at x > 5.05
    # (t > 5.05 s), then the still-touching car is counted again, and again 5 s / 5 m later
    assert len(finish(crit)["infractions"]["collisions_vehicle"]) == 3


def test_standing_ego_hit_is_not_its_fault():
    crit = criteria()
    for k in range(1, 40):
        crit.update(scene(k, 10.0, speed=0.0, actors=[car("c1", 12.0)]))
    assert finish(crit)["infractions"]["collisions_vehicle"] == []


def test_layout_collision_when_deep_off_road():
    classes = np.full((80, 1000), GroundClass.OFF_ROAD, dtype=np.uint8)
    classes[20:60, :] = GroundClass.ROAD  # road for y in [-5, 5): origin y = -10, 0.25 m cells
    ground = GroundMap(classes, (-10.0, -10.0), 0.25)
    crit = criteria(lane_of=None, ground=ground)
    drive(crit, x_end=120.0, y_of=lambda x: 8.0 if 40.0 <= x < 60.0 else 0.0)
    rec = finish(crit)
    assert len(rec["infractions"]["collisions_layout"]) == 1
    assert "type=static.layout and id=0" in rec["infractions"]["collisions_layout"][0]
    assert rec["scores"]["score_penalty"] < 0.65 + 1e-9  # layout 0.65 and the off-road stretch


# --- lanes -----------------------------------------------------------------------------------------

def test_outside_route_lanes_percentage():
    crit = criteria()
    drive(crit, y_of=lambda x: 4.0 if 50.0 <= x < 70.0 else 0.0)
    rec = finish(crit)
    # route points 50..69 passed while off the lanes: 20 m of 198 m passed (the last point is never passed)
    assert rec["infractions"]["outside_route_lanes"] == [
        "Agent went outside its route lanes for about 20.0 meters (10.1% of the completed route)"]
    assert rec["scores"]["score_penalty"] == pytest.approx(1 - 20 / 198, abs=1e-6)
    assert rec["scores"]["score_composed"] == pytest.approx(100 * (1 - 20 / 198), abs=1e-4)


def opposite_lane_of(x: float, y: float):
    if y < -2.0:
        return ("-e0_0", 180.0)
    return on_lane(x, y)


def test_opposite_lane_counts_unless_lane_invasion_allowed():
    crit = criteria(lane_of=opposite_lane_of)
    drive(crit, y_of=lambda x: -3.5 if 50.0 <= x < 60.0 else 0.0)
    assert "about 10.0 meters" in finish(crit)["infractions"]["outside_route_lanes"][0]

    allowed = criteria(lane_of=opposite_lane_of)
    allowed.allow_lane_invasion = True
    drive(allowed, y_of=lambda x: -3.5 if 50.0 <= x < 60.0 else 0.0)
    assert finish(allowed)["infractions"]["outside_route_lanes"] == []


# --- termination -------------------------------------------------------------------------------

def test_blocked_after_60s_not_before():
    crit = criteria()
    for k in range(1, 1201):  # 60 s standing, the first tick at t = 0.05 s
        crit.update(scene(k, 10.0, speed=0.0))
    assert crit.terminated is None
    for k in range(1201, 1211):
        crit.update(scene(k, 10.0, speed=0.0))
    assert crit.terminated == "Agent got blocked"
    rec = finish(crit)
    assert rec["status"] == "Failed - Agent got blocked"
    assert rec["infractions"]["vehicle_blocked"] == ["Agent got blocked at (x=10.0, y=0.0, z=0.0)"]


def test_deviation_beyond_30m():
    crit = criteria()
    crit.update(scene(1, 5.0, 29.9))
    assert crit.terminated is None
    crit.update(scene(2, 5.0, 31.0))
    assert crit.terminated == "Agent deviated from the route"
    rec = finish(crit)
    assert rec["status"] == "Failed - Agent deviated from the route"
    assert rec["infractions"]["route_dev"] == ["Agent deviated from the route at (x=5.0, y=31.0, z=0.0)"]


def test_tick_limit():
    assert TICK_LIMIT == 4000
    crit = criteria(tick_limit=10)
    for k in range(1, 11):
        assert crit.count_tick()
        crit.update(scene(k, 0.1 * k))
    assert crit.terminated is None
    assert not crit.count_tick()           # tick 11: B2D raises before the agent is called
    assert crit.terminated == "TickRuntime"
    assert finish(crit)["status"] == "Failed - TickRuntime"


def test_blocked_test_off_while_a_scenario_timeout_runs():
    crit = criteria()
    k = 1
    crit.set_blocked_test_active(False)    # a ScenarioTimeout starts at the first tick
    crit.update(scene(k, 10.0, speed=0.0))
    while k < 2000:                        # 100 s standing inside the scenario
        k += 1
        crit.update(scene(k, 10.0, speed=0.0))
    assert crit.terminated is None
    crit.set_blocked_test_active(True)     # the scenario ends: from the next tick (t = 100.05 s) ...
    while k < 3201:                        # ... to t = 160.05 s is 60 s, not more
        k += 1
        crit.update(scene(k, 10.0, speed=0.0))
    assert crit.terminated is None
    crit.update(scene(k + 1, 10.0, speed=0.0))
    assert crit.terminated == "Agent got blocked"
    assert finish(crit)["infractions"]["vehicle_blocked"] == ["Agent got blocked at (x=10.0, y=0.0, z=0.0)"]


def test_route_timeout():
    crit = criteria(timeout_s=5.0)
    k = 0
    while crit.terminated is None:
        k += 1
        crit.update(scene(k, 0.01 * k))
    assert 5.0 < k * DT - DT <= 5.0 + 2 * DT
    rec = finish(crit)
    assert rec["status"] == "Failed - Agent timed out"
    assert rec["infractions"]["route_timeout"] == ["Route timeout."]


# --- stop signs ----------------------------------------------------------------------------------

STOP = StopSign("stop1", "e0_0", RED_LINE, 0.0, (101.0, -3.0, 0.0))


def test_rolling_through_a_stop_is_an_infraction():
    crit = criteria()
    drive(crit, x_end=130.0, stops=[STOP])
    rec = finish(crit)
    assert rec["infractions"]["stop_infraction"] == ["Agent ran a stop with id=stop1 at (x=101.0, y=-3.0, z=0.0)"]
    assert rec["scores"]["score_penalty"] == 0.8


def test_full_stop_then_go_is_fine():
    crit = criteria()
    k = 0
    for x in np.arange(0.5, 130.0, 0.5):
        if x == 96.0:  # stand still for a second with the front bumper ~1.5 m before the line
            for _ in range(20):
                k += 1
                crit.update(scene(k, 96.0, speed=0.0, stops=[STOP]))
        k += 1
        crit.update(scene(k, float(x), speed=10.0, stops=[STOP]))
    assert finish(crit)["infractions"]["stop_infraction"] == []


# --- scenario events and meta --------------------------------------------------------------------

def test_scenario_events_penalise_and_validate_kind():
    crit = criteria()
    crit.add_event("yield_emergency_vehicle_infractions", "", 1.0, 2.0)
    crit.add_event("scenario_timeouts", "", 1.0, 2.0)
    with pytest.raises(ValueError):
        crit.add_event("speeding", "", 0.0, 0.0)
    drive(crit)
    rec = finish(crit)
    assert rec["infractions"]["yield_emergency_vehicle_infractions"] == [
        "Agent failed to yield to an emergency vehicle"]
    assert rec["infractions"]["scenario_timeouts"] == ["Agent timed out a scenario"]
    assert rec["scores"]["score_penalty"] == pytest.approx(0.49)


def test_first_junction_completion_meta():
    crit = criteria(junction=range(100, 111))
    assert finish(crit)["meta"]["first_junction_completion"] == pytest.approx((101 + 8) / 200)
    assert finish(criteria())["meta"]["first_junction_completion"] is None
