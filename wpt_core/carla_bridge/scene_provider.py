"""CARLA world → our `Scene` (implements `privileged.SceneProvider` for the CARLA data agent).

Conventions at the boundary: CARLA actors are placed by their origin; a box centre is the actor transform
applied to `bounding_box.location` and the full size is twice `bounding_box.extent`. We keep box centres
in x/y and the actor origin's height in z, like the embedded simulator does. Values CARLA hands out are
never modified: `carla.Transform.transform(location)` rewrites its argument in place, so the centre is
computed from the transform's matrix instead. `import carla` happens lazily (only to build
`carla.Location`s for map queries).
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional

from wpt_core.carla_bridge.traffic_rules import ControlledLane, controlled_lanes
from wpt_core.data.annotation import is_vehicle_type
from wpt_core.geometry import transform_matrix
from wpt_core.types import Actor, ActorKind, EgoState, LightState, Scene, StopSign, TrafficLight

SCENE_RADIUS_M = 100.0
EMERGENCY_TYPES = ("vehicle.dodge.charger_police", "vehicle.dodge.charger_police_2020", "vehicle.ford.ambulance",
                   "vehicle.carlamotors.firetruck", "vehicle.carlamotors.european_hgv")
LIGHT_HEAD_HEIGHT_M = 5.0
RECORDED_ATTRIBUTES = ("base_type", "color", "gender", "age")  # blueprint attributes Bench2Drive records
WEATHER_FIELDS = ("cloudiness", "precipitation", "precipitation_deposits", "wind_intensity", "sun_azimuth_angle",
                  "sun_altitude_angle", "fog_density", "fog_distance", "wetness", "fog_falloff", "scattering_intensity",
                  "mie_scattering_scale", "rayleigh_scattering_scale", "dust_storm")


def _location_factory() -> Any:
    import carla  # noqa: PLC0415 - lazily, only when a map is queried

    return lambda x, y, z: carla.Location(x=float(x), y=float(y), z=float(z))


def light_state(state: Any) -> LightState:
    """carla.TrafficLightState → LightState (Unknown counts as Off)."""
    name = str(getattr(state, "name", state)).split(".")[-1].lower()
    return {"red": LightState.RED, "yellow": LightState.YELLOW, "green": LightState.GREEN}.get(name, LightState.OFF)


def _forward(yaw_deg: float, pitch_deg: float = 0.0) -> tuple:
    cy, sy = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
    cp, sp = math.cos(math.radians(pitch_deg)), math.sin(math.radians(pitch_deg))
    return cp * cy, cp * sy, sp


def _dot(v: Any, d: tuple) -> float:
    return float(v.x * d[0] + v.y * d[1] + v.z * d[2])


def to_world(transform: Any, x: float, y: float, z: float) -> tuple:
    """`transform` applied to the local point (x, y, z), without touching any CARLA value."""
    loc, rot = transform.location, transform.rotation
    m = transform_matrix(loc.x, loc.y, loc.z, rot.roll, rot.pitch, rot.yaw)
    p = m[:3, :3] @ (x, y, z) + m[:3, 3]
    return float(p[0]), float(p[1]), float(p[2])


def box_centre(actor: Any) -> tuple:
    """World (x, y) of the bounding-box centre and the full (length, width, height)."""
    bb = actor.bounding_box
    cx, cy, _ = to_world(actor.get_transform(), bb.location.x, bb.location.y, bb.location.z)
    return (cx, cy), (2.0 * bb.extent.x, 2.0 * bb.extent.y, 2.0 * bb.extent.z)


def recorded_attributes(actor: Any) -> Dict[str, str]:
    """The blueprint attributes Bench2Drive records (base_type, color, gender, age) that the actor has."""
    attrs = getattr(actor, "attributes", {}) or {}
    return {key: str(attrs[key]) for key in RECORDED_ATTRIBUTES if key in attrs}


def _actor_kind(actor: Any) -> Optional[tuple]:
    """(ActorKind, type_id to record) or None for actors that are not road users / obstacles."""
    type_id = actor.type_id
    attrs = getattr(actor, "attributes", {}) or {}
    if type_id.startswith("vehicle."):
        return (ActorKind.BICYCLE if attrs.get("base_type") == "bicycle" else ActorKind.VEHICLE), type_id
    if type_id.startswith("walker.pedestrian"):
        return ActorKind.WALKER, type_id
    if type_id.startswith("static.prop.mesh"):
        mesh = attrs.get("mesh_path", "")
        return (ActorKind.STATIC, mesh) if is_vehicle_type(mesh) else None
    if type_id.startswith("static.prop."):
        return ActorKind.STATIC, type_id
    return None


def actor_from_carla(actor: Any, kind: ActorKind, type_id: str) -> Actor:
    (x, y), (length, width, height) = box_centre(actor)
    t = actor.get_transform()
    attrs = getattr(actor, "attributes", {}) or {}
    v = actor.get_velocity()
    speed = math.hypot(v.x, v.y) if kind == ActorKind.WALKER else _dot(v, _forward(t.rotation.yaw, t.rotation.pitch))
    return Actor(id=str(actor.id), kind=kind, x_m=x, y_m=y, yaw_deg=float(t.rotation.yaw), speed_mps=float(speed),
                 length_m=length, width_m=width, height_m=height, type_id=type_id, z_m=float(t.location.z),
                 is_emergency=attrs.get("special_type") == "emergency" or type_id in EMERGENCY_TYPES,
                 role="scenario" if attrs.get("role_name", "") == "scenario" else "background",
                 attributes=recorded_attributes(actor))


def ego_from_carla(hero: Any) -> EgoState:
    (x, y), (length, width, height) = box_centre(hero)
    t = hero.get_transform()
    fwd = _forward(t.rotation.yaw, t.rotation.pitch)
    right = _forward(t.rotation.yaw + 90.0)
    acc = hero.get_acceleration()
    control = hero.get_control()
    return EgoState(x_m=x, y_m=y, yaw_deg=float(t.rotation.yaw), speed_mps=_dot(hero.get_velocity(), fwd),
                    z_m=float(t.location.z), accel_mps2=_dot(acc, fwd), lat_accel_mps2=_dot(acc, right),
                    yaw_rate_dps=float(hero.get_angular_velocity().z), length_m=length, width_m=width, height_m=height,
                    steer=float(control.steer), throttle=float(control.throttle), brake=float(control.brake),
                    id=str(hero.id), attributes=recorded_attributes(hero))


def find_hero(world: Any) -> Any:
    for actor in world.get_actors():
        if (getattr(actor, "attributes", {}) or {}).get("role_name") == "hero":
            return actor
    raise RuntimeError("no hero vehicle (role_name 'hero') in the CARLA world")


class CarlaRoadIds:
    """`of(lane_key, x, y, z)` → (road_id, section_id, lane_id) of the waypoint CARLA's map gives for (x, y, z),
    as Bench2Drive's collector records for every box (`wpt_core.data.annotation.RoadIdLookup`)."""

    def __init__(self, carla_map: Any, location_factory: Any) -> None:
        self.map = carla_map
        self._location = location_factory

    def of(self, lane_key: Optional[str], x: float, y: float, z: float) -> Optional[tuple]:
        wp = self.map.get_waypoint(self._location(x, y, z))
        return None if wp is None else (int(wp.road_id), int(wp.section_id), int(wp.lane_id))


