"""`wpt collect` end to end: the expert drives a real embedded route and a readable Bench2Drive clip comes out."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from wpt_core.data.clip_reader import ClipReader
from wpt_core.data.clip_writer import ClipWriter
from wpt_core.data.stats import dataset_stats
from wpt_core.sim.collector import ClipRecorder, CollectConfig
from wpt_core.sim.evaluator import EvalOptions, evaluate

REPO = Path(__file__).resolve().parents[2]
EXPERT = REPO / "data_collection" / "expert_agent.py"
SMOKE = REPO / "leaderboard_configs" / "routes" / "embedded_smoke.xml"
SMALL = ["camera_width=160", "camera_height=90"]


def collect(out: Path, subset: str, lidar: bool = True):
    config = CollectConfig(camera_width=160, camera_height=90, lidar=lidar)
    return evaluate(EvalOptions(routes_xml=str(SMOKE), agent_file=str(EXPERT), routes_subset=subset,
                                checkpoint=str(out / "collect_results.json")),
                    hooks_factory=ClipRecorder(str(out), config))


def test_collected_clip_reads_back_with_consistent_annotations(tmp_path):
    document = collect(tmp_path, "0")
    record = document["_checkpoint"]["records"][0]
    clips = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert len(clips) == 1 and ClipWriter.is_complete(clips[0])
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
    annos = reader.annos()
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
    stats = dataset_stats(tmp_path)
    assert stats["clips"] == 1 and stats["frames"] == len(reader.indices)


@pytest.mark.slow
def test_killed_collection_resumes_to_the_same_clip_set(tmp_path):
    def run(out, resume=False):
        cmd = [sys.executable, "-m", "wpt_core.cli", "collect", "--routes", str(SMOKE), "--out", str(out),
               "--routes-subset", "0,1", "--workers", "1", "--set", "lidar=false"] + sum((["--set", s] for s in SMALL), [])
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
