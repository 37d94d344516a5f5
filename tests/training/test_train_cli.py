"""`wpt train world-model` and `wpt eval world-model` end to end on the synthetic clips; profiles; bad input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from wpt_core.cli import main
from wpt_core.config import ConfigError
from wpt_core.models.checkpoint import read_checkpoint
from wpt_core.training.profile import load_profile, profile_names

TINY = str(Path(__file__).parent.parent / "fixtures" / "training" / "tiny.yaml")


@pytest.fixture(scope="module")
def run(learning_clips, tmp_path_factory):
    out = tmp_path_factory.mktemp("train") / "wm"
    assert main(["train", "world-model", "--config", TINY, "--data", str(learning_clips), "--out", str(out),
                 "--set", "train.steps=2"]) == 0
    return out


def test_training_writes_checkpoints_split_metrics_and_config(run):
    for name in ("last.pt", "best.pt", "split.json", "train.csv", "val.csv", "config.yaml"):
        assert (run / name).is_file(), name
    assert any((run / "tensorboard").iterdir())
    ckpt = read_checkpoint(run / "last.pt")
    split = json.loads((run / "split.json").read_text())
    assert ckpt["step"] == 2 and ckpt["kind"] == "world_model" and ckpt["extra"]["split"] == split
    assert ckpt["config"]["train"]["steps"] == 2 and "training_state" in ckpt
    assert not {r for r in split["val_routes"]} & {n.split("_Route")[1] for n in split["train"]}
    assert yaml.safe_load((run / "config.yaml").read_text()) == ckpt["config"]


def test_eval_world_model_reports_model_and_references(run, learning_clips, tmp_path, capsys):
    report_file = tmp_path / "wm_eval.json"
    assert main(["eval", "world-model", "--checkpoint", str(run / "last.pt"), "--data", str(learning_clips),
                 "--json", str(report_file)]) == 0
    printed = capsys.readouterr().out
    report = json.loads(report_file.read_text())
    assert report["future_s"] == [0.5, 1.0, 1.5]
    assert set(report["occupancy_iou"]) == {"model", "copy_current", "constant_velocity"}
    # every synthetic actor moves at constant velocity: the reference reproduces the future exactly
    assert report["occupancy_iou"]["constant_velocity"]["vehicle"] == [1.0, 1.0, 1.0]
    assert report["occupancy_iou"]["constant_velocity"]["pedestrian"] == [1.0, 1.0, 1.0]
    copy = report["occupancy_iou"]["copy_current"]["vehicle"]
    assert 0.0 < copy[-1] < copy[0] < 1.0  # the lead car drives away from its current box
    assert set(report["semantics_iou"]) == {"drivable", "lane", "vehicle", "pedestrian", "obstacle", "route"}
    assert "constant_velocity" in printed and "BEV semantics IoU" in printed


def test_every_profile_loads_strictly_and_help_lists_them(capsys):
    assert {"quick", "standard", "full"} <= set(profile_names())
    for name in profile_names():
        profile = load_profile(name)
        assert profile.data.future_steps == 6
    assert load_profile("quick", overrides=["train.steps=3"]).train.steps == 3
    with pytest.raises(SystemExit):
        main(["train", "world-model", "--help"])
    help_text = capsys.readouterr().out
    assert all(name in help_text for name in profile_names()) and "torchrun" in help_text


def test_unknown_profile_key_is_an_error_naming_it(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("world_model:\n  epochz: 2\n")
    with pytest.raises(ConfigError, match="epochz"):
        load_profile(config_file=str(bad))


@pytest.mark.parametrize("args,needle", [
    (["--data", "{missing}"], "no such data folder"),
    (["--data", "{clips}", "--set", "train.stepz=1"], "stepz"),
    (["--data", "{clips}", "--resume"], "nothing to resume"),
    (["--cache", "{clips}"], "not a feature cache"),
])
def test_bad_input_is_one_line_and_exit_2(args, needle, learning_clips, tmp_path, capsys):
    args = [a.format(missing=tmp_path / "nope", clips=learning_clips) for a in args]
    assert main(["train", "world-model", "--config", TINY, "--out", str(tmp_path / "out")] + args) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wpt train world-model: ") and needle in lines[0]
