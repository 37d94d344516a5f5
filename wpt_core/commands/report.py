"""`wpt report RESULTS.json`: Bench2Drive metrics from a leaderboard results file (ours or CARLA's)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("report", help="driving score, success rate, abilities, efficiency, comfort")
    p.add_argument("results", help="leaderboard results JSON (--checkpoint of a run, or a merged B2D file)")
    p.add_argument("--json", dest="json_out", default=None, help="also write the report as JSON here")
    p.add_argument("--metric-dir", default=None,
                   help="agent output folder (SAVE_PATH) holding <save_name>/metric_info.json, for comfort")
    p.add_argument("--routes", default=None,
                   help="route XML of the run: scenario types by route id (default: from each record's scenario_name)")
    p.add_argument("--expected-routes", type=int, default=None,
                   help="routes in the benchmark (missing ones count 0; default: the file's progress total)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """A bad results or route file raises its own error type, which `wpt` prints as one line (exit 2)."""
    from wpt_core.evaluation.report import compute_report, format_report
    from wpt_core.sim.results import load_results
    from wpt_core.sim.routes import read_routes

    document = load_results(Path(args.results))
    types = None
    if args.routes:
        types = {str(r.id): r.scenarios[0].type for r in read_routes(args.routes) if r.scenarios}
    report = compute_report(document, Path(args.metric_dir) if args.metric_dir else None, args.expected_routes,
                            types)
    print(format_report(report))
    if args.json_out:
        out = Path(args.json_out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2))
    return 0
