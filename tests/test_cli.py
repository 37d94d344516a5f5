"""The `wpt` command as a user runs it (subprocesses, real files)."""
import json
import os
import subprocess
import sys

REPORT_KEYS = {"driving_score", "success_rate", "route_completion", "infraction_penalty", "abilities", "efficiency",
               "comfort", "num_routes"}


def wpt(*args, env=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "wpt_core.cli", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def test_every_subcommand_family_is_registered():
    out = wpt("--help")
    assert out.returncode == 0
    for name in ("eval", "report", "collect", "data", "routes", "maps", "bench", "pipeline"):
        assert name in out.stdout


def test_pipeline_smoke_profile_writes_results_report_and_comfort_inputs(tmp_path):
    env = dict(os.environ, WPT_OUTPUT_ROOT=str(tmp_path))
    out = wpt("pipeline", "--profile", "smoke", "--run", "t", "--workers", "1", env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    run = tmp_path / "pipeline" / "t"
    report = json.loads((run / "expert_report.json").read_text())
    assert REPORT_KEYS <= set(report) and report["num_routes"] == 3
    assert set(report["abilities"]) == {"Merging", "Overtaking", "Emergency_Brake", "Give_Way", "Traffic_Signs", "mean"}
    results = json.loads((run / "expert_eval.json").read_text())
    assert results["_checkpoint"]["progress"] == [3, 3] and results["entry_status"] == "Finished"
    # the expert logs metric_info.json per route under SAVE_PATH, so comfort is computed
    saved = list((run / "agent_outputs").glob("*/metric_info.json"))
    assert len(saved) == 3 and report["comfort"] is not None
    printed = wpt("report", str(run / "expert_eval.json"), "--json", str(tmp_path / "again.json"))
    assert printed.returncode == 0 and "Driving score" in printed.stdout
    again = json.loads((tmp_path / "again.json").read_text())
    assert again["driving_score"] == report["driving_score"]


def test_report_names_a_bad_file(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text("{not json")
    out = wpt("report", str(bad))
    assert out.returncode != 0 and "broken.json" in (out.stderr + out.stdout)
