"""Data that crosses module boundaries.

Everything here is in CARLA's left-handed world frame (x forward/east, y right/south, z up, yaw in
degrees, positive clockwise seen from above), so the expert, the sensors, the criteria and the data
writer never care which simulator produced a scene.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import Dict, List, Optional, Tuple

import numpy as np

from wpt_core.polyline import cumulative_length

XY = Tuple[float, float]
DEFAULT_LANE_WIDTH_M = 3.5


class RoadOption(IntEnum):
    """The leaderboard's high-level route command (same integer values as CARLA's agents package)."""

    VOID = -1
    LEFT = 1
    RIGHT = 2
    STRAIGHT = 3
    LANEFOLLOW = 4
    CHANGELANELEFT = 5
    CHANGELANERIGHT = 6


LANE_CHANGE_OPTIONS = frozenset({int(RoadOption.CHANGELANELEFT), int(RoadOption.CHANGELANERIGHT)})


class ActorKind(str, Enum):
    VEHICLE = "vehicle"
    BICYCLE = "bicycle"
    WALKER = "walker"
    STATIC = "static"  # parked cars, cones, accident debris: anything that never moves


class LightState(str, Enum):
    RED = "Red"
    YELLOW = "Yellow"
    GREEN = "Green"
    OFF = "Off"


@dataclass
class EgoState:
    """The hero vehicle. Box centre position; `accel_mps2` is the signed forward acceleration.

    `id` is the simulator's id of the hero (CARLA's actor id); `attributes` are its blueprint attributes as
    CARLA reports them (`base_type`, `color`, …), empty where the simulator does not know them.
    """

    x_m: float
    y_m: float
    yaw_deg: float
    speed_mps: float
    z_m: float = 0.0
    accel_mps2: float = 0.0
    lat_accel_mps2: float = 0.0
    yaw_rate_dps: float = 0.0
    length_m: float = 4.9
    width_m: float = 2.1
    height_m: float = 1.5
    steer: float = 0.0
    throttle: float = 0.0
    brake: float = 0.0
    id: str = "hero"
    attributes: Dict[str, str] = field(default_factory=dict)


@dataclass
class Actor:
    """Any other road user or obstacle. Box centre position; extents are full sizes.

    `attributes`: blueprint attributes as CARLA reports them (`base_type`, `color` as "R,G,B", a walker's
    `gender` and `age`), only those the simulator knows.
    """

    id: str
    kind: ActorKind
    x_m: float
    y_m: float
    yaw_deg: float
    speed_mps: float
    length_m: float
    width_m: float
    height_m: float
    type_id: str = "vehicle.lincoln.mkz_2020"
    z_m: float = 0.0
    is_emergency: bool = False
    role: str = "background"  # "background" or "scenario"
    lane_id: Optional[str] = None
    attributes: Dict[str, str] = field(default_factory=dict)


@dataclass
class TrafficLight:
    """One controlled approach: the stop line across `lane_id` and where its head is drawn.

    `stop_line` runs across the lane at its end (left edge point, right edge point); `yaw_deg` is the
    driving direction of the traffic it controls.
    """

    id: str
    state: LightState
    lane_id: str
    stop_line: Tuple[XY, XY]
    yaw_deg: float
    head_xyz: Tuple[float, float, float]


@dataclass
class StopSign:
    """A stop-controlled approach: vehicles must come to a full stop before `stop_line`."""

    id: str
    lane_id: str
    stop_line: Tuple[XY, XY]
    yaw_deg: float
    sign_xyz: Tuple[float, float, float]


@dataclass
class Scene:
    """Privileged world state at one tick (what an expert and the label writer may see)."""

    frame: int
    time_s: float
    ego: EgoState
    actors: List[Actor] = field(default_factory=list)
    traffic_lights: List[TrafficLight] = field(default_factory=list)
    stop_signs: List[StopSign] = field(default_factory=list)
    town: str = ""


@dataclass
class DenseRoute:
    """The ~1 m spaced global plan: what `set_global_plan` receives, kept dense for the expert.

    xy_m: (N, 2) world positions; yaw_deg: (N,); commands: (N,) RoadOption values;
    in_junction: (N,) bool; lane_width_m: (N,) width of the route lane at each point.
    """

    xy_m: np.ndarray
    yaw_deg: np.ndarray
    commands: np.ndarray
    in_junction: np.ndarray
    lane_width_m: np.ndarray
    z_m: Optional[np.ndarray] = None

    def __len__(self) -> int:
        return int(self.xy_m.shape[0])

    def cumulative_length_m(self) -> np.ndarray:
        """(N,) arc length from the first point."""
        return cumulative_length(self.xy_m)


@dataclass
class Trajectory:
    """Future ego waypoints in the ego frame (x forward, y right), `dt_s` apart, first at t = dt_s.

    xy_ego_m: (T, 2); speed_mps: optional (T,) target speed at each waypoint.
    """

    xy_ego_m: np.ndarray
    dt_s: float
    speed_mps: Optional[np.ndarray] = None


@dataclass
class Control:
    """Simulator-agnostic actuation; converted to `carla.VehicleControl` at the agent boundary."""

    throttle: float = 0.0
    steer: float = 0.0
    brake: float = 0.0
    hand_brake: bool = False
    reverse: bool = False

    def clamped(self) -> "Control":
        """The leaderboard does not clamp: agents must send throttle/brake in [0,1], steer in [-1,1]."""
        return Control(
            throttle=float(np.clip(self.throttle, 0.0, 1.0)),
            steer=float(np.clip(self.steer, -1.0, 1.0)),
            brake=float(np.clip(self.brake, 0.0, 1.0)),
            hand_brake=bool(self.hand_brake),
            reverse=bool(self.reverse),
        )
