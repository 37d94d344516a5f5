"""The CARLA blueprints the embedded world spawns, as SUMO vehicle types: sizes, kinds and SUMO classes.

A SUMO vType's id *is* the CARLA `type_id`, so a scene read back from SUMO names every actor by its
blueprint; sizes are CARLA's bounding boxes (full length, width, height, rounded).
"""
from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Dict

from wpt_core.types import ActorKind


@dataclass(frozen=True)
class ActorType:
    """A CARLA blueprint as SUMO knows it: the vType id *is* the CARLA type_id."""

    type_id: str
    kind: ActorKind
    length_m: float
    width_m: float
    height_m: float
    is_emergency: bool = False

    @property
    def sumo_class(self) -> str:
        if self.kind == ActorKind.WALKER:
            return "pedestrian"
        if self.kind == ActorKind.BICYCLE:
            return "bicycle"
        return "emergency" if self.is_emergency else "passenger"


EGO_TYPE = ActorType("wpt.ego", ActorKind.VEHICLE, 4.9, 2.1, 1.5)
WALKER_TYPES = tuple(ActorType(f"walker.pedestrian.{i:04d}", ActorKind.WALKER, 0.5, 0.5, 1.8) for i in range(1, 9))
WALKER_TYPE = WALKER_TYPES[0]
CATALOGUE: Dict[str, ActorType] = {t.type_id: t for t in [
    ActorType("vehicle.lincoln.mkz_2020", ActorKind.VEHICLE, 4.9, 2.1, 1.5),
    ActorType("vehicle.tesla.model3", ActorKind.VEHICLE, 4.8, 2.2, 1.5),
    ActorType("vehicle.audi.a2", ActorKind.VEHICLE, 3.7, 1.8, 1.55),
    ActorType("vehicle.mercedes.coupe_2020", ActorKind.VEHICLE, 4.6, 2.1, 1.4),
    ActorType("vehicle.nissan.patrol_2021", ActorKind.VEHICLE, 5.6, 2.15, 1.9),
    ActorType("vehicle.ford.ambulance", ActorKind.VEHICLE, 6.4, 2.35, 2.5, is_emergency=True),
    ActorType("vehicle.dodge.charger_police_2020", ActorKind.VEHICLE, 5.0, 2.1, 1.6, is_emergency=True),
    ActorType("vehicle.carlamotors.firetruck", ActorKind.VEHICLE, 8.5, 2.9, 3.8, is_emergency=True),
    ActorType("vehicle.bh.crossbike", ActorKind.BICYCLE, 1.5, 0.8, 1.6),
    ActorType("vehicle.diamondback.century", ActorKind.BICYCLE, 1.7, 0.6, 1.6),
    EGO_TYPE, *WALKER_TYPES,
]}
DEFAULT_BICYCLE = "vehicle.bh.crossbike"
BACKGROUND_CARS = ("vehicle.lincoln.mkz_2020", "vehicle.tesla.model3", "vehicle.audi.a2",
                   "vehicle.mercedes.coupe_2020", "vehicle.nissan.patrol_2021")


def actor_type(type_id: str, kind: ActorKind = ActorKind.VEHICLE, is_emergency: bool = False) -> ActorType:
    """Catalogue entry for `type_id`; unknown blueprints get car (or bicycle / walker) proportions.
    A known blueprint keeps its own kind, except that a bicycle asked for with a car blueprint (the
    default one) becomes the default bicycle."""
    known = CATALOGUE.get(type_id)
    if known is not None:
        bicycle_wanted = kind == ActorKind.BICYCLE and known.kind != ActorKind.BICYCLE
        return CATALOGUE[DEFAULT_BICYCLE] if bicycle_wanted else known
    if kind == ActorKind.WALKER:
        return ActorType(type_id, kind, 0.5, 0.5, 1.8)
    if kind == ActorKind.BICYCLE:
        return ActorType(type_id, kind, 1.5, 0.8, 1.6)
    return ActorType(type_id, kind, 4.9, 2.1, 1.5, is_emergency)


def define_vtype(ls: ModuleType, t: ActorType) -> None:
    """Create the SUMO vType for `t` (idempotent per simulation)."""
    if t.type_id in ls.vehicletype.getIDList():
        return
    base = "DEFAULT_PEDTYPE" if t.kind == ActorKind.WALKER else \
        "DEFAULT_BIKETYPE" if t.kind == ActorKind.BICYCLE else "DEFAULT_VEHTYPE"
    ls.vehicletype.copy(base, t.type_id)
    ls.vehicletype.setLength(t.type_id, t.length_m)
    ls.vehicletype.setWidth(t.type_id, t.width_m)
    ls.vehicletype.setHeight(t.type_id, t.height_m)
    if t.kind != ActorKind.WALKER:
        ls.vehicletype.setVehicleClass(t.type_id, t.sumo_class)
