"""All sensors of an agent's `sensors()` list, read every tick as `input_data[id] = (frame, data)`.

Like the leaderboard's wrapper, every sensor fires on every 20 Hz tick regardless of `sensor_tick` (an agent
gets every id every tick; `SensorFrame` only defers each reading to its first access, so an agent that plans
every few ticks does not pay for the cameras on the others — the data is the same whenever it is read), and
the data has the types `sensor_interface` delivers (BGRA uint8 images, float32 LiDAR/radar, float64
GNSS/IMU, a dict for the speedometer). Randomness (LiDAR drop-off, radar ray directions, GNSS/IMU noise)
comes from a generator seeded by (seed, frame, sensor index): a frame reads the same whenever it is read.
A data collector (never an agent: the leaderboard has no depth camera) may also ask for each camera's
planar depth, delivered as `<id>_DEPTH` the way Bench2Drive's collector names its depth cameras.
"""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

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
        # input_data key -> sensor index (a camera also fills `<id>_DEPTH` when depth is asked for)
        self.key_index: Dict[str, int] = {}
        for index, (sid, kind, _) in enumerate(self._readers):
            for key in ([f"{sid}_DEPTH", sid] if kind == CAMERA and self.depth else [sid]):
                self.key_index[key] = index

    def read(self, scene: Scene, frame: int) -> Dict[str, Tuple[int, Any]]:
        """`{id: (frame, data)}` for every sensor, in the leaderboard's formats, all read now."""
        return dict(self.frame(scene, frame))

    def frame(self, scene: Scene, frame: int) -> "SensorFrame":
        """The same readings as `read`, each taken when first looked up (what an agent's `run_step` gets)."""
        return SensorFrame(self, scene, frame)

    def boxes(self, scene: Scene) -> Optional[SceneBoxes]:
        """The scene's boxes for the ray-cast sensors (None when there are none), timed as `sensor.boxes`."""
        with self.clock.stage("sensor.boxes"):
            return build_scene_boxes(scene) if self._needs_boxes else None

    def read_one(self, index: int, scene: Scene, frame: int, boxes: Optional[SceneBoxes]
                 ) -> Dict[str, Tuple[int, Any]]:
        """Sensor `index`'s readings (a camera's `<id>_DEPTH` too), timed as `sensor.<id>`."""
        sid, kind, reader = self._readers[index]
        out: Dict[str, Tuple[int, Any]] = {}
        with self.clock.stage(f"sensor.{sid}"):
            ego = scene.ego
            rng = np.random.default_rng([self.seed, abs(int(frame)), index])
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
                data = reader.read(ego, rng if self.noise else None)
            elif kind == SPEEDOMETER:
                data = speedometer(ego)
            out[sid] = (int(frame), data)
        return out


class SensorFrame(Mapping[str, Tuple[int, Any]]):
    """One tick's `input_data`: every key is there from the start; a sensor is read on its first lookup.

    The scene is the tick's own snapshot and every random draw is seeded by (seed, frame, sensor), so a
    reading taken late, or never, changes no other reading.
    """

    def __init__(self, suite: SensorSuite, scene: Scene, frame: int) -> None:
        self._suite, self._scene, self._frame = suite, scene, int(frame)
        self._data: Dict[str, Tuple[int, Any]] = {}
        self._boxes: Optional[SceneBoxes] = None
        self._boxes_built = False

    def __getitem__(self, key: str) -> Tuple[int, Any]:
        if key not in self._data:
            index = self._suite.key_index[key]   # KeyError for an id no sensor has, as a dict
            if not self._boxes_built:
                self._boxes, self._boxes_built = self._suite.boxes(self._scene), True
            self._data.update(self._suite.read_one(index, self._scene, self._frame, self._boxes))
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._suite.key_index)

    def __len__(self) -> int:
        return len(self._suite.key_index)
