"""Hand-built routes and a closed loop for the expert tests: the expert drives the embedded simulator's
own ego dynamics (`EgoDynamics`) through hand-scripted actors, lights and stop signs (no SUMO)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, List, Optional

import numpy as np

from wpt_core.geometry import OrientedBox
from wpt_core.sim.world.ego_dynamics import EgoDynamics
from wpt_core.types import Actor, ActorKind, Control, DenseRoute, RoadOption, Scene, StopSign, TrafficLight


def straight_route(length_m: float = 200.0, lane_width_m: float = 3.5, yaw_deg: float = 0.0,
                   start=(0.0, 0.0)) -> DenseRoute:
    n = int(length_m) + 1
    s = np.arange(n, dtype=np.float64)
    c, si = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
    xy = np.stack([start[0] + s * c, start[1] + s * si], axis=1)
    return DenseRoute(xy, np.full(n, yaw_deg), np.full(n, int(RoadOption.LANEFOLLOW)), np.zeros(n, bool),
                      np.full(n, lane_width_m))


def left_turn_route(straight_m: float = 40.0, radius_m: float = 12.0, exit_m: float = 60.0) -> DenseRoute:
    """East along y = 0, then a 90° left turn (towards −y, north in CARLA), then straight north."""
    pts, yaws, junction = [], [], []
    for x in np.arange(0.0, straight_m, 1.0):
        pts.append((x, 0.0)); yaws.append(0.0); junction.append(False)
    n_arc = int(math.pi / 2 * radius_m)
    for k in range(n_arc):
        th = (k / n_arc) * math.pi / 2
        pts.append((straight_m + radius_m * math.sin(th), -radius_m * (1 - math.cos(th))))
        yaws.append(-math.degrees(th)); junction.append(True)
    for y in np.arange(0.0, exit_m, 1.0):
        pts.append((straight_m + radius_m, -radius_m - y)); yaws.append(-90.0); junction.append(False)
    n = len(pts)
    cmd = np.where(np.array(junction), int(RoadOption.LEFT), int(RoadOption.LANEFOLLOW))
    return DenseRoute(np.array(pts), np.array(yaws), cmd, np.array(junction), np.full(n, 3.5))


def vehicle(aid: str, x: float, y: float, yaw: float = 0.0, speed: float = 0.0, kind=ActorKind.VEHICLE,
            role: str = "background", emergency: bool = False) -> Actor:
    length, width = (4.9, 2.1) if kind in (ActorKind.VEHICLE, ActorKind.STATIC) else (0.6, 0.6)
    if kind == ActorKind.BICYCLE:
        length, width = 1.8, 0.7
    return Actor(aid, kind, x, y, yaw, speed, length, width, 1.5, role=role, is_emergency=emergency)


def walker(aid: str, x: float, y: float, yaw: float, speed: float) -> Actor:
    return Actor(aid, ActorKind.WALKER, x, y, yaw, speed, 0.5, 0.5, 1.8, type_id="walker.pedestrian.0001")


def ego_at(x: float = 0.0, y: float = 0.0, yaw_deg: float = 0.0) -> EgoDynamics:
    """The embedded simulator's own ego model (kinematic bicycle, CARLA-like actuation), standing at a pose."""
    return EgoDynamics(x, y, yaw_deg)


@dataclass
class Log:
    t: List[float] = field(default_factory=list)
    x: List[float] = field(default_factory=list)
    y: List[float] = field(default_factory=list)
    speed: List[float] = field(default_factory=list)
    target: List[float] = field(default_factory=list)
    reason: List[str] = field(default_factory=list)
    controls: List[Control] = field(default_factory=list)
    outputs: list = field(default_factory=list)


ActorsFn = Callable[[float, EgoDynamics], List[Actor]]


def simulate(expert, route: DenseRoute, ego: EgoDynamics, seconds: float, actors: Optional[ActorsFn] = None,
             lights: Optional[Callable[[float], List[TrafficLight]]] = None,
             stop_signs: Optional[List[StopSign]] = None, dt: float = 0.05) -> Log:
    log = Log()
    for k in range(int(round(seconds / dt))):
        t = k * dt
        scene = Scene(k, t, ego.state(), actors(t, ego) if actors else [], lights(t) if lights else [],
                      list(stop_signs or []))
        out = expert.run_step(scene, route)
        c = out.control
        assert 0.0 <= c.throttle <= 1.0 and 0.0 <= c.brake <= 1.0 and -1.0 <= c.steer <= 1.0
        ego.step(c, dt)
        log.t.append(t); log.x.append(ego.x_m); log.y.append(ego.y_m); log.speed.append(ego.speed_mps)
        log.target.append(out.target_speed_mps); log.reason.append(out.reason); log.controls.append(out.control)
        log.outputs.append(out)
    return log


def ego_box(ego: EgoDynamics) -> OrientedBox:
    return OrientedBox(ego.x_m, ego.y_m, ego.yaw_deg, ego.params.length_m, ego.params.width_m)


def actor_box(a: Actor) -> OrientedBox:
    return OrientedBox(a.x_m, a.y_m, a.yaw_deg, a.length_m, a.width_m)


def collision_free(actors: ActorsFn) -> ActorsFn:
    """Wrap an actor script so that any overlap with the ego fails the test at once."""
    def wrapped(t: float, ego: EgoDynamics) -> List[Actor]:
        out = actors(t, ego)
        box = ego_box(ego)
        for a in out:
            assert not box.overlaps(actor_box(a)), f"collision with {a.id} at t={t:.2f}"
        return out
    return wrapped
