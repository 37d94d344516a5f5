"""`wpt maps build|convert`: regenerate the shipped towns, or convert an OpenDRIVE map (needs eclipse-sumo)."""
from __future__ import annotations

import argparse

from wpt_core.paths import towns_dir


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("maps", help="SUMO towns for the embedded simulator")
    sub = p.add_subparsers(dest="maps", required=True)
    build = sub.add_parser("build", help="regenerate the shipped towns (netgenerate or a written layout, then netconvert)")
    build.add_argument("--out", default=None, help="output folder (default: the package's towns folder)")
    build.set_defaults(func=run_build)
    conv = sub.add_parser("convert", help="OpenDRIVE (.xodr, e.g. a CARLA town) → SUMO .net.xml")
    conv.add_argument("--xodr", required=True)
    conv.add_argument("--out", required=True, help="output .net.xml")
    conv.set_defaults(func=run_convert)


def run_build(args: argparse.Namespace) -> int:
    from wpt_core.sim.town.maps import build_towns

    for path in build_towns(args.out or towns_dir()):
        print(path)
    return 0


def run_convert(args: argparse.Namespace) -> int:
    from wpt_core.sim.town.maps import convert_xodr
    from wpt_core.sim.town.town import Town

    town = Town.load(convert_xodr(args.xodr, args.out))
    print(f"{args.out}: {len(town.edges)} driving edges, {len(town.junctions)} junctions")
    return 0
