"""The pipeline report from hand-made results, open-loop and latency files: the table shows the inputs."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PIL import Image

from wpt_core.pipeline.pipeline_config import PipelineConfig
from wpt_core.pipeline.report_md import COLUMNS, gather_rows, render_markdown, write_report
from wpt_core.pipeline.runner import StageContext

INFRACTION_KEYS = ("collisions_layout", "collisions_pedestrian", "collisions_vehicle", "red_light",
                   "stop_infraction", "outside_route_lanes", "min_speed_infractions",
                   "yield_emergency_vehicle_infractions", "scenario_timeouts", "route_dev", "vehicle_blocked",
                   "route_timeout")
ROUTE = """<route id="{id}" town="EmbeddedGrid"><waypoints><position x="0" y="0" z="0"/>
  <position x="10" y="0" z="0"/></waypoints><scenarios><scenario name="{type}_1" type="{type}">
  <trigger_point x="0" y="0" z="0" yaw="0"/></scenario></scenarios><weathers/></route>"""


def record(route: int, scenario: str, status: str, rc: float, penalty: float, **infractions) -> dict:
    inf = {key: list(infractions.get(key, [])) for key in INFRACTION_KEYS}
    return {"index": route, "route_id": f"RouteScenario_{route}_rep0", "scenario_name": f"{scenario}_1",
            "weather_id": 1, "save_name": f"save_{route}", "status": status,
            "num_infractions": sum(map(len, inf.values())), "infractions": inf,
            "scores": {"score_route": rc, "score_penalty": penalty, "score_composed": rc * penalty},
            "meta": {"route_length": 1000.0, "duration_game": 10.0, "duration_system": 12.0},
            "town_name": "EmbeddedGrid"}


def make_run(tmp_path: Path) -> dict:
    """Routes 0 (ParkingCutIn: Emergency_Brake) and 1 (ParkedObstacle: Overtaking); route 0 succeeds at 80 % of
    the traffic's speed, route 1 is blocked at RC 80 with penalty 0.5 (a vehicle collision)."""
    routes = tmp_path / "routes.xml"
    routes.write_text("<routes>" + ROUTE.format(id=0, type="ParkingCutIn") + ROUTE.format(id=1, type="ParkedObstacle")
                      + "</routes>")
    records = [record(0, "ParkingCutIn", "Completed", 100.0, 1.0,
                      min_speed_infractions=["Average speed is 80.0% of the surrounding traffic's one"]),
               record(1, "ParkedObstacle", "Failed - Agent got blocked", 80.0, 0.5, collisions_vehicle=["hit"])]
    results = tmp_path / "student.json"
    results.write_text(json.dumps({"_checkpoint": {"global_record": {}, "records": records},
                                   "entry_status": "Started", "eligible": False, "sensors": [], "values": [],
                                   "labels": []}))
    open_loop = tmp_path / "open_loop_student.json"
    open_loop.write_text(json.dumps({"rows": {"plan": {"l2_mean_to_avg": 1.234, "collision_mean_to_avg": 0.0125},
                                              "expert": {"l2_mean_to_avg": 0.0, "collision_mean_to_avg": 0.0}}}))
    latency = tmp_path / "latency.json"
    latency.write_text(json.dumps({"settings": {
        "cpu_all_threads": {"device": "cpu", "threads": None, "teacher": {"median_ms": 30.0},
                            "student": {"median_ms": 9.0}},
        "cpu_1_thread": {"device": "cpu", "threads": 1, "teacher": {"median_ms": 60.0},
                         "student": {"median_ms": 20.0}}}}))
    train_run = tmp_path / "student_run"
    train_run.mkdir()
    for split, rows in (("train", [(1, 2.0), (2, 1.5), (3, 1.0)]), ("val", [(3, 1.2)])):
        with (train_run / f"{split}.csv").open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["step", "loss", "lr"])
            writer.writerows([(s, v, 0.001) for s, v in rows])
    teacher_open_loop = tmp_path / "open_loop_teacher.json"
    teacher_open_loop.write_text(json.dumps({"rows": {
        "plan": {"l2_mean_to_avg": 2.5, "collision_mean_to_avg": 0.04},
        "rules_true": {"l2_mean_to_avg": 0.75, "collision_mean_to_avg": 0.0005}}}))
    return {"eval_student": {"results": str(results), "save_path": str(tmp_path / "no_metric_dir"),
                             "routes": str(routes), "routes_subset": ""},
            "open_loop": {"student": str(open_loop), "teacher": str(teacher_open_loop)},
            "latency": {"latency": str(latency)},
            "student": {"checkpoint": str(train_run / "best.pt"), "run": str(train_run)}}


