"""data_collection/data_agent.py: loads by file path like the leaderboard does, parses setup's '+',
declares the Bench2Drive rig, and records a clip from a privileged provider and an expert."""
from __future__ import annotations

import importlib
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from data_helpers import scene_at, smooth_image, straight_route
from wpt_core import privileged
from wpt_core.config import ConfigError
from wpt_core.data.clip_reader import ClipReader
from wpt_core.protocol import Track, make_transform
from wpt_core.types import Control, RoadOption, Trajectory

AGENT = Path(__file__).resolve().parents[2] / "data_collection" / "data_agent.py"
SAVE_NAME = "RouteScenario_1711_rep0_Town12_ParkingCutIn_1_3_11_24_17_31_40"


def _load():
    """Like the evaluator: put the file's folder on sys.path and import it by basename."""
    sys.path.insert(0, str(AGENT.parent))
    try:
        sys.modules.pop(AGENT.stem, None)
        return importlib.import_module(AGENT.stem)
    finally:
        sys.path.remove(str(AGENT.parent))


def _plan(n=60):
    world = [(make_transform(float(i), 0.0, 0.0, 0.0), RoadOption.LANEFOLLOW) for i in range(n)]
    gps = [({"lat": 0.0, "lon": 0.0, "z": 0.0}, RoadOption.LANEFOLLOW) for _ in range(n)]
    return gps, world


@dataclass
class _Out:
    control: Control
    target_speed_mps: float
    should_brake: bool = True
    trajectory: Trajectory = field(default_factory=lambda: Trajectory(np.zeros((4, 2)), 0.5))


class _Recording:
    """Stand-in for the recording sensors: the full-sweep LiDAR point (1, 0, 0) and a 7 m depth image."""

    def __init__(self):
        self.frames, self.destroyed = [], False

    def read(self, frame):
        self.frames.append(frame)
        return {"LIDAR_TOP": (frame, np.array([[1.0, 0.0, 0.0, 0.5]], dtype=np.float32)),
                "CAM_FRONT_DEPTH": (frame, np.full((36, 64), 7.0, np.float32))}

    def destroy(self):
        self.destroyed = True


class _Provider:
    """Ego drives +x at 5 m/s; scene advances one 20 Hz tick per call."""

    town = "Town12"

    def __init__(self):
        self.tick = 0

    def scene(self):
        self.tick += 1
        return scene_at(0.25 * (self.tick - 1), 0.0, 0.0, frame=self.tick, town=self.town)

    def weather(self):
        return {"cloudiness": 30.0}


def _agent_class(module, recording):
    """The data agent with stand-ins for CARLA: a provider, a straight route, a fixed expert, recording sensors."""

    class TestAgent(module.DataAgent):
        def _make_provider(self):
            return _Provider()

        def _make_route(self, provider):
            return straight_route(100)

        def _make_expert(self):
            return SimpleNamespace(run_step=lambda scene, route: _Out(Control(throttle=1.5, steer=-2.0), 5.0))

        def _make_recording_sensors(self, provider):
            return recording

    return TestAgent


def test_entry_point_and_setup_parses_plus(tmp_path, monkeypatch):
    monkeypatch.setenv("SAVE_PATH", str(tmp_path))
    module = _load()
    assert issubclass(getattr(module, module.get_entry_point()), module.DataAgent)
    agent = _agent_class(module, _Recording())("localhost", 2000)
    cfg = tmp_path / "agent.yaml"
    cfg.write_text("recording:\n  camera_width: 400\n  camera_height: 225\n")
    # B2D appends another '+<save_name>' on each later route: config first, save name last
    agent.setup(f"{cfg}+RouteScenario_1_rep0_Town01_X_1_0_01_01_00_00_00+{SAVE_NAME}")
    assert agent.track == Track.SENSORS and agent.save_name == SAVE_NAME
    assert agent.config.recording.camera_width == 400
    sensors = agent.sensors()
    ids = [s["id"] for s in sensors]
    assert len(ids) == len(set(ids))
    cams = [s for s in sensors if s["type"] == "sensor.camera.rgb"]
    assert len(cams) == 6 and all((c["width"], c["height"]) == (400, 225) for c in cams)
    # the LiDAR the clips need (full sweep, no drop-off) is not the leaderboard's: the agent spawns its own
    assert {s["type"] for s in sensors} == {"sensor.camera.rgb", "sensor.other.imu", "sensor.other.gnss",
                                            "sensor.speedometer"}
    assert all(math.sqrt(s.get("x", 0) ** 2 + s.get("y", 0) ** 2 + s.get("z", 0) ** 2) <= 3.0 for s in sensors)
    front = next(c for c in cams if c["id"] == "CAM_FRONT")
    assert (front["x"], front["z"], front["fov"]) == (0.8, 1.6, 70.0)


