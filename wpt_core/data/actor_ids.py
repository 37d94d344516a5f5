"""Integer actor ids for a clip's `bounding_boxes` (Bench2Drive's converter calls `int(id)` on them).

CARLA numbers every actor, and a clip recorded there keeps those numbers. The embedded world names its
actors (SUMO ids such as `bg_v12`, light approaches `J3:2`), so each name gets the next free integer the
first time a clip sees it and keeps it for the whole clip. An integer id is kept as it is unless the clip
already gave that number to another name; then it, too, gets a fresh one: ids never collide in a clip.
"""
from __future__ import annotations

from typing import Dict, Set


class ActorIds:
    """One per clip: `of(name)` → the integer id (as a string, like CARLA's `str(actor.id)`)."""

    def __init__(self) -> None:
        self._ids: Dict[str, str] = {}
        self._used: Set[int] = set()
        self._next = 1

    def of(self, name: str) -> str:
        known = self._ids.get(name)
        if known is not None:
            return known
        number = int(name) if name.isascii() and name.isdigit() and int(name) not in self._used else self._fresh()
        self._used.add(number)
        self._ids[name] = str(number)
        return self._ids[name]

    def _fresh(self) -> int:
        while self._next in self._used:
            self._next += 1
        return self._next
