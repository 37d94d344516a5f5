"""Scripted vehicle flows along one lane: TwoWays oncoming traffic, InvadingTurn's invaders and
CrossingBicycleFlow's cyclists.

As scenario_runner's OppositeActorFlow / InvadingActorFlow: a car appears at the path start once the
previous one has driven `spacing` m (drawn per car from an interval), drives at a fixed speed, keeps its
distance to whatever is in its corridor (the ego included) and is removed at the path end. Two guards
the leaderboard gets from CARLA's spawn collision checks and the flow's placement: no car appears within
`SPAWN_CLEAR_M` of the ego (it would appear in front of the ego with no time to react) or on top of
another actor. The scenario can pause spawning (`spawning = False`) to open a gap, and set a hold
point that cars not yet past it stop at (oncoming traffic waiting for an ego that is mid-pass).
"""
from __future__ import annotations

import math
from typing import Dict, List, Optional, Sequence, Set, Tuple

from wpt_core.leaderboard.tick import TICK_S
from wpt_core.sim.scenarios.base import Scenario
from wpt_core.sim.scenarios.motion import Box, ScriptedMover
from wpt_core.polyline import Polyline
from wpt_core.sim.scenarios.props import CAR_TYPES, make_actor
from wpt_core.types import ActorKind

SPAWN_CLEAR_M = 50.0       # the ego is at least this far from where a car appears
SPAWN_FREE_M = 3.0         # bumper gap to any other actor at the source
HOLD_DECEL_MPS2 = 3.0      # comfortable braking towards a hold point
YIELD_AFTER_S = 2.0        # a car stopped this long by something in its corridor ...
YIELD_LATERAL_MPS = 0.5    # ... moves back towards its lane centre at this rate


class ScriptedFlow:
    """One lane's flow of scripted cars, named `<scenario>_<name><k>`; cars are also in `scenario.movers`
    so that the scenario's cleanup removes them."""

    def __init__(self, scenario: Scenario, path: Polyline, name: str, spacing_m: Tuple[float, float],
                 speed_mps: float, lateral_m: float = 0.0, corridor_margin_m: float = 0.3,
                 yield_sideways: bool = False, type_ids: Sequence[str] = CAR_TYPES,
                 kind: ActorKind = ActorKind.VEHICLE) -> None:
        self.scenario = scenario
        self.path = path
        self.name = name
        self.spacing_m = (float(min(spacing_m)), float(max(spacing_m)))
        self.speed_mps = speed_mps
        self.lateral_m = lateral_m
        self.corridor_margin_m = corridor_margin_m
        self.yield_sideways = yield_sideways
        self.type_ids, self.kind = list(type_ids), kind
        self.cars: List[ScriptedMover] = []
        self.spawned = 0
        self.spawning = True
        self.hold_s: Optional[float] = None
        self._next_spacing = 0.0
        self._stopped_since: Dict[str, float] = {}
        self._holding: Set[str] = set()  # cars that were able to stop at the current hold point

    def source_clear(self, boxes: Sequence[Box]) -> bool:
        """Nothing near the source: the ego farther than SPAWN_CLEAR_M, nothing else (walkers on the
        sidewalk aside) within a bumper gap of the new car's footprint."""
        x0, y0, _ = self.path.pose_at(0.0, self.lateral_m)
        length, width = 5.0, 2.2
        for box_id, x, y, box_length, box_width in boxes:
            d = math.hypot(x - x0, y - y0)
            if box_id == "ego" and d < SPAWN_CLEAR_M:
                return False
            if d > (length + box_length) / 2 + SPAWN_FREE_M + width:
                continue
            s, lateral, _ = self.path.project((x, y))
            if s < (length + box_length) / 2 + SPAWN_FREE_M and \
                    abs(lateral - self.lateral_m) < (width + box_width) / 2 + 0.3:
                return False
        return True

    def tick(self, boxes: Sequence[Box]) -> None:
        """Spawn if due and clear, then move every car one tick."""
        last = self.cars[-1] if self.cars else None
        if self.spawning and (last is None or last.s >= self._next_spacing) and self.source_clear(boxes):
            self._spawn()
        for car in list(self.cars):
            self._step(car, boxes)
            if car.finished:
                car.remove()
                self.cars.remove(car)
                self.scenario.movers.remove(car)
                self._holding.discard(car.id)
                self._stopped_since.pop(car.id, None)

    def _spawn(self) -> None:
        self.spawned += 1
        type_id = self.type_ids[self.spawned % len(self.type_ids)]
        actor = make_actor(self.scenario.uid(f"{self.name}{self.spawned}"), type_id, self.kind, (0.0, 0.0, 0.0))
        car = ScriptedMover(self.scenario.world, actor, self.path, 0.0, self.speed_mps,
                            lateral_m=self.lateral_m, corridor_margin_m=self.corridor_margin_m)
        self.cars.append(car)
        self.scenario.movers.append(car)
        self._next_spacing = float(self.scenario.ctx.rng.uniform(*self.spacing_m))

    def _step(self, car: ScriptedMover, boxes: Sequence[Box]) -> None:
        car.target_mps = self.speed_mps
        if self.hold_s is None:
            self._holding.discard(car.id)
        else:
            room = self.hold_s - car.s - car.length_m / 2
            if room >= car.v * car.v / (2.0 * car.decel_mps2):   # it can still stop before the hold point
                self._holding.add(car.id)
            if car.id in self._holding:
                car.target_mps = min(car.target_mps, math.sqrt(2.0 * HOLD_DECEL_MPS2 * max(room, 0.0)))
        car.step(boxes)
        if self.yield_sideways:
            self._yield_sideways(car, boxes)

    def _yield_sideways(self, car: ScriptedMover, boxes: Sequence[Box]) -> None:
        """A car cutting into the other lane that something there has stopped moves back into its own
        lane, as a driver would, instead of facing it forever."""
        now = self.scenario.world.time_s
        if car.v > 0.5 or car.gap_to(boxes) > 10.0:
            self._stopped_since.pop(car.id, None)
            return
        since = self._stopped_since.setdefault(car.id, now)
        if now - since >= YIELD_AFTER_S and car.lateral_m != 0.0:
            step = min(abs(car.lateral_m), YIELD_LATERAL_MPS * TICK_S)
            car.lateral_m -= math.copysign(step, car.lateral_m)
