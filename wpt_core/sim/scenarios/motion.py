"""Scripted actors: kinematic motion along a path with bounded acceleration.

Scenario adversaries must do exactly what the scenario needs (brake at 7 m/s², run a red light, stay in
their lane behind the ego), which SUMO's driver models would not do on their own; so they are moved
here, every tick, with `World.move_scripted` (and SUMO NPCs still see them).
"""
from __future__ import annotations

import math
from typing import Iterable, List, Optional, Tuple

from wpt_core.leaderboard.tick import TICK_S
from wpt_core.polyline import Polyline
from wpt_core.sim.world.world import World
from wpt_core.types import Actor, ActorKind

Box = Tuple[str, float, float, float, float]  # id, x, y, length, width of something not to run into


class ScriptedMover:
    """One actor following `path` from arc length `s0` with a target speed and accel/decel limits."""

    def __init__(self, world: World, actor: Actor, path: Polyline, s0: float = 0.0, speed_mps: float = 0.0,
                 accel_mps2: float = 3.0, decel_mps2: float = 6.0, in_sumo: bool = True,
                 lateral_m: float = 0.0, corridor_margin_m: float = 0.3) -> None:
        self.world = world
        self.path = path
        self.s = float(s0)
        self.v = float(speed_mps)
        self.target_mps = float(speed_mps)
        self.accel_mps2 = accel_mps2
        self.decel_mps2 = decel_mps2
        self.lateral_m = lateral_m
        self.corridor_margin_m = corridor_margin_m
        self.length_m, self.width_m = actor.length_m, actor.width_m
        self.type_id, self.is_emergency, self.kind = actor.type_id, actor.is_emergency, actor.kind
        x, y, yaw = path.pose_at(self.s, lateral_m)
        actor.x_m, actor.y_m, actor.yaw_deg, actor.speed_mps = x, y, yaw, self.v
        actor.kind = actor.kind if actor.kind != ActorKind.STATIC else ActorKind.VEHICLE
        self.id = world.add_scripted(actor, in_sumo=in_sumo) or actor.id
        self.pose = (x, y, yaw)
        self.last_accel_mps2 = 0.0

    @property
    def finished(self) -> bool:
        return self.s >= self.path.length_m - 1e-3

    def gap_to(self, boxes: Iterable[Box]) -> float:
        """Free distance ahead along the path to the nearest box (not itself) overlapping its corridor."""
        gap = math.inf
        horizon = 20.0 + 4.0 * self.v  # farther boxes cannot matter this tick; skips most projections
        for box_id, x, y, length, width in boxes:
            if box_id == self.id or math.hypot(x - self.pose[0], y - self.pose[1]) > horizon:
                continue
            s_o, lat, _ = self.path.project((x, y))
            if s_o <= self.s or abs(lat - self.lateral_m) > (self.width_m + width) / 2 + self.corridor_margin_m:
                continue
            gap = min(gap, s_o - self.s - (self.length_m + length) / 2)
        return gap

    def step(self, obstacles: Optional[Iterable[Box]] = None, min_gap_m: float = 4.0,
             decel_override: Optional[float] = None) -> None:
        """Advance one tick; with `obstacles`, slow down to stay `min_gap_m` behind them."""
        target = self.target_mps
        decel = decel_override if decel_override is not None else self.decel_mps2
        if obstacles is not None:
            free = self.gap_to(obstacles) - min_gap_m
            target = min(target, math.sqrt(2.0 * self.decel_mps2 * max(free, 0.0)))
        dv = max(-decel * TICK_S, min(self.accel_mps2 * TICK_S, target - self.v))
        self.last_accel_mps2 = dv / TICK_S
        self.v = max(0.0, self.v + dv)
        self.s = min(self.s + self.v * TICK_S, self.path.length_m)
        self.pose = self.path.pose_at(self.s, self.lateral_m)
        self.world.move_scripted(self.id, self.pose[0], self.pose[1], self.pose[2], self.v)

    def remove(self) -> None:
        self.world.remove(self.id)


def actor_boxes(world: World) -> List[Box]:
    """Boxes of the ego and every scene actor, for `ScriptedMover.step` (a mover skips its own)."""
    scene = world.scene()
    ego = scene.ego
    boxes: List[Box] = [("ego", ego.x_m, ego.y_m, ego.length_m, ego.width_m)]
    boxes += [(a.id, a.x_m, a.y_m, a.length_m, a.width_m) for a in scene.actors]
    return boxes
