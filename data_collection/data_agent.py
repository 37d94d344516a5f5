"""Leaderboard data agent for CARLA: the team's Expert drives from privileged state while the agent
records Bench2Drive-layout clips with the Bench2Drive sensor rig.

Run it with Bench2Drive's `leaderboard_evaluator.py --agent data_collection/data_agent.py` (see
collect_carla.sh). The evaluator calls `setup("<config>+<save_name>")`; the config (optional YAML for
`DataAgentConfig`) is `s.split('+')[0]` and the save name `s.split('+')[-1]`. Clips go to
`$SAVE_PATH/<Scenario>_<Town>_Route<id>_Weather<k>/` at 10 Hz (every second 20 Hz tick).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

try:
    from leaderboard.autoagents.autonomous_agent import AutonomousAgent, Track
except ImportError:
    from wpt_core.protocol import AutonomousAgent, Track

from wpt_core import paths, privileged
from wpt_core.config import load_config
from wpt_core.data import rig
from wpt_core.data.annotation import build_annotation
from wpt_core.data.clip_layout import clip_name, parse_save_name
from wpt_core.data.clip_writer import ClipWriter
from wpt_core.data.route_info import RouteTracker
from wpt_core.protocol import VehicleControl
from wpt_core.types import Control, DenseRoute, Scene

LOG = logging.getLogger("data_agent")
SIM_HZ = 20
STOPPED_TARGET_MPS = 0.1


def get_entry_point() -> str:
    return "DataAgent"


@dataclass
class DataAgentConfig:
    """What the CARLA data agent records (defaults: the published Bench2Drive rig and rate)."""

    camera_width: int = 1600
    camera_height: int = 900
    record_hz: int = 10
    jpeg_quality: int = 90
    lidar: bool = True
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
        if SIM_HZ % self.config.record_hz:
            raise ValueError(f"record_hz {self.config.record_hz} must divide the {SIM_HZ} Hz simulation rate")
        self._initialized = False
        self._tick = -1
        self._writer: Optional[ClipWriter] = None
        self._started = 0.0

    def sensors(self) -> list:
        return rig.bench2drive_rig_specs(self.config.camera_width, self.config.camera_height, lidar=self.config.lidar)

    # --- hooks a test (or another simulator) may override --------------------------------------------
    def _make_provider(self) -> Any:
        from wpt_core.carla_bridge.scene_provider import CarlaSceneProvider

        return CarlaSceneProvider.from_leaderboard()

    def _make_route(self, provider: Any) -> DenseRoute:
        from wpt_core.carla_bridge.global_plan import dense_route_from_plan

        return dense_route_from_plan(self._dense_plan, getattr(provider, "map", None))

    def _make_expert(self) -> Any:
        from wpt_core.expert.expert import Expert, ExpertConfig  # lazily: the expert is a teammate's module

        return Expert(load_config(ExpertConfig, self.config.expert_config or None))

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
        self._tracker = RouteTracker(self._route)
        self._expert = self._make_expert()
        self._calibration = rig.calibration(self.config.camera_width, self.config.camera_height)
        town = getattr(self._provider, "town", "")
        ident = parse_save_name(self.save_name)
        meta = {"route_id": ident.route_id if ident else "", "town": ident.town if ident else town,
                "scenario_type": ident.scenario_type if ident else "", "weather_id": ident.weather_id if ident else "",
                "save_name": self.save_name, "simulator": "carla", "rig": "bench2drive",
                "camera_width": self.config.camera_width, "camera_height": self.config.camera_height,
                "frame_rate_hz": float(self.config.record_hz)}
        self._writer = ClipWriter(self._clip_dir(town), meta, resume=False, jpeg_quality=self.config.jpeg_quality)
        self._started = time.monotonic()
        self._initialized = True

    def run_step(self, input_data: Dict[str, Tuple[int, Any]], timestamp: float) -> Any:
        if not self._initialized:
            self._init()
        self._tick += 1
        scene = privileged.get_provider().scene()
        out = self._expert.run_step(scene, self._route)
        control = out.control.clamped()
        if self._tick % (SIM_HZ // self.config.record_hz) == 0:
            self._record(input_data, scene, control, float(out.target_speed_mps) <= STOPPED_TARGET_MPS)
        return VehicleControl(throttle=control.throttle, steer=control.steer, brake=control.brake)

    def _record(self, input_data: Dict[str, Tuple[int, Any]], scene: Scene, control: Control,
                should_brake: bool) -> None:
        lidar = rig.lidar_to_ego(input_data["LIDAR_TOP"][1]) if "LIDAR_TOP" in input_data else None
        imu = np.asarray(input_data["IMU"][1], dtype=np.float64) if "IMU" in input_data else None
        weather = self._provider.weather() if hasattr(self._provider, "weather") else {}
        info = self._tracker.step((scene.ego.x_m, scene.ego.y_m), scene.ego.yaw_deg)
        anno = build_annotation(scene, info, control, self._calibration, weather, should_brake, imu=imu,
                                lidar_ego=lidar)
        images = {name: input_data[name][1] for name in rig.CAMERA_NAMES if name in input_data}
        self._writer.write_frame(self._writer.next_index, anno, images, lidar)

    def destroy(self) -> None:
        """Close the clip: the leaderboard's own record is attached later (`wpt data attach-results`)."""
        if self._writer is not None and not self._writer.finished:
            elapsed = max(time.monotonic() - self._started, 1e-6)
            self._writer.meta["collection_fps"] = self._writer.next_index / elapsed
            self._writer.finish({"save_name": self.save_name, "status": "pending leaderboard record",
                                 "frames": self._writer.next_index})
        privileged.set_provider(None)
