"""`wpt bench latency`: structure and invariants of the report (never speed), the inputs the policies see, the
thread setting restored, and bad input as one line with exit 2."""
from __future__ import annotations

import dataclasses
import json

import pytest
import torch

from toy_policies import StraightPlanner, build_toy, save_toy
from wpt_core.cli import main
from wpt_core.evaluation.latency import bench_latency, cpu_threads, synthetic_sample, time_steps
from wpt_core.models.checkpoint import BUILDERS
from wpt_core.models.policy import INPUT_KEYS, sample_batch

TEACHER_TOY = {"gain": 1.0, "offsets_m": [-1.0, 0.0, 1.0], "rewards": [0.0, 2.0, 1.0]}
STUDENT_TOY = {"gain": 1.0, "offset_m": 0.0}


@pytest.fixture()
def pair(monkeypatch, tiny_profile, tmp_path):
    for kind in ("teacher", "student"):
        monkeypatch.setitem(BUILDERS, kind, build_toy)
    return (save_toy(tmp_path / "teacher.pt", "teacher", tiny_profile, TEACHER_TOY),
            save_toy(tmp_path / "student.pt", "student", tiny_profile, STUDENT_TOY))


def test_report_structure_and_invariants(pair, learning_clips, tmp_path, capsys):
    out = tmp_path / "latency.json"
    threads = torch.get_num_threads()
    assert main(["bench", "latency", "--teacher", str(pair[0]), "--student", str(pair[1]), "--data",
                 str(learning_clips), "--iterations", "5", "--warmup", "1", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert torch.get_num_threads() == threads
    expected = {"cpu_1_thread", "cpu_all_threads"} | ({"cuda"} if torch.cuda.is_available() else set())
    assert set(report["settings"]) == expected and report["batch_size"] == 1 and report["input"] == str(learning_clips)
    assert report["settings"]["cpu_1_thread"]["threads"] == 1
    assert report["settings"]["cpu_all_threads"]["threads"] == cpu_threads()
    for entry in report["settings"].values():
        for path in ("teacher", "student"):
            t = entry[path]
            assert t["iterations"] == 5 and t["p90_ms"] >= t["median_ms"] > 0 and t["cpu_median_ms"] >= 0
        assert entry["ratio"] == pytest.approx(entry["teacher"]["median_ms"] / entry["student"]["median_ms"], rel=1e-3)
    printed = capsys.readouterr().out
    assert "cpu_1_thread" in printed and "ratio" in printed


def test_synthetic_input_has_the_batch_layout_of_a_real_sample(tiny_batch, tiny_profile):
    batch = sample_batch(synthetic_sample(tiny_profile.data), "cpu")
    assert set(batch) == set(INPUT_KEYS)
    for key in INPUT_KEYS:
        assert batch[key].shape[1:] == tiny_batch[key].shape[1:] and batch[key].shape[0] == 1, key
        assert batch[key].dtype == tiny_batch[key].dtype, key


def test_both_paths_see_the_same_inputs_under_inference_mode(tiny_profile):
    policy = StraightPlanner(tiny_profile.data)
    batch = sample_batch(synthetic_sample(tiny_profile.data), "cpu")
    with torch.inference_mode():
        wall, cpu = time_steps(lambda: policy.plan(batch), "cpu", iterations=3, warmup=2)
    assert len(wall) == len(cpu) == 3 and all(t > 0 for t in wall) and all(t >= 0 for t in cpu)
    assert policy.seen["keys"] == set(INPUT_KEYS) and policy.seen["inference_mode"]


def test_flags_and_machine_state_are_recorded(pair):
    report = bench_latency(pair[0], pair[1], iterations=2, warmup=0, bf16=True, channels_last=True)
    assert report["bf16"] and report["channels_last"] and report["input"] == "synthetic"
    assert report["cpu_capability"] == torch.backends.cpu.get_cpu_capability() and report["load_average_1min"] >= 0


def test_teacher_and_student_of_different_inputs_are_refused(pair, tiny_profile, tmp_path, capsys):
    other = dataclasses.replace(tiny_profile, data=dataclasses.replace(
        tiny_profile.data, sensors=dataclasses.replace(tiny_profile.data.sensors, image_width=32)))
    student = save_toy(tmp_path / "narrow.pt", "student", other, STUDENT_TOY)
    assert main(["bench", "latency", "--teacher", str(pair[0]), "--student", str(student)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and str(student) in lines[0] and "data configs differ" in lines[0]
