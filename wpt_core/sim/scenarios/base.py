"""A scenario's life cycle on a route, as the leaderboard runs it (the manager drives it: `manager.py`).

Every scenario is built and set up at route start (the leaderboard spawns scenario actors when the route
is loaded), triggered when the ego's position on the route comes within 2 m of its trigger point
(scenario_runner's `ScenarioTriggerer`, DIST_THRESHOLD = 2 m; we also trigger if the ego has already
passed it), then ticked until it ends. Types that the leaderboard guards with `ScenarioTimeout` +
`ScenarioTimeoutTest` (obstacles, junction turns, InvadingTurn: 240 s) report a 'scenario_timeouts'
infraction when the ego has not got past the scenario area in time; the scenario is then removed so the
ego can go on, as on the leaderboard. While such a scenario runs, the route's ActorBlockedTest is off
(ScenarioTimeout's `AC_SwitchActorBlockedTest` message: off when it starts, on again when it ends), so
an ego waiting in it is not ended as blocked.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Callable, ClassVar, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from wpt_core.geometry import wrap_deg
from wpt_core.leaderboard.infractions import DEFAULT_MESSAGES, SCENARIO_TIMEOUT
from wpt_core.leaderboard.route_file import ScenarioSpec
from wpt_core.sim.scenarios.motion import ScriptedMover
from wpt_core.sim.scenarios.placement import RouteLayout
from wpt_core.sim.town.town import Town
from wpt_core.sim.world.world import World
from wpt_core.types import Actor, ActorKind, Control, DenseRoute

LOG = logging.getLogger(__name__)


@dataclass
class ScenarioContext:
    """What a scenario may touch: the running world, the map, the route and the route's criteria hooks."""

    world: World
    town: Town
    route: DenseRoute
    route_lanes: List[str]
    rng: np.random.Generator
    report_infraction: Callable[[str, str, float, float], None]
    set_lane_invasion_allowed: Callable[[bool], None]
    set_blocked_test_active: Callable[[bool], None]


