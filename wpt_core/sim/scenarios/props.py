"""Scenario actors with CARLA-sized boxes: vehicles and walkers from the World's blueprint catalogue,
plus the static props (cones, signs, vending machine) only scenarios place."""
from __future__ import annotations

from typing import Dict, Tuple

from wpt_core.sim.world.actor_types import BACKGROUND_CARS, actor_type
from wpt_core.types import Actor, ActorKind

# type_id -> (length, width, height) in metres, full sizes (CARLA bounding boxes, rounded)
PROP_SIZES: Dict[str, Tuple[float, float, float]] = {
    "static.prop.vendingmachine": (1.1, 0.9, 2.0),
    "static.prop.constructioncone": (0.35, 0.35, 0.7),
    "static.prop.trafficwarning": (1.2, 2.6, 2.3),
    "static.prop.warningaccident": (0.6, 1.0, 1.2),
}
CAR_TYPES = BACKGROUND_CARS
WALKER_TYPE = "walker.pedestrian.0001"


def size_of(type_id: str, kind: ActorKind = ActorKind.VEHICLE) -> Tuple[float, float, float]:
    """(length, width, height) of a blueprint; a static vehicle (parked car) has its car's size, an
    unknown prop a vending machine's."""
    if type_id.startswith("static."):
        return PROP_SIZES.get(type_id, PROP_SIZES["static.prop.vendingmachine"])
    t = actor_type(type_id, ActorKind.VEHICLE if kind == ActorKind.STATIC else kind)
    return t.length_m, t.width_m, t.height_m


def make_actor(actor_id: str, type_id: str, kind: ActorKind, pose: Tuple[float, float, float],
               speed_mps: float = 0.0, is_emergency: bool = False) -> Actor:
    """A scenario actor of a known blueprint at a box-centre pose."""
    length, width, height = size_of(type_id, kind)
    return Actor(id=actor_id, kind=kind, x_m=pose[0], y_m=pose[1], yaw_deg=pose[2], speed_mps=speed_mps,
                 length_m=length, width_m=width, height_m=height, type_id=type_id, is_emergency=is_emergency,
                 role="scenario")
