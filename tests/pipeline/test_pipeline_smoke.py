"""`wpt pipeline --profile smoke` end to end on the real commands (slow: collection and the cache take minutes).

Runs the stages whose commands exist on every branch (collect → cache → world model → expert eval → report);
the learned-policy stages are covered with recorded calls in test_pipeline_stages.py.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

STAGES = "collect,cache,world_model,expert_eval"


def wpt(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wpt_core.cli", "pipeline", "--profile", "smoke", "--run", "t",
                           "--workers", "1", *args], capture_output=True, text=True, timeout=3600,
                          env=dict(os.environ, WPT_OUTPUT_ROOT=str(tmp_path)))


@pytest.mark.slow
def test_smoke_pipeline_runs_resumes_and_refuses_another_config(tmp_path: Path) -> None:
    first = wpt(tmp_path, "--only", STAGES)
    assert first.returncode == 0, first.stderr[-3000:]
    run = tmp_path / "pipeline" / "t"
    state = json.loads((run / "pipeline_state.json").read_text())
    assert list(state["stages"]) == STAGES.split(",")
    report = json.loads((run / "report.json").read_text())
    assert report["policies"]["expert"]["routes"] == 1 and report["policies"]["expert"]["driving_score"] is not None
    assert report["policies"]["student"]["driving_score"] is None     # not run yet: n/a in the table
    assert (run / "curves_world_model.png").is_file() and (run / "world_model" / "best.pt").is_file()
    assert set(report["stage_wall_s"]) == set(STAGES.split(","))

    again = wpt(tmp_path, "--resume", "--only", STAGES)       # everything finished: only the report is rebuilt
    assert again.returncode == 0 and "1 stage(s) run" in again.stdout
    assert json.loads((run / "pipeline_state.json").read_text()) == state   # no stage redone or re-recorded

    refused = wpt(tmp_path, "--resume", "--set", "seed=1")
    assert refused.returncode == 2 and str(run / "pipeline_state.json") in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
