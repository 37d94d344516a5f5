"""`wpt bench sim|sensors`: throughput benchmarks, printed as JSON (measured, never asserted in tests)."""
from __future__ import annotations

import argparse
import json


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


def run_sim(args: argparse.Namespace) -> int:
    from wpt_core.sim.world.throughput_bench import bench_sim

    print(json.dumps(bench_sim(args.town, args.seconds, args.seed), indent=2))
    return 0


def run_sensors(args: argparse.Namespace) -> int:
    from wpt_core.sim.sensors.sensor_bench import bench_sensors

    print(json.dumps(bench_sensors(width=args.width, height=args.height, frames=args.frames), indent=2))
    return 0
