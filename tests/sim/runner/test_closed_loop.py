"""Closed-loop runs of `wpt eval` on the real embedded simulator: every criterion can fire.

Expected penalties are recomputed here from Bench2Drive's coefficients and the record's own
infraction lists, so a wrong coefficient or a missing multiplication in the scorer shows up.
"""
import json
import re
from pathlib import Path

import numpy as np
import pytest

from wpt_core.sim.runner.evaluator import EvalOptions, evaluate
from wpt_core.sim.routes.route_generation import generate_route_set
from wpt_core.leaderboard.route_file import read_routes, write_routes
from wpt_core.sim.town.town import Town
from wpt_core.sim.world.world import WorldConfig

REPO = Path(__file__).resolve().parents[3]
AGENTS = REPO / "tests" / "fixtures" / "agents"
EXPERT = REPO / "data_collection" / "expert_agent.py"
SMOKE = REPO / "leaderboard_configs" / "routes" / "embedded_smoke.xml"

COEFFICIENTS = {"collisions_pedestrian": 0.5, "collisions_vehicle": 0.6, "collisions_layout": 0.65,
                "red_light": 0.7, "stop_infraction": 0.8, "scenario_timeouts": 0.7,
                "yield_emergency_vehicle_infractions": 0.7}
WALL_CLOCK_FIELDS = ("duration_system", "save_name")


def expected_penalty(record):
    penalty = 1.0
    for key, coefficient in COEFFICIENTS.items():
        penalty *= coefficient ** len(record["infractions"][key])
    for message in record["infractions"]["outside_route_lanes"]:
        percent = float(re.search(r"([\d.]+)% of the completed route", message).group(1))
        penalty *= 1.0 - percent / 100.0
    return penalty


def game_time(ticks):
    """The leaderboard's GameTime after `ticks` ticks: CARLA's float32 delta_seconds, added up."""
    time_s = 0.0
    for _ in range(ticks):
        time_s += float(np.float32(0.05))
    return time_s


def run_eval(tmp_path, agent, routes, config="", subset="", seed=0, name="results.json", world=None):
    checkpoint = tmp_path / name
    return evaluate(EvalOptions(routes_xml=str(routes), agent=str(agent), checkpoint=str(checkpoint),
                                agent_config=config, routes_subset=subset, seed=seed, world_config=world))


def one_route_file(tmp_path, town, scenario_type, seed=3):
    routes = generate_route_set([Town.load(town)], 1, seed, types=[scenario_type])
    path = tmp_path / f"{scenario_type}.xml"
    write_routes(routes, path)
    return path


def only_record(document):
    records = document["_checkpoint"]["records"]
    assert len(records) == 1
    return records[0]


def assert_scores_consistent(record):
    scores = record["scores"]
    assert scores["score_penalty"] == pytest.approx(expected_penalty(record), rel=1e-6)
    assert scores["score_composed"] == pytest.approx(scores["score_route"] * scores["score_penalty"], rel=1e-6)


def test_standing_still_gets_blocked(tmp_path):
    record = only_record(run_eval(tmp_path, AGENTS / "standstill_agent.py", SMOKE, subset=_first_smoke_id()))
    assert record["status"] == "Failed - Agent got blocked"
    assert len(record["infractions"]["vehicle_blocked"]) == 1
    assert 60.0 <= record["meta"]["duration_game"] < 65.0   # B2D: blocked after 60 s below 0.1 m/s
    assert record["scores"]["score_route"] < 5.0
    assert_scores_consistent(record)


GUARDED_AT_START = """<routes><route id="5" town="EmbeddedGrid">
  <waypoints><position x="233.134" y="-391.750" z="0"/><position x="12.500" y="-391.750" z="0"/></waypoints>
  <scenarios><scenario name="ParkedObstacle_1" type="ParkedObstacle">
    <trigger_point x="233.134" y="-391.750" z="0" yaw="180"/><distance value="60"/></scenario></scenarios>
  <weathers/></route></routes>"""