class CarlaSceneProvider:
    """Privileged Scene of a running CARLA world, relative to the hero vehicle."""

    def __init__(self, world: Any, hero: Any = None, radius_m: float = SCENE_RADIUS_M,
                 location_factory: Any = None) -> None:
        self.world = world
        self.hero = hero if hero is not None else find_hero(world)
        self.radius_m = radius_m
        self.map = world.get_map()
        self.town = str(self.map.name).split("/")[-1]
        self._location = location_factory or _location_factory()
        self.roads = CarlaRoadIds(self.map, self._location)
        self._lanes: Dict[str, List[ControlledLane]] = {}  # stop lines are static: computed once per actor

    @classmethod
    def from_leaderboard(cls) -> "CarlaSceneProvider":
        """The world and hero of the running leaderboard route (scenario_runner's CarlaDataProvider)."""
        from srunner.scenariomanager.carla_data_provider import CarlaDataProvider  # noqa: PLC0415 - CARLA only

        return cls(CarlaDataProvider.get_world(), CarlaDataProvider.get_hero_actor())

    def weather(self) -> Dict[str, float]:
        """The world's weather parameters, as B2D records them in each annotation."""
        w = self.world.get_weather()
        return {name: float(getattr(w, name)) for name in WEATHER_FIELDS if hasattr(w, name)}

    def _lanes_of(self, actor: Any) -> List[ControlledLane]:
        key = str(actor.id)
        if key not in self._lanes:
            self._lanes[key] = controlled_lanes(actor, self.map, self._location)
        return self._lanes[key]

    def _near(self, actor: Any, ego: EgoState) -> bool:
        loc = actor.get_transform().location
        return math.hypot(loc.x - ego.x_m, loc.y - ego.y_m) < self.radius_m

    def scene(self) -> Scene:
        ego = ego_from_carla(self.hero)
        actors: List[Actor] = []
        lights: List[TrafficLight] = []
        stops: List[StopSign] = []
        for actor in self.world.get_actors():
            if actor.id == self.hero.id or not self._near(actor, ego):
                continue
            if actor.type_id.startswith("traffic.traffic_light"):
                loc = actor.get_transform().location
                head = (float(loc.x), float(loc.y), float(loc.z) + LIGHT_HEAD_HEIGHT_M)
                for k, lane in enumerate(self._lanes_of(actor)):
                    lights.append(TrafficLight(id=str(actor.id) if k == 0 else f"{actor.id}_{k}",
                                               state=light_state(actor.state), lane_id=lane.lane_key,
                                               stop_line=lane.stop_line, yaw_deg=lane.yaw_deg,
                                               head_xyz=head))
                continue
            if actor.type_id.startswith("traffic.stop"):
                loc = actor.get_transform().location
                for k, lane in enumerate(self._lanes_of(actor)):
                    stops.append(StopSign(id=str(actor.id) if k == 0 else f"{actor.id}_{k}", lane_id=lane.lane_key,
                                          stop_line=lane.stop_line, yaw_deg=lane.yaw_deg,
                                          sign_xyz=(float(loc.x), float(loc.y), float(loc.z))))
                continue
            kind = _actor_kind(actor)
            if kind is not None:
                actors.append(actor_from_carla(actor, *kind))
        snapshot = self.world.get_snapshot()
        return Scene(frame=int(snapshot.frame), time_s=float(snapshot.timestamp.elapsed_seconds), ego=ego,
                     actors=actors, traffic_lights=lights, stop_signs=stops, town=self.town)
