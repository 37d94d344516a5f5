"""`wpt data stats` on a small set of clips."""
from __future__ import annotations

import argparse
import json

import pytest

from data_helpers import write_clip
from wpt_core.commands import data as data_command
from wpt_core.data.clip_layout import clip_name
from wpt_core.data.stats import dataset_stats
from wpt_core.errors import InputError


def _make_set(root):
    write_clip(root / clip_name("ParkedObstacle", "Town01", 1, 0), 3, score=80.0)
    write_clip(root / clip_name("ParkedObstacle", "Town01", 2, 0), 2, score=40.0)
    write_clip(root / clip_name("HardBreakRoute", "Town01", 3, 0), 4, finish=False, scenario_type="HardBreakRoute")


def test_dataset_stats(tmp_path):
    _make_set(tmp_path)
    stats = dataset_stats(tmp_path)
    assert (stats["clips"], stats["complete"], stats["incomplete"], stats["frames"]) == (3, 2, 1, 9)
    assert stats["scenario_types"] == {"HardBreakRoute": 1, "ParkedObstacle": 2}
    assert stats["expert_mean_ds"] == pytest.approx(60.0)
    assert stats["disk_bytes"] > 0 and stats["mean_collection_fps"] == pytest.approx(12.5)
    assert stats["cpu_ms_per_frame"] == pytest.approx(40.0)      # meta.json's 0.04 s, frame-weighted


def test_stats_command_writes_json(tmp_path, capsys):
    _make_set(tmp_path / "clips")
    parser = argparse.ArgumentParser()
    data_command.add_parser(parser.add_subparsers())
    out = tmp_path / "s.json"
    args = parser.parse_args(["data", "stats", str(tmp_path / "clips"), "--json", str(out)])
    assert args.func(args) == 0
    printed = capsys.readouterr().out
    assert "3 clips (2 complete, 1 incomplete), 9 frames" in printed
    assert "collection speed 12.5 frames/s, 40.0 ms CPU per frame" in printed
    assert json.loads(out.read_text())["frames"] == 9
    bad = parser.parse_args(["data", "stats", str(tmp_path / "missing")])
    with pytest.raises(InputError, match="missing: not a folder of clips"):   # `wpt` prints it as one line, exit 2
        bad.func(bad)


def test_attach_leaderboard_records(tmp_path):
    from wpt_core.data.clip_writer import ClipWriter
    from wpt_core.data.expert_records import attach_leaderboard_records

    for save_name in ("RouteScenario_1_rep0_Town01_A_1_0_01_01_00_00_00", "RouteScenario_2_rep0_Town01_B_1_0_01_01_00_00_01"):
        writer = ClipWriter(tmp_path / "clips" / save_name, {"save_name": save_name})
        writer.finish({"status": "pending leaderboard record"})
    record = {"save_name": "RouteScenario_1_rep0_Town01_A_1_0_01_01_00_00_00", "status": "Perfect",
              "scores": {"score_composed": 100.0, "score_route": 100.0, "score_penalty": 1.0}}
    checkpoint = tmp_path / "results.json"
    checkpoint.write_text(json.dumps({"_checkpoint": {"records": [record]}}))
    assert attach_leaderboard_records(checkpoint, tmp_path / "clips") == 1
    stats = dataset_stats(tmp_path / "clips")
    assert stats["expert_scored_clips"] == 1 and stats["expert_mean_ds"] == pytest.approx(100.0)
