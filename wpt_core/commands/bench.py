"""`wpt bench sim|sensors|collect|data`: throughput benchmarks, printed as JSON (measured, never asserted in
tests); `wpt bench latency`: teacher vs student ms per inference step, printed as a table (JSON with --json)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from wpt_core.config import load_config
from wpt_core.paths import repo_configs_dir
from wpt_core.privileged_agents import EXPERT_AGENT


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("bench", help="benchmarks (JSON to stdout)")
    sub = p.add_subparsers(dest="bench", required=True)
    sim = sub.add_parser("sim", help="embedded world ticks/s next to raw libsumo stepping, same town and traffic")
    sim.add_argument("--town", default="EmbeddedGrid")
    sim.add_argument("--seconds", type=float, default=60.0, help="simulated seconds per measurement")
    sim.add_argument("--seed", type=int, default=0)
    sim.set_defaults(func=run_sim)
    sensors = sub.add_parser("sensors", help="ms per frame per sensor type and for the Bench2Drive rig")
    sensors.add_argument("--width", type=int, default=400)
    sensors.add_argument("--height", type=int, default=225)
    sensors.add_argument("--frames", type=int, default=20)
    sensors.set_defaults(func=run_sensors)
    collect = sub.add_parser("collect", help="CPU ms per recorded frame of `wpt collect`, split by stage")
    collect.add_argument("--routes", default=str(repo_configs_dir() / "routes" / "embedded_smoke.xml"))
    collect.add_argument("--routes-subset", default="0", help="the route benchmarked (its first task)")
    collect.add_argument("--agent", default=EXPERT_AGENT)
    collect.add_argument("--frames", type=int, default=60, help="recorded frames per repetition")
    collect.add_argument("--repeats", type=int, default=3)
    collect.add_argument("--config", default=None, help="collection YAML (CollectConfig)")
    collect.add_argument("--set", dest="overrides", action="append", default=[])
    collect.set_defaults(func=run_collect)
    data = sub.add_parser("data", help="learning samples/s from raw clips and from the feature cache (same samples)")
    data.add_argument("--data", required=True, help="folder of clips the cache was built from")
    data.add_argument("--cache", required=True, help="feature cache (`wpt data cache`)")
    data.add_argument("--samples", type=int, default=200)
    data.add_argument("--seed", type=int, default=0)
    data.set_defaults(func=run_data)
    lat = sub.add_parser("latency", help="median / p90 ms per batch-1 step, teacher vs student, 1 thread / all / CUDA")
    lat.add_argument("--teacher", required=True, help="teacher checkpoint")
    lat.add_argument("--student", required=True, help="student (or baseline) checkpoint")
    source = lat.add_mutually_exclusive_group()
    source.add_argument("--data", help="time on the first sample of these clips (default: a synthetic input)")
    source.add_argument("--cache", help="time on the first sample of this feature cache")
    lat.add_argument("--iterations", type=_positive, default=50, help="timed steps per path and setting")
    lat.add_argument("--warmup", type=int, default=10, help="untimed steps first")
    lat.add_argument("--bf16", action="store_true", help="bf16 autocast (pays only on CPUs with bf16 instructions)")
    lat.add_argument("--channels-last", action="store_true", help="conv weights in channels_last (as trained)")
    lat.add_argument("--json", help="also write the report to this JSON file")
    lat.set_defaults(func=run_latency)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text}: must be at least 1")
    return value


def run_sim(args: argparse.Namespace) -> int:
    from wpt_core.sim.world.throughput_bench import bench_sim

    print(json.dumps(bench_sim(args.town, args.seconds, args.seed), indent=2))
    return 0


def run_sensors(args: argparse.Namespace) -> int:
    from wpt_core.sim.sensors.sensor_bench import bench_sensors

    print(json.dumps(bench_sensors(width=args.width, height=args.height, frames=args.frames), indent=2))
    return 0


def run_collect(args: argparse.Namespace) -> int:
    from wpt_core.sim.runner.collect_bench import bench_collect
    from wpt_core.sim.runner.collector import CollectConfig

    config = load_config(CollectConfig, args.config, args.overrides)
    print(json.dumps(bench_collect(args.routes, args.agent, args.routes_subset, args.frames, args.repeats,
                                   config), indent=2))
    return 0


def run_data(args: argparse.Namespace) -> int:
    from wpt_core.data.benchmark import bench_data
    from wpt_core.data.cache import CacheMismatchError

    try:
        result = bench_data(Path(args.data), Path(args.cache), args.samples, args.seed)
    except (CacheMismatchError, FileNotFoundError) as exc:
        print(f"wpt bench data: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0


def run_latency(args: argparse.Namespace) -> int:
    from wpt_core.data.cache import CacheMismatchError
    from wpt_core.evaluation.latency import bench_latency, format_latency_report
    from wpt_core.models.checkpoint import CheckpointError

    try:
        report = bench_latency(Path(args.teacher), Path(args.student), Path(args.data) if args.data else None,
                               Path(args.cache) if args.cache else None, args.iterations, args.warmup, args.bf16,
                               args.channels_last)
    except (CheckpointError, CacheMismatchError, FileNotFoundError) as exc:
        print(f"wpt bench latency: {exc}", file=sys.stderr)
        return 2
    print(format_latency_report(report))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0
