"""The main job's stages, in order, each one `wpt` command (or a few) called in-process with an argv list.

Every stage resumes through its command: collect and eval `--resume` when their results file exists, train
`--resume` when the run folder holds `last.pt`, the feature cache and the world-model/open-loop/latency JSONs are
rebuilt only when missing.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Sequence

from wpt_core.config import ConfigError
from wpt_core.leaderboard.benchmark import load_benchmark
from wpt_core.pipeline.invoke import wpt
from wpt_core.pipeline.agent_configs import agent_config_for
from wpt_core.pipeline.pipeline_config import (ABLATION_OPEN_LOOP, ABLATION_PREFIX, LEARNED, PipelineConfig,
                                               ablation_policies, config_file, repo_file)
from wpt_core.pipeline.report_md import write_report
from wpt_core.pipeline.runner import Stage, StageContext
from wpt_core.pipeline.video import record_student_video
from wpt_core.privileged_agents import EXPERT_AGENT

LAST, BEST = "last.pt", "best.pt"   # the trainer's run-folder names (contract: every stage saves both)


def _sets(overrides: List[str]) -> List[str]:
    return [arg for value in overrides for arg in ("--set", value)]


def _training_args(ctx: StageContext) -> List[str]:
    training = ctx.config.training
    return ["--profile", training.profile, *_sets(training.overrides)]


def collect(ctx: StageContext) -> Dict[str, str]:
    stage = ctx.config.collect
    if stage.source == "clips":
        data = Path(stage.data)
        if not data.is_dir():
            raise ConfigError(f"collect.data: {data} is not a folder of clips")
        return {"data": str(data)}
    out = ctx.run_dir / "data"
    argv = ["collect", "--routes", str(config_file(stage.routes)), "--out", str(out), "--workers", str(ctx.workers),
            "--seed", str(ctx.config.seed), *_sets(stage.overrides)]
    if stage.routes_subset:
        argv += ["--routes-subset", stage.routes_subset]
    if (out / "collect_results.json").is_file():
        argv.append("--resume")
    wpt(argv)
    return {"data": str(out)}


def cache(ctx: StageContext) -> Dict[str, str]:
    out = ctx.run_dir / "cache"
    wpt(["data", "cache", "--data", ctx.output("collect", "data"), "--out", str(out), "--workers", str(ctx.workers),
         *_training_args(ctx)])
    return {"cache": str(out)}


def _train(ctx: StageContext, kind: str, inputs: List[str], name: str = "",
           overrides: Sequence[str] = ()) -> Dict[str, str]:
    """`wpt train <kind>` into `<run>/<name or kind>`, with the profile's overrides and then `overrides`."""
    out = ctx.run_dir / (name or kind)
    argv = ["train", kind.replace("_", "-"), *inputs, "--cache", ctx.output("cache", "cache"), "--out", str(out),
            *_training_args(ctx), *_sets(list(overrides))]
    if (out / LAST).is_file():
        argv.append("--resume")
    wpt(argv)
    best = out / BEST
    return {"checkpoint": str(best if best.is_file() else out / LAST), "run": str(out)}


def world_model(ctx: StageContext) -> Dict[str, str]:
    return _train(ctx, "world_model", [])


def world_model_eval(ctx: StageContext) -> Dict[str, str]:
    """`wpt eval world-model` on the world model's validation routes: its occupancy IoU next to the references."""
    out = ctx.run_dir / "world_model_eval.json"
    if not out.is_file():
        wpt(["eval", "world-model", "--checkpoint", ctx.output("world_model", "checkpoint"),
             "--data", ctx.output("collect", "data"), "--json", str(out),
             "--max-samples", str(ctx.config.report.world_model_samples)])
    return {"report": str(out)}


def teacher(ctx: StageContext) -> Dict[str, str]:
    return _train(ctx, "teacher", ["--world-model", ctx.output("world_model", "checkpoint")])


def student(ctx: StageContext) -> Dict[str, str]:
    return _train(ctx, "student", ["--teacher", ctx.output("teacher", "checkpoint")])


def baseline(ctx: StageContext) -> Dict[str, str]:
    return _train(ctx, "baseline", ["--world-model", ctx.output("world_model", "checkpoint")])


