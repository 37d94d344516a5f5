"""Sizes of the blueprints scenarios place, so boxes (collisions, sensors, labels) match CARLA's."""
from __future__ import annotations

from typing import Dict, Tuple

from wpt_core.types import Actor, ActorKind

# type_id -> (length, width, height) in metres, full sizes (CARLA bounding boxes, rounded)
SIZES: Dict[str, Tuple[float, float, float]] = {
    "vehicle.lincoln.mkz_2020": (4.9, 2.1, 1.5),
    "vehicle.tesla.model3": (4.8, 2.1, 1.5),
    "vehicle.audi.a2": (3.7, 1.8, 1.6),
    "vehicle.nissan.patrol_2021": (5.6, 2.1, 2.0),
    "vehicle.dodge.charger_police_2020": (5.2, 2.1, 1.6),
    "vehicle.ford.ambulance": (6.4, 2.4, 2.5),
    "static.prop.vendingmachine": (1.1, 0.9, 2.0),
    "static.prop.constructioncone": (0.35, 0.35, 0.7),
    "static.prop.trafficwarning": (1.2, 2.6, 2.3),
    "static.prop.warningaccident": (0.6, 1.0, 1.2),
    "walker.pedestrian.0001": (0.5, 0.5, 1.8),
}
CAR_TYPES = ("vehicle.lincoln.mkz_2020", "vehicle.tesla.model3", "vehicle.audi.a2", "vehicle.nissan.patrol_2021")
WALKER_TYPE = "walker.pedestrian.0001"


def make_actor(actor_id: str, type_id: str, kind: ActorKind, pose: Tuple[float, float, float],
               speed_mps: float = 0.0, is_emergency: bool = False) -> Actor:
    """A scenario actor of a known blueprint at a box-centre pose."""
    length, width, height = SIZES.get(type_id, SIZES["vehicle.lincoln.mkz_2020"])
    return Actor(id=actor_id, kind=kind, x_m=pose[0], y_m=pose[1], yaw_deg=pose[2], speed_mps=speed_mps,
                 length_m=length, width_m=width, height_m=height, type_id=type_id, is_emergency=is_emergency,
                 role="scenario")
