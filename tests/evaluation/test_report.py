"""`compute_report` / `wpt report` on a results file shaped like the leaderboard's (ours or CARLA's)."""
import json
import re

import numpy as np
import pytest

from wpt_core.cli import main
from wpt_core.evaluation.report import RoutesFile, compute_report, format_report

KEYS = ("collisions_layout", "collisions_pedestrian", "collisions_vehicle", "red_light", "stop_infraction",
        "outside_route_lanes", "min_speed_infractions", "yield_emergency_vehicle_infractions", "scenario_timeouts",
        "route_dev", "vehicle_blocked", "route_timeout")


def record(num: int, scenario: str, status: str, rc: float, penalty: float, town: str = "EmbeddedGrid",
           rep: int = 0, **infractions) -> dict:
    inf = {key: list(infractions.get(key, [])) for key in KEYS}
    return {"index": num, "route_id": f"RouteScenario_{num}_rep{rep}", "scenario_name": scenario, "weather_id": 1,
            "save_name": f"save_{num}", "status": status, "num_infractions": sum(map(len, inf.values())),
            "infractions": inf, "scores": {"score_route": rc, "score_penalty": penalty, "score_composed": rc * penalty},
            "meta": {"route_length": 1000.0, "duration_game": 10.0, "duration_system": 12.0}, "town_name": town}


def document(records: list, total=None) -> dict:
    checkpoint = {"global_record": {}, "records": records}
    if total is not None:
        checkpoint["progress"] = [len(records), total]
    return {"_checkpoint": checkpoint, "entry_status": "Started", "eligible": False, "sensors": [], "values": [],
            "labels": []}


def results_doc(total: int = 4, town: str = "EmbeddedGrid") -> dict:
    records = [record(1711, "ParkingCutIn_1", "Completed", 100.0, 1.0, town=town,
                      min_speed_infractions=["Average speed is 80.0% of the surrounding traffic's one"]),
               record(1773, "ParkedObstacle_1", "Completed", 100.0, 0.6, town=town, collisions_vehicle=["hit"],
                      min_speed_infractions=["Average speed is 60.0% of the surrounding traffic's one"])]
    return document(records, total)


def write_json(path, doc):
    path.write_text(json.dumps(doc))
    return str(path)


ROUTES_XML = """<routes>{}</routes>"""
ROUTE_XML = """<route id="{id}" town="EmbeddedGrid"><waypoints><position x="0" y="0" z="0"/>
  <position x="10" y="0" z="0"/></waypoints><scenarios><scenario name="S_1" type="{type}">
  <trigger_point x="0" y="0" z="0" yaw="0"/></scenario></scenarios><weathers/></route>"""


def routes_file(tmp_path, types: dict) -> str:
    path = tmp_path / "routes.xml"
    path.write_text(ROUTES_XML.format("".join(ROUTE_XML.format(id=i, type=t) for i, t in types.items())))
    return str(path)


def write_metric_info(folder, lon_acc):
    folder.mkdir(parents=True)
    frames = {str(i): {"acceleration": [a, 0.0, 0.0], "angular_velocity": [0.0, 0.0, 0.0],
                       "forward_vector": [1.0, 0.0, 0.0], "right_vector": [0.0, 1.0, 0.0],
                       "location": [0.1 * i, 0.0, 0.0], "rotation": [0.0, 0.0, 0.0]}
              for i, a in enumerate(lon_acc)}
    (folder / "metric_info.json").write_text(json.dumps(frames))


def test_report_keys_and_values(tmp_path):
    write_metric_info(tmp_path / "save_1711", np.zeros(40))
    write_metric_info(tmp_path / "save_1773", np.concatenate([np.zeros(20), np.full(20, -8.0)]))
    report = compute_report(results_doc(), tmp_path, expected_routes=None)
    assert set(report) == {"driving_score", "success_rate", "route_completion", "infraction_penalty", "abilities",
                           "efficiency", "comfort", "num_routes", "denominator", "num_records",
                           "records_outside_routes_file", "infractions_per_km"}
    assert set(report["abilities"]) == {"Merging", "Overtaking", "Emergency_Brake", "Give_Way", "Traffic_Signs",
                                        "mean"}
    assert report["num_routes"] == 4 and report["denominator"] == "progress total of the results"
    assert report["driving_score"] == pytest.approx((100 + 60) / 4)
    assert report["success_rate"] == pytest.approx(25.0)
    assert report["route_completion"] == pytest.approx(50.0)
    assert report["infraction_penalty"] == pytest.approx(1.6 / 4)
    assert report["abilities"]["Emergency_Brake"] == 100.0 and report["abilities"]["Overtaking"] == 0.0
    assert report["abilities"]["mean"] == pytest.approx(50.0)
    assert report["efficiency"] == pytest.approx(70.0)
    assert report["comfort"] == pytest.approx(75.0)                 # routes 1.0 and 0.5
    assert report["infractions_per_km"]["collisions_vehicle"] == pytest.approx(0.5)  # 1 hit over 2 km
    text = format_report(report)
    assert "Driving score" in text and "Ability Give_Way" in text and "n/a" in text


