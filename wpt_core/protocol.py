"""The CARLA leaderboard agent protocol, for machines without the leaderboard or `carla`.

Agent files import the real classes first and fall back to these::

    try:
        from leaderboard.autoagents.autonomous_agent import AutonomousAgent, Track
    except ImportError:
        from wpt_core.protocol import AutonomousAgent, Track

Nothing else lives here: the stand-ins mirror the real constructor, attributes, methods and call
order (`set_global_plan` → `setup` → `sensors` → `run_step`… → `destroy`) so that an agent file that
runs in `wpt eval` runs unchanged under `leaderboard_evaluator.py`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import Any, Dict, List, Sequence, Tuple

# Bench2Drive's patched leaderboard keeps one global-plan point every 50 m (upstream: 200 m).
GLOBAL_PLAN_SAMPLE_M = 50.0


class Track(Enum):
    SENSORS = "SENSORS"
    MAP = "MAP"
    SENSORS_QUALIFIER = "SENSORS_QUALIFIER"
    MAP_QUALIFIER = "MAP_QUALIFIER"


@dataclass
class _Location:
    x: float = 0.0
    y: float = 0.0
    z: float = 0.0

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


def make_transform(x: float, y: float, z: float, yaw_deg: float, pitch_deg: float = 0.0,
                   roll_deg: float = 0.0) -> Any:
    """`carla.Transform` when `carla` imports, else a stand-in with the same attribute names."""
    carla = _carla()
    if carla is not None:
        return carla.Transform(carla.Location(x=x, y=y, z=z),
                               carla.Rotation(pitch=pitch_deg, yaw=yaw_deg, roll=roll_deg))
    return _Transform(_Location(x, y, z), _Rotation(pitch_deg, yaw_deg, roll_deg))


def downsample_route(route: Sequence[Tuple[Any, Any]], sample_m: float) -> List[int]:
    """Indices the leaderboard keeps: lane changes, command changes, the end, and one every `sample_m`."""
    lane_changes = (5, 6)
    ids: List[int] = []
    previous = None
    dist = 0.0
    for i, (transform, option) in enumerate(route):
        value = int(getattr(option, "value", option))
        if value in lane_changes or (value != previous and previous not in lane_changes) \
                or dist > sample_m or i == len(route) - 1:
            ids.append(i)
            dist = 0.0
        else:
            prev = route[i - 1][0].location
            loc = transform.location
            dist += math.sqrt((loc.x - prev.x) ** 2 + (loc.y - prev.y) ** 2 + (loc.z - prev.z) ** 2)
        previous = value
    return ids


class AutonomousAgent:
    """Stand-in for `leaderboard.autoagents.autonomous_agent.AutonomousAgent`."""

    def __init__(self, carla_host: str, carla_port: int, debug: bool = False) -> None:
        self.track: Track | None = None
        self._global_plan: List[Tuple[Dict[str, float], Any]] | None = None
        self._global_plan_world_coord: List[Tuple[Any, Any]] | None = None
        self.wallclock_t0: float | None = None
        self.debug = debug

    def setup(self, path_to_conf_file: str) -> None:
        """Initialise the agent; must set `self.track`."""

    def sensors(self) -> List[Dict[str, Any]]:
        """The sensor suite (leaderboard spec dicts)."""
        return []

    def run_step(self, input_data: Dict[str, Tuple[int, Any]], timestamp: float) -> Any:
        """One 20 Hz tick: sensor data in, `VehicleControl` out."""
        return VehicleControl(brake=1.0)

    def destroy(self) -> None:
        """Release resources at the end of a route."""

    def set_global_plan(self, global_plan_gps: Sequence[Tuple[Dict[str, float], Any]],
                        global_plan_world_coord: Sequence[Tuple[Any, Any]]) -> None:
        """Keep the plan downsampled like Bench2Drive's leaderboard (agents must keep the dense one)."""
        ids = downsample_route(global_plan_world_coord, GLOBAL_PLAN_SAMPLE_M)
        self._global_plan_world_coord = [(global_plan_world_coord[i][0], global_plan_world_coord[i][1])
                                         for i in ids]
        self._global_plan = [global_plan_gps[i] for i in ids]
