"""The CARLA leaderboard agent protocol, for machines without the leaderboard or `carla`.

Agent files import the real classes first and fall back to these::

    try:
        from leaderboard.autoagents.autonomous_agent import AutonomousAgent, Track
    except ImportError:
        from wpt_core.protocol import AutonomousAgent, Track

The stand-ins mirror Bench2Drive's base class: the constructor signature and what it sets (`track`
defaults to `Track.SENSORS`, `sensor_interface`, `hero_actor`), the call order (`set_global_plan` →
`setup` → `sensors` → `run_step`… → `destroy`) and `get_metric_info()`, so that an agent file that runs
in `wpt eval` runs unchanged under `leaderboard_evaluator.py`. The embedded runner calls `run_step`
itself (the real `__call__` reads CARLA's `GameTime`), so `sensor_interface` stays empty there.

The hero. Bench2Drive's `__init__` finds the ego (`role_name` 'hero') among the world's actors through
scenario_runner's `CarlaDataProvider`, the process-wide registry of the running simulation, and keeps it
as `self.hero_actor`; `get_metric_info()` reads its kinematics. Here the same registry is
`wpt_core.privileged`: the embedded runner registers its world there before it constructs the agent (the
leaderboard, too, spawns the ego first), and `get_hero()` wraps the registered provider in a `HeroView`,
a read-only actor whose getters read the ego of the provider's current scene — so, like the real actor
handle, it follows the ego tick by tick. One registry for both the hero and the privileged world state
(as in CARLA) means a runner cannot register one and forget the other. Outside a simulation there is no
hero: `hero_actor` is None, as when the real lookup finds none.

`carla` value types (Location, Rotation, Transform, Vector3D, VehicleControl) are returned whenever the
`carla` client imports — as the real actor would return them; otherwise stand-ins with the same names,
attributes and maths.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from enum import Enum
from typing import Any, Dict, List, Optional, Sequence, Tuple

from wpt_core import privileged
from wpt_core.geometry import rotation_matrix
from wpt_core.types import LANE_CHANGE_OPTIONS, EgoState

# Bench2Drive's patched leaderboard keeps one global-plan point every 50 m (upstream: 200 m).
GLOBAL_PLAN_SAMPLE_M = 50.0
# The blueprint of Bench2Drive's ego vehicle.
HERO_TYPE_ID = "vehicle.lincoln.mkz_2020"


class Track(Enum):
    SENSORS = "SENSORS"
    MAP = "MAP"
    SENSORS_QUALIFIER = "SENSORS_QUALIFIER"
    MAP_QUALIFIER = "MAP_QUALIFIER"


class SensorConfigurationInvalid(Exception):
    """A sensor configuration the leaderboard refuses (the leaderboard's name, from its sensor_interface)."""


class SensorReceivedNoData(Exception):
    """A registered sensor sent nothing for the requested frame (the leaderboard's name)."""


# --- carla value types, or stand-ins --------------------------------------------------------------------

@dataclass
class _Vector3D:
    x: float = 0.0
    y: float = 0.0
    z: float = 0.0

    def length(self) -> float:
        return math.sqrt(self.x ** 2 + self.y ** 2 + self.z ** 2)


@dataclass
class _Location(_Vector3D):
    def distance(self, other: "_Location") -> float:
        return math.sqrt((self.x - other.x) ** 2 + (self.y - other.y) ** 2 + (self.z - other.z) ** 2)


@dataclass
class _Rotation:
    pitch: float = 0.0
    yaw: float = 0.0
    roll: float = 0.0


@dataclass
class _Transform:
    location: _Location
    rotation: _Rotation

    def _axis(self, column: int) -> _Vector3D:
        r = self.rotation
        return _Vector3D(*(float(v) for v in rotation_matrix(r.roll, r.pitch, r.yaw)[:, column]))

    def get_forward_vector(self) -> _Vector3D:
        return self._axis(0)

    def get_right_vector(self) -> _Vector3D:
        return self._axis(1)

    def get_up_vector(self) -> _Vector3D:
        return self._axis(2)


@dataclass
class _VehicleControl:
    """Same fields and defaults as `carla.VehicleControl` (which does not clamp either)."""

    throttle: float = 0.0
    steer: float = 0.0
    brake: float = 0.0
    hand_brake: bool = False
    reverse: bool = False
    manual_gear_shift: bool = False
    gear: int = 0


@functools.lru_cache(maxsize=1)
def _carla() -> Any:
    try:
        import carla  # noqa: PLC0415 - optional, imported lazily by design
        return carla
    except ImportError:
        return None


def VehicleControl(throttle: float = 0.0, steer: float = 0.0, brake: float = 0.0,  # noqa: N802
                   hand_brake: bool = False, reverse: bool = False) -> Any:
    """`carla.VehicleControl` when `carla` imports, else a field-compatible stand-in."""
    carla = _carla()
    cls = carla.VehicleControl if carla is not None else _VehicleControl
    return cls(throttle=float(throttle), steer=float(steer), brake=float(brake),
               hand_brake=bool(hand_brake), reverse=bool(reverse))


def make_vector(x: float, y: float, z: float) -> Any:
    """`carla.Vector3D` when `carla` imports, else a stand-in."""
    carla = _carla()
    return (carla.Vector3D if carla is not None else _Vector3D)(x=float(x), y=float(y), z=float(z))


def make_location(x: float, y: float, z: float) -> Any:
    """`carla.Location` when `carla` imports, else a stand-in."""
    carla = _carla()
    return (carla.Location if carla is not None else _Location)(x=float(x), y=float(y), z=float(z))


def make_transform(x: float, y: float, z: float, yaw_deg: float, pitch_deg: float = 0.0,
                   roll_deg: float = 0.0) -> Any:
    """`carla.Transform` when `carla` imports, else a stand-in with the same attributes and axis vectors."""
    carla = _carla()
    rotation = (carla.Rotation if carla is not None else _Rotation)(
        pitch=float(pitch_deg), yaw=float(yaw_deg), roll=float(roll_deg))
    return (carla.Transform if carla is not None else _Transform)(make_location(x, y, z), rotation)


# --- the hero vehicle -----------------------------------------------------------------------------------

def _planar_axes(yaw_deg: float) -> Tuple[Tuple[float, float], Tuple[float, float]]:
    """Forward and right unit vectors (x, y) of a level vehicle in CARLA's left-handed world."""
    yaw = math.radians(yaw_deg)
    return (math.cos(yaw), math.sin(yaw)), (-math.sin(yaw), math.cos(yaw))


class HeroView:
    """Read-only stand-in for the hero `carla.Vehicle`: the getters agents (and `get_metric_info`) read.

    Values are CARLA's: the transform at the vehicle origin (box centre at ground height), world-frame
    velocity and acceleration in m/s and m/s², angular velocity in deg/s (z positive as yaw grows).
    The embedded ego drives on a level world and does not slip sideways, so its velocity is along its heading.
    """

    type_id = HERO_TYPE_ID
    is_alive = True

    def __init__(self, provider: privileged.SceneProvider) -> None:
        self._provider = provider

    @property
    def attributes(self) -> Dict[str, str]:
        return {"role_name": "hero"}

    def _ego(self) -> EgoState:
        return self._provider.scene().ego

    def get_transform(self) -> Any:
        ego = self._ego()
        return make_transform(ego.x_m, ego.y_m, ego.z_m, ego.yaw_deg)

    def get_location(self) -> Any:
        ego = self._ego()
        return make_location(ego.x_m, ego.y_m, ego.z_m)

    def get_velocity(self) -> Any:
        ego = self._ego()
        (fx, fy), _ = _planar_axes(ego.yaw_deg)
        return make_vector(ego.speed_mps * fx, ego.speed_mps * fy, 0.0)

    def get_acceleration(self) -> Any:
        ego = self._ego()
        (fx, fy), (rx, ry) = _planar_axes(ego.yaw_deg)
        return make_vector(ego.accel_mps2 * fx + ego.lat_accel_mps2 * rx,
                           ego.accel_mps2 * fy + ego.lat_accel_mps2 * ry, 0.0)

    def get_angular_velocity(self) -> Any:
        return make_vector(0.0, 0.0, self._ego().yaw_rate_dps)


# --- the leaderboard's sensor buffer --------------------------------------------------------------------

class SensorInterface:
    """The leaderboard's per-agent sensor buffer: sensors register by tag, push `(frame, data)`, and
    `get_data(frame)` hands the agent `{tag: (frame, data)}` for one frame. Synchronous here: where the
    leaderboard waits on a queue for a missing sensor, this raises at once."""

    def __init__(self) -> None:
        self._sensors_objects: Dict[str, Any] = {}
        self._data_buffers: List[Tuple[str, int, Any]] = []
        self._opendrive_tag: Optional[str] = None    # the map is not sent every tick: never waited for

    def register_sensor(self, tag: str, sensor_type: str, sensor: Any) -> None:
        if tag in self._sensors_objects:
            raise SensorConfigurationInvalid("Duplicated sensor tag [{}]".format(tag))
        self._sensors_objects[tag] = sensor
        if sensor_type == "sensor.opendrive_map":
            self._opendrive_tag = tag

    def update_sensor(self, tag: str, data: Any, frame: int) -> None:
        if tag not in self._sensors_objects:
            raise SensorConfigurationInvalid("The sensor with tag [{}] has not been created!".format(tag))
        self._data_buffers.append((tag, frame, data))

    def get_data(self, frame: int) -> Dict[str, Tuple[int, Any]]:
        """Everything sent for `frame`; what was sent for other frames is dropped, as the leaderboard does."""
        data = {tag: (f, d) for tag, f, d in self._data_buffers if f == frame}
        self._data_buffers = []
        missing = set(self._sensors_objects) - set(data) - {self._opendrive_tag}
        if missing:
            raise SensorReceivedNoData("A sensor took too long to send their data")
        return data


# --- the agent base class -------------------------------------------------------------------------------

def downsample_route(route: Sequence[Tuple[Any, Any]], sample_m: float) -> List[int]:
    """Indices the leaderboard keeps: lane changes, command changes, the end, and one every `sample_m`."""
    ids: List[int] = []
    previous = None
    dist = 0.0
    for i, (transform, option) in enumerate(route):
        value = int(getattr(option, "value", option))
        if value in LANE_CHANGE_OPTIONS or (value != previous and previous not in LANE_CHANGE_OPTIONS) \
                or dist > sample_m or i == len(route) - 1:
            ids.append(i)
            dist = 0.0
        else:
            prev = route[i - 1][0].location
            loc = transform.location
            dist += math.sqrt((loc.x - prev.x) ** 2 + (loc.y - prev.y) ** 2 + (loc.z - prev.z) ** 2)
        previous = value
    return ids


def leaderboard_agent_base() -> Tuple[type, Any]:
    """(AutonomousAgent, Track) of the installed leaderboard, else this module's stand-ins.

    The project's own leaderboard agents derive from the real base class wherever it is importable (its
    `__call__` is what the evaluator's wrapper calls each tick); importing it imports `carla`, so it is
    asked for when an agent module is imported, never by `import wpt_core.protocol`.
    """
    try:
        from leaderboard.autoagents.autonomous_agent import AutonomousAgent as LeaderboardAgent
        from leaderboard.autoagents.autonomous_agent import Track as LeaderboardTrack
    except ImportError:
        return AutonomousAgent, Track
    return LeaderboardAgent, LeaderboardTrack


def _xyz(vector: Any) -> List[float]:
    return [vector.x, vector.y, vector.z]


class AutonomousAgent:
    """Stand-in for `leaderboard.autoagents.autonomous_agent.AutonomousAgent` (Bench2Drive's)."""

    def __init__(self, carla_host: str, carla_port: int, debug: bool = False) -> None:
        self.track = Track.SENSORS
        self._global_plan: Optional[List[Tuple[Dict[str, float], Any]]] = None
        self._global_plan_world_coord: Optional[List[Tuple[Any, Any]]] = None
        self.sensor_interface = SensorInterface()
        self.wallclock_t0: Optional[float] = None
        self.get_hero()

    def setup(self, path_to_conf_file: str) -> None:
        """Initialise the agent (and set `self.track` when it is not SENSORS)."""

    def sensors(self) -> List[Dict[str, Any]]:
        """The sensor suite (leaderboard spec dicts)."""
        return []

    def run_step(self, input_data: Dict[str, Tuple[int, Any]], timestamp: float) -> Any:
        """One 20 Hz tick: sensor data in, `VehicleControl` out."""
        return VehicleControl()

    def destroy(self) -> None:
        """Release resources at the end of a route."""

    @staticmethod
    def get_ros_version() -> int:
        """-1: not a ROS agent (the evaluator asks before it constructs the agent)."""
        return -1

    def set_global_plan(self, global_plan_gps: Sequence[Tuple[Dict[str, float], Any]],
                        global_plan_world_coord: Sequence[Tuple[Any, Any]]) -> None:
        """Keep the plan downsampled like Bench2Drive's leaderboard (agents must keep the dense one)."""
        ids = downsample_route(global_plan_world_coord, GLOBAL_PLAN_SAMPLE_M)
        self._global_plan_world_coord = [(global_plan_world_coord[i][0], global_plan_world_coord[i][1])
                                         for i in ids]
        self._global_plan = [global_plan_gps[i] for i in ids]
        self._plan_gps_HACK = global_plan_gps   # Bench2Drive keeps the dense GNSS plan under this name

    def get_hero(self) -> None:
        """Set `self.hero_actor`: the running simulation's ego, or None outside one."""
        provider = privileged.registered_provider()
        self.hero_actor: Optional[HeroView] = HeroView(provider) if provider is not None else None

    def get_metric_info(self) -> Dict[str, List[float]]:
        """The hero's kinematics for `metric_info.json` (Bench2Drive's keys, CARLA's units and frames)."""
        hero = self.hero_actor
        if hero is None:
            raise RuntimeError("get_metric_info(): no hero vehicle; it exists only while a route runs")
        transform = hero.get_transform()
        rotation = transform.rotation
        return {"acceleration": _xyz(hero.get_acceleration()),
                "angular_velocity": _xyz(hero.get_angular_velocity()),
                "forward_vector": _xyz(transform.get_forward_vector()),
                "right_vector": _xyz(transform.get_right_vector()),
                "location": _xyz(transform.location),
                "rotation": [rotation.roll, rotation.pitch, rotation.yaw]}
