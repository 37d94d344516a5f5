"""`wpt collect`: the expert drives the embedded benchmark while its clips are recorded.

The recorder is a route hook of the ordinary evaluator, so collection uses the same agent protocol,
criteria and results file as evaluation. It renders its own sensor rig (the Bench2Drive rig at a
configurable resolution) at 10 Hz, independently of what the driving agent asked for.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional

from wpt_core.sim.route_execution import RouteRun, RouteTask, weather_id
from wpt_core.types import Control

SIM_HZ = 20


@dataclass
class CollectConfig:
    """What a clip records. Resolution is reduced from Bench2Drive's 1600×900 for CPU training."""

    camera_width: int = 400
    camera_height: int = 225
    record_hz: int = 10
    lidar: bool = True
    map_half_size_m: float = 400.0


@dataclass
class ClipRecorder:
    """Hooks factory (picklable: crosses into worker processes)."""

    out_dir: str
    config: CollectConfig

    def __call__(self, task: RouteTask) -> "RouteRecorder":
        return RouteRecorder(Path(self.out_dir), self.config, task)


class RouteRecorder:
    """Records one route as one Bench2Drive clip; an unfinished clip from a killed run is restarted."""

    def __init__(self, out_dir: Path, config: CollectConfig, task: RouteTask) -> None:
        from wpt_core.data.clip_layout import clip_name

        self.config = config
        self.task = task
        scenario = task.route.scenarios[0].type if task.route.scenarios else "NoScenario"
        self.clip_dir = out_dir / clip_name(scenario, task.route.town, task.route.id, weather_id(task))
        self.writer: Any = None
        self.suite: Any = None
        self.frames = 0

    def on_start(self, run: RouteRun) -> None:
        from wpt_core.data.clip_writer import ClipWriter
        from wpt_core.data.rig import bench2drive_rig_specs
        from wpt_core.sim.sensors.suite import SensorSuite

        if self.clip_dir.exists():
            shutil.rmtree(self.clip_dir)  # only unfinished clips reach here: finished routes are skipped
        specs = bench2drive_rig_specs(self.config.camera_width, self.config.camera_height, lidar=self.config.lidar)
        self.suite = SensorSuite(specs, ground=run.town.ground_map(), track="SENSORS", lat_ref=run.town.lat_ref,
                                 lon_ref=run.town.lon_ref, seed=self.task.seed)
        meta = {"route_id": str(self.task.route.id), "town": self.task.route.town,
                "scenario": self.task.route.scenarios[0].type if self.task.route.scenarios else "",
                "weather_id": weather_id(self.task), "rate_hz": self.config.record_hz, "simulator": "embedded",
                "camera_width": self.config.camera_width, "camera_height": self.config.camera_height,
                "seed": self.task.seed}
        self.writer = ClipWriter(self.clip_dir, meta=meta, resume=False)
        ego = run.world.ego
        run.town.ground_map().crop((ego.x_m, ego.y_m), self.config.map_half_size_m).save(self.clip_dir / "map.npz")

    def on_tick(self, run: RouteRun, control: Control) -> None:
        from wpt_core.data.annotation import build_annotation
        from wpt_core.data.route_info import RouteInfo

        if run.world.frame % (SIM_HZ // self.config.record_hz) != 0 or run.scene is None:
            return
        data = self.suite.read(run.scene, run.world.frame)
        images = {sid: value for sid, (_, value) in data.items() if sid.startswith("CAM_")}
        lidar = data.get("LIDAR_TOP", (None, None))[1]
        route_info = RouteInfo.from_route(run.route, (run.scene.ego.x_m, run.scene.ego.y_m))
        anno = build_annotation(run.scene, route_info=route_info, control=control,
                                calibration=self.suite.calibration(run.scene), weather=_weather(self.task),
                                should_brake=bool(control.brake > 0.5))
        self.writer.write_frame(self.frames, anno, images, lidar)
        self.frames += 1

    def on_end(self, run: RouteRun, record: Dict[str, Any]) -> None:
        self.writer.finish(record)


def _weather(task: RouteTask) -> Dict[str, Optional[float]]:
    weathers = task.route.weathers
    if not weathers:
        return {}
    out: Dict[str, Optional[float]] = {}
    for key, value in weathers[0].items():
        try:
            out[key] = float(value)
        except ValueError:
            continue
    return out
