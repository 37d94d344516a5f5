"""One report from a leaderboard results file (embedded simulator or a real CARLA/Bench2Drive run).

Units: driving_score and route_completion 0–100 (leaderboard scale), infraction_penalty 0–1,
success_rate, abilities, efficiency and comfort in percent. Averages over routes divide by the
benchmark's route count: `expected_routes` when given, else the file's progress total, else the
number of records. Efficiency/comfort are None when no route provides the data.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

from wpt_core.evaluation.abilities import ABILITIES, ability_scores
from wpt_core.evaluation.comfort import read_metric_info, route_comfort
from wpt_core.evaluation.scoring import driving_score, efficiency, infraction_penalty, route_completion, success_rate
from wpt_core.sim.results import global_record, optional_total

LOG = logging.getLogger(__name__)
METRIC_FILE = "metric_info.json"


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
                   scenario_types: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """`scenario_types`: route id → first scenario type (from the route XML); default: from scenario_name."""
    records = list(results["_checkpoint"]["records"])
    n_routes = expected_routes or optional_total(dict(results)) or len(records)
    return {
        "driving_score": driving_score(records, n_routes),
        "success_rate": success_rate(records, n_routes),
        "route_completion": route_completion(records, n_routes),
        "infraction_penalty": infraction_penalty(records, n_routes),
        "abilities": ability_scores(records, scenario_types),
        "efficiency": efficiency(records),
        "comfort": comfort(records, metric_dir) if metric_dir is not None else None,
        "num_routes": n_routes,
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
            ("Routes (benchmark)", str(report["num_routes"]))]
    rows += [(f"Ability {name}", _fmt(report["abilities"].get(name), " %")) for name in ABILITIES]
    rows.append(("Ability mean", _fmt(report["abilities"].get("mean"), " %")))
    rows += [(f"  {key} /km", f"{value:g}") for key, value in (report.get("infractions_per_km") or {}).items()]
    width = max(len(name) for name, _ in rows)
    lines = [f"{'metric'.ljust(width)}  value", f"{'-' * width}  {'-' * 12}"]
    lines += [f"{name.ljust(width)}  {value}" for name, value in rows]
    return "\n".join(lines)
