"""The leaderboard data agent for CARLA: the expert drives from privileged state while the agent records
Bench2Drive-layout clips with the Bench2Drive sensor rig.

Run it with Bench2Drive's `leaderboard_evaluator.py --agent data_collection/data_agent.py` (the entry
file; see data_collection/collect_carla.sh). The evaluator calls `setup("<config>+<save_name>")`; the
config (optional YAML for `DataAgentConfig`) is `s.split('+')[0]` and the save name `s.split('+')[-1]`. Clips go to
`$SAVE_PATH/<Scenario>_<Town>_Route<id>_Weather<k>/` at 10 Hz (every second 20 Hz tick), written by the
same `Recorder` as `wpt collect`. The RGB cameras, IMU and GNSS come through the leaderboard; the depth
cameras and the full-sweep LiDAR, which the leaderboard cannot provide, are spawned on the hero by the agent
(`carla_bridge.recording_sensors`) and destroyed with it. They are spawned in `setup()` (the hero exists by
then), so the tick the leaderboard runs after attaching its own sensors delivers their first readings too.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Tuple

from wpt_core import paths, privileged
from wpt_core.carla_bridge.recording_sensors import RecordingSensors
from wpt_core.carla_bridge.scene_provider import CarlaSceneProvider
from wpt_core.config import load_config
from wpt_core.data import rig
from wpt_core.data.clip_layout import clip_name, parse_save_name
from wpt_core.data.recorder import Recorder, RecordingSpec
from wpt_core.expert.expert import Expert, ExpertConfig
from wpt_core.leaderboard.global_plan import dense_route_from_plan
from wpt_core.protocol import VehicleControl, leaderboard_agent_base
from wpt_core.types import DenseRoute

AutonomousAgent, Track = leaderboard_agent_base()

LOG = logging.getLogger("data_agent")


def get_entry_point() -> str:
    return "DataAgent"


@dataclass(frozen=True)
class DataAgentConfig:
    """What the CARLA data agent records (defaults: the published Bench2Drive rig, rate and compression)."""

    recording: RecordingSpec = field(default_factory=RecordingSpec)
    expert_config: str = ""  # optional YAML for wpt_core.expert.expert.ExpertConfig


class DataAgent(AutonomousAgent):
    """Expert driver + clip recorder; one instance per route (the leaderboard's contract)."""

    def set_global_plan(self, global_plan_gps: Sequence[Tuple[Any, Any]],
                        global_plan_world_coord: Sequence[Tuple[Any, Any]]) -> None:
        super().set_global_plan(global_plan_gps, global_plan_world_coord)
        self._dense_plan = list(global_plan_world_coord)  # the base class keeps only every 50 m

    def setup(self, path_to_conf_file: str) -> None:
        self.track = Track.SENSORS
        config_path = path_to_conf_file.split("+")[0]
        self.save_name = path_to_conf_file.split("+")[-1] if "+" in path_to_conf_file else "route"
        self.config = load_config(DataAgentConfig, config_path or None)
        self._tick = -1
        self._recorder: Optional[Recorder] = None
        self._recording: Any = None
        self._init()

    def sensors(self) -> list:
        """The rig's cameras, IMU, GPS and speedometer (LiDAR and depth come from the recording sensors)."""
        spec = self.config.recording
        return rig.bench2drive_rig_specs(spec.camera_width, spec.camera_height, lidar=False)

    # --- hooks a test (or another simulator) may override --------------------------------------------
    def _make_provider(self) -> Any:
        return CarlaSceneProvider.from_leaderboard()

    def _make_route(self, provider: Any) -> DenseRoute:
        return dense_route_from_plan(self._dense_plan, getattr(provider, "map", None))

    def _make_expert(self) -> Any:
        return Expert(load_config(ExpertConfig, self.config.expert_config or None))

    def _make_recording_sensors(self, provider: Any) -> Any:
        spec = self.config.recording
        return RecordingSensors(provider.world, provider.hero, spec.camera_width, spec.camera_height,
                                depth=spec.depth, lidar=spec.lidar)

    # --------------------------------------------------------------------------------------------------
    def _clip_dir(self, town: str) -> Path:
        root = paths.save_path() or (paths.output_root() / "carla_data")
        ident = parse_save_name(self.save_name)
        return root / (clip_name(ident.scenario_type, ident.town, ident.route_id, ident.weather_id)
                       if ident else f"{self.save_name}_{town}")

    def _init(self) -> None:
        self._provider = self._make_provider()
        privileged.set_provider(self._provider)
        self._route = self._make_route(self._provider)
        self._expert = self._make_expert()
        self._recording = self._make_recording_sensors(self._provider)
        town = getattr(self._provider, "town", "")
        ident = parse_save_name(self.save_name)
        meta = {"route_id": ident.route_id if ident else "", "town": ident.town if ident else town,
                "scenario_type": ident.scenario_type if ident else "", "weather_id": ident.weather_id if ident else "",
                "save_name": self.save_name, "simulator": "carla", "rig": "bench2drive",
                "depth": self.config.recording.depth}
        self._recorder = Recorder(self._clip_dir(town), meta, self._route, self.config.recording,
                                  roads=getattr(self._provider, "roads", None))

    def run_step(self, input_data: Dict[str, Tuple[int, Any]], timestamp: float) -> Any:
        self._tick += 1
        scene = self._provider.scene()
        out = self._expert.run_step(scene, self._route)
        if self._recorder.wants(self._tick):
            frame = next(iter(input_data.values()))[0] if input_data else scene.frame
            sensors = {**input_data, **self._recording.read(frame)}
            weather = self._provider.weather() if hasattr(self._provider, "weather") else {}
            self._recorder.record(scene, out, sensors, weather)
        control = out.control.clamped()
        return VehicleControl(throttle=control.throttle, steer=control.steer, brake=control.brake)

    def destroy(self) -> None:
        """Close the clip: the leaderboard's own record is attached later (`wpt data attach-results`)."""
        if self._recorder is not None and not self._recorder.writer.finished:
            self._recorder.finish({"save_name": self.save_name, "status": "pending leaderboard record",
                                   "frames": self._recorder.frames})
        if self._recording is not None:
            self._recording.destroy()
            self._recording = None
        privileged.set_provider(None)
