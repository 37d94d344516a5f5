"""Bench2Drive's converter (prepare_B2D.py) reads our clips: every unconditional read it makes succeeds."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from b2d_converter import converter_reads
from data_helpers import straight_route
from wpt_core.data import rig
from wpt_core.data.clip_layout import clip_name, depth_path
from wpt_core.data.recorder import Recorder, RecordingSpec
from wpt_core.sim.world.actor_attributes import embedded_scene
from wpt_core.sim.sensors.sensor_bench import demo_ground, demo_scene
from wpt_core.sim.sensors.lidar import B2D_COLLECTION_LIDAR
from wpt_core.sim.sensors.suite import SensorSuite
from wpt_core.types import Control, Trajectory

W, H, FRAMES = 64, 36, 3


def _record(clip_dir):
    """Three frames of the sensor benchmark's busy street (cars, walkers, a bike, cones, lights, stop signs),
    rendered by the embedded rig and written by the recorder both collectors use."""
    suite = SensorSuite(rig.bench2drive_rig_specs(W, H), demo_ground(), lidar=B2D_COLLECTION_LIDAR, depth=True)
    recorder = Recorder(clip_dir, {"simulator": "embedded"}, straight_route(200), RecordingSpec(W, H))
    expert = SimpleNamespace(trajectory=Trajectory(np.zeros((8, 2)), 0.5), control=Control(throttle=0.6, steer=0.08),
                             target_speed_mps=8.0, should_brake=False)
    for i in range(FRAMES):
        scene = embedded_scene(demo_scene(2 * i))
        recorder.record(scene, expert, suite.read(scene, i), {"cloudiness": 10.0})
    recorder.finish({"status": "Completed"})
    return recorder


def test_the_converters_unconditional_reads_succeed_on_our_clip(tmp_path):
    name = clip_name("HardBreakRoute", "Town01", 3, 5)
    _record(tmp_path / "v1" / name)
    infos = converter_reads(str(tmp_path), f"v1/{name}")
    assert [info["frame_idx"] for info in infos] == list(range(FRAMES))
    assert infos[0]["town_name"] == "Town01"
    first = infos[0]
    assert len(first["gt_ids"]) > 20 and len(set(first["gt_ids"])) == len(first["gt_ids"])
    assert {n[0] for n in first["gt_names"]} >= {"vehicle.lincoln.mkz_2020", "walker.pedestrian",
                                                 "traffic.traffic_light", "traffic.stop"}
    assert infos[1]["gt_ids"][:5] == first["gt_ids"][:5]          # an actor keeps its id from frame to frame
    assert all(d.shape == (H, W) and d.dtype == np.uint8 for d in first["depth"].values())
    assert first["action"] == 6                      # (0.6, 0.08) → nearest (0.7, 0.1), 0.10 away (vs 0.13 to 5)


def test_a_clip_missing_what_the_converter_reads_is_caught(tmp_path):
    name = clip_name("HardBreakRoute", "Town01", 3, 5)
    recorder = _record(tmp_path / "v1" / name)
    depth_path(recorder.clip_dir, "CAM_BACK_LEFT", 1).unlink()
    with pytest.raises(FileNotFoundError, match="depth_back_left"):
        converter_reads(str(tmp_path), f"v1/{name}")
