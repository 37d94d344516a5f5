"""Several results files read as one run, as Bench2Drive's tools/merge_route_json.py joins the parts
of a multi-GPU evaluation (each part is an evaluator run over a contiguous slice of the route file).

Records are concatenated; a route recorded in two files (or twice in one) is refused rather than
counted twice. The merged progress total is the sum of the parts' totals when every part has one
(B2D's own merged files have none). Routes missing from every part simply have no record: the report
divides by the benchmark's route count, so they count 0, as in B2D's merge.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from wpt_core.leaderboard.results_file import ResultsFileError, load_results, optional_total
from wpt_core.leaderboard.route_record import route_sort_key


def merge_results(paths: Sequence[Path]) -> Dict[str, Any]:
    """One results document (`_checkpoint.records`, and `progress` when known) from `paths`."""
    owner: Dict[str, Path] = {}
    records: List[Dict[str, Any]] = []
    totals: List[Optional[int]] = []
    for path in map(Path, paths):
        document = load_results(path)
        for record in document["_checkpoint"]["records"]:
            key = str(record["route_id"])
            if key in owner:
                raise ResultsFileError(f"{owner[key]} and {path} both hold {key}: "
                                       "merge the parts of one run, each route once")
            owner[key] = path
            records.append(record)
        totals.append(optional_total(document))
    records.sort(key=lambda record: route_sort_key(str(record["route_id"])))
    checkpoint: Dict[str, Any] = {"records": records}
    if all(total is not None for total in totals):
        checkpoint["progress"] = [len(records), sum(total for total in totals if total is not None)]
    return {"_checkpoint": checkpoint}
