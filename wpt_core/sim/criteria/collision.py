"""Collisions of the ego with actors and with the map layout (scenario_runner's CollisionTest).

CARLA's collision sensor reports every physics frame of a contact; the leaderboard then drops a
report when it is (a) with the same actor as the last counted collision less than 5 s ago, or
(b) within 5 m of where the last collision was counted, or (c) while the ego is slower than
0.1 m/s (not its fault). Here a "contact report" is an overlap of the ego's footprint with an
actor's footprint on a tick, and the same three filters apply, so one contact counts once.

Layout (static map geometry: walls, poles, kerbs) has no actors in our Scene: the ego centre being
at least 1.5 m deep into OFF_ROAD ground (sidewalks excluded) stands for hitting it, reported once
per entry, as the other actor with id 0 (CARLA's id for map geometry).
"""
from __future__ import annotations

import math
from typing import List, Optional, Tuple

from wpt_core.geometry import OrientedBox
from wpt_core.ground_map import GroundClass, GroundMap
from wpt_core.leaderboard.infractions import COLLISION_LAYOUT, COLLISION_PEDESTRIAN, COLLISION_VEHICLE
from wpt_core.sim.criteria.events import TrafficEvent, at_location
from wpt_core.sim.criteria.surface import deep_inside
from wpt_core.types import Actor, ActorKind, Scene

COLLISION_RADIUS_M = 5.0
MAX_ID_TIME_S = 5.0
MIN_EGO_SPEED_MPS = 0.1
LAYOUT_DEPTH_M = 1.5
LAYOUT_TYPE_ID = "static.layout"
LAYOUT_ACTOR_ID = "0"


def collision_kind(type_id: str, kind: ActorKind) -> Optional[str]:
    """The leaderboard's classification by type id; our ActorKind decides for non-CARLA type ids."""
    if ("static" in type_id or "traffic" in type_id) and "sidewalk" not in type_id:
        return COLLISION_LAYOUT
    if "vehicle" in type_id:
        return COLLISION_VEHICLE
    if "walker" in type_id:
        return COLLISION_PEDESTRIAN
    return {ActorKind.VEHICLE: COLLISION_VEHICLE, ActorKind.BICYCLE: COLLISION_VEHICLE,
            ActorKind.WALKER: COLLISION_PEDESTRIAN, ActorKind.STATIC: COLLISION_LAYOUT}.get(kind)


def in_layout(ground: GroundMap, xy: Tuple[float, float]) -> bool:
    """The ego's centre is LAYOUT_DEPTH_M deep into off-road ground: it has hit the map's static geometry."""
    return deep_inside(ground, xy, (GroundClass.OFF_ROAD,), LAYOUT_DEPTH_M)


def overlapping_actors(scene: Scene) -> List[Actor]:
    """Actors whose footprint overlaps the ego's (a cheap distance gate first, then SAT)."""
    ego = scene.ego
    ego_box = OrientedBox(ego.x_m, ego.y_m, ego.yaw_deg, ego.length_m, ego.width_m)
    reach = 0.5 * math.hypot(ego.length_m, ego.width_m)
    return [a for a in scene.actors
            if math.hypot(a.x_m - ego.x_m, a.y_m - ego.y_m) <= reach + 0.5 * math.hypot(a.length_m, a.width_m)
            and ego_box.overlaps(OrientedBox(a.x_m, a.y_m, a.yaw_deg, a.length_m, a.width_m))]


class CollisionTest:
    def __init__(self, ground: Optional[GroundMap] = None):
        self.events: List[TrafficEvent] = []
        self._ground = ground
        self._last_id: Optional[str] = None
        self._last_time_s: Optional[float] = None
        self._last_xy: Optional[Tuple[float, float]] = None
        self._in_layout = False

    def update(self, scene: Scene) -> None:
        ego = scene.ego
        ego_xy = (ego.x_m, ego.y_m)
        for actor in sorted(overlapping_actors(scene), key=lambda a: a.id):
            self._report(scene, actor.id, actor.type_id, collision_kind(actor.type_id, actor.kind))
        if self._ground is not None:
            inside = in_layout(self._ground, ego_xy)
            if inside and not self._in_layout:
                self._report(scene, LAYOUT_ACTOR_ID, LAYOUT_TYPE_ID, COLLISION_LAYOUT)
            self._in_layout = inside
        self._expire(scene.time_s, ego_xy)

    def _report(self, scene: Scene, actor_id: str, type_id: str, kind: Optional[str]) -> None:
        """One contact report from the 'sensor', filtered as the leaderboard filters them."""
        ego = scene.ego
        if self._last_id is not None and self._last_id == actor_id:
            return
        if self._last_xy is not None and math.hypot(ego.x_m - self._last_xy[0],
                                                    ego.y_m - self._last_xy[1]) <= COLLISION_RADIUS_M:
            return
        if abs(ego.speed_mps) < MIN_EGO_SPEED_MPS:
            return
        self._last_time_s = scene.time_s
        self._last_xy = (ego.x_m, ego.y_m)
        if actor_id != LAYOUT_ACTOR_ID:
            self._last_id = actor_id
        if kind is None:
            return
        self.events.append(TrafficEvent(
            kind, f"Agent collided against object with type={type_id} and id={actor_id} at "
                  f"{at_location(ego.x_m, ego.y_m, ego.z_m)}", scene.frame))

    def _expire(self, time_s: float, ego_xy: Tuple[float, float]) -> None:
        if self._last_xy is not None and math.hypot(ego_xy[0] - self._last_xy[0],
                                                    ego_xy[1] - self._last_xy[1]) > COLLISION_RADIUS_M:
            self._last_xy = None
        if self._last_id is not None and self._last_time_s is not None \
                and time_s - self._last_time_s > MAX_ID_TIME_S:
            self._last_id = None

