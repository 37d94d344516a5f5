"""`wpt eval`: run a leaderboard agent file over a route XML in the embedded simulator."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wpt_core.paths import save_path, set_save_path
from wpt_core.sim.runner.evaluator import EvalOptions, InvalidSensorsError, evaluate
from wpt_core.sim.runner.preflight import check_run_inputs


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("eval", help="closed-loop evaluation on the embedded simulator (leaderboard protocol)")
    p.add_argument("--agent", required=True,
                   help="agent .py file (get_entry_point(), leaderboard protocol) or an importable module name")
    p.add_argument("--agent-config", default="", help="passed to agent.setup() as '<config>+<save_name>'")
    p.add_argument("--routes", required=True, help="leaderboard route XML")
    p.add_argument("--routes-subset", default="", help="route ids, e.g. '3,7' or '0-10'")
    p.add_argument("--repetitions", type=int, default=1)
    p.add_argument("--checkpoint", required=True, help="results JSON (leaderboard schema), written after every route")
    p.add_argument("--resume", action="store_true", help="skip routes already in the checkpoint")
    p.add_argument("--workers", type=int, default=1, help="parallel simulator processes")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--track", default="SENSORS", choices=["SENSORS", "MAP"])
    p.add_argument("--save-path", default=None,
                   help="exported as SAVE_PATH for the agent (where it writes metric_info.json for comfort)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check every input, then run; a rejected agent (invalid sensors) is one line on stderr and exit 1."""
    from wpt_core.evaluation.report import compute_report, format_report

    options = EvalOptions(routes_xml=args.routes, agent=args.agent, checkpoint=args.checkpoint,
                          agent_config=args.agent_config, resume=args.resume, workers=args.workers,
                          seed=args.seed, repetitions=args.repetitions, routes_subset=args.routes_subset,
                          track=args.track)
    if args.save_path:   # before the checks: the agent module is imported as the workers will see it
        set_save_path(Path(args.save_path))
    check_run_inputs(options)
    try:
        document = evaluate(options)
    except InvalidSensorsError as exc:
        print(f"wpt eval: rejected: {exc}", file=sys.stderr)
        return 1
    print(format_report(compute_report(document, metric_dir=save_path(), expected_routes=None)))
    return 0
