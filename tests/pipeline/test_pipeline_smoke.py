"""`wpt pipeline --profile smoke` end to end on the real commands (slow: collection and the cache take minutes).

Every stage runs its real command at the smoke sizes (two short routes, two optimiser steps per training stage,
closed loop on one route); test_pipeline_stages.py checks the same stages' calls quickly with a recorded `wpt`.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

STAGES = ["collect", "cache", "world_model", "world_model_eval", "teacher", "student", "baseline", "expert_eval",
          "eval_baseline", "eval_teacher", "eval_student", "open_loop", "latency", "video"]


def wpt(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wpt_core.cli", "pipeline", "--profile", "smoke", "--run", "t",
                           "--workers", "1", *args], capture_output=True, text=True, timeout=3600,
                          env=dict(os.environ, WPT_OUTPUT_ROOT=str(tmp_path)))


@pytest.mark.slow
def test_smoke_pipeline_runs_resumes_and_refuses_another_config(tmp_path: Path) -> None:
    first = wpt(tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    run = tmp_path / "pipeline" / "t"
    state = json.loads((run / "pipeline_state.json").read_text())
    assert list(state["stages"]) == STAGES
    report = json.loads((run / "report.json").read_text())
    assert report["policies"]["expert"]["routes"] == 1 and report["policies"]["expert"]["driving_score"] is not None
    for policy in ("baseline", "teacher", "student"):
        assert report["policies"][policy]["routes"] == 1 and report["policies"][policy]["driving_score"] is not None
        assert report["policies"][policy]["ms_per_step"] > 0
    assert (run / "curves_world_model.png").is_file() and (run / "student" / "best.pt").is_file()
    assert Path(report["video"]).is_file()
    assert set(report["stage_wall_s"]) == set(STAGES)

    again = wpt(tmp_path, "--resume")       # everything finished: only the report is rebuilt
    assert again.returncode == 0 and "1 stage(s) run" in again.stdout
    assert json.loads((run / "pipeline_state.json").read_text()) == state   # no stage redone or re-recorded

    refused = wpt(tmp_path, "--resume", "--set", "seed=1")
    assert refused.returncode == 2 and str(run / "pipeline_state.json") in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
