"""`wpt pipeline`: the main job on the embedded simulator.

Today it evaluates the privileged expert on the embedded benchmark and prints its scores; the
collection, training and distillation stages join this command as they land.
"""
from __future__ import annotations

import argparse
import json
import os
import time

from wpt_core.paths import repo_configs_dir, run_dir, save_path, set_save_path

PROFILES = {
    # profile: (route file, repetitions)
    "quick": ("embedded_eval.xml", 1),
    "smoke": ("embedded_smoke.xml", 1),
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("pipeline", help="the main job on the embedded simulator")
    p.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    p.add_argument("--run", default="", help="run name under <output root>/pipeline/ (default: timestamp)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--resume", action="store_true", help="continue a previous run of the same name")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from wpt_core.evaluation.report import compute_report, format_report
    from wpt_core.sim.runner.evaluator import EvalOptions, evaluate

    routes_file, repetitions = PROFILES[args.profile]
    out = run_dir("pipeline", args.run or time.strftime("%Y%m%d_%H%M%S"))
    repo = repo_configs_dir().parent
    set_save_path(out / "agent_outputs")
    document = evaluate(EvalOptions(
        routes_xml=str(repo_configs_dir() / "routes" / routes_file),
        agent_file=str(repo / "data_collection" / "expert_agent.py"),
        agent_config=str(repo_configs_dir() / "agents" / "expert.yaml"),
        checkpoint=str(out / "expert_eval.json"), resume=args.resume, workers=args.workers,
        seed=args.seed, repetitions=repetitions))
    report = compute_report(document, metric_dir=save_path(), expected_routes=None)
    (out / "expert_report.json").write_text(json.dumps(report, indent=2))
    print(format_report(report))
    print(f"results: {out / 'expert_eval.json'}\nreport:  {out / 'expert_report.json'}")
    return 0
