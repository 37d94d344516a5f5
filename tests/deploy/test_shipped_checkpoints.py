"""The standard run's policies shipped in checkpoints/standard/: each agent config there loads its checkpoint
strictly in agents/wpt_agent.py, asks for the standard profile's sensors, and drives good frames with finite,
clamped controls and no fault."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from deploy_helpers import StraightWorld, finite_clamped, straight_plan
from wpt_core.models.checkpoint import read_checkpoint
from wpt_core.sim.runner.agent_loader import load_agent_class
from wpt_core.sim.sensors.spec import validate_sensor_specs

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "checkpoints" / "standard"
STANDARD_PROFILE = REPO / "leaderboard_configs" / "training" / "standard.yaml"
CONFIGS = sorted(SHIPPED.glob("*.yaml"))


def test_the_standard_policies_are_shipped():
    assert {p.stem for p in CONFIGS} >= {"student", "teacher"}


@pytest.mark.parametrize("config", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_a_shipped_policy_drives_in_the_agent(config):
    settings = yaml.safe_load(config.read_text())
    checkpoint = config.parent / settings["checkpoint"]
    assert read_checkpoint(checkpoint)["kind"] == config.stem     # each file named after the policy it holds
    agent = load_agent_class(str(REPO / "agents" / "wpt_agent.py"))("localhost", 2000)
    gps, world_plan = straight_plan()
    agent.set_global_plan(gps, world_plan)
    agent.setup(f"{config}+route_0")
    specs = agent.sensors()
    validate_sensor_specs(specs)
    cameras = yaml.safe_load(STANDARD_PROFILE.read_text())["data"]["sensors"]["cameras"]
    assert [s["id"] for s in specs if s["type"] == "sensor.camera.rgb"] == cameras
    world = StraightWorld(seed=7)
    for tick in range(2 * settings["plan_every_ticks"] + 1):
        control = agent.run_step(world.readings(specs), 0.05 * (tick + 1))
        assert finite_clamped(control), control
        world.apply(control)
    assert agent.driver.fault_ticks == 0, agent.driver.faults_seen
    assert agent.driver.last_plan_world is not None
    agent.destroy()
