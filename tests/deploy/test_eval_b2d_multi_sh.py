"""scripts/eval_b2d_multi.sh checks its inputs, splits like Bench2Drive and runs agents/wpt_agent.py per part."""
from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "eval_b2d_multi.sh"


def _run(args, env_extra=None):
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=120)


def _setup(tmp_path, n_routes=5):
    carla = tmp_path / "carla"
    carla.mkdir()
    (carla / "CarlaUE4.sh").write_text("#!/bin/sh\n")
    (carla / "CarlaUE4.sh").chmod(0o755)
    b2d = tmp_path / "b2d"
    (b2d / "leaderboard" / "leaderboard").mkdir(parents=True)
    (b2d / "leaderboard" / "leaderboard" / "leaderboard_evaluator.py").write_text("")
    (b2d / "leaderboard" / "data").mkdir()
    (b2d / "scenario_runner").mkdir()
    (b2d / "leaderboard" / "data" / "bench2drive220.xml").write_text(
        "<routes>" + "".join(f'<route id="{1700 + i}" town="Town12"><waypoints/></route>' for i in range(n_routes))
        + "</routes>")
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "best.pt").write_bytes(b"")
    (policy / "agent.yaml").write_text("checkpoint: best.pt\n")
    return {"CARLA_ROOT": str(carla), "BENCH2DRIVE_ROOT": str(b2d)}, policy / "agent.yaml"


def test_dry_run_splits_bench2drive220_and_runs_the_wpt_agent_per_part(tmp_path):
    env, config = _setup(tmp_path)
    out = tmp_path / "out"
    res = _run(["--agent-config", str(config), "--out", str(out), "--servers", "2", "--gpus", "0 1",
                "--python", sys.executable, "--resume", "--dry-run"], env)
    assert res.returncode == 0, res.stderr
    ids = [[r.get("id") for r in ET.parse(out / "routes" / f"part_{i}.xml").getroot()] for i in range(2)]
    assert ids == [["1700", "1701", "1702"], ["1703", "1704"]]
    lines = [l for l in res.stdout.splitlines() if "leaderboard_evaluator.py" in l]
    assert len(lines) == 2
    assert "--port=30000" in lines[0] and "--traffic-manager-port=50000" in lines[0] and "--gpu-rank=0" in lines[0]
    assert "--port=30150" in lines[1] and "--traffic-manager-port=50150" in lines[1] and "--gpu-rank=1" in lines[1]
    assert all(f"--agent={REPO / 'agents' / 'wpt_agent.py'}" in l and "--resume=True" in l for l in lines)
    assert f"--checkpoint={out / 'results' / 'part_1.json'}" in lines[1]


def test_bad_inputs_are_one_line_and_exit_2(tmp_path):
    env, config = _setup(tmp_path)
    res = _run(["--out", str(tmp_path / "o")], env)
    assert res.returncode == 2 and "--agent-config is required" in res.stderr
    (config.parent / "best.pt").unlink()
    res = _run(["--agent-config", str(config), "--out", str(tmp_path / "o"), "--python", sys.executable], env)
    assert res.returncode == 2 and "best.pt not found" in res.stderr
    (config.parent / "best.pt").write_bytes(b"")
    (config.parent / "agent.yaml").write_text("checkpoint: best.pt\nspeed: 3\n")
    res = _run(["--agent-config", str(config), "--out", str(tmp_path / "o"), "--python", sys.executable], env)
    assert res.returncode == 2 and "agent.yaml" in res.stderr
    res = _run(["--agent-config", str(config), "--out", str(tmp_path / "o"), "--servers", "0"], env)
    assert res.returncode == 2 and "positive integer" in res.stderr
