"""`wpt data stats` on a small set of clips."""
from __future__ import annotations

import argparse
import json

import pytest

from data_helpers import write_clip
from wpt_core.commands import data as data_command
from wpt_core.data.clip_layout import clip_name
from wpt_core.data.stats import dataset_stats


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


def test_stats_command_writes_json(tmp_path, capsys):
    _make_set(tmp_path / "clips")
    parser = argparse.ArgumentParser()
    data_command.add_parser(parser.add_subparsers())
    out = tmp_path / "s.json"
    args = parser.parse_args(["data", "stats", str(tmp_path / "clips"), "--json", str(out)])
    assert args.func(args) == 0
    assert "3 clips (2 complete, 1 incomplete), 9 frames" in capsys.readouterr().out
    assert json.loads(out.read_text())["frames"] == 9
    bad = parser.parse_args(["data", "stats", str(tmp_path / "missing")])
    assert bad.func(bad) == 2
