"""Traffic events and the leaderboard's penalty tables.

The names are the keys of a leaderboard record's `infractions` dict (Bench2Drive's
`statistics_manager.PENALTY_NAME_DICT`), so an event's kind says directly where its message goes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional

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
PENALTY_VALUE = {
    COLLISION_PEDESTRIAN: 0.5,
    COLLISION_VEHICLE: 0.6,
    COLLISION_LAYOUT: 0.65,
    RED_LIGHT: 0.7,
    STOP: 0.8,
    SCENARIO_TIMEOUT: 0.7,
    YIELD_EMERGENCY: 0.7,
}

# Default messages of the scenario-driven criteria (scenario_runner's atomic_criteria).
DEFAULT_MESSAGES = {
    YIELD_EMERGENCY: "Agent failed to yield to an emergency vehicle",
    SCENARIO_TIMEOUT: "Agent timed out a scenario",
}

# Status suffixes ("Failed - <suffix>") of routes that end early.
STATUS_DEVIATED = "Agent deviated from the route"
STATUS_BLOCKED = "Agent got blocked"
STATUS_TIMED_OUT = "Agent timed out"
STATUS_TICK_RUNTIME = "TickRuntime"
ROUTE_TIMEOUT_MESSAGE = "Route timeout."

# Statuses of routes stopped by an error rather than by a criterion (the leaderboard's FAILURE_MESSAGES).
SIMULATION_CRASHED = "Failed - Simulation crashed"
AGENT_CRASHED = "Failed - Agent crashed"
SETUP_FAILED = "Failed - Agent couldn't be set up"
SENSORS_INVALID = "Failed - Agent's sensors were invalid"


@dataclass
class TrafficEvent:
    """One infraction (or min-speed checkpoint); `data` holds e.g. the outside-lanes percentage."""

    kind: str
    message: str
    frame: int
    data: Dict[str, Any] = field(default_factory=dict)

    @property
    def percentage(self) -> Optional[float]:
        return self.data.get("percentage")


def at_location(x: float, y: float, z: float) -> str:
    """The leaderboard's location suffix: `(x=1.234, y=5.0, z=0.0)` with Python's round(…, 3)."""
    return f"(x={round(x, 3)}, y={round(y, 3)}, z={round(z, 3)})"
