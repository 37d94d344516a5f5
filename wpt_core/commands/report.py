"""`wpt report RESULTS.json [PART.json ...]`: Bench2Drive metrics from leaderboard results files (ours or
CARLA's); several files are the parts of one multi-GPU run, merged as B2D's merge_route_json.py does."""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("report", help="driving score, success rate, abilities, efficiency, comfort")
    p.add_argument("results", nargs="+",
                   help="leaderboard results JSON(s): a run's --checkpoint, a merged B2D file, or the parts of a "
                        "multi-GPU run (merged; a route in two files is refused)")
    p.add_argument("--json", dest="json_out", default=None, help="also write the report as JSON here")
    p.add_argument("--metric-dir", default=None,
                   help="agent output folder (SAVE_PATH) holding <save_name>/metric_info.json, for comfort")
    p.add_argument("--routes", default=None,
                   help="route XML of the benchmark: scores its routes only, divides by its route count and takes "
                        "scenario types from it (default: 220 for results on CARLA towns, else the progress total)")
    p.add_argument("--expected-routes", type=int, default=None,
                   help="routes in the benchmark, overriding the above (missing ones count 0)")
    p.add_argument("--benchmark", default=None,
                   help="a bundle of leaderboard_configs/benchmarks/ (e.g. bench2drive220): its route file and route "
                        "count, unless --routes / --expected-routes are given")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """A bad results or route file raises its own error type, which `wpt` prints as one line (exit 2)."""
    from wpt_core.evaluation.merge import merge_results
    from wpt_core.evaluation.report import RoutesFile, compute_report, format_report
    from wpt_core.leaderboard.benchmark import load_benchmark
    from wpt_core.leaderboard.route_file import read_routes

    document = merge_results([Path(path) for path in args.results])
    routes, expected = args.routes, args.expected_routes
    if args.benchmark:
        benchmark = load_benchmark(args.benchmark)
        bundled = benchmark.routes_path()
        routes = routes or (str(bundled) if bundled else None)
        expected = expected or (benchmark.expected_routes * benchmark.repetitions or None)
    routes_file = None
    if routes:
        routes_file = RoutesFile(routes, {str(r.id): r.scenarios[0].type if r.scenarios else ""
                                          for r in read_routes(routes)})
    report = compute_report(document, Path(args.metric_dir) if args.metric_dir else None, expected, routes_file)
    print(format_report(report))
    if args.json_out:
        out = Path(args.json_out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2))
    return 0
