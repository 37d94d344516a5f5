"""`wpt pipeline`: the main job on the embedded simulator, one profile per `leaderboard_configs/pipelines/*.yaml`.

Today it evaluates the privileged expert on a benchmark bundle and prints its scores; the collection,
training and distillation stages join this command (and the profile files) as they land.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import dataclass, field
from typing import List

from wpt_core.config import load_config, save_config
from wpt_core.paths import repo_configs_dir, run_dir, save_path, set_save_path

PIPELINES_DIR = "pipelines"


@dataclass(frozen=True)
class ExpertEvalStage:
    """The privileged expert on a benchmark (`benchmarks/<benchmark>.yaml`) with an agent config
    (relative to `leaderboard_configs/`)."""

    benchmark: str = "embedded_eval"
    agent_config: str = "agents/expert.yaml"


@dataclass(frozen=True)
class PipelineConfig:
    expert_eval: ExpertEvalStage = field(default_factory=ExpertEvalStage)


def profiles() -> List[str]:
    return sorted(p.stem for p in (repo_configs_dir() / PIPELINES_DIR).glob("*.yaml"))


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("pipeline", help="the main job on the embedded simulator")
    p.add_argument("--profile", choices=profiles(), default="quick",
                   help="leaderboard_configs/pipelines/<profile>.yaml")
    p.add_argument("--run", default="", help="run name under <output root>/pipeline/ (default: timestamp)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--seed", type=int, default=None, help="default: the benchmark's seed")
    p.add_argument("--resume", action="store_true", help="continue a previous run of the same name")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   help="override a profile value, e.g. expert_eval.benchmark=embedded_smoke")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from wpt_core.evaluation.report import compute_report, format_report
    from wpt_core.leaderboard.benchmark import load_benchmark
    from wpt_core.privileged_agents import EXPERT_AGENT
    from wpt_core.sim.runner.evaluator import EvalOptions, evaluate

    config = load_config(PipelineConfig, repo_configs_dir() / PIPELINES_DIR / f"{args.profile}.yaml", args.overrides)
    stage = config.expert_eval
    benchmark = load_benchmark(stage.benchmark)
    out = run_dir("pipeline", args.run or time.strftime("%Y%m%d_%H%M%S"))
    save_config(config, out / "pipeline_config.yaml")
    set_save_path(out / "agent_outputs")
    document = evaluate(EvalOptions(
        routes_xml=str(benchmark.routes_path()), agent=EXPERT_AGENT,
        agent_config=str(repo_configs_dir() / stage.agent_config),
        checkpoint=str(out / "expert_eval.json"), resume=args.resume, workers=args.workers,
        seed=benchmark.seed if args.seed is None else args.seed, repetitions=benchmark.repetitions))
    report = compute_report(document, metric_dir=save_path(), expected_routes=None)
    (out / "expert_report.json").write_text(json.dumps(report, indent=2))
    print(format_report(report))
    print(f"results: {out / 'expert_eval.json'}\nreport:  {out / 'expert_report.json'}")
    return 0