def test_denominator_rules():
    # a B2D merged file: no index, no progress, CARLA towns -> B2D's merge divides by 220
    doc = results_doc(town="Town12")
    for rec in doc["_checkpoint"]["records"]:
        del rec["index"]
    del doc["_checkpoint"]["progress"]
    report = compute_report(doc, None, None)
    assert report["num_routes"] == 220 and report["denominator"] == "Bench2Drive's 220 routes (records on CARLA towns)"
    assert report["driving_score"] == pytest.approx((100 + 60) / 220)
    assert report["success_rate"] == pytest.approx(100 / 220)
    # a file on our towns without progress: its records; with progress: its total; an override wins
    assert compute_report(results_doc(total=None), None, None)["num_routes"] == 2
    assert compute_report(results_doc(total=5), None, None)["num_routes"] == 5
    report = compute_report(doc, None, 10)
    assert report["num_routes"] == 10 and report["driving_score"] == pytest.approx(16.0)


def test_routes_file_is_the_benchmark(tmp_path):
    routes = RoutesFile("r.xml", {"1711": "ParkingCutIn", "1773": "ParkedObstacle", "2000": "HighwayExit"})
    doc = results_doc(total=2, town="Town12")
    doc["_checkpoint"]["records"].append(record(9, "HighwayCutIn_1", "Perfect", 100.0, 1.0, town="Town12"))
    report = compute_report(doc, None, None, routes)
    # three routes in the file (2000 has no record: counts 0); route 9 is not a route of the file
    assert report["num_routes"] == 3 and report["denominator"] == "routes in r.xml"
    assert report["records_outside_routes_file"] == 1 and report["num_records"] == 2
    assert report["driving_score"] == pytest.approx(160 / 3)
    assert report["abilities"]["Merging"] is None          # route 9 (HighwayCutIn) is not scored
    reps = document([record(1711, "ParkingCutIn_1", "Perfect", 100.0, 1.0, rep=k) for k in range(3)])
    report = compute_report(reps, None, None, routes)
    assert report["num_routes"] == 9 and report["denominator"] == "routes in r.xml x 3 repetitions"


def test_cli_prints_and_writes_json(tmp_path, capsys):
    results = write_json(tmp_path / "results.json", results_doc())
    out = tmp_path / "report" / "r.json"
    assert main(["report", results, "--json", str(out)]) == 0
    assert "Driving score" in capsys.readouterr().out
    assert json.loads(out.read_text())["driving_score"] == pytest.approx(40.0)


def test_cli_names_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "broken.json"
    bad.write_text("[1, 2")
    assert main(["report", str(bad)]) == 2
    assert "broken.json" in capsys.readouterr().err


def test_cli_takes_scenario_types_from_the_route_xml(tmp_path, capsys):
    results = write_json(tmp_path / "results.json", results_doc())
    routes = routes_file(tmp_path, {1711: "HighwayExit", 1773: "ParkedObstacle"})
    out = tmp_path / "r.json"
    assert main(["report", results, "--routes", routes, "--json", str(out)]) == 0
    abilities = json.loads(out.read_text())["abilities"]
    assert abilities["Merging"] == 100.0           # route 1711 counted as HighwayExit (Merging), a success
    assert abilities["Overtaking"] == 0.0          # route 1773 a ParkedObstacle with a collision
    assert abilities["Emergency_Brake"] is None
    assert re.search(rf"Routes \(denominator\) +2: routes in {re.escape(routes)}\n", capsys.readouterr().out)


def test_cli_merges_the_parts_of_a_multi_gpu_run(tmp_path, capsys):
    # B2D's multi-GPU scripts split the route file in parts; merge_route_json.py sums their records
    part_a = write_json(tmp_path / "part0.json", document([record(1, "ParkingCutIn_1", "Perfect", 100.0, 1.0),
                                                          record(2, "ParkingCutIn_1", "Failed", 50.0, 1.0)], 3))
    part_b = write_json(tmp_path / "part1.json", document([record(4, "ParkedObstacle_1", "Perfect", 100.0, 1.0)], 2))
    out = tmp_path / "r.json"
    assert main(["report", part_a, part_b, "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    # parts written for 3 + 2 routes: routes 3 and 5 have no record and count 0
    assert report["num_routes"] == 5 and report["num_records"] == 3
    assert report["driving_score"] == pytest.approx((100 + 50 + 100) / 5)
    assert report["success_rate"] == pytest.approx(40.0)
    assert re.search(r"Routes \(denominator\) +5: progress total of the results\n", capsys.readouterr().out)


def test_cli_refuses_a_route_in_two_parts(tmp_path, capsys):
    part_a = write_json(tmp_path / "part0.json", document([record(1, "ParkingCutIn_1", "Perfect", 100.0, 1.0)], 1))
    part_b = write_json(tmp_path / "part1.json", document([record(1, "ParkingCutIn_1", "Failed", 20.0, 1.0)], 1))
    assert main(["report", part_a, part_b]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "part0.json" in err and "part1.json" in err and "RouteScenario_1_rep0" in err
