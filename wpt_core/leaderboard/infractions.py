"""The leaderboard's infraction keys, penalty coefficients and the messages of its scenario-driven criteria.

The keys are those of a record's `infractions` dict (Bench2Drive's `statistics_manager.PENALTY_NAME_DICT`),
so an event's kind says directly where its message goes; the coefficients are Bench2Drive's (no min-speed
penalty; outside-route-lanes multiplies by 1 − percentage / 100 instead of a fixed coefficient).
"""
from __future__ import annotations

from typing import Dict

COLLISION_LAYOUT = "collisions_layout"
COLLISION_PEDESTRIAN = "collisions_pedestrian"
COLLISION_VEHICLE = "collisions_vehicle"
RED_LIGHT = "red_light"
STOP = "stop_infraction"
OUTSIDE_ROUTE_LANES = "outside_route_lanes"
MIN_SPEED = "min_speed_infractions"
YIELD_EMERGENCY = "yield_emergency_vehicle_infractions"
SCENARIO_TIMEOUT = "scenario_timeouts"
ROUTE_DEVIATION = "route_dev"
VEHICLE_BLOCKED = "vehicle_blocked"
ROUTE_TIMEOUT = "route_timeout"

# Order of the record's `infractions` dict (the leaderboard builds it in this order).
INFRACTION_KEYS = (COLLISION_LAYOUT, COLLISION_PEDESTRIAN, COLLISION_VEHICLE, RED_LIGHT, STOP,
                   OUTSIDE_ROUTE_LANES, MIN_SPEED, YIELD_EMERGENCY, SCENARIO_TIMEOUT, ROUTE_DEVIATION,
                   VEHICLE_BLOCKED, ROUTE_TIMEOUT)

# Events that multiply the infraction penalty by a fixed coefficient.
PENALTY_VALUE: Dict[str, float] = {
    COLLISION_PEDESTRIAN: 0.5,
    COLLISION_VEHICLE: 0.6,
    COLLISION_LAYOUT: 0.65,
    RED_LIGHT: 0.7,
    STOP: 0.8,
    SCENARIO_TIMEOUT: 0.7,
    YIELD_EMERGENCY: 0.7,
}

# Messages of the scenario-driven criteria (scenario_runner's atomic_criteria) and of the route timeout.
DEFAULT_MESSAGES: Dict[str, str] = {
    YIELD_EMERGENCY: "Agent failed to yield to an emergency vehicle",
    SCENARIO_TIMEOUT: "Agent timed out a scenario",
}
ROUTE_TIMEOUT_MESSAGE = "Route timeout."