def test_missing_config_file_is_an_error():
    agent = getattr(_load(), "DataAgent")("localhost", 2000)
    with pytest.raises(ConfigError, match=r"^/nonexistent/agent\.yaml: config file not found$"):
        agent.setup(f"/nonexistent/agent.yaml+{SAVE_NAME}")


def test_records_a_clip_at_10hz(tmp_path, monkeypatch):
    monkeypatch.setenv("SAVE_PATH", str(tmp_path))
    module = _load()

    recording = _Recording()
    agent = _agent_class(module, recording)("localhost", 2000)
    agent.set_global_plan(*_plan())
    config = tmp_path / "agent.yaml"
    config.write_text("recording:\n  camera_width: 64\n  camera_height: 36\n")
    agent.setup(f"{config}+{SAVE_NAME}")
    controls = []
    for i in range(6):
        data = {name: (100 + i, smooth_image(36, 64, 0)) for name in ("CAM_FRONT", "CAM_BACK")}
        data["IMU"] = (100 + i, np.array([0.1, 0.0, 9.8, 0.0, 0.0, 0.0, math.pi / 2]))
        controls.append(agent.run_step(data, 0.05 * i))
    assert privileged.get_provider() is agent._provider
    agent.destroy()
    assert recording.frames == [100, 102, 104] and recording.destroyed   # read on the recorded ticks' frames
    assert (controls[0].throttle, controls[0].steer) == (1.0, -1.0)  # clamped for the leaderboard
    clip = tmp_path / "ParkingCutIn_Town12_Route1711_Weather3"
    reader = ClipReader(clip)
    assert reader.indices == [0, 1, 2]  # ticks 0, 2, 4 of 6
    frame = reader.frame(1)
    assert frame.anno["x"] == pytest.approx(0.5)  # tick 2: 2 × 0.25 m
    assert frame.anno["weather"] == {"cloudiness": 30.0} and frame.anno["acceleration"] == pytest.approx([0.1, 0, 9.8])
    assert frame.anno["should_brake"] is True          # the expert's own flag, not a rule on its control
    assert reader.frame(1, depth=True).depth["CAM_FRONT"][0, 0] == 7.0
    # throttle 1, steer −1 (clamped): the nearest discrete action is 1 = (0.7, −0.5), |(0.3, 0.5)| = 0.58 away
    # (25 = full throttle straight is 1.0 away, 21 = full left coasting 1.0)
    assert reader.expert_assessment(1)["arr_0"][-1] == 1
    # LiDAR stored in the ego frame: sensor point (1, 0, 0) + mount (−0.39, 0, 1.84)
    assert frame.lidar[0, :3] == pytest.approx([0.61, 0.0, 1.84], abs=1e-3)
    assert frame.images["CAM_FRONT"].shape == (36, 64, 3)
    assert reader.meta["scenario_type"] == "ParkingCutIn" and reader.meta["collection_fps"] > 0
    assert reader.meta["rate_hz"] == 10 and reader.meta["jpeg_quality"] == 20
    assert reader.results()["save_name"] == SAVE_NAME
    with pytest.raises(RuntimeError):
        privileged.get_provider()