def test_standing_in_a_timeout_guarded_scenario_is_not_blocked_and_config_string_grows(tmp_path):
    """Route 5: a ParkedObstacle (B2D guards it with a 240 s ScenarioTimeout) triggered where the ego stands;
    then smoke route 0 (HardBreakRoute, unguarded): the same standing ego is blocked there after 60 s."""
    guarded_file, routes = tmp_path / "guarded.xml", tmp_path / "routes.xml"
    guarded_file.write_text(GUARDED_AT_START)
    write_routes(read_routes(guarded_file) + read_routes(SMOKE)[:1], routes)
    log = tmp_path / "steps.jsonl"
    document = evaluate(EvalOptions(routes_xml=str(routes), agent=str(AGENTS / "timestamp_log_agent.py"),
                                    checkpoint=str(tmp_path / "r.json"), agent_config=f"{log}+ignored"))
    guarded, unguarded = document["_checkpoint"]["records"]
    first, second = _log_lines(log)
    # no "Agent got blocked" while the scenario timeout runs: the route lasts to the 4000-tick limit,
    # with exactly 4000 agent calls, the first at the float32 tick 0.05000000074505806
    assert guarded["status"] == "Failed - TickRuntime" and guarded["infractions"]["vehicle_blocked"] == []
    assert len(first["timestamps"]) == 4000 and first["timestamps"][0] == 0.05000000074505806
    assert first["timestamps"][-1] == game_time(4000)
    assert guarded["meta"]["duration_game"] == round(game_time(4001), 3)   # B2D ticks once more, then raises
    assert unguarded["status"] == "Failed - Agent got blocked"
    # setup() gets the config string grown by '+<save_name>' per route, as B2D's evaluator builds it
    assert first["config"] == f"{log}+ignored+{guarded['save_name']}"
    assert second["config"] == f"{log}+ignored+{guarded['save_name']}+{unguarded['save_name']}"


def test_full_throttle_straight_collides_or_deviates(tmp_path):
    record = only_record(run_eval(tmp_path, AGENTS / "full_throttle_agent.py", SMOKE, subset=_first_smoke_id()))
    infractions = record["infractions"]
    hit = any(infractions[k] for k in ("collisions_layout", "collisions_vehicle", "collisions_pedestrian",
                                       "outside_route_lanes"))
    assert hit or record["status"] == "Failed - Agent deviated from the route"
    assert record["scores"]["score_composed"] < 100.0
    assert_scores_consistent(record)


def test_agent_crash_ends_route_and_run_continues_with_protocol_order(tmp_path):
    log = tmp_path / "calls.jsonl"
    document = run_eval(tmp_path, AGENTS / "crashing_agent.py", SMOKE, config=str(log))
    records = document["_checkpoint"]["records"]
    assert len(records) == 3 and all(r["status"] == "Failed - Agent crashed" for r in records)
    assert document["_checkpoint"]["progress"] == [3, 3]
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(lines) == 3   # a new agent instance per route, each crashed once
    for entry in lines:
        assert entry["calls"] == ["__init__", "set_global_plan", "setup", "sensors", "run_step"]
        assert entry["kept"] < entry["dense_len"] / 20   # the base class keeps ~1 point per 50 m of a 1 m route
        assert entry["save_name"] and entry["save_name"] != str(log)
        lat, lon, _ = entry["first_input"]["GPS"][1]
        assert abs(lat - 42.0) < 0.05 and abs(lon - 2.0) < 0.05   # near the default geo-reference
        assert entry["timestamp"] == game_time(6)   # the 6th call: 6 float32 ticks, the first at 0.05 s


@pytest.mark.parametrize("switch, scenario_type, infraction, coefficient", [
    ("obey_traffic_lights", "VanillaSignalizedTurnEncounterRedLight", "red_light", 0.7),
    ("obey_stop_signs", "VanillaNonSignalizedTurnEncounterStopsign", "stop_infraction", 0.8),
])
def test_expert_with_a_rule_switched_off_collects_that_infraction(tmp_path, switch, scenario_type, infraction,
                                                                  coefficient):
    config = tmp_path / "expert.yaml"
    config.write_text(f"{switch}: false\n")
    routes = one_route_file(tmp_path, "EmbeddedGrid", scenario_type)
    # no background traffic: crossing cars can bring the ego to a stop at the line by themselves (yielding),
    # which the criterion rightly counts as stopping; here only the switched-off rule may decide
    quiet = WorldConfig(background_vehicles=0, background_pedestrians=0)
    record = only_record(run_eval(tmp_path, EXPERT, routes, config=str(config), world=quiet))
    assert len(record["infractions"][infraction]) >= 1
    assert record["scores"]["score_penalty"] <= coefficient + 1e-9
    assert_scores_consistent(record)


def test_blind_driver_hits_a_crossing_pedestrian_and_pays_half(tmp_path):
    routes = one_route_file(tmp_path, "EmbeddedGrid", "DynamicObjectCrossing")
    record = only_record(run_eval(tmp_path, AGENTS / "blind_follower_agent.py", routes))
    assert len(record["infractions"]["collisions_pedestrian"]) >= 1
    assert_scores_consistent(record)   # includes one factor 0.5 per pedestrian collision


