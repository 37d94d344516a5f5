"""agents/wpt_agent.py drives a real embedded_smoke route through the leaderboard runner (in this process, so
the stand-in policy checkpoint kind is registered): no crash, the ego localises itself on the route, comfort
kinematics land in SAVE_PATH/<save_name>/metric_info.json."""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

from wpt_core.leaderboard.metric_info import METRIC_FILE
from wpt_core.sim.runner.evaluator import EvalOptions, build_tasks, named_in_dispatch_order
from wpt_core.sim.runner.route_execution import run_route

REPO = Path(__file__).resolve().parents[2]
AGENT_FILE = REPO / "agents" / "wpt_agent.py"
SMOKE = REPO / "leaderboard_configs" / "routes" / "embedded_smoke.xml"


class _Watch:
    """Hooks: after every tick, how far the agent's own pose is from the true ego, and the tick wall time."""

    def __init__(self) -> None:
        self.errors, self.agent, self.stamps = [], None, []

    def on_start(self, run) -> None:
        self.stamps.append(time.perf_counter())

    def on_tick(self, run, control) -> None:
        self.agent = run.agent
        pose = run.agent.driver.localiser.pose
        ego = run.scene.ego
        self.errors.append((math.hypot(pose[0] - ego.x_m, pose[1] - ego.y_m),
                            abs((pose[2] - ego.yaw_deg + 180.0) % 360.0 - 180.0)))
        self.stamps.append(time.perf_counter())

    def on_end(self, run, record) -> None:
        pass


def test_agent_drives_a_smoke_route(agent_config, tmp_path, monkeypatch):
    monkeypatch.setenv("SAVE_PATH", str(tmp_path / "save"))
    options = EvalOptions(routes_xml=str(SMOKE), agent=str(AGENT_FILE), routes_subset="0",
                          checkpoint=str(tmp_path / "r.json"), agent_config=str(agent_config))
    task = next(named_in_dispatch_order(build_tasks(options), options.agent_config))
    watch = _Watch()
    record = run_route(task, lambda t: watch).record
    assert record["status"] not in ("Failed - Agent crashed", "Failed - Agent couldn't be set up"), record["status"]
    assert record["scores"]["score_route"] > 10.0          # it drove along the route
    driver = watch.agent.driver
    assert driver.fault_ticks == 0 and driver.ticks == len(watch.errors) > 100
    pos_err = sorted(e[0] for e in watch.errors)
    assert pos_err[len(pos_err) // 2] < 0.5 and max(e[1] for e in watch.errors[5:]) < 2.0
    frames = json.loads((tmp_path / "save" / task.save_name / METRIC_FILE).read_text())
    assert abs(len(frames) - math.ceil(driver.ticks / 2)) <= 1
