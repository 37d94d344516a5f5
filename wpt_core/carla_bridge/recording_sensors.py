"""Sensors the CARLA data agent attaches to the hero itself, for the clip readings the leaderboard cannot give.

The leaderboard accepts no depth camera and forces its own LiDAR settings on an agent (half a turn per
20 Hz tick, 45 % random drop-off). Bench2Drive's collector records a depth image beside every RGB camera
and, ticking the world at 10 Hz, one full LiDAR turn per frame with drop-off switched off. Under the
leaderboard's 20 Hz the data agent gets the same readings from sensors it spawns on the hero: a
`sensor.camera.depth` at each rig camera's pose, size and field of view, and a LIDAR_TOP that turns once
per tick with Bench2Drive's settings and as many points per second as make one tick hold Bench2Drive's
64 × 938 rays. Readings arrive on CARLA's callback thread and are kept by frame; `read(frame)` returns
them in the leaderboard's formats: `<camera>_DEPTH` (H, W, 4) uint8 BGRA (CARLA's 24-bit depth code),
`LIDAR_TOP` (N, 4) float32 in the sensor frame.
"""
from __future__ import annotations

import threading
from typing import Any, Dict, List, Tuple

import numpy as np

from wpt_core.data import rig
from wpt_core.data.recorder import DEPTH_SUFFIX

LIDAR_RAYS_PER_CHANNEL = 938   # round(600000 points/s · 0.1 s / 64 channels): Bench2Drive's 10 Hz frame
LIDAR_ATTRIBUTES = {"range": 85.0, "channels": 64, "upper_fov": 10.0, "lower_fov": -30.0,
                    "atmosphere_attenuation_rate": 0.004, "dropoff_general_rate": 0.0,
                    "dropoff_intensity_limit": 0.0, "dropoff_zero_intensity": 0.0}
READ_TIMEOUT_S = 10.0


def lidar_attributes(tick_s: float) -> Dict[str, str]:
    """Blueprint attributes of the full-sweep LiDAR for a world ticking every `tick_s` seconds."""
    rotation_hz = 1.0 / tick_s
    pps = int(round(LIDAR_RAYS_PER_CHANNEL * LIDAR_ATTRIBUTES["channels"] * rotation_hz))
    return {**{k: str(v) for k, v in LIDAR_ATTRIBUTES.items()}, "rotation_frequency": str(rotation_hz),
            "points_per_second": str(pps)}


def _transform(mount: rig.Mount) -> Any:
    import carla  # noqa: PLC0415 - only on a CARLA machine

    return carla.Transform(carla.Location(x=mount.x, y=mount.y, z=mount.z),
                           carla.Rotation(pitch=mount.pitch, yaw=mount.yaw, roll=mount.roll))


class RecordingSensors:
    """Depth cameras (one per rig camera) and the full-sweep LIDAR_TOP, attached to `hero`."""

    def __init__(self, world: Any, hero: Any, width: int, height: int, depth: bool = True, lidar: bool = True,
                 transform_of: Any = _transform) -> None:
        library = world.get_blueprint_library()
        tick_s = float(world.get_settings().fixed_delta_seconds or 0.05)
        self._cond = threading.Condition()
        self._data: Dict[str, Dict[int, Any]] = {}
        self._actors: List[Any] = []
        wanted: List[Tuple[str, str, Dict[str, str], rig.Mount]] = []
        if depth:
            for cam in rig.CAMERAS:
                wanted.append((cam.name + DEPTH_SUFFIX, "sensor.camera.depth",
                               {"image_size_x": str(width), "image_size_y": str(height), "fov": str(cam.fov_deg)},
                               cam.mount))
        if lidar:
            wanted.append((rig.LIDAR_NAME, "sensor.lidar.ray_cast", lidar_attributes(tick_s), rig.LIDAR_MOUNT))
        for name, type_id, attributes, mount in wanted:
            blueprint = library.find(type_id)
            for key, value in attributes.items():
                blueprint.set_attribute(key, value)
            actor = world.spawn_actor(blueprint, transform_of(mount), attach_to=hero)
            self._data[name] = {}
            actor.listen(lambda measurement, name=name: self._on_data(name, measurement))
            self._actors.append(actor)

    @property
    def names(self) -> List[str]:
        return list(self._data)

    def _on_data(self, name: str, measurement: Any) -> None:
        raw = np.frombuffer(measurement.raw_data, dtype=np.uint8 if name != rig.LIDAR_NAME else np.float32)
        value = raw.reshape(-1, 4).copy() if name == rig.LIDAR_NAME else \
            raw.reshape(measurement.height, measurement.width, 4).copy()
        with self._cond:
            self._data[name][int(measurement.frame)] = value
            self._cond.notify_all()

    def read(self, frame: int, timeout_s: float = READ_TIMEOUT_S) -> Dict[str, Tuple[int, Any]]:
        """Every sensor's reading of `frame` (waiting for late callbacks); older readings are dropped."""
        with self._cond:
            ready = self._cond.wait_for(lambda: all(frame in d for d in self._data.values()), timeout=timeout_s)
            if not ready:
                missing = [n for n, d in self._data.items() if frame not in d]
                raise TimeoutError(f"recording sensors {missing} sent nothing for frame {frame} in {timeout_s} s")
            out = {name: (frame, d[frame]) for name, d in self._data.items()}
            for d in self._data.values():
                for old in [f for f in d if f <= frame]:
                    del d[old]
        return out

    def destroy(self) -> None:
        for actor in self._actors:
            actor.stop()
            actor.destroy()
        self._actors = []

