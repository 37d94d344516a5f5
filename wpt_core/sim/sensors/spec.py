"""Sensor specs as agents declare them in `sensors()`, validated with the leaderboard's own rules.

The limits and error messages follow Bench2Drive's patched `agent_wrapper.validate_sensor_configuration`
(8 cameras, 2 LiDARs, 4 radars, one GNSS/IMU/speedometer, mounts within 3 m of the vehicle origin — 100 m
when `SAVE_PATH` is set, which Bench2Drive's scripts always set, so that the Zoo agents' bird's-eye `bev`
camera 50 m up is accepted), so an agent rejected here would be rejected by the real evaluator with the
same text, and vice versa.
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Sequence, Union

import numpy as np

from wpt_core.geometry import transform_matrix
from wpt_core.paths import save_path
from wpt_core.protocol import SensorConfigurationInvalid, Track
from wpt_core.types import EgoState

MAX_ALLOWED_RADIUS_SENSOR = 3.0
MAX_ALLOWED_RADIUS_SENSOR_SAVING = 100.0   # agent_wrapper's value when SAVE_PATH is set ("for visualize")

CAMERA = "sensor.camera.rgb"
LIDAR = "sensor.lidar.ray_cast"
RADAR = "sensor.other.radar"
GNSS = "sensor.other.gnss"
IMU = "sensor.other.imu"
SPEEDOMETER = "sensor.speedometer"
OPENDRIVE_MAP = "sensor.opendrive_map"

SENSORS_LIMITS: Dict[str, int] = {
    CAMERA: 8, LIDAR: 2, RADAR: 4, GNSS: 1, IMU: 1, OPENDRIVE_MAP: 1, SPEEDOMETER: 1,
}
QUALIFIER_SENSORS_LIMITS: Dict[str, int] = {
    CAMERA: 4, LIDAR: 1, RADAR: 2, GNSS: 1, IMU: 1, OPENDRIVE_MAP: 1, SPEEDOMETER: 1,
}
# Keys the leaderboard reads from a spec of each type (it crashes with KeyError without them; we say why).
REQUIRED_KEYS: Dict[str, tuple] = {
    CAMERA: ("x", "y", "z", "roll", "pitch", "yaw", "width", "height", "fov"),
    LIDAR: ("x", "y", "z", "roll", "pitch", "yaw"),
    RADAR: ("x", "y", "z", "roll", "pitch", "yaw", "horizontal_fov", "vertical_fov"),
    GNSS: ("x", "y", "z"),
    IMU: ("x", "y", "z", "roll", "pitch", "yaw"),
    SPEEDOMETER: (),
    OPENDRIVE_MAP: ("reading_frequency",),
}

SensorSpec = Dict[str, Any]


def max_sensor_radius_m() -> float:
    """Mount radius limit, decided by `SAVE_PATH` at validation time (the wrapper reads it at import)."""
    return MAX_ALLOWED_RADIUS_SENSOR_SAVING if save_path() is not None else MAX_ALLOWED_RADIUS_SENSOR


def validate_sensor_specs(specs: Sequence[SensorSpec], track: Union[str, Track] = Track.SENSORS) -> None:
    """Raise `SensorConfigurationInvalid` where the leaderboard would, with its message text."""
    agent_track = Track(getattr(track, "value", track))  # a string, ours or the real leaderboard's Track
    max_radius_m = max_sensor_radius_m()
    counts: Dict[str, int] = {}
    ids: List[str] = []
    for spec in specs:
        sensor_id = spec["id"]
        if sensor_id in ids:
            raise SensorConfigurationInvalid("Duplicated sensor tag [{}]".format(sensor_id))
        ids.append(sensor_id)
        if agent_track == Track.SENSORS and spec["type"].startswith(OPENDRIVE_MAP):
            raise SensorConfigurationInvalid(
                "Illegal sensor 'sensor.opendrive_map' used for Track [{}]!".format(agent_track))
        if spec["type"] not in SENSORS_LIMITS:
            raise SensorConfigurationInvalid(
                "Illegal sensor '{}' used for Track [{}]!".format(spec["type"], agent_track))
        if "x" in spec and "y" in spec and "z" in spec:
            if math.sqrt(spec["x"] ** 2 + spec["y"] ** 2 + spec["z"] ** 2) > max_radius_m:
                raise SensorConfigurationInvalid(
                    "Illegal sensor extrinsics used for sensor '{}'. Max allowed radius is {}m".format(
                        sensor_id, max_radius_m))
        missing = [k for k in REQUIRED_KEYS[spec["type"]] if k not in spec]
        if missing:
            raise SensorConfigurationInvalid(
                "Sensor '{}' of type '{}' lacks the keys {}".format(sensor_id, spec["type"], missing))
        counts[spec["type"]] = counts.get(spec["type"], 0) + 1
    qualifier = agent_track in (Track.SENSORS_QUALIFIER, Track.MAP_QUALIFIER)
    limits = QUALIFIER_SENSORS_LIMITS if qualifier else SENSORS_LIMITS
    for sensor_type, max_allowed in limits.items():
        if counts.get(sensor_type, 0) > max_allowed:
            raise SensorConfigurationInvalid(
                "Too many {} used! Maximum number allowed is {}, but {} were requested.".format(
                    sensor_type, max_allowed, counts[sensor_type]))


def sensor_to_ego(spec: SensorSpec) -> np.ndarray:
    """4x4 mount transform (sensor → vehicle origin), as the leaderboard builds it per type.

    GNSS ignores the spec's rotation and the speedometer sits at the origin, as in `agent_wrapper`.
    """
    if spec["type"] in (SPEEDOMETER, OPENDRIVE_MAP):
        return np.eye(4)
    rot = (0.0, 0.0, 0.0) if spec["type"] == GNSS else (
        float(spec.get("roll", 0.0)), float(spec.get("pitch", 0.0)), float(spec.get("yaw", 0.0)))
    return transform_matrix(float(spec["x"]), float(spec["y"]), float(spec["z"]), *rot)


def ego_to_world(ego: EgoState) -> np.ndarray:
    """4x4 vehicle-origin → world (CARLA's vehicle origin: box centre at ground height, flat world)."""
    return transform_matrix(ego.x_m, ego.y_m, ego.z_m, 0.0, 0.0, ego.yaw_deg)
