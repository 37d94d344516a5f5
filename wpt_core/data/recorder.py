"""The one clip recorder both collectors use: the embedded `wpt collect` hook and CARLA's `data_agent.py`.

Per recorded frame it takes what the privileged expert saw and decided — the scene, the sensor readings
(`{id: (frame, data)}` in the leaderboard's formats), the expert's own output (trajectory, control,
`should_brake`) and the weather — and writes a Bench2Drive frame: images, depth, LiDAR (ego frame),
expert assessment and the annotation. The route commands and target points come from Bench2Drive's route
planners over the dense route (`route_info`), the box ids from one `ActorIds` per clip, so the two
simulators can only differ in what their worlds contain, never in how a frame is labelled.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple

import numpy as np

from wpt_core.data import rig
from wpt_core.data.actor_ids import ActorIds
from wpt_core.data.annotation import RoadIdLookup, build_annotation
from wpt_core.data.clip_writer import JPEG_QUALITY, ClipWriter
from wpt_core.data.depth import carla_depth_to_metres
from wpt_core.data.expert_assessment import ExpertStep, encode_assessment
from wpt_core.data.route_info import RouteInfoPlanner
from wpt_core.data.stage_clock import StageClock
from wpt_core.ground_map import GroundMap
from wpt_core.leaderboard.tick import TICK_HZ
from wpt_core.types import DenseRoute, Scene

DEPTH_SUFFIX = "_DEPTH"  # `<camera id>_DEPTH`: the depth camera at the RGB camera's pose (B2D's naming)
SensorData = Mapping[str, Tuple[int, Any]]


@dataclass(frozen=True)
class RecordingSpec:
    """What a clip records (defaults: Bench2Drive's): image size, frame rate, JPEG quality, the full-sweep
    LiDAR and a depth image per camera."""

    camera_width: int = rig.B2D_IMAGE_SIZE[0]
    camera_height: int = rig.B2D_IMAGE_SIZE[1]
    record_hz: int = 10
    jpeg_quality: int = JPEG_QUALITY
    lidar: bool = True
    depth: bool = True

    def __post_init__(self) -> None:
        if self.record_hz <= 0 or TICK_HZ % self.record_hz:
            raise ValueError(f"record_hz {self.record_hz} must divide the {TICK_HZ} Hz simulation rate")


def depth_in_metres(data: np.ndarray) -> np.ndarray:
    """A depth reading as planar metres: already metres (H, W) float, or a CARLA depth image (H, W, 4) uint8."""
    arr = np.asarray(data)
    return carla_depth_to_metres(arr) if arr.dtype == np.uint8 else arr


class Recorder:
    """Records one route as one clip; `wants(tick)` says which 20 Hz ticks are recorded (tick 0 is)."""

    def __init__(self, clip_dir: Path, meta: Mapping[str, Any], route: DenseRoute, spec: RecordingSpec,
                 roads: Optional[RoadIdLookup] = None) -> None:
        self.spec = spec
        self.calibration = rig.calibration(spec.camera_width, spec.camera_height)
        self.route_info = RouteInfoPlanner(route)
        self.ids = ActorIds()
        self.roads = roads
        self.clock = StageClock()   # CPU per stage, the writer's included (`wpt bench collect`)
        full_meta = {**meta, "rate_hz": spec.record_hz, "frame_rate_hz": float(spec.record_hz),
                     "camera_width": spec.camera_width, "camera_height": spec.camera_height,
                     "jpeg_quality": spec.jpeg_quality}
        # resume=False: a clip reaching here never finished (finished routes are skipped), so start it over
        self.writer = ClipWriter(Path(clip_dir), full_meta, resume=False, jpeg_quality=spec.jpeg_quality,
                                 clock=self.clock)
        self._ticks_per_frame = TICK_HZ // spec.record_hz
        self._wall0, self._cpu0 = time.perf_counter(), time.process_time()

    @property
    def clip_dir(self) -> Path:
        return self.writer.clip_dir

    @property
    def frames(self) -> int:
        return self.writer.next_index

    def wants(self, tick: int) -> bool:
        return tick % self._ticks_per_frame == 0

    def save_ground_map(self, ground_map: GroundMap) -> None:
        self.writer.save_ground_map(ground_map)

    def record(self, scene: Scene, expert: ExpertStep, sensors: SensorData, weather: Mapping[str, float]) -> None:
        """One frame: `sensors` holds the rig's cameras, optional `<camera>_DEPTH`, LIDAR_TOP (sensor frame,
        a full sweep) and IMU; `expert` is what the expert returned for `scene`."""
        stage = self.clock.stage
        cameras = [name for name in (*rig.CAMERA_NAMES, rig.TOP_DOWN_NAME) if name in sensors]
        images = {name: sensors[name][1] for name in cameras}
        with stage("record.depth_lidar_frames"):
            depth = {name: depth_in_metres(sensors[name + DEPTH_SUFFIX][1]) for name in cameras
                     if name + DEPTH_SUFFIX in sensors}
            lidar = rig.lidar_to_ego(sensors[rig.LIDAR_NAME][1]) if rig.LIDAR_NAME in sensors else None
        imu = np.asarray(sensors["IMU"][1], dtype=np.float64) if "IMU" in sensors else None
        control = expert.control.clamped()
        with stage("record.annotation"):
            info = self.route_info.step((scene.ego.x_m, scene.ego.y_m), scene.ego.yaw_deg)
            anno = build_annotation(scene, info, control, self.calibration, dict(weather),
                                    bool(expert.should_brake), imu=imu, lidar_ego=lidar, ids=self.ids,
                                    roads=self.roads)
            assessment = encode_assessment(expert)
        self.writer.write_frame(self.writer.next_index, anno, images, lidar, depth_m=depth,
                                expert_assessment=assessment)

    def close(self) -> None:
        """Leave the clip incomplete (the route crashed): the frames recorded so far are written, no marker."""
        self.writer.close()

    def finish(self, record: Dict[str, Any]) -> None:
        """Close the clip with `record` as its results.json; collection speed (wall and CPU) into meta.json."""
        self.writer.close()          # the last frames on disk first: they count in the collection time
        frames = max(self.frames, 1)
        self.writer.meta["collection_fps"] = round(self.frames / max(time.perf_counter() - self._wall0, 1e-9), 2)
        self.writer.meta["cpu_s_per_frame"] = round((time.process_time() - self._cpu0) / frames, 4)
        self.writer.finish(record)
