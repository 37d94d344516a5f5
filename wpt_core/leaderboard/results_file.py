"""The leaderboard results file (`--checkpoint`): records, global record, resumable and atomic.

Schema and arithmetic follow the leaderboard's `statistics_manager`: `_checkpoint{global_record,
progress: [done, total], records}`, `entry_status`, `eligible`, `sensors`, `values`, `labels`;
global means divide by the TOTAL number of routes of the run, infractions are per driven km
(route length × RC), the outside-lanes entry is the sum of driven-outside metres / 1000. The file is
rewritten (temp file + os.replace) after every record, so a killed run loses at most the route in
flight. `--resume` reruns what the leaderboard's route indexer reruns — records whose status is
"Failed", "Failed - Simulation crashed" or "Failed - Agent crashed", replacing them — and never runs
any other recorded route twice. A file that cannot be resumed (unreadable, malformed, written for
other routes) is refused before anything is written, so it is never overwritten.
"""
from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Set

from wpt_core.errors import InputError
from wpt_core.leaderboard.infractions import (COLLISION_LAYOUT, COLLISION_PEDESTRIAN, COLLISION_VEHICLE,
                                              INFRACTION_KEYS, MIN_SPEED, OUTSIDE_ROUTE_LANES, RED_LIGHT,
                                              ROUTE_DEVIATION, ROUTE_TIMEOUT, SCENARIO_TIMEOUT, STOP, VEHICLE_BLOCKED,
                                              YIELD_EMERGENCY)
from wpt_core.leaderboard.route_record import ROUND_DIGITS, ROUND_DIGITS_SCORE, route_sort_key
from wpt_core.leaderboard.statuses import (ELIGIBLE, ENTRY_CRASHED, ENTRY_FINISHED, ENTRY_INVALID, ENTRY_REJECTED,
                                           ENTRY_STARTED, FAILED, PERFECT, RERUN_STATUSES, SENSORS_INVALID,
                                           SIMULATION_CRASHED, STARTED)

SENSOR_ICONS = {
    "sensor.camera.rgb": "carla_camera", "sensor.lidar.ray_cast": "carla_lidar", "sensor.other.radar": "carla_radar",
    "sensor.other.gnss": "carla_gnss", "sensor.other.imu": "carla_imu",
    "sensor.opendrive_map": "carla_opendrive_map", "sensor.speedometer": "carla_speedometer",
}
# values/labels: the leaderboard's order, which MUST match between the two lists.
GLOBAL_VALUE_KEYS = (COLLISION_PEDESTRIAN, COLLISION_VEHICLE, COLLISION_LAYOUT, RED_LIGHT, STOP, OUTSIDE_ROUTE_LANES,
                     ROUTE_DEVIATION, ROUTE_TIMEOUT, VEHICLE_BLOCKED, YIELD_EMERGENCY, SCENARIO_TIMEOUT, MIN_SPEED)
LABELS = ["Avg. driving score", "Avg. route completion", "Avg. infraction penalty", "Collisions with pedestrians",
          "Collisions with vehicles", "Collisions with layout", "Red lights infractions", "Stop sign infractions",
          "Off-road infractions", "Route deviations", "Route timeouts", "Agent blocked",
          "Yield emergency vehicles infractions", "Scenario timeouts", "Min speed infractions"]
SCORE_KEYS = ("score_composed", "score_route", "score_penalty")


class ResultsFileError(InputError, RuntimeError):
    """A results file that cannot be read or does not belong to this run."""


def outside_lanes_km(record: Dict[str, Any]) -> float:
    """Metres driven outside the route lanes, parsed from the message as the leaderboard does."""
    messages = record["infractions"].get(OUTSIDE_ROUTE_LANES) or []
    return float(messages[0].split(" ")[8]) / 1000 if messages else 0.0


