"""`wpt collect` end to end: the expert drives a real embedded route and a readable Bench2Drive clip comes out."""
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from b2d_converter import converter_reads
from wpt_core.data.clip_layout import is_complete
from wpt_core.data.clip_reader import ClipReader
from wpt_core.data.recorder import RecordingSpec
from wpt_core.data.stats import dataset_stats
from wpt_core.data.weather import route_weather
from wpt_core.sim.world.actor_attributes import embedded_scene
from wpt_core.sim.runner.collector import ClipRecorder, CollectConfig, RouteRecorder
from wpt_core.sim.runner.evaluator import EvalOptions, build_tasks, evaluate
from wpt_core.sim.town.road_ids import TownRoadIds
from wpt_core.sim.runner.route_execution import run_route

REPO = Path(__file__).resolve().parents[3]
EXPERT = REPO / "data_collection" / "expert_agent.py"
SMOKE = REPO / "leaderboard_configs" / "routes" / "embedded_smoke.xml"
SMALL = ["recording.camera_width=160", "recording.camera_height=90"]


def collect(out: Path, subset: str, lidar: bool = True):
    config = CollectConfig(recording=RecordingSpec(camera_width=160, camera_height=90, lidar=lidar))
    return evaluate(EvalOptions(routes_xml=str(SMOKE), agent=str(EXPERT), routes_subset=subset,
                                checkpoint=str(out / "collect_results.json")),
                    hooks_factory=ClipRecorder(str(out), config))


