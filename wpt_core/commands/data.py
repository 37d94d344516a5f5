"""`wpt data stats DIR [--json FILE]`: summarise a folder of Bench2Drive-layout clips."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from wpt_core.data.stats import dataset_stats, format_stats


def _stats(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    if not root.is_dir():
        print(f"wpt data stats: {root} is not a folder")
        return 2
    stats = dataset_stats(root)
    print(format_stats(stats))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(stats, indent=2))
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("data", help="dataset tools (Bench2Drive clip layout)")
    sub = parser.add_subparsers(dest="data_command", required=True)
    stats = sub.add_parser("stats", help="clips, frames, scenario types, expert scores, disk use")
    stats.add_argument("dir", help="folder of clips (or one clip)")
    stats.add_argument("--json", help="also write the statistics to this JSON file")
    stats.set_defaults(func=_stats)
