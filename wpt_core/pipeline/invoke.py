"""Call a `wpt` command in-process with an argv list, so the pipeline never re-implements a stage."""
from __future__ import annotations

import logging
from typing import List

from wpt_core.pipeline.runner import StageError

LOG = logging.getLogger(__name__)


def wpt(argv: List[str]) -> None:
    """`wpt ARGV…`; a non-zero exit (bad input, an unknown command of this build) is a `StageError`."""
    from wpt_core.cli import main

    command = "wpt " + " ".join(argv)
    LOG.info("%s", command)
    try:
        status = main(argv)
    except SystemExit as exc:   # argparse: a command or option this build does not have
        status = exc.code if isinstance(exc.code, int) else 2
    if status:
        raise StageError(f"`{command}` exited with status {status}")
