"""The leaderboard's status strings: of a route record, and of a results file's `entry_status`.

A record is "Perfect" (route completed, no infraction), "Completed" (route completed with infractions) or
"Failed", with " - <reason>" when a criterion or an error ended the route early (the leaderboard's
`FAILURE_MESSAGES` and Bench2Drive's TickRuntime). `--resume` reruns records whose status is in
`RERUN_STATUSES` (the route indexer's `validate_and_resume`).
"""
from __future__ import annotations

from typing import Dict

PERFECT = "Perfect"
COMPLETED = "Completed"
FAILED = "Failed"
STARTED = "Started"  # a record the leaderboard opened for a route that never finished
SUCCESS_STATUSES = (COMPLETED, PERFECT)
_FAILED_PREFIX = f"{FAILED} - "

# Reasons a route ends early, as "Failed - <reason>".
REASON_DEVIATED = "Agent deviated from the route"
REASON_BLOCKED = "Agent got blocked"
REASON_TIMED_OUT = "Agent timed out"
REASON_TICK_RUNTIME = "TickRuntime"


def failed(reason: str = "") -> str:
    """"Failed", or "Failed - <reason>"."""
    return f"{_FAILED_PREFIX}{reason}" if reason else FAILED


def failure_reason(status: str) -> str:
    """The reason of a "Failed - <reason>" status ("" for plain "Failed" and for any other status)."""
    return status[len(_FAILED_PREFIX):] if status.startswith(_FAILED_PREFIX) else ""


# Routes stopped by an error rather than by a criterion.
SIMULATION_CRASHED = failed("Simulation crashed")
AGENT_CRASHED = failed("Agent crashed")
SETUP_FAILED = failed("Agent couldn't be set up")
SENSORS_INVALID = failed("Agent's sensors were invalid")

RERUN_STATUSES = frozenset({FAILED, SIMULATION_CRASHED, AGENT_CRASHED})

# A results file's `entry_status`, and whether such an entry is `eligible`.
ENTRY_STARTED = "Started"
ENTRY_FINISHED = "Finished"
ENTRY_REJECTED = "Rejected"
ENTRY_CRASHED = "Crashed"
ENTRY_INVALID = "Invalid"
ELIGIBLE: Dict[str, bool] = {ENTRY_STARTED: False, ENTRY_FINISHED: True, ENTRY_REJECTED: False,
                             ENTRY_CRASHED: False, ENTRY_INVALID: False}
