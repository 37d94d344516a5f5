"""The base of every error that means "an input is wrong", as opposed to a bug.

Route files, towns, configs, agent files, … each have their own error type, all derived from
`InputError`, whose message is one line naming the file and the problem. The `wpt` command prints such
an error as that one line and exits 2; any other exception is a bug and keeps its traceback.
"""
from __future__ import annotations


class InputError(Exception):
    """A file or flag the user gave cannot be used; the message names it and says why, on one line."""
