"""Every stage of the main job with the `wpt` calls recorded instead of run: the argv lists follow the commands'
contract (contract.md), outputs flow from stage to stage, a rerun resumes each command, and the report is built."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List

import numpy as np
import pytest
import yaml

from wpt_core.pipeline import stages as stages_module
from wpt_core.pipeline import video as video_module
from wpt_core.pipeline.pipeline_config import load_pipeline_config
from wpt_core.pipeline.runner import run_stages
from wpt_core.pipeline.state import PipelineState

INFRACTION_KEYS = ("collisions_layout", "collisions_pedestrian", "collisions_vehicle", "red_light",
                   "stop_infraction", "outside_route_lanes", "min_speed_infractions",
                   "yield_emergency_vehicle_infractions", "scenario_timeouts", "route_dev", "vehicle_blocked",
                   "route_timeout")

RECORD = {"index": 0, "route_id": "RouteScenario_0_rep0", "scenario_name": "HardBreakRoute_1", "weather_id": 1,
          "save_name": "s0", "status": "Completed", "num_infractions": 0,
          "infractions": {key: [] for key in INFRACTION_KEYS},
          "scores": {"score_route": 100.0, "score_penalty": 1.0, "score_composed": 100.0},
          "meta": {"route_length": 100.0, "duration_game": 10.0, "duration_system": 10.0}, "town_name": "EmbeddedGrid"}

WORLD_MODEL_REPORT = {"checkpoint": "wm.pt", "step": 2, "validation_clips": ["c0"], "samples": 3, "future_s": [0.5, 1.0],
                      "occupancy_iou": {name: {"vehicle": [0.25, 0.125], "pedestrian": [0.0, 0.0]}
                                        for name in ("model", "copy_current", "constant_velocity")},
                      "semantics_iou": {"drivable": 0.5}}


def arg(argv: List[str], name: str) -> str:
    return argv[argv.index(name) + 1]


class FakeWpt:
    """Records argv and writes what each command would, so the next stage finds its inputs."""

    def __init__(self) -> None:
        self.calls: List[List[str]] = []

    def __call__(self, argv: List[str]) -> None:
        self.calls.append(list(argv))
        if argv[0] == "collect":
            Path(arg(argv, "--out")).mkdir(parents=True, exist_ok=True)
            (Path(arg(argv, "--out")) / "collect_results.json").write_text("{}")
        elif argv[:2] == ["data", "cache"]:
            Path(arg(argv, "--out")).mkdir(parents=True, exist_ok=True)
        elif argv[0] == "train":
            out = Path(arg(argv, "--out"))
            out.mkdir(parents=True, exist_ok=True)
            for name in ("last.pt", "best.pt"):
                (out / name).write_bytes(b"x")
            (out / "train.csv").write_text("step,loss\n1,2.0\n2,1.0\n")
        elif argv[:2] == ["eval", "open-loop"] or argv[:2] == ["bench", "latency"]:
            Path(arg(argv, "--json")).parent.mkdir(parents=True, exist_ok=True)   # as the commands do
            Path(arg(argv, "--json")).write_text(json.dumps(
                {"rows": {"plan": {"l2_mean_to_avg": 1.0, "collision_mean_to_avg": 0.1}},
                 "settings": {"one": {"device": "cpu", "threads": 1, "teacher": {"median_ms": 50.0},
                                      "student": {"median_ms": 10.0}}}}))
        elif argv[:2] == ["eval", "world-model"]:
            Path(arg(argv, "--json")).write_text(json.dumps(WORLD_MODEL_REPORT))
        elif argv[0] == "eval":
            Path(arg(argv, "--checkpoint")).write_text(json.dumps(
                {"_checkpoint": {"global_record": {}, "records": [RECORD]}, "entry_status": "Finished"}))
            if arg(argv, "--agent") == video_module.RECORDING_AGENT:
                import yaml
                frames = Path(yaml.safe_load(Path(arg(argv, "--agent-config")).read_text())["frames"])
                frames.mkdir(parents=True)   # as the recording agent's setup does
                for step in range(4):
                    np.savez(frames / f"{step:06d}.npz", front=np.zeros((9, 16, 3), np.uint8),
                             route=np.array([[0.0, 0.0], [10.0, 0.0]]))


@pytest.fixture
def fake_wpt(monkeypatch: pytest.MonkeyPatch) -> FakeWpt:
    fake = FakeWpt()
    monkeypatch.setattr(stages_module, "wpt", fake)
    monkeypatch.setattr(video_module, "wpt", fake)
    return fake


def test_every_stage_runs_its_command_and_the_report_is_built(tmp_path: Path, fake_wpt: FakeWpt) -> None:
    template = tmp_path / "agent.yaml"
    template.write_text("checkpoint: none\ncontroller: {max_speed_mps: 8.0}\n")
    config = load_pipeline_config("smoke", [f"policy_eval.agent_config={template}", "policy_eval.plan_every_ticks=2",
                                            "policy_eval.teacher_plan_every_ticks=4"])
    run = tmp_path / "run"
    run.mkdir()
    state = PipelineState.open(run, config, False)
    run_stages(stages_module.pipeline_stages(config), state, "smoke", config, run, 2)
    calls = {" ".join(c[:2]) if c[0] in ("train", "data", "bench") or c[1] == "open-loop" else c[0]: c
             for c in fake_wpt.calls}
    first_train = [c for c in fake_wpt.calls if c[0] == "train"]
    assert [c[1] for c in first_train] == ["world-model", "teacher", "student", "baseline"]
    wm, teacher, student, baseline = first_train
    assert arg(teacher, "--world-model") == str(run / "world_model" / "best.pt")
    assert arg(student, "--teacher") == str(run / "teacher" / "best.pt")
    assert arg(baseline, "--world-model") == str(run / "world_model" / "best.pt")
    for call in first_train:
        assert arg(call, "--cache") == str(run / "cache") and arg(call, "--profile") == "quick"
        assert "train.steps=2" in call and "--resume" not in call
    assert arg(calls["collect"], "--routes-subset") == "0,2" and "--resume" not in calls["collect"]
    evals = [c for c in fake_wpt.calls if c[0] == "eval" and c[1] == "--agent"]
    assert [Path(arg(c, "--checkpoint")).stem for c in evals] == ["expert", "baseline", "teacher", "student",
                                                                 "results"]
    generated = {p: yaml.safe_load((run / "agents" / f"{p}.yaml").read_text()) for p in ("student", "teacher")}
    assert generated["student"] == {"checkpoint": str((run / "student" / "best.pt").resolve()),
                                    "controller": {"max_speed_mps": 8.0}, "plan_every_ticks": 2}
    assert generated["teacher"]["plan_every_ticks"] == 4   # the teacher's own rate
    assert arg(calls["bench latency"], "--teacher") == str(run / "teacher" / "best.pt")
    report = json.loads((run / "report.json").read_text())
    assert report["policies"]["student"]["driving_score"] == 100.0
    assert report["policies"]["teacher"]["ms_per_step"] == 50.0
    assert set(report["stage_wall_s"]) >= {"collect", "cache", "world_model", "teacher", "student", "baseline"}
    assert Path(report["video"]).is_file()
    wm_eval = next(c for c in fake_wpt.calls if c[:2] == ["eval", "world-model"])
    assert arg(wm_eval, "--checkpoint") == str(run / "world_model" / "best.pt")
    assert arg(wm_eval, "--data") == str(run / "data") and arg(wm_eval, "--max-samples") == "600"
    assert report["world_model"] == WORLD_MODEL_REPORT
    markdown = (run / "report.md").read_text()
    assert "## World model" in markdown and "0.250   0.125" in markdown   # the model row's vehicle IoU per step

    # a rerun after a kill: the unfinished stages resume their commands, finished ones are not called
    del state.stages["student"], state.stages["eval_student"]
    state.save()
    fake_wpt.calls.clear()
    run_stages(stages_module.pipeline_stages(config), PipelineState.open(run, config, True), "smoke", config, run, 2)
    assert [c[:2] for c in fake_wpt.calls if c[0] == "train"] == [["train", "student"]]
    assert "--resume" in next(c for c in fake_wpt.calls if c[0] == "train")
    assert "--resume" in next(c for c in fake_wpt.calls if c[0] == "eval" and "student.json" in " ".join(c))


def test_every_recorded_call_parses_with_the_wpt_parser(tmp_path: Path, fake_wpt: FakeWpt) -> None:
    """The argv lists are valid `wpt` command lines: argparse exits on an unknown command or option."""
    from wpt_core.cli import build_parser

    template = tmp_path / "agent.yaml"
    template.write_text("checkpoint: none\n")
    config = load_pipeline_config("smoke", [f"policy_eval.agent_config={template}"])
    run = tmp_path / "run"
    run.mkdir()
    run_stages(stages_module.pipeline_stages(config), PipelineState.open(run, config, False), "smoke", config, run, 2)
    parser = build_parser()
    commands = {tuple(call[:2]) for call in fake_wpt.calls}
    assert {("train", "teacher"), ("train", "student"), ("train", "baseline")} <= commands
    for call in fake_wpt.calls:
        parser.parse_args(call)


def test_ablation_students_train_drive_and_report_after_the_main_table(tmp_path: Path, fake_wpt: FakeWpt) -> None:
    template = tmp_path / "agent.yaml"
    template.write_text("checkpoint: none\n")
    config = load_pipeline_config("smoke", [
        f"policy_eval.agent_config={template}", "policy_eval.routes_subset=''", "policy_eval.plan_every_ticks=2",
        "ablations.students={no_query: [student.loss.query=0], no_reward: [student.loss.reward_imitation=0, "
        "student.loss.reward_simulation=0]}", "ablations.routes_subset='0'"])
    names = [s.name for s in stages_module.pipeline_stages(config)]
    assert names[names.index("video") + 1:] == ["student_no_query", "student_no_reward", "eval_student_no_query",
                                                "eval_student_no_reward", "open_loop_ablations", "report"]
    run = tmp_path / "run"
    run.mkdir()
    run_stages(stages_module.pipeline_stages(config), PipelineState.open(run, config, False), "smoke", config, run, 2)
    trains = [c for c in fake_wpt.calls if c[0] == "train"]
    no_query = next(c for c in trains if arg(c, "--out") == str(run / "student_no_query"))
    assert no_query[1] == "student" and arg(no_query, "--teacher") == str(run / "teacher" / "best.pt")
    assert no_query.index("student.loss.query=0") > no_query.index("train.steps=2")   # the ablation's set wins
    student = next(c for c in trains if arg(c, "--out") == str(run / "student"))
    assert "student.loss.query=0" not in student
    evals = {Path(arg(c, "--checkpoint")).stem: c for c in fake_wpt.calls if c[0] == "eval" and c[1] == "--agent"}
    assert arg(evals["student_no_reward"], "--routes-subset") == "0" and "--routes-subset" not in evals["student"]
    generated = yaml.safe_load((run / "agents" / "student_no_query.yaml").read_text())
    assert generated == {"checkpoint": str((run / "student_no_query" / "best.pt").resolve()), "plan_every_ticks": 2}
    assert any(c[:2] == ["eval", "open-loop"] and arg(c, "--checkpoint") == str(run / "student_no_reward" / "best.pt")
               for c in fake_wpt.calls)
    rows = json.loads((run / "report.json").read_text())["policies"]
    assert list(rows) == ["expert", "baseline", "teacher", "student", "baseline (routes 0)", "student (routes 0)",
                          "student_no_query", "student_no_reward"]
    assert rows["student_no_query"]["ms_per_step"] == 10.0 and rows["student_no_query"]["l2_m"] == 1.0
    # smoke has 3 routes and the fake results hold route 0 only: 100 / 3 on all of them, 100 on route 0 alone
    assert rows["student"]["routes"] == 3 and rows["student"]["driving_score"] == pytest.approx(100 / 3)
    assert rows["student (routes 0)"]["routes"] == 1 and rows["student (routes 0)"]["driving_score"] == 100.0


def test_an_ablation_name_that_cannot_name_a_stage_is_refused() -> None:
    from wpt_core.config import ConfigError

    with pytest.raises(ConfigError, match="ablation name 'No-Query'"):
        load_pipeline_config("smoke", ["ablations.students={No-Query: [student.loss.query=0]}"])
