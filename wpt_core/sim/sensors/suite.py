"""All sensors of an agent's `sensors()` list, read every tick as `input_data[id] = (frame, data)`.

Like the leaderboard's wrapper, every sensor fires on every 20 Hz tick regardless of `sensor_tick`, and
the data has the types `sensor_interface` delivers (BGRA uint8 images, float32 LiDAR/radar, float64
GNSS/IMU, a dict for the speedometer). Randomness (LiDAR drop-off, radar ray directions, GNSS/IMU noise)
comes from a generator seeded by (seed, frame, sensor index): a frame reads the same whenever it is read.
A data collector (never an agent: the leaderboard has no depth camera) may also ask for each camera's
planar depth, delivered as `<id>_DEPTH` the way Bench2Drive's collector names its depth cameras.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from wpt_core.geometry import DEFAULT_LAT_REF, DEFAULT_LON_REF
from wpt_core.data.stage_clock import StageClock
from wpt_core.ground_map import GroundMap
from wpt_core.protocol import Track
from wpt_core.sim.sensors.camera import CameraRenderer
from wpt_core.sim.sensors.gnss_imu import Gnss, Imu, speedometer
from wpt_core.sim.sensors.ground_texture import GroundTexture
from wpt_core.sim.sensors.lidar import Lidar, LidarConfig
from wpt_core.sim.sensors.radar import Radar
from wpt_core.sim.sensors.scene_boxes import SceneBoxes, build_scene_boxes
from wpt_core.sim.sensors.spec import (CAMERA, GNSS, IMU, LIDAR, OPENDRIVE_MAP, RADAR, SPEEDOMETER,
                                       SensorConfigurationInvalid, SensorSpec, validate_sensor_specs)
from wpt_core.types import Scene


class SensorSuite:
    """Validates the specs (leaderboard rules), builds one reader per sensor, reads them all per tick.

    `noise=False` turns off the GNSS/IMU noise the leaderboard configures (for exact tests); `lidar` is
    the LiDAR model (the leaderboard's by default; a collector passes Bench2Drive's full-sweep one);
    `depth=True` adds `<camera id>_DEPTH`: (H, W) float32 metres along each camera's optical axis;
    `clock` collects the CPU each sensor's reading costs (`sensor.<id>`, scene boxes: `sensor.boxes`).
    """

    def __init__(self, specs: Sequence[SensorSpec], ground: Optional[GroundMap],
                 track: Union[str, Track] = "SENSORS", lat_ref: float = DEFAULT_LAT_REF,
                 lon_ref: float = DEFAULT_LON_REF, seed: int = 0, noise: bool = True,
                 lidar: Optional[LidarConfig] = None, depth: bool = False,
                 clock: Optional[StageClock] = None) -> None:
        validate_sensor_specs(specs, track)
        self.specs: List[SensorSpec] = [dict(s) for s in specs]
        self.seed = int(seed)
        self.noise = bool(noise)
        self.depth = bool(depth)
        self.clock = clock or StageClock()
        types = {s["type"] for s in self.specs}
        if OPENDRIVE_MAP in types:
            raise SensorConfigurationInvalid(
                "sensor.opendrive_map is not available in the embedded simulator (its towns are SUMO networks)")
        texture = GroundTexture(ground) if ground is not None and CAMERA in types else None
        self._readers: List[Tuple[str, str, Any]] = []
        for spec in self.specs:
            kind = spec["type"]
            reader: Any = None
            if kind == CAMERA:
                reader = CameraRenderer(spec, texture)
            elif kind == LIDAR:
                reader = Lidar(spec, lidar)
            elif kind == RADAR:
                reader = Radar(spec)
            elif kind == GNSS:
                reader = Gnss(spec, lat_ref, lon_ref)
            elif kind == IMU:
                reader = Imu(spec)
            self._readers.append((spec["id"], kind, reader))
        self._needs_boxes = bool(types & {CAMERA, LIDAR, RADAR})

    def read(self, scene: Scene, frame: int) -> Dict[str, Tuple[int, Any]]:
        """`{id: (frame, data)}` for every sensor, in the leaderboard's formats."""
        stage = self.clock.stage
        with stage("sensor.boxes"):
            boxes: Optional[SceneBoxes] = build_scene_boxes(scene) if self._needs_boxes else None
        out: Dict[str, Tuple[int, Any]] = {}
        for index, (sid, kind, reader) in enumerate(self._readers):
            with stage(f"sensor.{sid}"):
                self._read_one(out, index, sid, kind, reader, scene, frame, boxes)
        return out

    def _read_one(self, out: Dict[str, Tuple[int, Any]], index: int, sid: str, kind: str, reader: Any,
                  scene: Scene, frame: int, boxes: Optional[SceneBoxes]) -> None:
        """Sensor `index`'s reading into `out` (a camera may add its `<id>_DEPTH`)."""
        ego = scene.ego
        rng = np.random.default_rng([self.seed, abs(int(frame)), index])
        noise_rng = rng if self.noise else None
        data: Any = None
        if kind == CAMERA:
            data, depth = reader.render_with_depth(ego, boxes, self.depth)
            if depth is not None:
                out[f"{sid}_DEPTH"] = (int(frame), depth)
        elif kind == LIDAR:
            data = reader.scan(ego, boxes, frame, rng)
        elif kind == RADAR:
            data = reader.read(ego, boxes, rng)
        elif kind in (GNSS, IMU):
            data = reader.read(ego, noise_rng)
        elif kind == SPEEDOMETER:
            data = speedometer(ego)
        out[sid] = (int(frame), data)