def global_record(records: Sequence[Dict[str, Any]], total_routes: int) -> Dict[str, Any]:
    """`compute_global_statistics`: means over `total_routes`, infractions per driven km."""
    total = max(int(total_routes), 1)
    means = {key: 0.0 for key in SCORE_KEYS}
    meta: Dict[str, Any] = {"total_length": 0, "duration_game": 0, "duration_system": 0, "exceptions": []}
    status = PERFECT
    for rec in records:
        for key in SCORE_KEYS:
            means[key] += rec["scores"][key] / total
        for key in ("duration_game", "duration_system"):
            meta[key] += rec["meta"][key]
        meta["total_length"] += rec["meta"]["route_length"]
        result = FAILED if FAILED in rec["status"] else rec["status"]
        if result == FAILED:
            meta["exceptions"].append((rec["route_id"], rec.get("index", -1), rec["status"]))
            status = FAILED
        elif status == PERFECT and result != PERFECT:
            status = result
    means = {key: round(value, ROUND_DIGITS_SCORE) for key, value in means.items()}
    std = {key: 0.0 for key in SCORE_KEYS}
    if total > 1:
        for key in SCORE_KEYS:
            spread = sum((rec["scores"][key] - means[key]) ** 2 for rec in records)
            std[key] = round(math.sqrt(spread / float(total - 1)), ROUND_DIGITS)
    infractions = {key: 0.0 for key in INFRACTION_KEYS if key != ROUTE_TIMEOUT}
    infractions[ROUTE_TIMEOUT] = 0.0
    km_driven = 0.0
    for rec in records:
        km_driven += rec["meta"]["route_length"] / 1000 * rec["scores"]["score_route"] / 100
        for key in infractions:
            infractions[key] += outside_lanes_km(rec) if key == OUTSIDE_ROUTE_LANES else len(rec["infractions"][key])
    km_driven = max(km_driven, 0.001)
    for key in infractions:
        if key != OUTSIDE_ROUTE_LANES:
            infractions[key] /= km_driven
        infractions[key] = round(infractions[key], ROUND_DIGITS)
    return {"index": -1, "route_id": -1, "status": status, "infractions": infractions, "scores_mean": means,
            "scores_std_dev": std, "meta": meta}


def global_values(glob: Dict[str, Any]) -> List[str]:
    scores = glob["scores_mean"]
    return [str(scores[key]) for key in SCORE_KEYS] + [str(glob["infractions"][key]) for key in GLOBAL_VALUE_KEYS]


def entry_status(records: Sequence[Dict[str, Any]]) -> str:
    status = ENTRY_FINISHED
    for rec in records:
        if rec["status"] == SIMULATION_CRASHED:
            status = ENTRY_CRASHED
        elif rec["status"] == SENSORS_INVALID:
            status = ENTRY_REJECTED
    return status