class Scenario:
    """Base class: subclasses fill `setup`, `on_trigger`, `tick` and set `end_s` (route s that ends it)."""

    type_name: ClassVar[str] = ""
    trigger_distance_m: ClassVar[float] = 2.0
    timeout_s: ClassVar[Optional[float]] = None  # set on the families B2D guards with ScenarioTimeout

    def __init__(self, spec: ScenarioSpec, ctx: ScenarioContext) -> None:
        self.spec = spec
        self.ctx = ctx
        self.world = ctx.world
        self.town = ctx.town
        self.geometry = RouteLayout(ctx.route, list(ctx.route_lanes), ctx.town)
        self.trigger_xy = (float(spec.trigger[0]), float(spec.trigger[1]))
        self.trigger_s = self.geometry.s_of(self.trigger_xy)
        self.route_length_m = self.geometry.path.length_m
        self.end_s: Optional[float] = None
        self.ego_s = 0.0
        self.triggered = False
        self.trigger_time_s: Optional[float] = None
        self.done = False
        self.actor_ids: List[str] = []
        self.movers: List[ScriptedMover] = []
        self._invasion_allowed = False

    # --- parameters (route XML children: <distance value="40"/>, <frequency from=".." to=".."/>) -------
    def param(self, name: str, kind: type, default):
        attrs = self.spec.params.get(name)
        return kind(attrs["value"]) if attrs and "value" in attrs else default

    def interval(self, name: str, default: Tuple[float, float]) -> Tuple[float, float]:
        attrs = self.spec.params.get(name)
        if attrs and "from" in attrs and "to" in attrs:
            return float(attrs["from"]), float(attrs["to"])
        return default

    # --- life cycle -----------------------------------------------------------------------------
    def setup(self) -> None:
        """Route start: place what exists before the ego arrives (parked cars, cones ...)."""

    def on_trigger(self) -> None:
        """The ego reached the trigger point."""

    def tick(self) -> None:
        """Every tick after the trigger until the scenario is done."""

    def idle_tick(self) -> None:
        """Every tick before the trigger (actors that must move before it, e.g. a lead vehicle)."""

    @classmethod
    def ego_start_pose(cls, spec: ScenarioSpec, town: Town, route: DenseRoute) -> Optional[Tuple[float, float, float]]:
        """Where the ego starts instead of the route's first point (ParkingExit's parking spot), if anywhere."""
        return None

    def perturb(self, control: Control) -> Control:
        """The control the ego actually gets this tick (ControlLoss adds noise to the agent's)."""
        return control

    def finished(self) -> bool:
        """Whether the ego got past the scenario area."""
        return self.end_s is not None and self.ego_s >= min(self.end_s, self.route_length_m - 1.0)

    def cleanup(self) -> None:
        """Remove everything the scenario spawned and give back what it changed."""
        for mover in self.movers:
            if mover.id not in self.actor_ids:
                self.actor_ids.append(mover.id)
        for actor_id in self.actor_ids:
            try:
                self.world.remove(actor_id)
            except Exception:  # already gone (left the network, removed by SUMO at its route end)
                LOG.debug("actor %s already removed", actor_id)
        self.actor_ids, self.movers = [], []
        self.allow_lane_invasion(False)

    # --- helpers for subclasses -------------------------------------------------------------------
    def uid(self, suffix: str) -> str:
        return f"{self.spec.name}_{suffix}"

    def add_static(self, actor: Actor, block_lane: bool = True) -> str:
        actor_id = self.world.add_static(actor, block_lane=block_lane) or actor.id
        self.actor_ids.append(actor_id)
        return actor_id

    def spawn(self, lane_id: str, s_m: float, speed_mps: float, **kwargs) -> str:
        actor_id = self.world.spawn_vehicle(lane_id, s_m, speed_mps, role="scenario", **kwargs)
        self.actor_ids.append(actor_id)
        return actor_id

    def hand_over(self, mover: ScriptedMover) -> None:
        """A scripted vehicle whose part is over becomes ordinary SUMO traffic at the same pose instead of
        vanishing in front of the ego; inside a junction, off the road or against the lane it is removed."""
        self.world.remove(mover.id)
        self.movers.remove(mover)
        x, y, yaw = mover.pose
        match = self.town.nearest_lane((x, y), max_distance_m=1.5)
        if mover.kind == ActorKind.WALKER or match is None or self.town.lanes[match.lane_id].is_internal:
            return
        lane = self.town.lanes[match.lane_id]
        if abs(wrap_deg(lane.pose_at(match.s_m)[2] - yaw)) > 45.0:
            return
        route_edges = [self.town.lanes[lid].edge_id for lid in self.ctx.route_lanes
                       if not self.town.lanes[lid].is_internal]
        onward = route_edges[route_edges.index(lane.edge_id):] if lane.edge_id in route_edges else None
        try:  # on the route it keeps following the route (no sudden lane change for a turn elsewhere)
            self.world.spawn_vehicle(lane.id, match.s_m, mover.v, type_id=mover.type_id, route_edges=onward,
                                     kind=mover.kind, is_emergency=mover.is_emergency, role="background")
        except Exception as err:  # SUMO refused the insertion (lane end, occupied): it just leaves
            LOG.debug("hand-over of %s failed: %s", mover.id, err)

    def keep_clear(self, lane_ids: Iterable[str], beyond_m: float = 40.0) -> None:
        """Bench2Drive's LeaveSpaceInFront / ChangeOppositeBehavior(False) / HandleJunctionScenario: background
        vehicles on the scenario's lanes are taken out while still `beyond_m` from the ego, so nothing
        queues at an obstacle ahead of the ego and the scenario's own flow is the only traffic there."""
        lanes = set(lane_ids)
        ego = self.world.ego
        for actor in self.world.scene().actors:
            if actor.role == "background" and actor.lane_id in lanes and \
                    math.hypot(actor.x_m - ego.x_m, actor.y_m - ego.y_m) > beyond_m and \
                    self.geometry.path.project((actor.x_m, actor.y_m))[0] > self.ego_s:  # ahead, not yet passed
                self.world.remove(actor.id)

    def allow_lane_invasion(self, allowed: bool) -> None:
        if allowed != self._invasion_allowed:
            self._invasion_allowed = allowed
            self.ctx.set_lane_invasion_allowed(allowed)

    def ego_time_to(self, xy: Sequence[float]) -> Tuple[float, float]:
        """(distance, time to arrival at the current speed) from the ego to a point."""
        ego = self.world.ego
        dist = float(np.hypot(xy[0] - ego.x_m, xy[1] - ego.y_m))
        return dist, dist / ego.speed_mps if ego.speed_mps > 0.1 else float("inf")

    def elapsed_s(self) -> float:
        return self.world.time_s - (self.trigger_time_s or 0.0)

    # --- driven by the manager ----------------------------------------------------------------------
    def update(self, ego_s: float, near_trigger: bool) -> None:
        self.ego_s = ego_s
        if self.done:
            return
        if not self.triggered:
            if not (near_trigger or ego_s >= self.trigger_s):
                self.idle_tick()
                return
            self.triggered = True
            self.trigger_time_s = self.world.time_s
            if self.timeout_s is not None:
                self.ctx.set_blocked_test_active(False)
            self.on_trigger()
        self.tick()
        if self.finished():
            self._end()
        elif self.timeout_s is not None and self.elapsed_s() > self.timeout_s:
            ego = self.world.ego
            self.ctx.report_infraction(SCENARIO_TIMEOUT, DEFAULT_MESSAGES[SCENARIO_TIMEOUT], ego.x_m, ego.y_m)
            self._end()

    def _end(self) -> None:
        self.done = True
        self.cleanup()
        if self.timeout_s is not None:
            self.ctx.set_blocked_test_active(True)
