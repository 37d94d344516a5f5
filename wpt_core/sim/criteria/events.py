"""Traffic events as the route criteria record them, and the leaderboard's location suffix of their messages.

An event's `kind` is a key of the record's `infractions` dict (`wpt_core.leaderboard.infractions`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict


@dataclass
class TrafficEvent:
    """One infraction (or min-speed checkpoint); `data` holds e.g. the outside-lanes percentage."""

    kind: str
    message: str
    frame: int
    data: Dict[str, Any] = field(default_factory=dict)


def at_location(x: float, y: float, z: float) -> str:
    """The leaderboard's location suffix: `(x=1.234, y=5.0, z=0.0)` with Python's round(…, 3)."""
    return f"(x={round(x, 3)}, y={round(y, 3)}, z={round(z, 3)})"
