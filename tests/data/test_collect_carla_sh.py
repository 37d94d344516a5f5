"""collect_carla.sh validates its inputs and splits routes / assigns ports like Bench2Drive's scripts."""
from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "data_collection" / "collect_carla.sh"


def _run(args, env_extra=None, unset=()):
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(env_extra or {})
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=60)


def _fixture(tmp_path, n_routes=5):
    carla = tmp_path / "carla"
    carla.mkdir()
    (carla / "CarlaUE4.sh").write_text("#!/bin/sh\n")
    (carla / "CarlaUE4.sh").chmod(0o755)
    b2d = tmp_path / "b2d"
    (b2d / "leaderboard" / "leaderboard").mkdir(parents=True)
    (b2d / "leaderboard" / "leaderboard" / "leaderboard_evaluator.py").write_text("")
    (b2d / "scenario_runner").mkdir()
    routes = tmp_path / "routes.xml"
    routes.write_text("<routes>" + "".join(f'<route id="{i}" town="Town01"><waypoints/></route>'
                                         for i in range(n_routes)) + "</routes>")
    return carla, b2d, routes


def test_requires_routes_and_carla_root(tmp_path):
    res = _run(["--out", str(tmp_path / "o")])
    assert res.returncode == 2 and "--routes is required" in res.stderr
    _, b2d, routes = _fixture(tmp_path)
    res = _run(["--routes", str(routes), "--out", str(tmp_path / "o"), "--b2d-root", str(b2d)], unset=("CARLA_ROOT",))
    assert res.returncode == 2 and "CARLA_ROOT is not set" in res.stderr
    res = _run(["--routes", str(tmp_path / "missing.xml"), "--out", str(tmp_path / "o")])
    assert res.returncode == 2 and "does not exist" in res.stderr
    res = _run(["--routes", str(routes), "--out", str(tmp_path / "o"), "--servers", "zero"])
    assert res.returncode == 2 and "positive integer" in res.stderr


def test_rejects_a_folder_that_is_not_bench2drive(tmp_path):
    carla, _, routes = _fixture(tmp_path)
    res = _run(["--routes", str(routes), "--out", str(tmp_path / "o"), "--b2d-root", str(tmp_path)],
               {"CARLA_ROOT": str(carla)})
    assert res.returncode == 2 and "not a Bench2Drive checkout" in res.stderr


def test_dry_run_splits_contiguously_and_assigns_ports(tmp_path):
    carla, b2d, routes = _fixture(tmp_path, 5)
    out = tmp_path / "o"
    res = _run(["--routes", str(routes), "--out", str(out), "--servers", "2", "--gpus", "0 1", "--b2d-root", str(b2d),
                "--python", sys.executable, "--resume", "--dry-run"], {"CARLA_ROOT": str(carla)})
    assert res.returncode == 0, res.stderr
    ids = [[r.get("id") for r in ET.parse(out / "routes" / f"part_{i}.xml").getroot()] for i in range(2)]
    assert ids == [["0", "1", "2"], ["3", "4"]]
    assert "--port=30000" in res.stdout and "--traffic-manager-port=50000" in res.stdout
    assert "--port=30150" in res.stdout and "--traffic-manager-port=50150" in res.stdout
    assert "--gpu-rank=1" in res.stdout and "--resume=True" in res.stdout
    assert "data_agent.py" in res.stdout
