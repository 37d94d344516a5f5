"""`wpt data stats DIR [--json FILE]`: summarise a folder of Bench2Drive-layout clips;
`wpt data attach-results CHECKPOINT DIR`: give CARLA-recorded clips their leaderboard record;
`wpt data cache --data DIR --profile P --out CACHE`: decode clips once into the training feature cache."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from wpt_core.commands.train import add_profile_arguments
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


def _cache(args: argparse.Namespace) -> int:
    from wpt_core.config import ConfigError
    from wpt_core.data.cache import CacheMismatchError, build_cache
    from wpt_core.training.profile import load_profile

    try:
        profile = load_profile(args.profile, args.config, args.overrides)
        result = build_cache(Path(args.data), Path(args.out), profile.data, args.workers)
    except (ConfigError, CacheMismatchError, FileNotFoundError) as exc:
        print(f"wpt data cache: {exc}", file=sys.stderr)
        return 2
    print(f"cache {args.out}: {result['built']} clips built, {result['kept']} kept, {result['frames']} frames")
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
    cache = sub.add_parser("cache", help="decode clips once into memory-mapped training shards (idempotent, resumable)")
    cache.add_argument("--data", required=True, help="folder of Bench2Drive-layout clips")
    cache.add_argument("--out", required=True, help="cache folder (refused if built with another data config)")
    cache.add_argument("--workers", type=int, default=1, help="clips decoded in parallel processes")
    add_profile_arguments(cache)
    cache.set_defaults(func=_cache)
