"""One route's leaderboard record (`statistics_manager.compute_route_statistics`).

Keys, rounding and the status rule: "Perfect"/"Completed" once the route completion reaches 100, else
"Failed[ - reason]"; the driving score is route completion × infraction penalty. A route that ended before
its criteria ran (a crashed simulation, an agent that could not be set up) gets the empty record the
leaderboard writes for it: no infractions, completion 0, penalty 1. A record's `route_id` is the route
indexer's key `RouteScenario_<id>_rep<k>`, its `save_name` Bench2Drive's per-route folder name.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple, Union

from wpt_core.leaderboard.infractions import INFRACTION_KEYS
from wpt_core.leaderboard.statuses import COMPLETED, PERFECT, failed, failure_reason

ROUND_DIGITS = 3
ROUND_DIGITS_SCORE = 6
NO_SCENARIO = "NoScenario"
_INSTANCE_SUFFIX = re.compile(r"_\d+$")


def route_key(route_id: str, repetition: int) -> str:
    """The route indexer's key of one repetition of a route: `RouteScenario_<id>_rep<k>`."""
    return f"RouteScenario_{route_id}_rep{repetition}"


def route_number(key: str) -> str:
    """The route file's id in a route key: "RouteScenario_1711_rep0" → "1711"."""
    parts = key.split("_")
    return parts[1] if len(parts) > 1 else parts[0]


def route_sort_key(key: str) -> Tuple[Union[int, str], int]:
    """`RouteScenario_<id>_rep<k>` → (id, k), numeric where possible."""
    rid = route_number(key)
    rep = key.rsplit("_rep", 1)[-1] if "_rep" in key else "0"
    return (int(rid) if rid.isdigit() else rid, int(rep) if rep.isdigit() else 0)


def scenario_type_of(scenario_name: str) -> str:
    """A route file's scenario name is `<Type>_<n>`: "ParkingCutIn_1" → "ParkingCutIn"."""
    return _INSTANCE_SUFFIX.sub("", scenario_name)


def save_name(key: str, town: str, scenario_name: str, weather_id: str, stamp: str) -> str:
    """Bench2Drive's per-route save name: route key, town, first scenario's name (or `NoScenario`), weather
    id and a wall-clock stamp `mm_dd_HH_MM_SS`."""
    return f"{key}_{town}_{scenario_name or NO_SCENARIO}_{weather_id}_{stamp}"


def build_record(index: int, route_id: str, scenario_name: str, weather_id: Any, save_name: str, town_name: str,
                 score_route: float, score_penalty: float, infractions: Dict[str, List[str]], failure: str,
                 meta: Dict[str, Any]) -> Dict[str, Any]:
    """A record dict with the leaderboard's keys, rounding and status rule."""
    num_infractions = sum(len(messages) for messages in infractions.values())
    if score_route >= 100:
        status = COMPLETED if num_infractions > 0 else PERFECT
    else:
        status = failed(failure)
    return {
        "index": index, "route_id": route_id, "scenario_name": scenario_name, "weather_id": weather_id,
        "save_name": save_name, "status": status, "num_infractions": num_infractions, "infractions": infractions,
        "scores": {"score_route": round(score_route, ROUND_DIGITS_SCORE),
                   "score_penalty": round(score_penalty, ROUND_DIGITS_SCORE),
                   "score_composed": round(max(score_route * score_penalty, 0.0), ROUND_DIGITS_SCORE)},
        "meta": meta, "town_name": town_name,
    }


def empty_record(index: int, route_id: str, scenario_name: str, town_name: str, status: str,
                 weather_id: Any = None, save_name: str = "") -> Dict[str, Any]:
    """The record of a route that ended before its criteria ran (`status`, e.g. `statuses.SIMULATION_CRASHED`)."""
    infractions: Dict[str, List[str]] = {key: [] for key in INFRACTION_KEYS}
    meta = {"route_length": 0, "duration_game": 0, "duration_system": 0, "first_junction_completion": None}
    return build_record(index, route_id, scenario_name, weather_id, save_name, town_name, 0.0, 1.0, infractions,
                        failure_reason(status), meta)

