"""Bench2Drive's multi-ability scores (tools/ability_benchmark.py), from a results file alone.

A route belongs to the abilities of its (first) scenario's type; a type may count for several.
The ability score is the success rate over its routes, each route counted once (its first record,
as B2D looks records up by route id). Traffic_Signs gives partial credit: a route that is not a
success but got past its first junction (route completion beyond the first junction point + 8 of
the 1 m dense route) with no red-light or stop-sign infraction anywhere in the record adds 1 to the
numerator only. The junction position comes from the record's `meta["first_junction_completion"]`
(written by our criteria); records from CARLA runs lack it and then get no junction credit (B2D
computes it from the CARLA map, which a results file lacks).

Scenario types are read from `scenario_name` ("ParkingCutIn_1" → "ParkingCutIn"), or from an
explicit route id → type mapping. Routes missing from the results are not counted (as in B2D).
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Mapping, Optional, Sequence

from wpt_core.evaluation.scoring import is_success
from wpt_core.leaderboard.infractions import RED_LIGHT, STOP
from wpt_core.leaderboard.route_record import route_number, scenario_type_of

ABILITIES = ("Merging", "Overtaking", "Emergency_Brake", "Give_Way", "Traffic_Signs")

_JUNCTION_TURNS = ("NonSignalizedJunctionLeftTurn", "NonSignalizedJunctionRightTurn",
                   "NonSignalizedJunctionLeftTurnEnterFlow", "SignalizedJunctionLeftTurn",
                   "SignalizedJunctionRightTurn", "SignalizedJunctionLeftTurnEnterFlow")

# B2D's tool misspells a few type names; its spellings are accepted too so results using them count.
ABILITY_TYPES: Dict[str, frozenset] = {
    "Overtaking": frozenset({
        "Accident", "AccidentTwoWays", "ConstructionObstacle", "ConstructionObstacleTwoWays", "HazardAtSideLane",
        "HazardAtSideLaneTwoWays", "ParkedObstacle", "ParkedObstacleTwoWays", "VehicleOpensDoorTwoWays",
        "VehicleOpenDoorTwoWays"}),
    "Merging": frozenset({
        "CrossingBicycleFlow", "EnterActorFlow", "HighwayExit", "HighwayCutIn", "InterurbanActorFlow",
        "InterurbanAdvancedActorFlow", "MergerIntoSlowTraffic", "MergerIntoSlowTrafficV2", "MergeIntoSlowTraffic",
        "ParkingExit", "SequentialLaneChange", *_JUNCTION_TURNS}),
    "Emergency_Brake": frozenset({
        "BlockedIntersection", "DynamicObjectCrossing", "HardBreakRoute", "OppositeVehicleTakingPriority",
        "OppositeVehicleRunningRedLight", "ParkingCutIn", "PedestrianCrossing", "ParkingCrossingPedestrian",
        "ParkingCrossingPedestrain", "StaticCutIn", "VehicleTurningRoute", "VehicleTurningRoutePedestrian",
        "ControlLoss"}),
    "Give_Way": frozenset({"InvadingTurn", "YieldToEmergencyVehicle"}),
    "Traffic_Signs": frozenset({
        "BlockedIntersection", "OppositeVehicleTakingPriority", "OppositeVehicleRunningRedLight",
        "PedestrianCrossing", "VehicleTurningRoute", "VehicleTurningRoutePedestrian", "EnterActorFlow",
        "CrossingBicycleFlow", "T_Junction", "VanillaNonSignalizedTurn", "VanillaSignalizedTurnEncounterGreenLight",
        "VanillaSignalizedTurnEncounterRedLight", "VanillaNonSignalizedTurnEncounterStopsign",
        "VanillaNonSignalizedTurnEncouterStopsign", *_JUNCTION_TURNS}),
}


def scenario_type(record: Mapping[str, Any], types_by_route: Optional[Mapping[str, str]] = None) -> str:
    """The record's scenario type: explicit mapping (by route id number) first, else its scenario name."""
    number = route_number(str(record.get("route_id", "")))
    if types_by_route and number in types_by_route:
        return types_by_route[number]
    return scenario_type_of(str(record.get("scenario_name") or ""))


def abilities_of(type_name: str) -> Iterable[str]:
    return [ability for ability in ABILITIES if type_name in ABILITY_TYPES[ability]]


def passed_first_junction(record: Mapping[str, Any]) -> bool:
    """B2D's Traffic_Signs junction rule: RC beyond the first junction, no red-light/stop infraction."""
    fraction = (record.get("meta") or {}).get("first_junction_completion")
    if fraction is None:
        return False
    infractions = record["infractions"]
    return (record["scores"]["score_route"] / 100.0 > fraction and not infractions.get(STOP)
            and not infractions.get(RED_LIGHT))


def ability_scores(records: Sequence[Mapping[str, Any]],
                   types_by_route: Optional[Mapping[str, str]] = None) -> Dict[str, Optional[float]]:
    """Per-ability success percentage (None without routes) and their mean over the abilities scored."""
    counts = {ability: [0, 0] for ability in ABILITIES}
    first_records: Dict[str, Mapping[str, Any]] = {}
    for record in records:
        first_records.setdefault(route_number(str(record.get("route_id", ""))), record)
    for record in first_records.values():
        type_name = scenario_type(record, types_by_route)
        success = is_success(record)
        for ability in abilities_of(type_name):
            counts[ability][0] += int(success)
            counts[ability][1] += 1
        if not success and type_name in ABILITY_TYPES["Traffic_Signs"] and passed_first_junction(record):
            counts["Traffic_Signs"][0] += 1
    scores: Dict[str, Optional[float]] = {
        ability: (100.0 * ok / n if n else None) for ability, (ok, n) in counts.items()}
    present = [value for value in scores.values() if value is not None]
    scores["mean"] = sum(present) / len(present) if present else None
    return scores
