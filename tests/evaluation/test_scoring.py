"""Bench2Drive headline metrics and abilities, expected values worked out by hand from B2D's rules."""
import pytest

from wpt_core.evaluation.abilities import ability_scores, abilities_of, scenario_type
from wpt_core.evaluation.scoring import driving_score, efficiency, is_success, success_rate

KEYS = ("collisions_layout", "collisions_pedestrian", "collisions_vehicle", "red_light", "stop_infraction",
        "outside_route_lanes", "min_speed_infractions", "yield_emergency_vehicle_infractions", "scenario_timeouts",
        "route_dev", "vehicle_blocked", "route_timeout")
MIN_SPEED = "Average speed is {}% of the surrounding traffic's one"


def rec(num: int, scenario: str, status: str, rc: float, ds: float, fjc=None, **infractions) -> dict:
    inf = {key: list(infractions.get(key, [])) for key in KEYS}
    return {"index": num, "route_id": f"RouteScenario_{num}_rep0", "scenario_name": scenario, "status": status,
            "infractions": inf, "scores": {"score_route": rc, "score_penalty": ds / rc if rc else 1.0,
                                           "score_composed": ds},
            "meta": {"route_length": 500.0, "first_junction_completion": fjc}}


def test_success_needs_completion_and_no_infraction_but_min_speed():
    assert is_success(rec(1, "A_1", "Completed", 100, 100, min_speed_infractions=[MIN_SPEED.format(90)]))
    assert not is_success(rec(1, "A_1", "Completed", 100, 60, collisions_vehicle=["x"]))
    assert not is_success(rec(1, "A_1", "Failed - Agent got blocked", 40, 40))


def test_driving_score_and_success_rate_divide_by_benchmark_size():
    records = [rec(1, "A_1", "Completed", 100, 100, min_speed_infractions=[MIN_SPEED.format(90)]),
               rec(2, "A_1", "Completed", 100, 50, red_light=["r"]),
               rec(3, "A_1", "Failed", 20, 0.0)]
    assert driving_score(records, 5) == pytest.approx(30.0)  # (100 + 50 + 0) / 5
    assert success_rate(records, 5) == pytest.approx(20.0)   # 1 of 5


def test_scenario_type_from_name_and_multi_ability_types():
    assert scenario_type({"scenario_name": "ParkingCutIn_1"}) == "ParkingCutIn"
    assert scenario_type({"scenario_name": "T_Junction_12"}) == "T_Junction"
    assert scenario_type({"scenario_name": "X_1", "route_id": "RouteScenario_77_rep0"}, {"77": "HighwayExit"}) \
        == "HighwayExit"
    assert list(abilities_of("PedestrianCrossing")) == ["Emergency_Brake", "Traffic_Signs"]
    assert list(abilities_of("SignalizedJunctionLeftTurn")) == ["Merging", "Traffic_Signs"]
    assert list(abilities_of("YieldToEmergencyVehicle")) == ["Give_Way"]
    assert list(abilities_of("ParkedObstacleTwoWays")) == ["Overtaking"]
    assert list(abilities_of("ParkingCrossingPedestrian")) == ["Emergency_Brake"]


def test_traffic_signs_failed_routes_past_a_clean_first_junction_add_to_the_numerator_only():
    # the case: routes 1 and 2 failed, route 2 past its junction -> B2D: 1 / 2
    failed_early = rec(1, "T_Junction_1", "Failed - Agent got blocked", 20, 20, fjc=0.4)
    failed_past = rec(2, "VanillaSignalizedTurnEncounterRedLight_1", "Failed - Agent got blocked", 60, 60, fjc=0.4)
    assert ability_scores([failed_early, failed_past])["Traffic_Signs"] == pytest.approx(50.0)
    records = [
        # success: 1 of 1 (no second entry)
        rec(3, "OppositeVehicleRunningRedLight_1", "Completed", 100, 100, fjc=0.3,
            min_speed_infractions=[MIN_SPEED.format(95)]),
        # Completed with a collision is not a success, so "failed" in B2D's sense: junction credit
        rec(4, "PedestrianCrossing_1", "Completed", 100, 60, fjc=0.3, collisions_vehicle=["c"]),
        # past the junction but ran the stop: 0 of 1
        rec(5, "VanillaNonSignalizedTurnEncounterStopsign_1", "Failed - Agent got blocked", 60, 48, fjc=0.4,
            stop_infraction=["s"]),
        # RC exactly at the junction fraction is not beyond it (B2D: '>'): 0 of 1
        rec(6, "T_Junction_1", "Failed - Agent got blocked", 40, 40, fjc=0.4),
        failed_early, failed_past,
    ]
    scores = ability_scores(records)
    assert scores["Traffic_Signs"] == pytest.approx(100 * 3 / 6)   # routes 3, 4 and 2
    assert scores["Emergency_Brake"] == pytest.approx(50.0)        # routes 3 (success) and 4 (not)
    assert scores["Merging"] is None and scores["Overtaking"] is None and scores["Give_Way"] is None
    assert scores["mean"] == pytest.approx((50.0 + 50.0) / 2)


def test_each_route_counts_once_its_first_record():
    first = rec(7, "ParkingCutIn_1", "Completed", 100, 100)
    again = dict(rec(7, "ParkingCutIn_1", "Failed", 10, 10), route_id="RouteScenario_7_rep1")
    assert ability_scores([first, again])["Emergency_Brake"] == 100.0


def test_carla_records_without_junction_meta_get_no_junction_credit():
    record = rec(2, "VanillaSignalizedTurnEncounterRedLight_1", "Failed", 60, 60)
    del record["meta"]["first_junction_completion"]
    assert ability_scores([record])["Traffic_Signs"] == 0.0


def test_efficiency_drops_values_above_1000():
    records = [rec(1, "A_1", "Completed", 100, 100,
                   min_speed_infractions=[MIN_SPEED.format(80.0), MIN_SPEED.format(120), MIN_SPEED.format(1500.5)]),
               rec(2, "A_1", "Failed", 50, 50, min_speed_infractions=[MIN_SPEED.format(50)]),
               rec(3, "A_1", "Failed", 0, 0)]
    assert efficiency(records) == pytest.approx(75.0)  # route means 100 and 50; route 3 has none
    assert efficiency([rec(3, "A_1", "Failed", 0, 0)]) is None
