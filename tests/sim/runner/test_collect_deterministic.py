"""Same route, same seed → the same clip, byte for byte (the speed work must never change what is recorded)."""
import json
from pathlib import Path

from wpt_core.data.recorder import RecordingSpec
from wpt_core.sim.runner.collector import CollectConfig, RouteRecorder
from wpt_core.sim.runner.evaluator import EvalOptions, build_tasks
from wpt_core.sim.runner.route_execution import run_route

REPO = Path(__file__).resolve().parents[3]
SMOKE = REPO / "leaderboard_configs" / "routes" / "embedded_smoke.xml"
EXPERT = REPO / "data_collection" / "expert_agent.py"
FRAMES = 6
TIMINGS = ("collection_fps", "cpu_s_per_frame")   # measured, so different every run


class _Stop(Exception):
    pass


class _FewFrames(RouteRecorder):
    def on_tick(self, run, control):
        super().on_tick(run, control)
        if self.recorder.frames == FRAMES:
            raise _Stop


def _collect(out: Path) -> dict:
    config = CollectConfig(recording=RecordingSpec(camera_width=160, camera_height=90))
    task = build_tasks(EvalOptions(routes_xml=str(SMOKE), agent=str(EXPERT), routes_subset="0", seed=3,
                                   checkpoint=str(out / "r.json")))[0]
    run_route(task, lambda t: _FewFrames(out, config, t))
    files = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name != "r.json":
            data = path.read_bytes()
            if path.name == "meta.json":
                data = json.dumps({k: v for k, v in json.loads(data).items() if k not in TIMINGS}).encode()
            files[str(path.relative_to(out))] = data
    return files


def test_two_collections_with_the_same_seed_write_identical_files(tmp_path):
    first, second = _collect(tmp_path / "a"), _collect(tmp_path / "b")
    frames = [name for name in first if "/anno/" in name]
    assert len(frames) == FRAMES
    # every kind of frame file is there: 6 JPEGs, 6 depth PNGs, the LAZ sweep, the assessment, the annotation
    assert sum("/lidar/" in name for name in first) == FRAMES
    assert sum("/depth_" in name for name in first) == 6 * FRAMES
    assert sum(name.endswith(".jpg") for name in first) == 6 * FRAMES
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
