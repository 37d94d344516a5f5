"""`wpt collect`: the expert drives the embedded benchmark while its clips are recorded.

The recorder is a route hook of the ordinary evaluator, so collection uses the same agent protocol,
criteria and results file as evaluation. It renders its own sensor rig (the Bench2Drive rig at a
configurable resolution) at 10 Hz, independently of what the driving agent asked for.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional

from wpt_core.sim.route_execution import SIMULATION_CRASHED, RouteRun, RouteTask, weather_id
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
        self.tracker: Any = None
        self.calibration: Dict[str, Any] = {}
        self.frames = 0
        self.started = 0.0

    def on_start(self, run: RouteRun) -> None:
        from wpt_core.data import rig
        from wpt_core.data.clip_writer import ClipWriter
        from wpt_core.data.route_info import RouteTracker
        from wpt_core.sim.sensors.suite import SensorSuite

        cfg = self.config
        specs = rig.bench2drive_rig_specs(cfg.camera_width, cfg.camera_height, lidar=cfg.lidar)
        self.suite = SensorSuite(specs, ground=run.town.ground_map(), track="SENSORS", lat_ref=run.town.lat_ref,
                                 lon_ref=run.town.lon_ref, seed=self.task.seed)
        self.calibration = rig.calibration(cfg.camera_width, cfg.camera_height)
        self.tracker = RouteTracker(run.route)
        meta = {"route_id": str(self.task.route.id), "town": self.task.route.town,
                "scenario_type": self.task.route.scenarios[0].type if self.task.route.scenarios else "",
                "weather_id": weather_id(self.task), "rate_hz": cfg.record_hz, "simulator": "embedded",
                "camera_width": cfg.camera_width, "camera_height": cfg.camera_height, "seed": self.task.seed}
        # resume=False: a clip reaching here never finished (finished routes are skipped), so start it over.
        self.writer = ClipWriter(self.clip_dir, meta=meta, resume=False)
        ego = run.world.ego
        self.writer.save_ground_map(run.town.ground_map().crop((ego.x_m, ego.y_m), cfg.map_half_size_m))
        self.started = time.perf_counter()

    def on_tick(self, run: RouteRun, control: Control) -> None:
        from wpt_core.data import rig
        from wpt_core.data.annotation import build_annotation

        if run.world.frame % (SIM_HZ // self.config.record_hz) != 0 or run.scene is None:
            return
        ego = run.scene.ego
        data = self.suite.read(run.scene, run.world.frame)
        images = {sid: value for sid, (_, value) in data.items() if sid.startswith("CAM_")}
        lidar = rig.lidar_to_ego(data[rig.LIDAR_NAME][1]) if self.config.lidar else None
        info = self.tracker.step((ego.x_m, ego.y_m), ego.yaw_deg)
        # The hook sees the control, not the expert's internals: "should brake" = the expert is braking.
        anno = build_annotation(run.scene, info, control, self.calibration, _weather(self.task),
                                should_brake=bool(control.brake > 0.5), imu=data["IMU"][1], lidar_ego=lidar)
        self.writer.write_frame(self.frames, anno, images, lidar)
        self.frames += 1

    def on_end(self, run: RouteRun, record: Dict[str, Any]) -> None:
        if record["status"] == SIMULATION_CRASHED:
            return  # left incomplete: a resumed collection records this route again
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        self.writer.meta["collection_fps"] = round(self.frames / elapsed, 2)
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
