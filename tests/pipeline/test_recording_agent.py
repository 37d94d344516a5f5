"""The recording agent in a real `wpt eval`: it drives with the wrapped agent and writes one frame per stride."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from wpt_core.cli import main
from wpt_core.paths import repo_configs_dir
from wpt_core.pipeline.video import RECORDING_AGENT, gif_from_frames

ZOO_AGENT = Path(__file__).resolve().parents[1] / "fixtures" / "agents" / "zoo_style_agent.py"
SMOKE_ROUTES = repo_configs_dir() / "routes" / "embedded_smoke.xml"
STRIDE = 25


def test_recording_wraps_a_sensor_agent_on_a_route(tmp_path: Path) -> None:
    config = tmp_path / "recording.yaml"
    config.write_text(yaml.safe_dump({"agent": str(ZOO_AGENT), "agent_config": "", "frames": str(tmp_path / "f"),
                                      "stride": STRIDE}))
    results = tmp_path / "results.json"
    assert main(["eval", "--agent", RECORDING_AGENT, "--agent-config", str(config), "--routes", str(SMOKE_ROUTES),
                 "--routes-subset", "0", "--checkpoint", str(results), "--save-path", str(tmp_path / "out")]) == 0
    record = json.loads(results.read_text())["_checkpoint"]["records"][0]
    assert not record["status"].startswith("Failed - Agent")
    frames = sorted((tmp_path / "f").glob("*.npz"))
    steps = [int(f.stem) for f in frames]
    assert steps[:3] == [0, STRIDE, 2 * STRIDE] and all(b - a == STRIDE for a, b in zip(steps, steps[1:]))
    with np.load(frames[len(frames) // 2]) as frame:
        assert frame["front"].shape == (64, 64, 3) and frame["front"].dtype == np.uint8   # the agent's camera
        route = frame["route"]
    # the route starts next to the ego (GNSS noise and the antenna mount: a few metres at most) and runs ahead
    assert np.linalg.norm(route[0]) < 4.0 and route[-1][0] > 10.0
    with Image.open(gif_from_frames(tmp_path / "f", tmp_path / "r.gif", 8)) as gif:
        assert gif.n_frames == min(8, len(frames))


STUB_AGENT = '''
import numpy as np
import pytest
from wpt_core.protocol import AutonomousAgent, VehicleControl


def get_entry_point():
    return "StubAgent"


class Driver:
    last_plan_world = np.array([[15.0, 0.0], [20.0, 0.0]])


class StubAgent(AutonomousAgent):
    def setup(self, path_to_conf_file):
        self.driver, self.conf = Driver(), path_to_conf_file

    def sensors(self):
        return [{"type": "sensor.camera.rgb", "id": "CAM_FRONT"}, {"type": "sensor.other.gnss", "id": "GPS"},
                {"type": "sensor.other.imu", "id": "IMU"}, {"type": "sensor.lidar.ray_cast", "id": "LIDAR"}]

    def run_step(self, input_data, timestamp):
        return VehicleControl(throttle=0.3)
'''


def test_recording_keeps_camera_lidar_route_and_the_drivers_plan_in_the_ego_frame(tmp_path: Path) -> None:
    from wpt_core.geometry import world_to_gnss, yaw_deg_to_compass
    from wpt_core.pipeline.recording_agent import RecordingAgent
    from wpt_core.protocol import make_transform

    (tmp_path / "stub_recorded_agent.py").write_text(STUB_AGENT)
    config = tmp_path / "recording.yaml"
    config.write_text(yaml.safe_dump({"agent": str(tmp_path / "stub_recorded_agent.py"), "agent_config": "inner.yaml",
                                      "frames": str(tmp_path / "f"), "stride": 1}))
    gps = [({"lat": lat, "lon": lon, "z": 0.0}, 4) for lat, lon, _ in
           (world_to_gnss(float(x), 0.0) for x in range(0, 101))]
    agent = RecordingAgent("localhost", 2000)
    agent.set_global_plan(gps, [(make_transform(float(x), 0.0, 0.0, 0.0), 4) for x in range(0, 101)])
    agent.setup(f"{config}+route_a")
    assert agent.inner.conf == "inner.yaml+route_a"       # the wrapped agent gets the leaderboard's string
    agent.sensors()
    lat, lon, _ = world_to_gnss(10.0, 0.0)
    bgra = np.zeros((4, 6, 4), np.uint8)
    bgra[..., 0] = 200                                  # blue in BGRA
    control = agent.run_step({"CAM_FRONT": (1, bgra), "GPS": (1, np.array([lat, lon, 0.0])),
                              "IMU": (1, np.array([0, 0, 0, 0, 0, 0, yaw_deg_to_compass(0.0)])),
                              "LIDAR": (1, np.array([[3.0, -1.0, 0.5, 1.0]], np.float32))}, 0.05)
    assert control.throttle == pytest.approx(0.3)   # float32 in carla.VehicleControl
    with np.load(tmp_path / "f" / "000000.npz") as frame:
        assert tuple(frame["front"][0, 0]) == (0, 0, 200)       # RGB
        assert np.allclose(frame["trajectory"], [[5.0, 0.0], [10.0, 0.0]], atol=1e-3)
        assert np.allclose(frame["route"][0], [0.0, 0.0], atol=1e-3) and np.allclose(frame["route"][-1], [50.0, 0.0],
                                                                                      atol=1e-3)
        assert np.allclose(frame["lidar"], [[3.0, -1.0]])


def test_a_recorded_frame_holds_the_lidar_of_its_tick_and_the_one_before(tmp_path: Path) -> None:
    """The leaderboard's LiDAR gives half a turn per tick: ticks 3 and 4 (stride 4) together are a full turn."""
    from wpt_core.pipeline.recording_agent import RecordingAgent

    (tmp_path / "stub_turn_agent.py").write_text(STUB_AGENT)   # own name: the loader refuses a clash
    config = tmp_path / "recording.yaml"
    config.write_text(yaml.safe_dump({"agent": str(tmp_path / "stub_turn_agent.py"), "agent_config": "",
                                      "frames": str(tmp_path / "f"), "stride": 4}))
    agent = RecordingAgent("localhost", 2000)
    agent.set_global_plan([], [])
    agent.setup(str(config))
    agent.sensors()
    for step in range(9):   # the points of tick k lie at x = k
        agent.run_step({"LIDAR": (step, np.array([[float(step), 2.0 * (step % 2) - 1.0, 0.0, 1.0]], np.float32))},
                       0.05 * (step + 1))
    with np.load(tmp_path / "f" / "000000.npz") as frame:
        assert frame["lidar"][:, 0].tolist() == [0.0]              # nothing before the first tick
    with np.load(tmp_path / "f" / "000004.npz") as frame:
        assert frame["lidar"][:, 0].tolist() == [3.0, 4.0]         # ticks 3 and 4: both sides (y = +1 and -1)
        assert sorted(frame["lidar"][:, 1].tolist()) == [-1.0, 1.0]
    with np.load(tmp_path / "f" / "000008.npz") as frame:
        assert frame["lidar"][:, 0].tolist() == [7.0, 8.0]
