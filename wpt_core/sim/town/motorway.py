"""Motorways and their ramps, read off a town's network: where the highway scenario types can happen.

A motorway edge is a driving edge signed at `MOTORWAY_MIN_SPEED_MPS` or more (CARLA's Town04/06 highways
are 90 km/h and up; the embedded towns' streets 50-60 km/h). An on-ramp is a slower edge whose traffic
runs straight on into a motorway edge that another motorway edge also runs into (the two merge); an
off-ramp is a slower edge that a motorway edge feeds beside its motorway continuation (the two part).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from wpt_core.sim.town.town import Town

MOTORWAY_MIN_SPEED_MPS = 25.0   # 90 km/h


@dataclass(frozen=True)
class OnRamp:
    ramp: str          # the ramp edge
    motorway_in: str   # the motorway edge beside which it joins
    merged: str        # the motorway edge both run into (the ramp joins as its rightmost lane)


@dataclass(frozen=True)
class OffRamp:
    approach: str      # the motorway edge the ramp leaves from (its rightmost lane)
    ramp: str          # the ramp edge
    onward: str        # the motorway edge that goes on


def is_motorway(town: Town, edge: str) -> bool:
    return town.lanes[town.edges[edge][0]].speed_mps >= MOTORWAY_MIN_SPEED_MPS


def _predecessors(town: Town) -> Dict[str, List[str]]:
    out: Dict[str, List[str]] = {e: [] for e in town.edges}
    for edge in sorted(town.edges):
        for nxt in town.successors(edge):
            out[nxt].append(edge)
    return out


@lru_cache(maxsize=8)
def on_ramps(town: Town) -> Tuple[OnRamp, ...]:
    """Every on-ramp of the town with the motorway edges it merges with (towns are immutable: cached)."""
    out = []
    for merged, before in sorted(_predecessors(town).items()):
        if not is_motorway(town, merged):
            continue
        ramps = [e for e in before if not is_motorway(town, e) and town.successors(e).get(merged) == "s"]
        motorway = [e for e in before if is_motorway(town, e)]
        out += [OnRamp(ramp, motorway[0], merged) for ramp in ramps if len(motorway) == 1]
    return tuple(out)


@lru_cache(maxsize=8)
def off_ramps(town: Town) -> Tuple[OffRamp, ...]:
    """Every off-ramp of the town with the motorway edge it leaves and the one that goes on (cached)."""
    out = []
    for approach in sorted(town.edges):
        if not is_motorway(town, approach):
            continue
        after = town.successors(approach)
        onward = [e for e in after if is_motorway(town, e)]
        out += [OffRamp(approach, ramp, onward[0]) for ramp in sorted(after)
                if not is_motorway(town, ramp) and len(onward) == 1]
    return tuple(out)


def motorway_predecessor(town: Town, edge: str) -> Optional[str]:
    """The motorway edge that runs straight into `edge`, if exactly one does."""
    before = [e for e in _predecessors(town)[edge] if is_motorway(town, e) and town.successors(e).get(edge) == "s"]
    return before[0] if len(before) == 1 else None


def motorway_successor(town: Town, edge: str) -> Optional[str]:
    """The motorway edge `edge` runs straight on into, if any."""
    return next((e for e, d in sorted(town.successors(edge).items()) if d == "s" and is_motorway(town, e)), None)