def test_collected_clip_reads_back_with_consistent_annotations(tmp_path):
    document = collect(tmp_path, "0")
    record = document["_checkpoint"]["records"][0]
    clips = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert len(clips) == 1 and is_complete(clips[0])
    reader = ClipReader(clips[0])
    # 10 Hz recording of a 20 Hz simulation: one frame per 0.1 s of game time (± the first/last tick)
    assert abs(len(reader.indices) - record["meta"]["duration_game"] * 10) <= 2
    frame = reader.frame(reader.indices[len(reader.indices) // 2])
    assert set(frame.images) == {"CAM_FRONT", "CAM_FRONT_LEFT", "CAM_FRONT_RIGHT", "CAM_BACK", "CAM_BACK_LEFT",
                                 "CAM_BACK_RIGHT"}
    assert all(img.shape == (90, 160, 3) and img.dtype == np.uint8 for img in frame.images.values())
    assert frame.lidar is not None and frame.lidar.shape[1] == 4 and len(frame.lidar) > 1000
    # ground returns in the ego frame lie near z = 0 (the LiDAR sits 1.84 m above it)
    assert np.median(frame.lidar[:, 2]) == pytest.approx(0.0, abs=0.5)
    for index in reader.indices:
        # Bench2Drive's collection LiDAR: a full turn in every frame, points on both sides and all around
        lidar = reader.frame(index, images=False).lidar
        azimuth = np.degrees(np.arctan2(lidar[:, 1], lidar[:, 0]))
        assert (np.histogram(azimuth, bins=[-180, -90, 0, 90, 180])[0] > 1000).all(), index
        assert (lidar[:, 1] < -1.0).any() and (lidar[:, 1] > 1.0).any()
    annos = reader.annos()
    assert all(str(int(b["id"])) == b["id"] for a in annos for b in a["bounding_boxes"])
    assert all(isinstance(a["bounding_boxes"][0]["lane_id"], int) for a in annos)
    depth = reader.frame(reader.indices[0], images=False, lidar=False, depth=True).depth
    assert set(depth) == set(frame.images) and all(d.shape == (90, 160) for d in depth.values())
    assert depth["CAM_FRONT"][80, 80] == pytest.approx(1.6 * 160 / (2 * np.tan(np.radians(35))) / (80.5 - 45),
                                                       abs=0.5)   # the road just ahead: height · f / rows below centre
    ego_xy = np.array([[a["x"], a["y"]] for a in annos])
    steps = np.linalg.norm(np.diff(ego_xy, axis=0), axis=1)
    assert steps.max() < 2.0   # 0.1 s apart: no jumps, no dropped frames
    travelled = steps.sum()
    assert travelled == pytest.approx(record["meta"]["route_length"] * record["scores"]["score_route"] / 100, rel=0.15)
    assert annos[5]["bounding_boxes"][0]["class"] == "ego_vehicle"
    speeds = np.array([a["speed"] for a in annos])
    assert speeds.max() > 3.0 and np.allclose(speeds[1:-1], steps[1:] / 0.1, atol=1.0)
    meta = json.loads((clips[0] / "meta.json").read_text())
    assert meta["scenario_type"] == "HardBreakRoute" and meta["rate_hz"] == 10
    # the clip's Weather<k> and the record's weather_id: Bench2Drive's id of the route's weather, not always 0
    assert clips[0].name.endswith(f"_Weather{record['weather_id']}") and record["weather_id"] == meta["weather_id"]
    assert converter_reads(str(tmp_path.parent), f"{tmp_path.name}/{clips[0].name}")  # B2D's converter reads it
    stats = dataset_stats(tmp_path)
    assert stats["clips"] == 1 and stats["frames"] == len(reader.indices)


class _Enough(Exception):
    """Ends the capturing run early (the route is recorded as a simulation crash; its frames stay)."""


class _CapturingRecorder(RouteRecorder):
    """The embedded collector, also keeping what each recorded tick's agent saw and decided."""

    def __init__(self, out_dir, config, task, frames):
        super().__init__(out_dir, config, task)
        self.frames, self.captured, self.town = frames, [], None

    def on_start(self, run):
        super().on_start(run)
        self.route, self.town = run.route, run.town

    def on_tick(self, run, control):
        scene, tick = self._scene, self._tick
        super().on_tick(run, control)
        if self.recorder.wants(tick):
            self.captured.append((embedded_scene(scene), run.agent.last_output))
        if len(self.captured) == self.frames:
            raise _Enough


class _ReplayProvider:
    """The CARLA bridge's role for the data agent: the captured scenes, each for a recorded tick and the next."""

    def __init__(self, capture, weather):
        self.scenes = [scene for scene, _ in capture.captured for _ in range(2)]
        self.roads, self.town, self._weather = TownRoadIds(capture.town), capture.town.name, weather

    def scene(self):
        return self.scenes.pop(0)

    def weather(self):
        return self._weather


def test_both_collectors_write_the_same_annotations_for_the_same_scene(tmp_path, monkeypatch):
    """The embedded `wpt collect` hook and CARLA's data_agent.py, fed the same scenes, sensor readings and
    expert outputs, label every frame identically (one recorder; should_brake, rate, ids, route points)."""
    config = CollectConfig(recording=RecordingSpec(camera_width=160, camera_height=90))
    task = build_tasks(EvalOptions(routes_xml=str(SMOKE), agent=str(EXPERT), routes_subset="0",
                                   checkpoint=str(tmp_path / "r.json")))[0]
    holder = {}

    def hooks(t):
        holder["capture"] = _CapturingRecorder(tmp_path / "embedded", config, t, frames=12)
        return holder["capture"]

    record = run_route(task, hooks).record
    assert record["status"] == "Failed - Simulation crashed"      # stopped by _Enough after 12 frames
    capture = holder["capture"]
    readings = [capture.suite.read(scene, k) for k, (scene, _) in enumerate(capture.captured)]
    outputs = [out for _, out in capture.captured for _ in range(2)]

    monkeypatch.setenv("SAVE_PATH", str(tmp_path / "carla"))
    sys.path.insert(0, str(REPO / "data_collection"))
    try:
        sys.modules.pop("data_agent", None)
        module = importlib.import_module("data_agent")
    finally:
        sys.path.remove(str(REPO / "data_collection"))
    provider = _ReplayProvider(capture, route_weather(task.route.weathers))

    class Recording:   # the recording sensors (depth, full-sweep LiDAR) of frame 2k are the collector's frame k
        def read(self, frame):
            return {k: v for k, v in readings[frame // 2].items() if k.endswith("_DEPTH") or k == "LIDAR_TOP"}

        def destroy(self):
            pass

    class ReplayAgent(module.DataAgent):
        def _make_provider(self):
            return provider

        def _make_route(self, _):
            return capture.route

        def _make_expert(self):
            return SimpleNamespace(run_step=lambda scene, route: outputs.pop(0))

        def _make_recording_sensors(self, _):
            return Recording()

    agent = ReplayAgent("localhost", 2000)
    (tmp_path / "agent.yaml").write_text("recording:\n  camera_width: 160\n  camera_height: 90\n")
    agent.setup(f"{tmp_path / 'agent.yaml'}+{task.route_key}_EmbeddedGrid_HardBreakRoute_1_0_01_01_00_00_00")
    for tick in range(2 * len(readings)):
        leaderboard = {k: (tick, v) for k, (_, v) in readings[tick // 2].items()
                       if not (k.endswith("_DEPTH") or k == "LIDAR_TOP")}
        agent.run_step(leaderboard, 0.05 * tick)
    agent.destroy()

    embedded = ClipReader(capture.clip_dir, allow_incomplete=True)
    carla_clip = ClipReader(next((tmp_path / "carla").iterdir()))
    assert embedded.indices == carla_clip.indices == list(range(12))
    for index in embedded.indices:
        a, b = embedded.anno(index), carla_clip.anno(index)
        assert a.keys() == b.keys()
        for key in a:
            assert a[key] == b[key], (index, key)
        ea, eb = embedded.expert_assessment(index), carla_clip.expert_assessment(index)
        assert ea.keys() == eb.keys() and all(np.array_equal(ea[k], eb[k]) for k in ea)
    assert embedded.anno(3)["should_brake"] == capture.captured[3][1].should_brake   # the expert's own flag
    assert embedded.meta["rate_hz"] == carla_clip.meta["rate_hz"] == 10


@pytest.mark.slow
def test_killed_collection_resumes_to_the_same_clip_set(tmp_path):
    def run(out, resume=False):
        cmd = [sys.executable, "-m", "wpt_core.cli", "collect", "--routes", str(SMOKE), "--out", str(out),
               "--routes-subset", "0,1", "--workers", "1", "--set", "recording.lidar=false"]
        cmd += sum((["--set", s] for s in SMALL), [])
        return subprocess.Popen(cmd + (["--resume"] if resume else []), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)

    reference = tmp_path / "reference"
    assert run(reference).wait(timeout=900) == 0
    killed = tmp_path / "killed"
    proc = run(killed)
    deadline = time.time() + 600
    while time.time() < deadline and not any((c / "COMPLETE").exists() for c in killed.glob("*_Route*")):
        time.sleep(0.5)
    time.sleep(5.0)   # well into the second clip
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert run(killed, resume=True).wait(timeout=900) == 0

    def clip_set(root):
        return {c.name: len(ClipReader(c).indices) for c in root.iterdir() if c.is_dir()}
    assert clip_set(killed) == clip_set(reference) and len(clip_set(reference)) == 2
    for name in clip_set(reference):
        a, b = ClipReader(reference / name), ClipReader(killed / name)
        assert [x["x"] for x in a.annos()] == [x["x"] for x in b.annos()]
    records = json.loads((killed / "collect_results.json").read_text())["_checkpoint"]["records"]
    assert sorted(r["route_id"] for r in records) == ["RouteScenario_0_rep0", "RouteScenario_1_rep0"]
