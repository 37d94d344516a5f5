"""Load an agent the way `leaderboard_evaluator.py` does, from a file path or an importable module.

The evaluator puts the file's folder on `sys.path`, imports the module by its basename and asks
`get_entry_point()` for the class name. Doing the same here is what guarantees that an agent file that
runs in `wpt eval` runs unchanged on CARLA (and why agent folders must not be packages). The project's own
agents also load by module name (`wpt_core.privileged_agents.expert_agent`), which needs no checkout
folder: a name that ends in `.py` or holds a path separator is a file, anything else a module.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from wpt_core.errors import InputError


class AgentLoadError(InputError, RuntimeError):
    """The agent file (or module) cannot be imported or does not follow the leaderboard protocol."""


def is_agent_file(agent: str | Path) -> bool:
    """True for an agent file path, False for an importable module name."""
    text = str(agent)
    return text.endswith(".py") or "/" in text or "\\" in text


def _import_file(agent_file: str | Path) -> ModuleType:
    path = Path(agent_file)
    if not path.is_file() or path.suffix != ".py":
        raise AgentLoadError(f"{agent_file}: agent file not found (expected a .py file)")
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    module = _import(str(agent_file), path.stem)
    if Path(getattr(module, "__file__", "") or "").resolve() != path.resolve():
        raise AgentLoadError(f"{agent_file}: importing {path.stem!r} found {module.__file__} instead — "
                             "rename the agent file (generic names clash with installed modules)")
    return module


def _import(agent: str, module_name: str) -> ModuleType:
    try:
        return importlib.import_module(module_name)
    except Exception as exc:  # an agent module may raise anything at import time
        raise AgentLoadError(f"{agent}: import failed: {type(exc).__name__}: {exc}") from exc


def load_agent_class(agent: str | Path) -> type:
    """The class named by `get_entry_point()` of an agent file (imported by basename from its folder) or of
    an importable module."""
    module = _import_file(agent) if is_agent_file(agent) else _import(str(agent), str(agent))
    entry = getattr(module, "get_entry_point", None)
    if entry is None:
        raise AgentLoadError(f"{agent}: no module-level get_entry_point()")
    name = entry()
    cls = getattr(module, str(name), None)
    if not isinstance(cls, type):
        raise AgentLoadError(f"{agent}: get_entry_point() returned {name!r}, which is not a class in the module")
    return cls


def instantiate_agent(cls: type, host: str = "localhost", port: int = 2000, debug: bool = False) -> Any:
    """Construct it with the leaderboard's fixed signature `(carla_host, carla_port, debug)`."""
    return cls(host, port, debug)
