"""Where a privileged agent (the expert, the data agent) gets the true world state.

In CARLA this role is played by `CarlaDataProvider`, a process-wide singleton; here it is the same
idea, simulator-agnostic: the embedded runner registers its world; on CARLA nothing does, so the privileged
agents (data_collection/) register a `carla_bridge` provider themselves and clear it in `destroy()`; the
expert only ever sees a `Scene`.
"""
from __future__ import annotations

from typing import Optional, Protocol

from wpt_core.types import Scene


class SceneProvider(Protocol):
    def scene(self) -> Scene:
        """The privileged scene at the current tick."""
        ...


_provider: Optional[SceneProvider] = None


def set_provider(provider: Optional[SceneProvider]) -> None:
    """Register (or clear, with None) the provider of the running simulation."""
    global _provider
    _provider = provider


def current_provider() -> Optional[SceneProvider]:
    """The registered provider, or None (a privileged agent on CARLA then registers the bridge itself)."""
    return _provider


def get_provider() -> SceneProvider:
    """The registered provider; a privileged agent outside a simulator gets a clear error."""
    if _provider is None:
        raise RuntimeError("no privileged scene provider is registered: privileged agents run only inside "
                           "`wpt eval`/`wpt collect` (embedded) or with the CARLA bridge (data_agent.py)")
    return _provider
