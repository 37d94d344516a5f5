"""Stand-ins for a CARLA server's actors/world/map, built around the `carla` client's real value types."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Dict, List, Optional

import carla

LANE_WIDTH = 3.5
JUNCTION_X = 50.0


class FakeActor:
    def __init__(self, actor_id: int, type_id: str, transform: carla.Transform,
                 bbox: Optional[carla.BoundingBox] = None, velocity: carla.Vector3D = carla.Vector3D(),
                 attributes: Optional[Dict[str, str]] = None, **extra: Any) -> None:
        self.id = actor_id
        self.type_id = type_id
        self._transform = transform
        self.bounding_box = bbox or carla.BoundingBox(carla.Location(), carla.Vector3D(0.5, 0.5, 0.5))
        self._velocity = velocity
        self.attributes = attributes or {}
        self._acceleration = extra.pop("acceleration", carla.Vector3D())
        self._angular_velocity = extra.pop("angular_velocity", carla.Vector3D())
        self._control = extra.pop("control", carla.VehicleControl())
        for key, value in extra.items():
            setattr(self, key, value)

    def get_transform(self) -> carla.Transform:
        return self._transform

    def get_location(self) -> carla.Location:
        return self._transform.location

    def get_velocity(self) -> carla.Vector3D:
        return self._velocity

    def get_acceleration(self) -> carla.Vector3D:
        return self._acceleration

    def get_angular_velocity(self) -> carla.Vector3D:
        return self._angular_velocity

    def get_control(self) -> carla.VehicleControl:
        return self._control


class FakeWaypoint:
    """A waypoint on a straight two-lane road along +x (lane −1: y ∈ [0, 3.5), lane −2: y ∈ [3.5, 7));
    the junction starts at x = 50."""

    def __init__(self, x: float, lane_id: int) -> None:
        self.road_id, self.section_id, self.lane_id, self.lane_width = 1, 0, lane_id, LANE_WIDTH
        y = (-lane_id - 0.5) * LANE_WIDTH
        self.transform = carla.Transform(carla.Location(x=x, y=y, z=0.0), carla.Rotation(yaw=0.0))
        self.is_junction = x >= JUNCTION_X

    def next(self, distance: float) -> List["FakeWaypoint"]:
        return [FakeWaypoint(self.transform.location.x + distance, self.lane_id)]


class StraightRoadMap:
    name = "Carla/Maps/Town03"

    def get_waypoint(self, location: carla.Location) -> Optional[FakeWaypoint]:
        lane = int(location.y // LANE_WIDTH)
        if not 0 <= lane <= 1:
            return None
        return FakeWaypoint(round(location.x * 2) / 2, -(lane + 1))


class FakeBlueprint:
    def __init__(self, type_id: str) -> None:
        self.id = type_id
        self.attributes: Dict[str, str] = {}

    def set_attribute(self, key: str, value: str) -> None:
        assert isinstance(value, str), f"CARLA blueprint attributes are strings, got {key}={value!r}"
        self.attributes[key] = value


class FakeSensor:
    """A spawned sensor: `listen` keeps the callback the world calls on each tick."""

    def __init__(self, blueprint: FakeBlueprint, transform: carla.Transform, parent: Any) -> None:
        self.blueprint, self.transform, self.parent = blueprint, transform, parent
        self.callback: Any = None
        self.destroyed = False

    def listen(self, callback: Any) -> None:
        self.callback = callback

    def stop(self) -> None:
        self.callback = None

    def destroy(self) -> None:
        self.destroyed = True


class FakeWorld:
    """Actors, a map (a real `carla.Map` or the straight-road stand-in), snapshots, and sensors to spawn;
    `tick(measure)` advances the frame and feeds every listening sensor `measure(sensor, frame)`."""

    def __init__(self, actors: List[FakeActor], frame: int = 120, elapsed: float = 6.0, carla_map: Any = None,
                 delta_seconds: float = 0.05) -> None:
        self._actors = actors
        self._map = carla_map if carla_map is not None else StraightRoadMap()
        self._snapshot = SimpleNamespace(frame=frame, timestamp=SimpleNamespace(elapsed_seconds=elapsed))
        self._settings = SimpleNamespace(fixed_delta_seconds=delta_seconds, synchronous_mode=True)
        self._weather = carla.WeatherParameters(cloudiness=20.0, precipitation=30.0, sun_altitude_angle=45.0)
        self.sensors: List[FakeSensor] = []

    def get_actors(self) -> List[FakeActor]:
        return list(self._actors)

    def get_map(self) -> Any:
        return self._map

    def get_snapshot(self) -> Any:
        return self._snapshot

    def get_settings(self) -> Any:
        return self._settings

    def get_weather(self) -> carla.WeatherParameters:
        return self._weather

    def get_blueprint_library(self) -> Any:
        return SimpleNamespace(find=FakeBlueprint)

    def spawn_actor(self, blueprint: FakeBlueprint, transform: carla.Transform, attach_to: Any = None) -> FakeSensor:
        sensor = FakeSensor(blueprint, transform, attach_to)
        self.sensors.append(sensor)
        return sensor

    def tick(self, measure: Any) -> int:
        frame = self._snapshot.frame + 1
        self._snapshot = SimpleNamespace(frame=frame, timestamp=SimpleNamespace(
            elapsed_seconds=self._snapshot.timestamp.elapsed_seconds + self._settings.fixed_delta_seconds))
        for sensor in self.sensors:
            if sensor.callback is not None:
                sensor.callback(measure(sensor, frame))
        return frame


def transform(x: float, y: float, z: float = 0.0, yaw: float = 0.0) -> carla.Transform:
    return carla.Transform(carla.Location(x=x, y=y, z=z), carla.Rotation(pitch=0.0, yaw=yaw, roll=0.0))


def bbox(cx: float, cy: float, cz: float, ex: float, ey: float, ez: float) -> carla.BoundingBox:
    return carla.BoundingBox(carla.Location(x=cx, y=cy, z=cz), carla.Vector3D(ex, ey, ez))
