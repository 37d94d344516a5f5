"""A route's weather and its Bench2Drive weather id (the `<k>` of a clip's `…_Weather<k>` and the record's
`weather_id`).

Bench2Drive's evaluator builds the route's first `<weather>` keyframe over the base
`carla.WeatherParameters(sun_altitude_angle=70, cloudiness=50)` (every other parameter 0) and looks its eight
parameters up in `leaderboard/data/weather.xml`: the id of the case whose values all match. Routes written
for the embedded simulator use weathers outside that table (for which Bench2Drive would write `None`); they
get the id of the nearest case (Euclidean over the parameters except the sun azimuth, which Bench2Drive's
cases leave at −1), so every clip carries a Bench2Drive weather id.
"""
from __future__ import annotations

from typing import Dict, List, Mapping, Sequence

import numpy as np

KEYS = ("cloudiness", "precipitation", "precipitation_deposits", "wetness", "wind_intensity", "sun_azimuth_angle",
        "sun_altitude_angle", "fog_density")
BASE = {**dict.fromkeys(KEYS, 0.0), "cloudiness": 50.0, "sun_altitude_angle": 70.0}
# weather.xml of Bench2Drive's leaderboard: case id → values in KEYS order (both keyframes of a case agree)
CASES: Dict[str, Sequence[float]] = {
    "0": (5, 0, 0, 0, 10, -1, 90, 2), "1": (5, 0, 0, 0, 10, -1, 15, 2), "2": (20, 30, 50, 0, 30, -1, 45, 3),
    "3": (60, 60, 60, 0, 60, -1, 45, 3), "5": (80, 0, 50, 20, 10, -1, 45, 3), "6": (5, 0, 50, 0, 10, -1, 15, 10),
    "7": (5, 0, 0, 0, 10, -1, 45, 2), "8": (100, 100, 90, 0, 100, -1, 45, 7), "9": (70, 60, 60, 0, 60, -1, 45, 50),
    "10": (40, 100, 90, 0, 100, -1, 0, 7), "11": (100, 60, 60, 0, 60, -1, 45, 50), "12": (5, 0, 0, 0, 10, -1, 45, 50),
    "13": (5, 0, 0, 0, 10, -1, 15, 50), "14": (100, 100, 50, 50, 100, -1, 45, 10),
    "15": (100, 50, 100, 80, 80, -1, 45, 10), "18": (40, 0, 50, 0, 10, -1, 15, 2), "19": (40, 0, 50, 0, 10, -1, -90, 2),
    "20": (60, 30, 50, 60, 30, -1, -90, 3), "21": (100, 100, 90, 100, 100, -1, -90, 3),
    "22": (5, 0, 0, 0, 10, -1, -90, 60), "23": (80, 60, 60, 80, 60, -1, -90, 60),
    "25": (100, 100, 90, 100, 100, -1, -90, 100), "26": (50, 0, 0, 0, 0, 0, 70, 0),
}
_IDS: List[str] = list(CASES)
_TABLE = np.array([CASES[k] for k in _IDS], dtype=np.float32)
_COMPARED = np.array([k != "sun_azimuth_angle" for k in KEYS])


def route_weather(weathers: Sequence[Mapping[str, str]]) -> Dict[str, float]:
    """The first keyframe's parameters over Bench2Drive's base weather (unknown attributes ignored)."""
    out = dict(BASE)
    for key, value in (weathers[0].items() if weathers else ()):
        if key in out:
            out[key] = float(value)
    return out


def weather_id(weathers: Sequence[Mapping[str, str]]) -> str:
    """Bench2Drive's weather id of a route's `<weather>` keyframes (exact case match, else the nearest case)."""
    values = np.array([route_weather(weathers)[k] for k in KEYS], dtype=np.float32)  # CARLA holds float32
    exact = np.flatnonzero(np.all(_TABLE == values, axis=1))
    if exact.size:
        return _IDS[int(exact[0])]
    distance = np.linalg.norm((_TABLE - values)[:, _COMPARED], axis=1)
    return _IDS[int(np.argmin(distance))]
