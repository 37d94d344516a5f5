"""Leaderboard results file: resume without duplicates, progress, global means over the total."""
import json

import pytest

from wpt_core.leaderboard.route_record import build_record, empty_record
from wpt_core.leaderboard.results_file import ResultsFile, ResultsFileError, global_record

KEYS = ("collisions_layout", "collisions_pedestrian", "collisions_vehicle", "red_light", "stop_infraction",
        "outside_route_lanes", "min_speed_infractions", "yield_emergency_vehicle_infractions", "scenario_timeouts",
        "route_dev", "vehicle_blocked", "route_timeout")


def keys(n: int) -> list:
    return [f"RouteScenario_{100 + i}_rep0" for i in range(n)]


def record(i: int, rc: float = 100.0, penalty: float = 1.0, length: float = 1000.0, **infractions) -> dict:
    inf = {key: list(infractions.get(key, [])) for key in KEYS}
    return build_record(i, f"RouteScenario_{100 + i}_rep0", f"ParkingCutIn_{i}", 1, f"save{i}", "Town01", rc, penalty,
                        inf, "", {"route_length": length, "duration_game": 10.0, "duration_system": 5.0})


def test_resume_after_kill_has_no_duplicates(tmp_path):
    path = tmp_path / "out" / "results.json"
    first = ResultsFile.load_or_create(path, keys(4), resume=False)
    first.add_record(record(0))
    first.add_record(record(1))
    del first  # "killed": only the file survives
    on_disk = json.loads(path.read_text())
    assert on_disk["_checkpoint"]["progress"] == [2, 4]
    assert on_disk["entry_status"] == "Started" and on_disk["eligible"] is False

    resumed = ResultsFile.load_or_create(path, keys(4), resume=True)
    assert resumed.done_route_keys() == {"RouteScenario_100_rep0", "RouteScenario_101_rep0"}
    resumed.add_record(record(3))
    resumed.add_record(record(2))
    resumed.add_record(record(1, rc=50.0))  # the same route again replaces, never duplicates
    doc = json.loads(path.read_text())
    ids = [r["route_id"] for r in doc["_checkpoint"]["records"]]
    assert ids == ["RouteScenario_100_rep0", "RouteScenario_101_rep0", "RouteScenario_102_rep0",
                   "RouteScenario_103_rep0"]
    assert [r["index"] for r in doc["_checkpoint"]["records"]] == [0, 1, 2, 3]
    assert doc["_checkpoint"]["progress"] == [4, 4]
    assert doc["entry_status"] == "Finished" and doc["eligible"] is True
    assert doc["_checkpoint"]["records"][1]["scores"]["score_route"] == 50.0
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]  # no temp files left behind


def test_without_resume_starts_fresh(tmp_path):
    path = tmp_path / "r.json"
    ResultsFile.load_or_create(path, keys(2), resume=False).add_record(record(0))
    again = ResultsFile.load_or_create(path, keys(2), resume=False)
    assert again.done_route_keys() == set()
    assert json.loads(path.read_text())["_checkpoint"]["records"] == []


def test_crashed_routes_run_again_on_resume(tmp_path):
    path = tmp_path / "r.json"
    res = ResultsFile.load_or_create(path, keys(2), resume=False)
    res.add_record(record(0))
    res.add_record(empty_record(1, "RouteScenario_101_rep0", "X_1", "Town01", "Failed - Simulation crashed"))
    assert json.loads(path.read_text())["entry_status"] == "Crashed"
    resumed = ResultsFile.load_or_create(path, keys(2), resume=True)
    assert resumed.done_route_keys() == {"RouteScenario_100_rep0"}


def test_resume_reruns_what_the_leaderboard_route_indexer_reruns(tmp_path):
    # route_indexer.validate_and_resume resumes at the first record whose status is one of these three
    rerun = ["Failed", "Failed - Simulation crashed", "Failed - Agent crashed"]
    kept = ["Perfect", "Completed", "Failed - Agent got blocked", "Failed - Agent deviated from the route",
            "Failed - Agent timed out", "Failed - TickRuntime", "Failed - Agent couldn't be set up"]
    path = tmp_path / "r.json"
    res = ResultsFile.load_or_create(path, keys(len(rerun + kept)), resume=False)
    for i, status in enumerate(rerun + kept):
        res.add_record(dict(record(i), status=status))
    resumed = ResultsFile.load_or_create(path, keys(len(rerun + kept)), resume=True)
    assert resumed.done_route_keys() == set(keys(len(rerun + kept))[len(rerun):])


def test_corrupt_or_foreign_file_names_the_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ResultsFileError, match="bad.json"):
        ResultsFile.load_or_create(bad, keys(2), resume=True)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"hello": 1}))
    with pytest.raises(ResultsFileError, match="other.json"):
        ResultsFile.load_or_create(other, keys(2), resume=True)


def test_a_file_that_cannot_be_resumed_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "r.json"
    ResultsFile.load_or_create(path, keys(3), resume=False).add_record(record(0))
    written = path.read_bytes()
    with pytest.raises(ResultsFileError, match="3 routes"):
        ResultsFile.load_or_create(path, keys(5), resume=True)           # another route count
    other_routes = [f"RouteScenario_{200 + i}_rep0" for i in range(3)]
    with pytest.raises(ResultsFileError, match="RouteScenario_100_rep0"):
        ResultsFile.load_or_create(path, other_routes, resume=True)      # the same count, other routes
    assert path.read_bytes() == written
    malformed = json.loads(written)
    malformed["_checkpoint"]["progress"] = "1/3"
    path.write_text(json.dumps(malformed))
    written = path.read_bytes()
    with pytest.raises(ResultsFileError, match="r.json: malformed '_checkpoint.progress'"):
        ResultsFile.load_or_create(path, keys(3), resume=True)
    broken = tmp_path / "broken.json"
    broken.write_text('{"_checkpoint": {"records": [')
    with pytest.raises(ResultsFileError, match="broken.json"):
        ResultsFile.load_or_create(broken, keys(3), resume=True)
    assert path.read_bytes() == written and broken.read_text() == '{"_checkpoint": {"records": ['


def test_global_record_means_over_total_and_per_km():
    recs = [record(0, rc=100.0, penalty=0.8, length=2000.0, collisions_vehicle=["a", "b"]),
            record(1, rc=50.0, penalty=0.8, length=2000.0,
                   outside_route_lanes=["Agent went outside its route lanes for about 250.0 meters (25.0% of the "
                                        "completed route)"])]
    g = global_record(recs, total_routes=4)
    # DS 80 and 40 over 4 routes (2 missing count 0): 30
    assert g["scores_mean"]["score_composed"] == pytest.approx(30.0)
    assert g["scores_mean"]["score_route"] == pytest.approx(37.5)
    assert g["scores_mean"]["score_penalty"] == pytest.approx(0.4)
    # driven: 2 km × 100 % + 2 km × 50 % = 3 km; 2 vehicle collisions → 0.667 / km
    assert g["infractions"]["collisions_vehicle"] == pytest.approx(0.667)
    assert g["infractions"]["outside_route_lanes"] == pytest.approx(0.25)  # km, not per km
    assert g["status"] == "Failed"
    assert g["meta"]["total_length"] == 4000.0
