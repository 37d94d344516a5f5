"""data_collection/expert_agent.py loads and behaves like a leaderboard agent file."""
import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

from wpt_core import privileged
from wpt_core.config import ConfigError
from wpt_core.protocol import make_transform
from wpt_core.types import EgoState, RoadOption, Scene

AGENT_FILE = Path(__file__).resolve().parents[2] / "data_collection" / "expert_agent.py"


@pytest.fixture()
def agent_module():
    """Import the way the leaderboard does: its folder on sys.path, then the module by basename."""
    sys.path.insert(0, str(AGENT_FILE.parent))
    try:
        module = importlib.import_module(AGENT_FILE.stem)
        yield module
    finally:
        sys.path.remove(str(AGENT_FILE.parent))
        sys.modules.pop(AGENT_FILE.stem, None)


def _plan(n=300):
    world, gps = [], []
    for i in range(n):
        option = RoadOption.LEFT if 100 <= i < 110 else RoadOption.LANEFOLLOW
        world.append((make_transform(float(i), 0.0, 0.0, 0.0), option))
        gps.append(({"lat": 0.0, "lon": 0.0, "z": 0.0}, option))
    return gps, world


class _Provider:
    def __init__(self, scene):
        self._scene = scene

    def scene(self):
        return self._scene


def _agent(module, conf=""):
    cls = getattr(module, module.get_entry_point())
    agent = cls("localhost", 2000)
    gps, world = _plan()
    agent.set_global_plan(gps, world)
    agent.setup(conf)
    return agent


def test_entry_point_names_an_agent_class(agent_module):
    from wpt_core.protocol import AutonomousAgent
    cls = getattr(agent_module, agent_module.get_entry_point())
    assert isinstance(cls, type) and issubclass(cls, AutonomousAgent)


def test_setup_parses_config_part_and_sets_track(agent_module, tmp_path):
    cfg = tmp_path / "expert.yaml"
    cfg.write_text("obey_traffic_lights: false\nspeed:\n  speed_limit_mps: 6.0\n")
    agent = _agent(agent_module, f"{cfg}+my_save+my_save")
    assert agent.config.obey_traffic_lights is False and agent.config.obey_stop_signs is True
    assert agent.config.speed.speed_limit_mps == 6.0
    assert agent.save_name == "my_save"
    assert agent.track.value == "SENSORS"
    assert _agent(agent_module, "").config.obey_traffic_lights is True
    bad = tmp_path / "bad.yaml"
    bad.write_text("obey_trafic_lights: false\n")
    with pytest.raises(ConfigError):
        _agent(agent_module, f"{bad}+x")


def test_shipped_yaml_loads(agent_module):
    shipped = AGENT_FILE.parents[1] / "leaderboard_configs" / "agents" / "expert.yaml"
    agent = _agent(agent_module, f"{shipped}+run")
    assert agent.config.obey_stop_signs is True


def test_sensors_are_speed_imu_gnss(agent_module):
    sensors = _agent(agent_module).sensors()
    assert sorted(s["type"] for s in sensors) == ["sensor.other.gnss", "sensor.other.imu", "sensor.speedometer"]
    assert len({s["id"] for s in sensors}) == len(sensors)


def test_keeps_dense_route_although_base_downsamples(agent_module):
    agent = _agent(agent_module)
    assert len(agent._global_plan_world_coord) < 50                # the base class keeps ~1 point / 50 m
    privileged.set_provider(_Provider(Scene(0, 0.0, EgoState(0.0, 0.0, 0.0, 0.0))))   # no CARLA map: 3.5 m lanes
    try:
        route = agent.dense_route()
    finally:
        privileged.set_provider(None)
    assert len(route) == 300
    assert np.allclose(route.xy_m[:, 0], np.arange(300.0))
    assert route.in_junction[100:110].all() and not route.in_junction[:100].any()
    assert np.all(route.lane_width_m == 3.5)


def test_run_step_returns_clamped_control_from_privileged_scene(agent_module):
    agent = _agent(agent_module)
    privileged.set_provider(_Provider(Scene(0, 0.0, EgoState(0.0, 0.0, 0.0, 0.0))))
    try:
        control = agent.run_step({}, 0.0)
    finally:
        privileged.set_provider(None)
    assert 0.0 < control.throttle <= 1.0 and control.brake == 0.0 and -1.0 <= control.steer <= 1.0
    assert agent.last_output.trajectory.xy_ego_m.shape == (8, 2)
