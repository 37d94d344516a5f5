"""The `wpt` command: one subcommand family per module in `wpt_core.commands`.

Bad input — any of the project's `InputError` types — ends as one line on stderr (the message names the
file and the problem) and exit status 2; every other exception is a bug and keeps its traceback.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from typing import List, Optional

import wpt_core.commands
from wpt_core.errors import InputError

INPUT_ERROR_EXIT = 2
INTERRUPTED_EXIT = 130   # 128 + SIGINT, what a shell reports for a Ctrl-C'd command


def build_parser() -> argparse.ArgumentParser:
    """Every module in `wpt_core.commands` registers its own subcommands."""
    parser = argparse.ArgumentParser(prog="wpt", description="WPT driving stack")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for info in sorted(pkgutil.iter_modules(wpt_core.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"wpt_core.commands.{info.name}")
        module.add_parser(subparsers)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"wpt {args.command}: {' '.join(str(exc).split())}", file=sys.stderr)
        return INPUT_ERROR_EXIT
    except KeyboardInterrupt:   # Ctrl-C: finished work is on disk (results, clips, checkpoints); no traceback
        print(f"wpt {args.command}: interrupted; what finished is saved: run the command again (with --resume "
              "where it has one) to continue", file=sys.stderr)
        return INTERRUPTED_EXIT


if __name__ == "__main__":
    sys.exit(main())
