"""Load an agent file exactly the way `leaderboard_evaluator.py` does.

The evaluator puts the file's folder on `sys.path`, imports the module by its basename and asks
`get_entry_point()` for the class name. Doing the same here is what guarantees that an agent file that
runs in `wpt eval` runs unchanged on CARLA (and why agent folders must not be packages).
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from wpt_core.errors import InputError


class AgentLoadError(InputError, RuntimeError):
    """The agent file cannot be imported or does not follow the leaderboard protocol."""


def load_agent_class(agent_file: str | Path) -> type:
    """Import `agent_file` by basename from its folder and return the class named by `get_entry_point()`."""
    path = Path(agent_file)
    if not path.is_file() or path.suffix != ".py":
        raise AgentLoadError(f"{agent_file}: agent file not found (expected a .py file)")
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    try:
        module = importlib.import_module(path.stem)
    except Exception as exc:  # an agent file may raise anything at import time
        raise AgentLoadError(f"{agent_file}: import failed: {type(exc).__name__}: {exc}") from exc
    if Path(getattr(module, "__file__", "") or "").resolve() != path.resolve():
        raise AgentLoadError(f"{agent_file}: importing {path.stem!r} found {module.__file__} instead — "
                             "rename the agent file (generic names clash with installed modules)")
    entry = getattr(module, "get_entry_point", None)
    if entry is None:
        raise AgentLoadError(f"{agent_file}: no module-level get_entry_point()")
    name = entry()
    cls = getattr(module, str(name), None)
    if not isinstance(cls, type):
        raise AgentLoadError(f"{agent_file}: get_entry_point() returned {name!r}, which is not a class in the file")
    return cls


def instantiate_agent(cls: type, host: str = "localhost", port: int = 2000, debug: bool = False) -> Any:
    """Construct it with the leaderboard's fixed signature `(carla_host, carla_port, debug)`."""
    return cls(host, port, debug)
