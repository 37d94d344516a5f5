"""`wpt collect`: record Bench2Drive-layout clips of the expert driving the embedded simulator."""
from __future__ import annotations

import argparse
from pathlib import Path

from wpt_core.config import load_config, save_config
from wpt_core.privileged_agents import EXPERT_AGENT

RIGS = ("bench2drive",)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("collect", help="expert data collection on the embedded simulator (Bench2Drive clips)")
    p.add_argument("--routes", required=True, help="leaderboard route XML")
    p.add_argument("--out", required=True, help="dataset folder (one clip per route, plus collect_results.json)")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--resume", action="store_true", help="keep finished clips, redo unfinished ones")
    p.add_argument("--rig", choices=RIGS, default="bench2drive")
    p.add_argument("--config", default=None, help="collection YAML (CollectConfig)")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   help="override, e.g. recording.camera_width=800")
    p.add_argument("--routes-subset", default="")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--towns", default="", help="folder of extra towns, <town>.net.xml or <town>.xodr (OpenDRIVE, "
                   "converted once); then $CARLA_ROOT's OpenDRIVE maps")
    p.add_argument("--agent", default=EXPERT_AGENT, help="privileged agent file or module (default: the expert)")
    p.add_argument("--skip-unknown-scenarios", action="store_true",
                   help="collect on routes whose scenario types the simulator does not know (skipping those)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check every input (config, agent, routes) before the output folder is touched, then collect."""
    from wpt_core.sim.runner.collector import ClipRecorder, CollectConfig
    from wpt_core.sim.runner.evaluator import EvalOptions, evaluate
    from wpt_core.sim.runner.preflight import check_run_inputs

    config = load_config(CollectConfig, args.config, args.overrides)
    out = Path(args.out)
    options = EvalOptions(routes_xml=args.routes, agent=args.agent, checkpoint=str(out / "collect_results.json"),
                          resume=args.resume, workers=args.workers, seed=args.seed,
                          routes_subset=args.routes_subset, towns_dir=args.towns,
                          skip_unknown_scenarios=args.skip_unknown_scenarios)
    check_run_inputs(options)
    out.mkdir(parents=True, exist_ok=True)
    save_config(config, out / "collect_config.yaml")
    evaluate(options, hooks_factory=ClipRecorder(str(out), config))
    print(f"clips in {out}; summary: wpt data stats {out}")
    return 0
