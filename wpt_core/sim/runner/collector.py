"""`wpt collect`: the expert drives the embedded benchmark while its clips are recorded.

The collector is a route hook of the ordinary evaluator, so collection uses the same agent protocol,
criteria and results file as evaluation. It renders its own sensor rig (the Bench2Drive rig at a
configurable resolution, Bench2Drive's full-sweep collection LiDAR, depth per camera) at 10 Hz,
independently of what the driving agent asked for, and hands each recorded tick to the one `Recorder`
both simulators use, with what the driving expert agent saw and decided at that tick: the hook is called
after the world has stepped, so it keeps the scene the agent acted on and reads the agent's `last_output`
(the expert's own trajectory, control and `should_brake`) — the channel any collected agent must offer.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional

from wpt_core.data import rig
from wpt_core.data.clip_layout import clip_name
from wpt_core.data.recorder import Recorder, RecordingSpec
from wpt_core.data.weather import route_weather
from wpt_core.leaderboard.statuses import SIMULATION_CRASHED
from wpt_core.sim.runner.route_execution import RouteRun, RouteTask, weather_id
from wpt_core.sim.sensors.lidar import B2D_COLLECTION_LIDAR
from wpt_core.sim.sensors.suite import SensorSuite
from wpt_core.sim.town.road_ids import TownRoadIds
from wpt_core.sim.world.actor_attributes import embedded_scene
from wpt_core.types import Control, Scene


def _cpu_recording() -> RecordingSpec:
    return RecordingSpec(camera_width=400, camera_height=225)


@dataclass(frozen=True)
class CollectConfig:
    """What `wpt collect` records: Bench2Drive's clip contents at a resolution reduced from 1600×900 for CPU
    training, and the road raster within `map_half_size_m` of the route start."""

    recording: RecordingSpec = field(default_factory=_cpu_recording)
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
        self.config = config
        self.task = task
        scenario = task.route.scenarios[0].type if task.route.scenarios else "NoScenario"
        self.clip_dir = out_dir / clip_name(scenario, task.route.town, task.route.id, weather_id(task))
        self.recorder: Optional[Recorder] = None
        self.suite: Optional[SensorSuite] = None
        self._scene: Optional[Scene] = None   # what the agent acts on at `_tick`
        self._tick = 0

    def on_start(self, run: RouteRun) -> None:
        cfg = self.config.recording
        specs = rig.bench2drive_rig_specs(cfg.camera_width, cfg.camera_height, lidar=cfg.lidar)
        route = self.task.route
        meta = {"route_id": str(route.id), "town": route.town,
                "scenario_type": route.scenarios[0].type if route.scenarios else "", "weather_id": weather_id(self.task),
                "simulator": "embedded", "seed": self.task.seed, "depth": cfg.depth}
        self.recorder = Recorder(self.clip_dir, meta, run.route, cfg, roads=TownRoadIds(run.town))
        self.suite = SensorSuite(specs, ground=run.ground, track="SENSORS", lat_ref=run.town.lat_ref,
                                 lon_ref=run.town.lon_ref, seed=self.task.seed, lidar=B2D_COLLECTION_LIDAR,
                                 depth=cfg.depth, clock=self.recorder.clock)
        ego = run.world.ego
        self.recorder.save_ground_map(run.ground.crop((ego.x_m, ego.y_m), self.config.map_half_size_m))
        self._scene, self._tick = run.scene, run.world.frame

    def on_tick(self, run: RouteRun, control: Control) -> None:
        """The world has just stepped with `control`: record the tick the agent decided it on."""
        scene, tick = self._scene, self._tick
        self._scene, self._tick = run.scene, run.world.frame
        if scene is None or not self.recorder.wants(tick):
            return
        output = getattr(run.agent, "last_output", None)
        if output is None:
            raise RuntimeError(f"{self.task.agent}: a collected agent must expose the expert output of its "
                               "last run_step as `last_output` (the privileged expert agent does)")
        scene = embedded_scene(scene)
        data = self.suite.read(scene, self.recorder.frames)
        self.recorder.record(scene, output, data, route_weather(self.task.route.weathers))

    def on_end(self, run: RouteRun, record: Dict[str, Any]) -> None:
        if record["status"] == SIMULATION_CRASHED:
            self.recorder.close()   # left incomplete: a resumed collection records this route again
            return
        self.recorder.finish(record)
