"""What CARLA would report as the blueprint attributes of the embedded world's actors.

Bench2Drive records `base_type` and `color` for vehicles and `gender` / `age` for walkers straight from
CARLA's blueprint attributes. The embedded world knows some of them: a vehicle's base type follows
CARLA's vehicle catalogue for the blueprints it spawns, its colour is the body colour the embedded
camera paints (chosen here, once, for the renderer and the annotations alike), and every walker type it
spawns is one of CARLA's adult pedestrians. A walker's gender is not modelled, so it is not reported.
"""
from __future__ import annotations

import dataclasses
import zlib
from typing import Dict, Tuple

from wpt_core.types import Actor, ActorKind, Scene

RGB = Tuple[int, int, int]
VEHICLE_COLOURS: Tuple[RGB, ...] = (
    (200, 30, 35), (30, 60, 160), (230, 230, 230), (25, 25, 28), (150, 150, 155), (20, 110, 60),
    (220, 180, 30), (120, 30, 90), (90, 60, 40), (40, 150, 190), (210, 100, 20), (100, 110, 120),
)
EMERGENCY_COLOUR: RGB = (235, 235, 235)
# CARLA's vehicle catalogue (base_type) for the blueprints other than cars that the embedded world spawns
BASE_TYPES = {"vehicle.ford.ambulance": "van", "vehicle.carlamotors.firetruck": "truck",
              "vehicle.bh.crossbike": "bicycle", "vehicle.diamondback.century": "bicycle"}
EGO_BASE_TYPE = "car"  # the embedded ego is a vehicle.lincoln.mkz_2020
ADULT_WALKERS = frozenset(f"walker.pedestrian.{i:04d}" for i in range(1, 9))  # CARLA: adult pedestrians 1–8


def pick(palette: Tuple[RGB, ...], key: str) -> RGB:
    """Stable colour per actor id (crc32, not Python's salted hash)."""
    return palette[zlib.crc32(key.encode("utf-8")) % len(palette)]


def body_colour(actor: Actor) -> RGB:
    """The RGB body colour of a vehicle: CARLA's `color` attribute when the simulator gave one."""
    given = actor.attributes.get("color")
    if given:
        r, g, b = (int(float(c)) for c in given.split(",")[:3])
        return r, g, b
    return EMERGENCY_COLOUR if actor.is_emergency else pick(VEHICLE_COLOURS, actor.id)


def embedded_attributes(actor: Actor) -> Dict[str, str]:
    """`actor.attributes` completed with what the embedded world knows (the given values win)."""
    out: Dict[str, str] = {}
    if actor.kind in (ActorKind.VEHICLE, ActorKind.BICYCLE) and actor.type_id.startswith("vehicle."):
        out["base_type"] = BASE_TYPES.get(actor.type_id, "bicycle" if actor.kind == ActorKind.BICYCLE else "car")
        out["color"] = ",".join(str(c) for c in body_colour(actor))
    elif actor.kind == ActorKind.WALKER and actor.type_id in ADULT_WALKERS:
        out["age"] = "adult"
    out.update(actor.attributes)
    return out


def embedded_scene(scene: Scene) -> Scene:
    """A copy of `scene` whose ego and actors carry the attributes the embedded world knows."""
    ego = dataclasses.replace(scene.ego, attributes={"base_type": EGO_BASE_TYPE, **scene.ego.attributes})
    actors = [dataclasses.replace(a, attributes=embedded_attributes(a)) for a in scene.actors]
    return dataclasses.replace(scene, ego=ego, actors=actors)
