"""One report from leaderboard results (embedded simulator or a real CARLA/Bench2Drive run).

Units: driving_score and route_completion 0–100 (leaderboard scale), infraction_penalty 0–1,
success_rate, abilities, efficiency and comfort in percent. Averages over routes divide by the
benchmark's route count (a route without a record counts 0), chosen in this order and printed with
the report: `expected_routes` when given; the routes file's routes (times the repetitions seen in
the records) when one is given; Bench2Drive's 220 when every record is on a CARLA town (B2D's
merge tool always divides by 220); else the results' progress total; else the number of records.
With a routes file only its routes are scored, as B2D's ability tool reads only those.
Efficiency/comfort are None when no route provides the data.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from wpt_core.evaluation.abilities import ABILITIES, ability_scores
from wpt_core.evaluation.comfort import route_comfort
from wpt_core.evaluation.scoring import driving_score, efficiency, infraction_penalty, route_completion, success_rate
from wpt_core.leaderboard.metric_info import METRIC_FILE, read_metric_info
from wpt_core.leaderboard.results_file import global_record, optional_total
from wpt_core.leaderboard.route_record import route_number, route_sort_key

LOG = logging.getLogger(__name__)
BENCH2DRIVE_ROUTES = 220
_CARLA_TOWN = re.compile(r"Town\d+(HD)?(_Opt)?")


@dataclass(frozen=True)
class RoutesFile:
    """The routes a report is scored against: route id → its first scenario type ("" without one)."""

    path: str
    types_by_route: Mapping[str, str]


def denominator(records: Sequence[Mapping[str, Any]], results: Mapping[str, Any], expected_routes: Optional[int],
                routes_file: Optional[RoutesFile]) -> Tuple[int, str]:
    """The benchmark's route count and where it comes from (see the module docstring)."""
    if expected_routes:
        return int(expected_routes), "--expected-routes"
    if routes_file is not None:
        repetitions = 1 + max((route_sort_key(str(r["route_id"]))[1] for r in records), default=0)
        where = f"routes in {routes_file.path}"
        return len(routes_file.types_by_route) * repetitions, where + (
            f" x {repetitions} repetitions" if repetitions > 1 else "")
    if records and all(_CARLA_TOWN.fullmatch(str(r.get("town_name", ""))) for r in records):
        return BENCH2DRIVE_ROUTES, "Bench2Drive's 220 routes (records on CARLA towns)"
    total = optional_total(dict(results))
    if total:
        return total, "progress total of the results"
    return len(records), "records in the results"



def comfort(records: List[Mapping[str, Any]], metric_dir: Path) -> Optional[float]:
    """Mean route comfort × 100 over the routes whose `<metric_dir>/<save_name>/metric_info.json` exists."""
    scores = []
    for record in records:
        path = Path(metric_dir) / str(record.get("save_name", "")) / METRIC_FILE
        if not path.is_file():
            LOG.warning("no %s for %s (%s)", METRIC_FILE, record.get("route_id"), path)
            continue
        score = route_comfort(read_metric_info(path))
        if score is not None:
            scores.append(score)
    return 100.0 * sum(scores) / len(scores) if scores else None


def compute_report(results: Mapping[str, Any], metric_dir: Optional[Path], expected_routes: Optional[int],
                   routes_file: Optional[RoutesFile] = None) -> Dict[str, Any]:
    """`results`: one results document (see `merge.merge_results` for several parts)."""
    records = list(results["_checkpoint"]["records"])
    outside = 0
    if routes_file is not None:
        scored = [r for r in records if route_number(str(r["route_id"])) in routes_file.types_by_route]
        outside, records = len(records) - len(scored), scored
    n_routes, source = denominator(records, results, expected_routes, routes_file)
    return {
        "driving_score": driving_score(records, n_routes),
        "success_rate": success_rate(records, n_routes),
        "route_completion": route_completion(records, n_routes),
        "infraction_penalty": infraction_penalty(records, n_routes),
        "abilities": ability_scores(records, routes_file.types_by_route if routes_file else None),
        "efficiency": efficiency(records),
        "comfort": comfort(records, metric_dir) if metric_dir is not None else None,
        "num_routes": n_routes,
        "denominator": source,
        "num_records": len(records),
        "records_outside_routes_file": outside,
        "infractions_per_km": global_record(records, n_routes)["infractions"] if records else {},
    }


def _fmt(value: Optional[float], unit: str = "") -> str:
    return "n/a" if value is None else f"{value:.2f}{unit}"


def format_report(report: Mapping[str, Any]) -> str:
    """A readable table: headline metrics, the five abilities and their mean, infractions per km."""
    rows = [("Driving score", _fmt(report["driving_score"])),
            ("Success rate", _fmt(report["success_rate"], " %")),
            ("Route completion", _fmt(report["route_completion"])),
            ("Infraction penalty", _fmt(report["infraction_penalty"])),
            ("Efficiency", _fmt(report["efficiency"], " %")),
            ("Comfort", _fmt(report["comfort"], " %")),
            ("Routes (denominator)", f"{report['num_routes']}: {report['denominator']}"),
            ("Records scored", str(report["num_records"]))]
    if report["records_outside_routes_file"]:
        rows.append(("Records ignored (not in --routes)", str(report["records_outside_routes_file"])))
    rows += [(f"Ability {name}", _fmt(report["abilities"].get(name), " %")) for name in ABILITIES]
    rows.append(("Ability mean", _fmt(report["abilities"].get("mean"), " %")))
    rows += [(f"  {key} /km", f"{value:g}") for key, value in (report.get("infractions_per_km") or {}).items()]
    width = max(len(name) for name, _ in rows)
    lines = [f"{'metric'.ljust(width)}  value", f"{'-' * width}  {'-' * 12}"]
    lines += [f"{name.ljust(width)}  {value}" for name, value in rows]
    return "\n".join(lines)
