"""`StageClock`: CPU seconds per named stage of clip collection (`wpt bench collect` reports them).

Each stage is timed with `time.thread_time` on the thread that runs it, so the clip writer's background
encoding counts as CPU the collection spends, like the sensors rendered on the simulation thread — wall
time would hide it, and process time cannot tell the stages apart.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Dict, Iterator


class StageClock:
    """Accumulates CPU seconds by stage name; safe to use from the writer thread and the caller's at once."""

    def __init__(self) -> None:
        self.cpu_s: Dict[str, float] = {}
        self._lock = threading.Lock()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.thread_time()
        try:
            yield
        finally:
            spent = time.thread_time() - start
            with self._lock:
                self.cpu_s[name] = self.cpu_s.get(name, 0.0) + spent

    def snapshot(self) -> Dict[str, float]:
        with self._lock:
            return dict(self.cpu_s)