class ResultsFile:
    """One run's results file. `document` is the JSON-ready dict, written after every change."""

    def __init__(self, path: Path, document: Dict[str, Any]):
        self.path = Path(path)
        self.document = document

    @classmethod
    def load_or_create(cls, path: Path, route_keys: Sequence[str], resume: bool) -> "ResultsFile":
        """Resume from `path` when asked and it holds records, else start a fresh file (written now).

        `route_keys`: the run's `RouteScenario_<id>_rep<k>`; a resumed file must have been written for
        as many routes and hold only those."""
        path = Path(path)
        total = len(route_keys)
        if resume and path.exists() and path.stat().st_size > 0:
            results = cls(path, _read(path))
            _check_resumable(path, results.document, route_keys)
        else:
            results = cls(path, {"_checkpoint": {"global_record": {}, "progress": [0, total], "records": []},
                                 "entry_status": ENTRY_STARTED, "eligible": False, "sensors": [], "values": [],
                                 "labels": []})
        results._set_progress(total)
        results.write()
        return results

    @property
    def records(self) -> List[Dict[str, Any]]:
        return self.document["_checkpoint"]["records"]

    @property
    def total(self) -> int:
        return int(self.document["_checkpoint"]["progress"][1])

    def _set_progress(self, total: int) -> None:
        self.document["_checkpoint"]["progress"] = [len(self.records), int(total)]

    def done_route_keys(self) -> Set[str]:
        """route_id ("RouteScenario_<id>_rep<k>") of every record a resumed run must not run again."""
        return {rec["route_id"] for rec in self.records if rec["status"] not in RERUN_STATUSES}

    def add_record(self, record: Dict[str, Any]) -> None:
        """Insert (or replace, same route_id) a record, keep them in `index` order, recompute, write."""
        records = [rec for rec in self.records if rec["route_id"] != record["route_id"]] + [record]
        records.sort(key=lambda rec: (rec["index"], route_sort_key(rec["route_id"])))
        self.document["_checkpoint"]["records"] = records
        self._set_progress(self.total)
        self._update_summary()
        self.write()

    def set_sensors(self, sensor_specs: Sequence[Dict[str, Any]]) -> None:
        """Record the agent's sensor icons as the leaderboard does (once per run)."""
        self.document["sensors"] = [SENSOR_ICONS[spec["type"]] for spec in sensor_specs]
        self.write()

    def _update_summary(self) -> None:
        glob = global_record(self.records, self.total)
        self.document["_checkpoint"]["global_record"] = glob
        self.document["values"] = global_values(glob)
        self.document["labels"] = list(LABELS)
        done, total = self.document["_checkpoint"]["progress"]
        status = entry_status(self.records)
        if status == ENTRY_FINISHED and done < total:
            status = ENTRY_STARTED  # a rejection or a crash is final at once; "Finished" only at the end
        if status == ENTRY_FINISHED and any(rec["status"] == STARTED for rec in self.records):
            status = ENTRY_INVALID
        self.document["entry_status"] = status
        self.document["eligible"] = ELIGIBLE[status]

    def write(self) -> None:
        """Atomic: a reader (or a crash) never sees a half-written file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=str(self.path.parent))
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(self.document, handle, indent=4)
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def _read(path: Path) -> Dict[str, Any]:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ResultsFileError(f"{path}: not a readable results JSON ({exc})") from exc
    checkpoint = document.get("_checkpoint") if isinstance(document, dict) else None
    if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get("records", []), list):
        raise ResultsFileError(f"{path}: not a leaderboard results file (no '_checkpoint.records' list)")
    checkpoint.setdefault("records", [])
    checkpoint.setdefault("global_record", {})
    for key, default in (("entry_status", ENTRY_STARTED), ("eligible", False), ("sensors", []), ("values", []),
                         ("labels", [])):
        document.setdefault(key, default)
    for i, rec in enumerate(checkpoint["records"]):
        if not isinstance(rec, dict) or "route_id" not in rec or "status" not in rec:
            raise ResultsFileError(f"{path}: record {i} lacks 'route_id'/'status'")
    return document


def _check_resumable(path: Path, document: Dict[str, Any], route_keys: Sequence[str]) -> None:
    """The leaderboard's `validate_and_resume` checks, as errors instead of a silent fresh start."""
    progress = document["_checkpoint"].get("progress")
    if not (isinstance(progress, list) and len(progress) == 2 and all(isinstance(v, int) for v in progress)):
        raise ResultsFileError(f"{path}: malformed '_checkpoint.progress' {progress!r} (expected [done, total])")
    if progress[1] != len(route_keys):
        raise ResultsFileError(f"{path}: written for {progress[1]} routes but this run has {len(route_keys)}; "
                               "use another --checkpoint or run without --resume")
    known = set(route_keys)
    for rec in document["_checkpoint"]["records"]:
        if rec["route_id"] not in known:
            raise ResultsFileError(f"{path}: holds {rec['route_id']}, which is not a route of this run; "
                                   "use another --checkpoint or run without --resume")


def load_results(path: Path) -> Dict[str, Any]:
    """Read any leaderboard results file (ours or CARLA's) with the same checks as a resume."""
    return _read(Path(path))


def optional_total(document: Dict[str, Any]) -> Optional[int]:
    progress = document.get("_checkpoint", {}).get("progress") or []
    return int(progress[1]) if len(progress) == 2 and progress[1] else None
