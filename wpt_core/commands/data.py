"""`wpt data stats DIR [--json FILE]`: summarise a folder of Bench2Drive-layout clips;
`wpt data attach-results CHECKPOINT DIR`: give CARLA-recorded clips their leaderboard record."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from wpt_core.data.expert_records import attach_leaderboard_records
from wpt_core.data.stats import dataset_stats, format_stats
from wpt_core.errors import InputError


def _stats(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    if not root.is_dir():
        raise InputError(f"{root}: not a folder of clips")
    stats = dataset_stats(root)
    print(format_stats(stats))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(stats, indent=2))
    return 0


def _attach(args: argparse.Namespace) -> int:
    from wpt_core.leaderboard.results_file import load_results

    checkpoint, root = Path(args.checkpoint), Path(args.dir)
    load_results(checkpoint)   # a missing or malformed file: `ResultsFileError`, one line from `wpt`
    if not root.is_dir():
        raise InputError(f"{root}: not a folder of clips")
    print(f"attached {attach_leaderboard_records(checkpoint, root)} leaderboard records under {root}")
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("data", help="dataset tools (Bench2Drive clip layout)")
    sub = parser.add_subparsers(dest="data_command", required=True)
    stats = sub.add_parser("stats", help="clips, frames, scenario types, expert scores, disk use")
    stats.add_argument("dir", help="folder of clips (or one clip)")
    stats.add_argument("--json", help="also write the statistics to this JSON file")
    stats.set_defaults(func=_stats)
    attach = sub.add_parser("attach-results", help="copy leaderboard records into the clips they belong to")
    attach.add_argument("checkpoint", help="leaderboard results JSON (--checkpoint of the evaluator)")
    attach.add_argument("dir", help="folder of clips recorded by the CARLA data agent")
    attach.set_defaults(func=_attach)
