"""`wpt eval`: run a leaderboard agent file over a route XML in the embedded simulator;
`wpt eval world-model`: occupancy IoU of a world-model checkpoint next to its references;
`wpt eval open-loop`: L2 and collision rate of a driving-policy checkpoint on its validation routes."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, Optional

from wpt_core.paths import save_path, set_save_path
from wpt_core.sim.runner.evaluator import EvalOptions, InvalidSensorsError, evaluate
from wpt_core.sim.runner.preflight import check_run_inputs


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("eval", help="closed-loop evaluation on the embedded simulator (leaderboard protocol)",
                              usage="wpt eval --agent FILE --routes XML --checkpoint OUT.json [...] | "
                                    "wpt eval world-model --checkpoint CKPT --data DIR [--json FILE] | "
                                    "wpt eval open-loop --checkpoint CKPT (--data DIR | --cache DIR) [--json FILE]")
    p.add_argument("--agent", help="agent .py file (get_entry_point(), leaderboard protocol) or an importable module name")
    p.add_argument("--agent-config", default="", help="passed to agent.setup() as '<config>+<save_name>'")
    p.add_argument("--routes", help="leaderboard route XML")
    p.add_argument("--routes-subset", default="", help="route ids, e.g. '3,7' or '0-10'")
    p.add_argument("--repetitions", type=int, default=1)
    p.add_argument("--checkpoint", help="results JSON (leaderboard schema), written after every route")
    p.add_argument("--resume", action="store_true", help="skip routes already in the checkpoint")
    p.add_argument("--workers", type=int, default=1, help="parallel simulator processes")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--towns", default="", help="folder of extra towns, <town>.net.xml or <town>.xodr (OpenDRIVE, "
                   "converted once); then $CARLA_ROOT's OpenDRIVE maps")
    p.add_argument("--track", default="SENSORS", choices=["SENSORS", "MAP"])
    p.add_argument("--skip-unknown-scenarios", action="store_true",
                   help="run routes whose scenario types the simulator does not know (skipping those scenarios)")
    p.add_argument("--save-path", default=None,
                   help="exported as SAVE_PATH for the agent (where it writes metric_info.json for comfort)")
    p.set_defaults(func=lambda args: run(args) if args.agent and args.routes and args.checkpoint else
                   p.error("the following arguments are required: --agent, --routes, --checkpoint"))
    sub = p.add_subparsers(dest="eval_target", metavar="{world-model,open-loop}")
    wm = sub.add_parser("world-model", help="occupancy IoU per future step vs copy-forward and constant velocity")
    wm.add_argument("--checkpoint", required=True, help="world-model checkpoint (last.pt / best.pt)")
    wm.add_argument("--data", required=True, help="folder holding the checkpoint's validation clips")
    wm.add_argument("--json", help="also write the report to this JSON file")
    wm.add_argument("--max-samples", type=int, default=None, help="evenly spaced subset of the validation samples")
    wm.set_defaults(func=run_world_model)
    ol = sub.add_parser("open-loop", help="L2 at 1/2/3 s and collision rate vs the recorded boxes (policy checkpoints)")
    ol.add_argument("--checkpoint", required=True, help="teacher / student / baseline checkpoint (best.pt, last.pt)")
    source = ol.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", help="folder holding the checkpoint's validation clips")
    source.add_argument("--cache", help="feature cache holding them (built with the checkpoint's data config)")
    ol.add_argument("--json", help="also write the report to this JSON file")
    ol.add_argument("--batch-size", type=int, default=8)
    ol.add_argument("--workers", type=int, default=1, help="DataLoader worker processes")
    ol.add_argument("--max-samples", type=int, default=None, help="evenly spaced subset of the validation samples")
    ol.set_defaults(func=run_open_loop)


def run(args: argparse.Namespace) -> int:
    """Check every input, then run; a rejected agent (invalid sensors) is one line on stderr and exit 1."""
    from wpt_core.evaluation.report import compute_report, format_report

    options = EvalOptions(routes_xml=args.routes, agent=args.agent, checkpoint=args.checkpoint,
                          agent_config=args.agent_config, resume=args.resume, workers=args.workers,
                          seed=args.seed, repetitions=args.repetitions, routes_subset=args.routes_subset,
                          track=args.track, towns_dir=args.towns,
                          skip_unknown_scenarios=args.skip_unknown_scenarios)
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


def run_world_model(args: argparse.Namespace) -> int:
    from wpt_core.evaluation.world_model_eval import evaluate_world_model, format_world_model_report
    from wpt_core.models.checkpoint import CheckpointError

    try:
        report = evaluate_world_model(Path(args.checkpoint), Path(args.data), max_samples=args.max_samples)
    except (CheckpointError, FileNotFoundError) as exc:
        print(f"wpt eval world-model: {exc}", file=sys.stderr)
        return 2
    print(format_world_model_report(report))
    _write_json(args.json, report)
    return 0


def run_open_loop(args: argparse.Namespace) -> int:
    from wpt_core.data.cache import CacheMismatchError
    from wpt_core.evaluation.open_loop import evaluate_open_loop, format_open_loop_report
    from wpt_core.models.checkpoint import CheckpointError

    try:
        report = evaluate_open_loop(Path(args.checkpoint), Path(args.data) if args.data else None,
                                    Path(args.cache) if args.cache else None, batch_size=args.batch_size,
                                    num_workers=args.workers, max_samples=args.max_samples)
    except (CheckpointError, CacheMismatchError, FileNotFoundError) as exc:
        print(f"wpt eval open-loop: {exc}", file=sys.stderr)
        return 2
    print(format_open_loop_report(report))
    _write_json(args.json, report)
    return 0


def _write_json(path: Optional[str], report: Dict[str, Any]) -> None:
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(report, indent=2))