def ablation_student(policy: str) -> Stage:
    """The student again, with one ablation's overrides on top of the profile's."""
    def run(ctx: StageContext) -> Dict[str, str]:
        overrides = ctx.config.ablations.students[policy[len(ABLATION_PREFIX):]]
        return _train(ctx, "student", ["--teacher", ctx.output("teacher", "checkpoint")], policy, overrides)
    return Stage(policy, run)


def _closed_loop(ctx: StageContext, policy: str, agent: str, agent_config: Path, benchmark_name: str,
                 subset: str) -> Dict[str, str]:
    benchmark = load_benchmark(benchmark_name)
    results = ctx.run_dir / "eval" / f"{policy}.json"
    save_path = ctx.run_dir / "agent_outputs" / policy
    argv = ["eval", "--agent", agent, "--agent-config", str(agent_config), "--routes", str(benchmark.routes_path()),
            "--checkpoint", str(results), "--save-path", str(save_path), "--workers", str(ctx.workers),
            "--seed", str(ctx.config.seed), "--repetitions", str(benchmark.repetitions)]
    if subset:
        argv += ["--routes-subset", subset]
    if results.is_file():
        argv.append("--resume")
    results.parent.mkdir(parents=True, exist_ok=True)
    wpt(argv)
    return {"results": str(results), "save_path": str(save_path), "routes": str(benchmark.routes_path()),
            "routes_subset": subset}


def expert_eval(ctx: StageContext) -> Dict[str, str]:
    stage = ctx.config.expert_eval
    return _closed_loop(ctx, "expert", EXPERT_AGENT, config_file(stage.agent_config), stage.benchmark,
                        stage.routes_subset)


def eval_subset(config: PipelineConfig, policy: str) -> str:
    """The closed-loop routes of a learned policy: the teacher's and the ablations' own subsets when set."""
    stage = config.policy_eval
    if policy == "teacher" and stage.teacher_routes_subset:
        return stage.teacher_routes_subset
    if policy in ablation_policies(config) and config.ablations.routes_subset:
        return config.ablations.routes_subset
    return stage.routes_subset


def policy_eval(policy: str) -> Stage:
    def run(ctx: StageContext) -> Dict[str, str]:
        stage = ctx.config.policy_eval
        return _closed_loop(ctx, policy, str(repo_file(stage.agent)), agent_config_for(ctx, policy),
                            stage.benchmark, eval_subset(ctx.config, policy))
    return Stage(f"eval_{policy}", run)


def open_loop_of(name: str, policies: Sequence[str]) -> Stage:
    """`wpt eval open-loop` of `policies` on the cache's validation routes, one JSON each."""
    def run(ctx: StageContext) -> Dict[str, str]:
        outputs = {}
        for policy in policies:
            out = ctx.run_dir / "open_loop" / f"{policy}.json"
            if not out.is_file():
                wpt(["eval", "open-loop", "--checkpoint", ctx.output(policy, "checkpoint"),
                     "--cache", ctx.output("cache", "cache"), "--json", str(out)])
            outputs[policy] = str(out)
        return outputs
    return Stage(name, run)


def latency(ctx: StageContext) -> Dict[str, str]:
    out = ctx.run_dir / "latency.json"
    if not out.is_file():
        wpt(["bench", "latency", "--teacher", ctx.output("teacher", "checkpoint"),
             "--student", ctx.output("student", "checkpoint"), "--cache", ctx.output("cache", "cache"),
             "--json", str(out)])
    return {"latency": str(out)}


def pipeline_stages(config: PipelineConfig) -> List[Stage]:
    """The stages of a run, in order. The ablation students come last (trained, driven, open loop), so a run
    that stops early has the main table first."""
    ablations = ablation_policies(config)
    main = [Stage("collect", collect), Stage("cache", cache), Stage("world_model", world_model),
            Stage("world_model_eval", world_model_eval),
            Stage("teacher", teacher), Stage("student", student), Stage("baseline", baseline),
            Stage("expert_eval", expert_eval), *(policy_eval(p) for p in LEARNED),
            open_loop_of("open_loop", LEARNED),
            Stage("latency", latency), Stage("video", record_student_video)]
    extra = [*(ablation_student(p) for p in ablations), *(policy_eval(p) for p in ablations),
             open_loop_of(ABLATION_OPEN_LOOP, ablations)] if ablations else []
    return [*main, *extra, Stage("report", write_report, recorded=False)]