def test_table_values_equal_the_inputs(tmp_path: Path) -> None:
    rows = gather_rows(make_run(tmp_path), PipelineConfig())
    student = rows["student"]
    assert student["driving_score"] == pytest.approx((100.0 * 1.0 + 80.0 * 0.5) / 2)
    assert student["route_completion"] == pytest.approx(90.0)
    assert student["success_rate"] == pytest.approx(50.0)
    assert student["infraction_penalty"] == pytest.approx(0.75)
    assert student["Emergency_Brake"] == pytest.approx(100.0) and student["Overtaking"] == pytest.approx(0.0)
    assert student["Merging"] is None and student["ability_mean"] == pytest.approx(50.0)
    assert student["efficiency"] == pytest.approx(80.0)
    assert student["l2_m"] == pytest.approx(1.234) and student["collision_rate"] == pytest.approx(1.25)
    assert student["ms_per_step"] == pytest.approx(20.0)   # the one-thread setting, not the all-threads one
    assert student["routes"] == 2
    assert rows["teacher"]["ms_per_step"] == pytest.approx(60.0)
    assert rows["baseline"]["ms_per_step"] == pytest.approx(20.0)   # the student's architecture
    assert rows["teacher"]["driving_score"] is None and rows["expert"]["l2_m"] is None

    markdown = render_markdown({"profile": "p", "run": "r", "benchmark": "b", "seed": 7, "policies": rows,
                                "stage_wall_s": {"collect": 61.0}, "plots": [], "video": None})
    line = next(l for l in markdown.splitlines() if l.startswith("| student |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    by_title = dict(zip(["policy", "routes", *(title for _, title, _ in COLUMNS)], cells))
    assert by_title["DS"] == "70.00" and by_title["SR %"] == "50.0" and by_title["RC"] == "90.00"
    assert by_title["IS"] == "0.750" and by_title["Emergency Brake %"] == "100.0" and by_title["Merging %"] == "n/a"
    assert by_title["L2 m"] == "1.234" and by_title["Collision %"] == "1.25" and by_title["ms/step"] == "20.0"
    assert by_title["routes"] == "2" and "seed 7" in markdown and "| collect | 1 min 01 s |" in markdown


def test_write_report_files_and_plots(tmp_path: Path) -> None:
    outputs = make_run(tmp_path)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    written = write_report(StageContext("smoke", PipelineConfig(), run_dir, 1, outputs, {"student": 12.5}))
    report = json.loads(Path(written["report_json"]).read_text())
    assert report["policies"]["student"]["driving_score"] == pytest.approx(70.0)
    assert report["stage_wall_s"] == {"student": 12.5} and report["seed"] == 0
    names = sorted(Path(p).name for p in report["plots"])
    assert names == ["abilities.png", "curves_student.png"]
    for path in report["plots"]:
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width > 100
    markdown = Path(written["report_md"]).read_text()
    assert "![abilities](abilities.png)" in markdown
    assert report["teacher_choice"]["rules_true"] == {"l2_m": 0.75, "collision_rate": pytest.approx(0.05)}
    assert "| selected (executed) | 2.500 | 4.00 |" in markdown
    assert "| imitation head + exact rules on the true future | 0.750 | 0.05 |" in markdown
