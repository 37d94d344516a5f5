"""`wpt routes generate|check|split`: make leaderboard route files for the embedded towns, validate one, or split
one for N evaluator processes (Bench2Drive's multi-GPU scripts)."""
from __future__ import annotations

import argparse
import collections


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("routes", help="leaderboard route files for the embedded simulator")
    sub = p.add_subparsers(dest="routes", required=True)
    gen = sub.add_parser("generate", help="routes with one scenario each (deterministic per seed)")
    gen.add_argument("--town", required=True, help="town name(s), comma separated (types spread over them)")
    gen.add_argument("--n", type=int, required=True, help="number of routes")
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--out", required=True, help="route XML to write")
    gen.add_argument("--types", default="", help="scenario types, comma separated (default: all with a site)")
    gen.add_argument("--min-length", type=float, default=200.0, help="route length lower bound (m)")
    gen.add_argument("--max-length", type=float, default=600.0, help="route length upper bound (m)")
    gen.add_argument("--exclude-sites", default="", help="route XML whose scenario sites (town, type, trigger "
                     "within 15 m) are not reused, e.g. the training routes when making evaluation routes")
    gen.set_defaults(func=run_generate)
    check = sub.add_parser("check", help="parse a route file and resolve every route's lanes on its town")
    check.add_argument("xml")
    check.set_defaults(func=run_check)
    split = sub.add_parser("split", help="N contiguous parts for N evaluators; prints 'index path port tm_port'")
    split.add_argument("--routes", required=True, help="leaderboard route XML")
    split.add_argument("--parts", type=int, required=True)
    split.add_argument("--out", required=True, help="folder for part_<i>.xml (an existing identical split is kept)")
    split.set_defaults(func=run_split)


def _split(text: str) -> list:
    return [t.strip() for t in text.split(",") if t.strip()]


def run_generate(args: argparse.Namespace) -> int:
    from wpt_core.leaderboard.route_file import read_routes, write_routes
    from wpt_core.sim.routes.route_generation import generate_route_set

    exclude = read_routes(args.exclude_sites) if args.exclude_sites else []
    routes = generate_route_set(_split(args.town), args.n, args.seed, _split(args.types) or None,
                                length_range_m=(args.min_length, args.max_length), exclude=exclude)
    write_routes(routes, args.out)
    per_type = collections.Counter(r.scenarios[0].type for r in routes)
    print(f"wrote {len(routes)} routes to {args.out}: " + ", ".join(f"{k} {v}" for k, v in sorted(per_type.items())))
    return 0


def run_check(args: argparse.Namespace) -> int:
    from wpt_core.leaderboard.route_file import read_routes
    from wpt_core.sim.routes.route_plan import route_lanes, route_town

    routes = read_routes(args.xml)
    for spec in routes:
        route_lanes(route_town(spec), spec)
    print(f"{args.xml}: {len(routes)} routes OK")
    return 0


def run_split(args: argparse.Namespace) -> int:
    from pathlib import Path

    from wpt_core.leaderboard.route_split import split_route_file

    for part in split_route_file(Path(args.routes), args.parts, Path(args.out)):
        print(part.index, part.path, part.port, part.tm_port)
    return 0
