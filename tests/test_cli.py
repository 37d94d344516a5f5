"""The `wpt` command as a user runs it (subprocesses, real files)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from wpt_core.geometry import gnss_to_world
from wpt_core.paths import repo_configs_dir

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "agents"
ZOO_AGENT = FIXTURES / "zoo_style_agent.py"
SMOKE_ROUTES = repo_configs_dir() / "routes" / "embedded_smoke.xml"
DT_S = 0.05
METRIC_KEYS = {"acceleration", "angular_velocity", "forward_vector", "right_vector", "location", "rotation"}
ABNORMAL_STATUSES = {"Failed - Agent's sensors were invalid", "Failed - Agent couldn't be set up",
                     "Failed - Agent crashed", "Failed - Simulation crashed"}


def wpt(*args, env=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "wpt_core.cli", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def test_every_subcommand_family_is_registered():
    out = wpt("--help")
    assert out.returncode == 0
    for name in ("eval", "report", "collect", "data", "routes", "maps", "bench", "pipeline"):
        assert name in out.stdout


def test_pipeline_expert_stage_writes_results_report_and_comfort_inputs(tmp_path):
    env = dict(os.environ, WPT_OUTPUT_ROOT=str(tmp_path))
    out = wpt("pipeline", "--profile", "smoke", "--run", "t", "--workers", "1", "--only", "expert_eval",
              "--set", "expert_eval.routes_subset=0-2", env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    run = tmp_path / "pipeline" / "t"
    report = json.loads((run / "report.json").read_text())["policies"]["expert"]
    assert report["routes"] == 3 and report["driving_score"] is not None
    assert {"Merging", "Overtaking", "Emergency_Brake", "Give_Way", "Traffic_Signs", "ability_mean"} <= set(report)
    results = json.loads((run / "eval" / "expert.json").read_text())
    assert results["_checkpoint"]["progress"] == [3, 3] and results["entry_status"] == "Finished"
    # the expert logs metric_info.json per route under SAVE_PATH, so comfort is computed
    saved = list((run / "agent_outputs" / "expert").glob("*/metric_info.json"))
    assert len(saved) == 3 and report["comfort"] is not None
    printed = wpt("report", str(run / "eval" / "expert.json"), "--json", str(tmp_path / "again.json"))
    assert printed.returncode == 0 and "Driving score" in printed.stdout
    again = json.loads((tmp_path / "again.json").read_text())
    assert again["driving_score"] == report["driving_score"]

# --- a Bench2DriveZoo-style agent runs unchanged ------------------------------------------------------

def env_without_save_path():
    return {k: v for k, v in os.environ.items() if k != "SAVE_PATH"}


def frames(path):
    data = json.loads(path.read_text())
    assert list(data) == [str(i) for i in range(len(data))]    # one entry per step, keyed by step
    return [data[str(i)] for i in range(len(data))]


def column(rows, key):
    return np.array([row[key] for row in rows], dtype=np.float64)


def test_zoo_style_agent_runs_unchanged_and_its_metric_info_follows_the_ego(tmp_path):
    checkpoint, save = tmp_path / "results.json", tmp_path / "agent_out"
    out = wpt("eval", "--agent", str(ZOO_AGENT), "--routes", str(SMOKE_ROUTES), "--routes-subset", "0",
              "--checkpoint", str(checkpoint), "--save-path", str(save), env=env_without_save_path())
    assert out.returncode == 0, out.stderr[-3000:]
    results = json.loads(checkpoint.read_text())
    record = results["_checkpoint"]["records"][0]
    assert record["status"] not in ABNORMAL_STATUSES and results["entry_status"] == "Finished", record["status"]
    assert "carla_camera" in results["sensors"]                     # the 50 m `bev` camera was accepted
    folder = save / record["save_name"]                              # the '+<save_name>' the agent was given
    info, sensed = frames(folder / "metric_info.json"), frames(folder / "sensor_log.json")
    steps = round(record["meta"]["duration_game"] / DT_S)
    assert len(info) == len(sensed) == steps > 100
    assert all(set(f) == METRIC_KEYS for f in info) and sensed[0]["bev_shape"] == [64, 64, 4]

    location, rotation = column(info, "location"), column(info, "rotation")
    forward, right = column(info, "forward_vector"), column(info, "right_vector")
    acc, angular = column(info, "acceleration"), column(info, "angular_velocity")
    speed = np.array([f["speed"] for f in sensed])
    gnss, imu = np.array([f["gnss"] for f in sensed]), np.array([f["imu"] for f in sensed])
    yaw = np.radians(rotation[:, 2])
    # frames: level car, axes from the yaw as CARLA defines them, start at the route's first waypoint
    assert np.allclose(rotation[:, :2], 0.0)
    assert np.allclose(forward, np.stack([np.cos(yaw), np.sin(yaw), 0 * yaw], 1), atol=1e-5)
    assert np.allclose(right, np.stack([-np.sin(yaw), np.cos(yaw), 0 * yaw], 1), atol=1e-5)
    assert np.hypot(location[0, 0] - 405.083, location[0, 1] + 258.25) < 1.0
    # position: the GNSS receiver (1.4 m behind the origin, leaderboard noise sigma ~0.55 m) agrees
    receiver = location[:, :2] - 1.4 * forward[:, :2]
    gnss_xy = np.array([gnss_to_world(*row)[:2] for row in gnss])
    assert np.median(np.abs(gnss_xy - receiver)) < 0.6 and np.abs(gnss_xy - receiver).max() < 3.0
    # motion between frames: the distance the speedometer says was driven, along the heading
    step = np.diff(location[:, :2], axis=0)
    # (but on the rare ticks a contact pushes the ego out of an overlap, `sim/world/contacts.py`: 2 of 824 here)
    dist, expected = np.hypot(step[:, 0], step[:, 1]), (speed[1:] + speed[:-1]) / 2 * DT_S
    driven = np.isclose(dist, expected, atol=1e-3)
    assert driven.mean() > 0.99
    mid_yaw = yaw[:-1] + np.angle(np.exp(1j * (yaw[1:] - yaw[:-1]))) / 2
    moving = (np.hypot(step[:, 0], step[:, 1]) > 0.05) & driven
    heading_error = np.angle(np.exp(1j * (np.arctan2(step[:, 1], step[:, 0]) - mid_yaw)))
    assert moving.sum() > 100 and np.degrees(np.abs(heading_error[moving])).max() < 0.1
    # derivatives: yaw rate in deg/s and the world-frame acceleration of the step that led to each frame
    yaw_step = np.degrees(np.angle(np.exp(1j * np.diff(yaw))))
    assert np.abs(angular[:, 2]).max() > 10.0                       # the route turns: this is not vacuous
    assert np.allclose(angular[1:, 2], yaw_step / DT_S, atol=0.01) and np.allclose(angular[:, :2], 0.0)
    longitudinal, lateral = (acc * forward).sum(1), (acc * right).sum(1)
    calm = np.arange(len(driven)) < np.argmin(driven) if not driven.all() else np.ones(len(driven), bool)  # before any contact
    assert np.allclose(longitudinal[1:][calm], (np.diff(speed) / DT_S)[calm], atol=1e-3) and np.allclose(acc[:, 2], 0.0)
    # the IMU (sensor frame = car frame; noise sigma 0.001) and its compass see the same motion
    assert np.allclose(imu[:, 0], longitudinal, atol=0.01) and np.allclose(imu[:, 1], lateral, atol=0.01)
    assert np.allclose(imu[:, 5], np.radians(angular[:, 2]), atol=0.01)
    compass_yaw = np.degrees(imu[:, 6]) - 90.0
    assert np.degrees(np.abs(np.angle(np.exp(1j * np.radians(compass_yaw - rotation[:, 2]))))).max() < 1e-3


def test_the_same_bev_camera_without_save_path_is_rejected(tmp_path):
    checkpoint = tmp_path / "results.json"
    out = wpt("eval", "--agent", str(ZOO_AGENT), "--routes", str(SMOKE_ROUTES), "--routes-subset", "0",
              "--checkpoint", str(checkpoint), env=env_without_save_path())
    assert out.returncode == 1 and "rejected" in out.stderr
    assert "Illegal sensor extrinsics used for sensor 'bev'. Max allowed radius is 3.0m" in out.stderr
    results = json.loads(checkpoint.read_text())
    assert results["entry_status"] == "Rejected" and results["eligible"] is False
    assert results["_checkpoint"]["records"][0]["status"] == "Failed - Agent's sensors were invalid"


# --- bad input: one line naming the file, exit 2, nothing run ------------------------------------------

ROUTE_XML = """<routes><route id="0" town="{town}"><waypoints>
<position x="405.083" y="-258.250" z="0.0"/>{middle}<position x="448.250" y="-142.500" z="0.0"/>
</waypoints></route></routes>"""


def write(path, text):
    path.write_text(text)
    return str(path)


def bad_input_case(name, tmp):
    """(argv, the file the line must name, a phrase it must contain) for each kind of bad input."""
    routes = write(tmp / "routes.xml", ROUTE_XML.format(town="EmbeddedGrid", middle=""))
    run = ["--checkpoint", str(tmp / "results.json"), "--save-path", str(tmp / "agent_out")]
    agent = ["--agent", str(ZOO_AGENT)]
    if name == "missing agent file":
        return ["eval", "--agent", str(tmp / "absent_agent.py"), "--routes", routes, *run], "absent_agent.py", \
            "not found"
    if name == "no get_entry_point":
        path = write(tmp / "entryless_agent.py", "class Agent:\n    pass\n")
        return ["eval", "--agent", path, "--routes", routes, *run], "entryless_agent.py", "get_entry_point"
    if name == "unknown town":
        path = write(tmp / "atlantis.xml", ROUTE_XML.format(town="Atlantis", middle=""))
        return ["eval", *agent, "--routes", path, *run], "atlantis.xml", \
            "route 0: unknown town 'Atlantis' (known: EmbeddedArterial, EmbeddedGrid, EmbeddedHighway, EmbeddedMotorway, EmbeddedRand"
    if name == "waypoint off the network":
        middle = '<position x="420.0" y="-200.0" z="0.0"/>'    # 28 m from the nearest driving lane
        path = write(tmp / "offroad.xml", ROUTE_XML.format(town="EmbeddedGrid", middle=middle))
        return ["eval", *agent, "--routes", path, *run], "offroad.xml", "route 0: waypoint 1 (420.0, -200.0)"
    if name == "malformed route XML":
        path = write(tmp / "broken.xml", "<routes><route id='0' town='EmbeddedGrid'><waypoints>")
        return ["eval", *agent, "--routes", path, *run], "broken.xml", "not valid XML"
    if name == "route subset matching nothing":
        return ["eval", *agent, "--routes", routes, "--routes-subset", "42", *run], "routes.xml", "matches no route"
    if name == "malformed YAML agent config":
        path = write(tmp / "agent.yaml", "model:\n  widths: [16, 32\n  lr: 0.1\n")
        return ["eval", *agent, "--agent-config", path, "--routes", routes, *run], "agent.yaml", "not valid YAML"
    if name == "malformed results JSON for resume":
        return ["eval", *agent, "--routes", routes, *run, "--resume"], "results.json", "not a readable results JSON"
    if name == "malformed results JSON for report":
        return ["report", str(tmp / "results.json")], "results.json", "not a readable results JSON"
    if name == "collect: malformed route XML":
        path = write(tmp / "broken.xml", "<routes><route id='0'")
        return ["collect", "--routes", path, "--out", str(tmp / "clips")], "broken.xml", "not valid XML"
    if name == "collect: malformed YAML config":
        path = write(tmp / "collect.yaml", "camera_width: [800\n")
        return ["collect", "--routes", routes, "--out", str(tmp / "clips"), "--config", path], "collect.yaml", \
            "not valid YAML"
    if name == "routes check: malformed route XML":
        return ["routes", "check", write(tmp / "broken.xml", "<routes><route")], "broken.xml", "not valid XML"
    if name == "data attach-results: malformed results JSON":
        (tmp / "clip_root").mkdir()
        return ["data", "attach-results", str(tmp / "results.json"), str(tmp / "clip_root")], "results.json", \
            "not a readable results JSON"
    if name == "maps convert: missing OpenDRIVE file":
        return ["maps", "convert", "--xodr", str(tmp / "Town99.xodr"), "--out", str(tmp / "t.net.xml")], \
            "Town99.xodr", "not found"
    raise KeyError(name)


BAD_INPUTS = ["missing agent file", "no get_entry_point", "unknown town", "waypoint off the network",
              "malformed route XML", "route subset matching nothing", "malformed YAML agent config",
              "malformed results JSON for resume", "malformed results JSON for report",
              "collect: malformed route XML", "collect: malformed YAML config", "routes check: malformed route XML",
              "data attach-results: malformed results JSON", "maps convert: missing OpenDRIVE file"]


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_is_one_line_naming_the_file_and_nothing_runs(tmp_path, name):
    argv, named, phrase = bad_input_case(name, tmp_path)
    results = tmp_path / "results.json"
    if "results JSON" in name:
        results.write_text('{"_checkpoint": {"records": [')
    before = results.read_bytes() if results.exists() else None
    out = wpt(*argv, env=env_without_save_path(), timeout=120)
    lines = out.stderr.splitlines()
    assert out.returncode == 2, out.stderr[-3000:]
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr[-3000:]
    assert named in lines[0] and phrase in lines[0], lines[0]
    # nothing was run: no results file written or overwritten, no route set its agent up, no clip folder
    assert (results.read_bytes() if results.exists() else None) == before
    assert not any((tmp_path / "agent_out").glob("*")) and not (tmp_path / "clips").exists()


def test_a_bug_keeps_its_traceback_while_input_errors_become_one_line(monkeypatch, capsys):
    import wpt_core.commands.report as report
    from wpt_core.cli import main
    from wpt_core.errors import InputError

    def buggy(args):
        raise KeyError("a bug")

    monkeypatch.setattr(report, "run", buggy)
    with pytest.raises(KeyError):
        main(["report", "any.json"])

    def bad_file(args):
        raise InputError("any.json: not what was expected,\n  and more")

    monkeypatch.setattr(report, "run", bad_file)
    assert main(["report", "any.json"]) == 2
    assert capsys.readouterr().err == "wpt report: any.json: not what was expected, and more\n"


def test_ctrl_c_gives_one_line_and_the_shells_interrupted_status(monkeypatch, capsys):
    import wpt_core.commands.routes as routes_command
    from wpt_core.cli import main

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(routes_command, "run_check", interrupted)
    assert main(["routes", "check", "any.xml"]) == 128 + 2   # 128 + SIGINT
    line, = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("wpt routes: interrupted") and "--resume" in line
