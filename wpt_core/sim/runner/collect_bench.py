"""`bench_collect`: CPU ms per recorded frame of `wpt collect`, split by stage, on one route.

The expert drives the route with the real collector hook for `frames` recorded frames (the run is then
stopped; the clip stays incomplete). Total CPU is process time from the end of the hook's `on_start` to
the writer thread having written the last frame (setup — town, SUMO start, camera tables — excluded, as
it is paid once per route); stages are the recorder's `StageClock` (thread CPU, writer thread included);
`sim_and_agent` is the rest: world ticks, criteria, scenarios and the expert's planning, 2 ticks a frame.
Repeated `repeats` times; the median and spread of each figure are reported.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

from wpt_core.sim.runner.collector import CollectConfig, RouteRecorder
from wpt_core.sim.runner.evaluator import EvalOptions, build_tasks
from wpt_core.sim.runner.route_execution import RouteRun, RouteTask, StopRoute, run_route
from wpt_core.types import Control


class _TimedRecorder(RouteRecorder):
    def __init__(self, out_dir: Path, config: CollectConfig, task: RouteTask, frames: int) -> None:
        super().__init__(out_dir, config, task)
        self.wanted = frames
        self.cpu_start = self.cpu_end = 0.0

    def on_start(self, run: RouteRun) -> None:
        super().on_start(run)
        self.cpu_start = time.process_time()

    def on_tick(self, run: RouteRun, control: Control) -> None:
        super().on_tick(run, control)
        if self.recorder.frames >= self.wanted:
            self.recorder.writer.flush()
            self.cpu_end = time.process_time()
            raise StopRoute


def _one_run(task: RouteTask, config: CollectConfig, frames: int) -> Dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="wpt-bench-collect-") as tmp:
        holder: List[_TimedRecorder] = []

        def hooks(t: RouteTask) -> _TimedRecorder:
            holder.append(_TimedRecorder(Path(tmp), config, t, frames))
            return holder[0]

        run_route(task, hooks)
        rec = holder[0]
        n = rec.recorder.frames
        if n < frames or rec.cpu_end == 0.0:
            raise RuntimeError(f"route {task.route.id} ended after {n} recorded frames (asked for {frames})")
        total_ms = 1000.0 * (rec.cpu_end - rec.cpu_start) / n
        stages = {k: 1000.0 * v / n for k, v in sorted(rec.recorder.clock.snapshot().items())}
    return {"total_ms": total_ms, "sim_and_agent_ms": total_ms - sum(stages.values()), **stages}


def bench_collect(routes_xml: str, agent: str, route_subset: str = "0", frames: int = 60, repeats: int = 3,
                  config: CollectConfig = CollectConfig()) -> Dict[str, Any]:
    """Median (and min/max) CPU ms per recorded frame, total and by stage, over `repeats` collections."""
    task = build_tasks(EvalOptions(routes_xml=routes_xml, agent=agent, routes_subset=route_subset,
                                   checkpoint=str(Path(tempfile.gettempdir()) / "wpt-bench-collect.json")))[0]
    runs = [_one_run(task, config, frames) for _ in range(repeats)]
    keys = list(runs[0])
    return {"route": task.route.id, "frames": frames, "repeats": repeats,
            "camera": f"{config.recording.camera_width}x{config.recording.camera_height}",
            "median_ms": {k: round(statistics.median(r[k] for r in runs), 2) for k in keys},
            "min_ms": {k: round(min(r[k] for r in runs), 2) for k in keys},
            "max_ms": {k: round(max(r[k] for r in runs), 2) for k in keys}}
