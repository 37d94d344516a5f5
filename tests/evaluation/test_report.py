"""`compute_report` / `wpt report` on a results file shaped like the leaderboard's (ours or CARLA's)."""
import json

import numpy as np
import pytest

from wpt_core.cli import main
from wpt_core.evaluation.report import compute_report, format_report

KEYS = ("collisions_layout", "collisions_pedestrian", "collisions_vehicle", "red_light", "stop_infraction",
        "outside_route_lanes", "min_speed_infractions", "yield_emergency_vehicle_infractions", "scenario_timeouts",
        "route_dev", "vehicle_blocked", "route_timeout")


def record(num: int, scenario: str, status: str, rc: float, penalty: float, **infractions) -> dict:
    inf = {key: list(infractions.get(key, [])) for key in KEYS}
    return {"index": num, "route_id": f"RouteScenario_{num}_rep0", "scenario_name": scenario, "weather_id": 1,
            "save_name": f"save_{num}", "status": status, "num_infractions": sum(map(len, inf.values())),
            "infractions": inf, "scores": {"score_route": rc, "score_penalty": penalty, "score_composed": rc * penalty},
            "meta": {"route_length": 1000.0, "duration_game": 10.0, "duration_system": 12.0}, "town_name": "Town12"}


def results_doc(total: int = 4) -> dict:
    records = [record(1711, "ParkingCutIn_1", "Completed", 100.0, 1.0,
                      min_speed_infractions=["Average speed is 80.0% of the surrounding traffic's one"]),
               record(1773, "ParkedObstacle_1", "Completed", 100.0, 0.6, collisions_vehicle=["hit"],
                      min_speed_infractions=["Average speed is 60.0% of the surrounding traffic's one"])]
    return {"_checkpoint": {"global_record": {}, "progress": [2, total], "records": records},
            "entry_status": "Started", "eligible": False, "sensors": [], "values": [], "labels": []}


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
                           "efficiency", "comfort", "num_routes", "infractions_per_km"}
    assert set(report["abilities"]) == {"Merging", "Overtaking", "Emergency_Brake", "Give_Way", "Traffic_Signs",
                                        "mean"}
    assert report["num_routes"] == 4                                 # the progress total
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


def test_expected_routes_overrides_and_merged_b2d_files_work():
    doc = results_doc()
    for rec in doc["_checkpoint"]["records"]:
        del rec["index"]  # B2D's merge tool drops it
    del doc["_checkpoint"]["progress"]
    assert compute_report(doc, None, None)["num_routes"] == 2
    assert compute_report(doc, None, 220)["driving_score"] == pytest.approx(160 / 220)


def test_cli_prints_and_writes_json(tmp_path, capsys):
    results = tmp_path / "results.json"
    results.write_text(json.dumps(results_doc()))
    out = tmp_path / "report" / "r.json"
    assert main(["report", str(results), "--json", str(out)]) == 0
    assert "Driving score" in capsys.readouterr().out
    assert json.loads(out.read_text())["driving_score"] == pytest.approx(40.0)


def test_cli_names_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "broken.json"
    bad.write_text("[1, 2")
    assert main(["report", str(bad)]) == 2
    assert "broken.json" in capsys.readouterr().err


def test_cli_takes_scenario_types_from_the_route_xml(tmp_path, capsys):
    results = tmp_path / "results.json"
    results.write_text(json.dumps(results_doc()))
    routes = tmp_path / "routes.xml"
    routes.write_text('''<routes><route id="1711" town="Town12"><waypoints><position x="0" y="0" z="0"/>
      <position x="10" y="0" z="0"/></waypoints><scenarios><scenario name="S_1" type="HighwayExit">
      <trigger_point x="0" y="0" z="0" yaw="0"/></scenario></scenarios><weathers/></route></routes>''')
    out = tmp_path / "r.json"
    assert main(["report", str(results), "--routes", str(routes), "--json", str(out)]) == 0
    abilities = json.loads(out.read_text())["abilities"]
    assert abilities["Merging"] == 100.0           # route 1711 counted as HighwayExit (Merging), a success
    assert abilities["Overtaking"] == 0.0          # route 1773 still typed by its scenario_name
    assert abilities["Emergency_Brake"] is None
