"""Train/validation split by route (optionally by town), never by frame, saved with every run.

A route goes to validation when a hash of (seed, town, route id) falls below the validation fraction, so a
route's side does not change when clips are added; weathers of one route always stay together.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple



@dataclass(frozen=True)
class Split:
    train: Tuple[str, ...]  # clip names
    val: Tuple[str, ...]

    def to_json(self) -> Dict[str, List[str]]:
        return {"train": list(self.train), "val": list(self.val),
                "val_routes": sorted({route_key(n) for n in self.val})}


_ROUTE_RE = re.compile(r"_(?P<town>[^_]+)_Route(?P<route>[^_]+)_Weather[^_]+$")


def route_key(clip_name: str) -> str:
    """`<town>/<route id>` of `<Scenario>_<Town>_Route<id>_Weather<k>`: a route across its weathers (any town
    name without underscores: CARLA's Town12 and the embedded EmbeddedGrid alike)."""
    m = _ROUTE_RE.search(clip_name)
    if m is None:
        raise ValueError(f"{clip_name}: not a Bench2Drive clip name (<Scenario>_<Town>_Route<id>_Weather<k>)")
    return f"{m['town']}/{m['route']}"


def _unit_hash(seed: int, key: str) -> float:
    return int(hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()[:12], 16) / float(16 ** 12)


def split_clips(names: Iterable[str], val_fraction: float, seed: int = 0, val_towns: Sequence[str] = ()) -> Split:
    """Routes of `val_towns` and hash-chosen routes go to validation; with ≥ 2 routes and a fraction > 0 each
    side keeps at least one route."""
    names = sorted(set(names))
    routes = sorted({route_key(n) for n in names})
    towns = set(val_towns)
    val = {r for r in routes if r.split("/")[0] in towns or _unit_hash(seed, r) < val_fraction}
    ranked = sorted(routes, key=lambda r: _unit_hash(seed, r))
    if val_fraction > 0 and not val and len(routes) >= 2:
        val = {ranked[0]}
    movable = [r for r in reversed(ranked) if r.split("/")[0] not in towns]
    if len(val) == len(routes) >= 2 and movable:
        val.discard(movable[0])
    return Split(train=tuple(n for n in names if route_key(n) not in val),
                 val=tuple(n for n in names if route_key(n) in val))


def save_split(split: Split, path: Path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(split.to_json(), indent=2))


def load_split(path: Path) -> Split:
    data = json.loads(Path(path).read_text())
    return Split(train=tuple(data["train"]), val=tuple(data["val"]))
