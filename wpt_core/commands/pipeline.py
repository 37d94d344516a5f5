"""`wpt pipeline`: the main job, expert clips → world model → teacher → student and baseline → closed-loop and
open-loop evaluation → latency → report, one profile per `leaderboard_configs/pipelines/*.yaml`
(the stages live in `wpt_core.pipeline`)."""
from __future__ import annotations

import argparse
import os

from wpt_core.pipeline.pipeline_config import profile_names


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("pipeline", help="the main job on the embedded simulator (resumable stages + report)")
    p.add_argument("--profile", choices=profile_names(), default="quick",
                   help="leaderboard_configs/pipelines/<profile>.yaml")
    p.add_argument("--run", default="", help="run name under <output root>/pipeline/ (default: the profile name)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="collection / evaluation processes")
    p.add_argument("--resume", action="store_true",
                   help="continue the run: finished stages are skipped, the interrupted one continues")
    p.add_argument("--only", default="", help="comma-separated stages to run now (the rest wait for --resume)")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   help="override a profile value, e.g. expert_eval.benchmark=embedded_smoke")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from wpt_core.config import save_config
    from wpt_core.paths import run_dir
    from wpt_core.pipeline.pipeline_config import check_files, load_pipeline_config, profile_path
    from wpt_core.pipeline.runner import format_seconds, pending_stages, run_stages
    from wpt_core.pipeline.stages import pipeline_stages
    from wpt_core.pipeline.state import PipelineState

    config = load_pipeline_config(args.profile, args.overrides)
    out = run_dir("pipeline", args.run or args.profile)
    state = PipelineState.open(out, config, args.resume)
    stages = pipeline_stages(config)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    check_files(config, pending_stages(stages, state, only or None), profile_path(args.profile))
    save_config(config, out / "pipeline_config.yaml")
    walls = run_stages(stages, state, args.profile, config, out, args.workers, only or None)
    print(f"pipeline {out}: {len(walls)} stage(s) run in {format_seconds(sum(walls.values()))}; "
          f"report: {out / 'report.md'}")
    return 0