def test_same_seed_gives_identical_records(tmp_path):
    subset = _first_smoke_id()
    first = only_record(run_eval(tmp_path, EXPERT, SMOKE, subset=subset, name="a.json"))
    second = only_record(run_eval(tmp_path, EXPERT, SMOKE, subset=subset, name="b.json"))
    for record in (first, second):
        record["meta"].pop("duration_system", None)
        record.pop("save_name", None)
    assert first == second


def _first_smoke_id():
    from wpt_core.leaderboard.route_file import read_routes
    return str(read_routes(SMOKE)[0].id)


def test_invalid_sensor_suite_rejects_the_run(tmp_path):
    from wpt_core.sim.runner.evaluator import InvalidSensorsError

    with pytest.raises(InvalidSensorsError, match="nine_cameras_agent.py"):
        run_eval(tmp_path, AGENTS / "nine_cameras_agent.py", SMOKE)
    document = json.loads((tmp_path / "results.json").read_text())
    records = document["_checkpoint"]["records"]
    assert len(records) == 1 and records[0]["status"] == "Failed - Agent's sensors were invalid"
    assert document["entry_status"] == "Rejected"


def test_resume_reruns_failed_and_crashed_records_in_route_major_order(tmp_path):
    from wpt_core.leaderboard.results_file import ResultsFileError

    log = tmp_path / "calls.jsonl"
    checkpoint = tmp_path / "results.json"
    ids = [str(r.id) for r in read_routes(SMOKE)[:2]]
    options = dict(routes_xml=str(SMOKE), agent=str(AGENTS / "crashing_agent.py"), checkpoint=str(checkpoint),
                   agent_config=str(log), routes_subset=",".join(ids), repetitions=2)
    evaluate(EvalOptions(**options))
    # the leaderboard's RouteIndexer: route-major, index = route * repetitions + repetition
    order = [f"RouteScenario_{i}_rep{rep}" for i in ids for rep in (0, 1)]
    records = json.loads(checkpoint.read_text())["_checkpoint"]["records"]
    assert [(r["index"], r["route_id"]) for r in records] == list(enumerate(order))
    assert [line["save_name"] for line in _log_lines(log)] == [r["save_name"] for r in records]
    assert [_route_key(r["save_name"]) for r in records] == order

    document = json.loads(checkpoint.read_text())
    kept = dict(document["_checkpoint"]["records"][0], status="Failed - Agent got blocked")   # finished: kept
    rerun_failed = dict(document["_checkpoint"]["records"][1], status="Failed")                 # rerun
    # record 2 is missing (killed in flight); record 3 stays "Failed - Agent crashed" (rerun)
    document["_checkpoint"]["records"] = [kept, rerun_failed, document["_checkpoint"]["records"][3]]
    document["_checkpoint"]["progress"] = [3, 4]
    checkpoint.write_text(json.dumps(document))
    log.unlink()
    document = evaluate(EvalOptions(**options, resume=True))
    assert [_route_key(line["save_name"]) for line in _log_lines(log)] == order[1:]
    records = document["_checkpoint"]["records"]
    assert [r["route_id"] for r in records] == order and records[0] == kept
    assert [r["status"] for r in records[1:]] == ["Failed - Agent crashed"] * 3

    written = checkpoint.read_bytes()
    with pytest.raises(ResultsFileError, match="written for 4 routes but this run has 2"):
        evaluate(EvalOptions(**dict(options, repetitions=1), resume=True))
    assert checkpoint.read_bytes() == written          # a file that cannot be resumed is never overwritten


def _log_lines(log):
    return [json.loads(line) for line in log.read_text().splitlines()]


def _route_key(save_name):
    """B2D's save name starts with the route key: RouteScenario_<id>_rep<k>_<town>_..."""
    return "_".join(save_name.split("_")[:3])


class FailingRecorder:
    """A route hook that fails mid-route, like a recorder hitting a full disk (picklable for workers)."""

    def __call__(self, task):
        return self

    def on_start(self, run):
        pass

    def on_tick(self, run, control):
        if run.world.frame == 20:
            raise OSError("No space left on device")

    def on_end(self, run, record):
        pass


def test_simulation_failure_is_recorded_and_rerun_on_resume(tmp_path):
    options = dict(routes_xml=str(SMOKE), agent=str(AGENTS / "standstill_agent.py"),
                   checkpoint=str(tmp_path / "results.json"), routes_subset=_first_smoke_id())
    document = evaluate(EvalOptions(**options), hooks_factory=FailingRecorder())
    record = only_record(document)
    assert record["status"] == "Failed - Simulation crashed" and document["entry_status"] == "Crashed"
    assert record["meta"]["duration_game"] == pytest.approx(20 * 0.05)   # scored up to the failure
    document = evaluate(EvalOptions(**options, resume=True))
    assert only_record(document)["status"] == "Failed - Agent got blocked"
    assert document["entry_status"] == "Finished"
