"""Contacts of the ego with other actors and with the map's edges, resolved as CARLA's physics would.

Without a contact model the ego drives through everything: the collision criterion counts the contact
and the ego carries on, so an agent that ignores the road ahead completes every route. In CARLA, rigid
bodies stop it, and here:
- a vehicle, bicycle or static obstacle stops the ego: it loses its speed and is pushed out of the
  overlap the shortest way (the separating axis of least penetration); a SUMO-driven vehicle it hit
  stops too, for `HIT_VEHICLE_STOP_S` (CARLA's autopilot drives on once it is free again);
- a pedestrian falls and stays where it was hit (held still for the rest of the route), and the ego,
  some twenty times heavier, loses what a plastic impact takes: v · m_ego / (m_ego + m_walker);
- the map's edges (the ego's centre `LAYOUT_DEPTH_M` into off-road ground, the collision criterion's
  own rule for a layout collision) stop the ego at its last pose clear of them.
A contact is resolved on the tick after it happened, so the scene of the contact tick still shows the
overlap and the collision criterion sees it as CARLA's collision sensor sees its physics frame. An ego
standing still (slower than the criterion's 0.1 m/s) is never what pushes: it is left where it is.
Once pushed off, the ego is pressed against what stopped it: a step towards that actor (followed as it
moves) while within PRESS_MARGIN_M of it, or onwards into the edge it was put back from, is not taken
(`holds`), so an agent that keeps the throttle on stands still, as against a wall in CARLA, instead
of creeping into it tick after tick (the route then ends as the leaderboard's rules say: blocked after
60 s, or at the 4000-tick limit where a scenario's timeout has switched the blocked test off);
reversing or steering away frees it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Tuple

import numpy as np

from wpt_core.geometry import OrientedBox
from wpt_core.ground_map import GroundClass, GroundMap
from wpt_core.sim.criteria.collision import LAYOUT_DEPTH_M, MIN_EGO_SPEED_MPS, in_layout, overlapping_actors
from wpt_core.sim.criteria.surface import deep_inside
from wpt_core.types import ActorKind, EgoState, Scene

EGO_MASS_KG = 1800.0           # CARLA's Lincoln MKZ 2020
WALKER_MASS_KG = 80.0
HIT_VEHICLE_STOP_S = 5.0       # a hit car stands this long (the leaderboard's same-actor window)
SEPARATION_GAP_M = 0.02        # pushed this far beyond touching, so the next tick starts clear
PRESS_MARGIN_M = 0.1           # within this of what stopped it, a step towards it is not taken


@dataclass(frozen=True)
class Outcome:
    """What one tick's contacts do: the ego's translation (m, CARLA frame), the factor its speed keeps, the
    pose it is put back to (it ran into the map's edge), and the actors that now fall / stop."""

    dx_m: float = 0.0
    dy_m: float = 0.0
    keep_speed: float = 1.0
    back_to: Optional[Tuple[float, float, float]] = None
    fallen: Tuple[str, ...] = ()
    stopped: Tuple[str, ...] = ()


def separation(ego: OrientedBox, other: OrientedBox) -> Tuple[float, float]:
    """The shortest translation of `ego` that ends the overlap of the two boxes (SAT's least penetration),
    plus SEPARATION_GAP_M; (0, 0) when they do not overlap."""
    a, b = ego.corners(), other.corners()
    best: Optional[Tuple[float, np.ndarray]] = None
    for poly in (a, b):
        for edge in np.roll(poly, -1, axis=0) - poly:
            n = np.array([-edge[1], edge[0]]) / max(float(np.hypot(*edge)), 1e-9)
            pa, pb = a @ n, b @ n
            depth = min(pa.max() - pb.min(), pb.max() - pa.min())
            if depth <= 0.0:
                return 0.0, 0.0
            if best is None or depth < best[0]:
                best = (float(depth), n)
    depth, n = best
    if np.dot(n, a.mean(axis=0) - b.mean(axis=0)) < 0.0:
        n = -n
    return float(n[0] * (depth + SEPARATION_GAP_M)), float(n[1] * (depth + SEPARATION_GAP_M))


class ContactModel:
    """Finds the contacts in a tick's scene and says what they do (see the module docstring)."""

    def __init__(self, ground: Optional[GroundMap]) -> None:
        self.ground = ground
        self.fallen: Set[str] = set()       # walkers hit so far: they lie where they were hit
        self._clear_pose: Optional[Tuple[float, float, float]] = None   # the ego's last pose clear of the layout
        self._pressing: Dict[str, OrientedBox] = {}   # what the ego was pushed off, followed as it moves
        self._into_layout: Optional[np.ndarray] = None   # direction the ego drove into the map's edge

    def resolve(self, scene: Scene) -> Outcome:
        """What the contacts of `scene` (the last tick's state) do to the ego and to the actors it hit."""
        ego = scene.ego
        self._pressing = {a.id: OrientedBox(a.x_m, a.y_m, a.yaw_deg, a.length_m, a.width_m)
                          for a in scene.actors if a.id in self._pressing}
        moving = ego.speed_mps >= MIN_EGO_SPEED_MPS
        if self.ground is not None and in_layout(self.ground, (ego.x_m, ego.y_m)):
            if moving and self._clear_pose is not None:
                self._into_layout = np.array([ego.x_m - self._clear_pose[0], ego.y_m - self._clear_pose[1]])
                return Outcome(keep_speed=0.0, back_to=self._clear_pose)
        else:
            self._clear_pose = (ego.x_m, ego.y_m, ego.yaw_deg)
        if not moving:
            return Outcome()
        dx = dy = 0.0
        keep = 1.0
        fallen: List[str] = []
        stopped: List[str] = []
        for actor in sorted(overlapping_actors(scene), key=lambda a: a.id):
            if actor.kind == ActorKind.WALKER:
                if actor.id not in self.fallen:
                    self.fallen.add(actor.id)
                    fallen.append(actor.id)
                    keep *= EGO_MASS_KG / (EGO_MASS_KG + WALKER_MASS_KG)
                continue
            box = OrientedBox(actor.x_m, actor.y_m, actor.yaw_deg, actor.length_m, actor.width_m)
            sx, sy = separation(OrientedBox(ego.x_m + dx, ego.y_m + dy, ego.yaw_deg, ego.length_m, ego.width_m), box)
            dx, dy, keep = dx + sx, dy + sy, 0.0
            self._pressing[actor.id] = box
            if actor.kind in (ActorKind.VEHICLE, ActorKind.BICYCLE):
                stopped.append(actor.id)
        return Outcome(dx, dy, keep, None, tuple(fallen), tuple(stopped))

    def holds(self, before: Tuple[float, float], ego: EgoState) -> bool:
        """Whether the ego's dynamics step from `before` (x, y) to its new pose drives it into what it is pressed
        against; the step is then not taken. What the ego has moved PRESS_MARGIN_M away from is let go."""
        step = np.array([ego.x_m - before[0], ego.y_m - before[1]])
        if self._into_layout is not None:
            near = self.ground is not None and deep_inside(self.ground, (ego.x_m, ego.y_m), (GroundClass.OFF_ROAD,),
                                                           LAYOUT_DEPTH_M - PRESS_MARGIN_M)
            if near and float(step @ self._into_layout) > 0.0:
                return True
            if not near:
                self._into_layout = None
        grown = OrientedBox(ego.x_m, ego.y_m, ego.yaw_deg, ego.length_m + 2 * PRESS_MARGIN_M,
                            ego.width_m + 2 * PRESS_MARGIN_M)
        self._pressing = {aid: box for aid, box in self._pressing.items() if grown.overlaps(box)}
        return any(float(step @ (np.array([box.x_m, box.y_m]) - before)) > 0.0 for box in self._pressing.values())
