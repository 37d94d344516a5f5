"""End to end on the synthetic clips via the CLI: a tiny world-model run → teacher → student → baseline;
each later stage keeps the world-model run's split; bad input is one line and exit 2."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from wpt_core.cli import main
from wpt_core.models.checkpoint import read_checkpoint
from wpt_core.models.policy import load_policy

TINY = str(Path(__file__).parent.parent / "fixtures" / "training" / "tiny.yaml")


@pytest.fixture(scope="module")
def runs(learning_clips, tmp_path_factory):
    root = tmp_path_factory.mktemp("plan_stages")
    common = ["--config", TINY, "--data", str(learning_clips), "--set", "train.steps=2"]
    assert main(["train", "world-model", "--out", str(root / "wm")] + common) == 0
    wm = str(root / "wm" / "last.pt")
    assert main(["train", "teacher", "--world-model", wm, "--out", str(root / "teacher")] + common) == 0
    assert main(["train", "student", "--teacher", str(root / "teacher" / "last.pt"),
                 "--out", str(root / "student")] + common) == 0
    assert main(["train", "baseline", "--world-model", wm, "--out", str(root / "baseline")] + common) == 0
    return root


def test_every_stage_writes_a_policy_checkpoint_with_the_world_model_split(runs):
    split = json.loads((runs / "wm" / "split.json").read_text())
    for kind in ("teacher", "student", "baseline"):
        for name in ("last.pt", "best.pt", "split.json", "train.csv", "val.csv", "config.yaml"):
            assert (runs / kind / name).is_file(), (kind, name)
        model, payload = load_policy(runs / kind / "best.pt")
        assert payload["kind"] == kind and payload["step"] == 2
        assert payload["extra"]["split"] == split
        assert json.loads((runs / kind / "split.json").read_text()) == split
    assert read_checkpoint(runs / "teacher" / "last.pt")["state_dict"]["anchors"].abs().sum() > 0


def test_resume_continues_a_stage(runs, learning_clips):
    out = runs / "baseline"
    assert main(["train", "baseline", "--world-model", str(runs / "wm" / "last.pt"), "--config", TINY,
                 "--data", str(learning_clips), "--out", str(out), "--set", "train.steps=3", "--resume"]) == 2
    # another config (steps 3) is refused; the same config resumes (already done: stays at step 2)
    assert main(["train", "baseline", "--world-model", str(runs / "wm" / "last.pt"), "--config", TINY,
                 "--data", str(learning_clips), "--out", str(out), "--set", "train.steps=2", "--resume"]) == 0
    assert read_checkpoint(out / "last.pt")["step"] == 2


@pytest.mark.parametrize("stage,flag,target,needle", [
    ("teacher", "--world-model", "missing.pt", "checkpoint not found"),
    ("student", "--teacher", "wm/last.pt", "expected 'teacher'"),
    ("baseline", "--world-model", "teacher/last.pt", "expected 'world_model'"),
])
def test_bad_checkpoint_is_one_line_and_exit_2(stage, flag, target, needle, runs, learning_clips, tmp_path, capsys):
    capsys.readouterr()
    code = main(["train", stage, flag, str(runs / target), "--config", TINY, "--data", str(learning_clips),
                 "--out", str(tmp_path / "out")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and needle in lines[0] and lines[0].startswith(f"wpt train {stage}:")
