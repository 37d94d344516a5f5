"""Bench2Drive's headline numbers from leaderboard records.

Driving score, route completion and infraction penalty are sums over the records divided by the
number of routes in the benchmark (a missing route counts 0, as in B2D's merge tool and the
leaderboard's global record). A route is a success when it is Completed/Perfect and has no
infraction other than the (always recorded) min-speed messages. Efficiency parses the min-speed
percentages back out of the messages, as B2D's efficiency tool does.
"""
from __future__ import annotations

import re
from typing import Any, List, Mapping, Optional, Sequence

from wpt_core.leaderboard.infractions import MIN_SPEED
from wpt_core.leaderboard.statuses import SUCCESS_STATUSES

EFFICIENCY_MAX_PERCENT = 1000.0
_PERCENT = re.compile(r"\b\d+\.?\d*%")


def is_success(record: Mapping[str, Any]) -> bool:
    if record["status"] not in SUCCESS_STATUSES:
        return False
    return not any(messages for key, messages in record["infractions"].items() if key != MIN_SPEED)


def _mean_over(records: Sequence[Mapping[str, Any]], key: str, n_routes: int) -> float:
    return sum(float(r["scores"][key]) for r in records) / max(n_routes, 1)


def driving_score(records: Sequence[Mapping[str, Any]], n_routes: int) -> float:
    return _mean_over(records, "score_composed", n_routes)


def route_completion(records: Sequence[Mapping[str, Any]], n_routes: int) -> float:
    return _mean_over(records, "score_route", n_routes)


def infraction_penalty(records: Sequence[Mapping[str, Any]], n_routes: int) -> float:
    return _mean_over(records, "score_penalty", n_routes)


def success_rate(records: Sequence[Mapping[str, Any]], n_routes: int) -> float:
    """Percentage of the benchmark's routes that succeeded."""
    return 100.0 * sum(is_success(r) for r in records) / max(n_routes, 1)


def min_speed_percentages(record: Mapping[str, Any]) -> List[float]:
    """The checkpoint percentages of a record, values above 1000 % dropped (B2D)."""
    values = []
    for message in record["infractions"].get(MIN_SPEED) or []:
        found = _PERCENT.search(message)
        if found is not None:
            value = float(found.group().rstrip("%"))
            if value <= EFFICIENCY_MAX_PERCENT:
                values.append(value)
    return values


def efficiency(records: Sequence[Mapping[str, Any]]) -> Optional[float]:
    """Mean over routes (with at least one kept checkpoint) of their mean min-speed percentage."""
    per_route = [sum(v) / len(v) for v in (min_speed_percentages(r) for r in records) if v]
    return sum(per_route) / len(per_route) if per_route else None
