"""Overtaking scenarios: something blocks the ego lane `distance` m after the trigger.

As in scenario_runner's route_obstacles.py / construction_crash_vehicle.py: the actors exist from route
start, displaced towards `direction` (parked car 0.7, accident 0.6 × half the lane width); the scenario
ends when the ego is 50 m past the last actor and times out after 240 s. TwoWays variants send an
oncoming flow down the opposite lane (spacing drawn from `frequency` from/to, in metres as
`OppositeActorFlow` reads it; a single `frequency` value is seconds between cars) and allow the ego
into that lane until it is past. B2D's flow is not endless for a waiting ego (its cars brake for the ego
and the flow stalls behind them), so here an ego that has stood behind the obstacle for
`WAIT_BEFORE_GAP_S` gets a gap: no car appears for `GAP_S` or until it is past the obstacle; and while
the ego is in the opposite lane beside the obstacle, oncoming cars that can still stop wait `HOLD_M`
beyond it, leaving the ego room to get back into its lane.
"""
from __future__ import annotations

from typing import List, Optional, Tuple

from wpt_core.sim.scenarios.base import Scenario
from wpt_core.sim.scenarios.flows import ScriptedFlow
from wpt_core.sim.scenarios.motion import ScriptedMover, actor_boxes
from wpt_core.sim.scenarios.placement import opposite_lane
from wpt_core.sim.scenarios.props import CAR_TYPES, make_actor
from wpt_core.types import ActorKind

END_DISTANCE_M = 50.0
OPPOSITE_SPEED_MPS = 8.0
WAIT_SPEED_MPS = 0.5      # slower than this the ego is standing
WAIT_ZONE_M = 40.0        # ... and waiting for a gap when it stands this close behind the obstacle
WAIT_BEFORE_GAP_S = 3.0
GAP_S = 20.0              # a careful pass from a standstill takes about 10 s
HOLD_M = 30.0             # oncoming cars wait this far beyond the obstacle while the ego passes it


class _Obstacle(Scenario):
    """Shared placement: poses on the route at trigger + distance, shifted sideways."""

    timeout_s = 240.0
    offset = 0.7  # fraction of half the lane width the obstacle is shifted towards `direction`
    default_distance = 120.0

    def __init__(self, spec, ctx) -> None:
        super().__init__(spec, ctx)
        self.distance = self.param("distance", float, self.default_distance)
        self.direction = self.param("direction", str, "right")
        if self.direction not in ("left", "right"):
            raise ValueError(f"{spec.name}: 'direction' must be 'left' or 'right', got {self.direction!r}")
        self.obstacle_s = min(self.trigger_s + self.distance, self.route_length_m - 5.0)
        if self.obstacle_s <= self.trigger_s:
            raise ValueError(f"{spec.name}: the route ends before the obstacle position")
        self.obstacle_lane = self.geometry.lane_at(self.obstacle_s)[0].id
        self.block_span = (self.obstacle_s, self.obstacle_s)

    def blocked_span(self) -> Tuple[float, float]:
        """Route s of the first and last thing blocking the ego lane."""
        return self.block_span

    def side_pose(self, s: float, offset_fraction: float, yaw_jitter: float = 0.0) -> Tuple[float, float, float]:
        sign = 1.0 if self.direction == "right" else -1.0
        x, y, yaw = self.geometry.path.pose_at(s, sign * offset_fraction * self.geometry.lane_width_at(s) / 2)
        return x, y, yaw + yaw_jitter

    def place_car(self, name: str, s: float, type_id: Optional[str] = None, yaw_jitter: float = 0.0) -> None:
        type_id = type_id or CAR_TYPES[int(self.ctx.rng.integers(len(CAR_TYPES)))]
        self.add_static(make_actor(self.uid(name), type_id, ActorKind.STATIC,
                                   self.side_pose(s, self.offset, yaw_jitter)), block_lane=True)

    def idle_tick(self) -> None:
        """Keep background cars from queueing at the obstacle ahead of the ego (LeaveSpaceInFront)."""
        self.keep_clear([self.obstacle_lane])

    tick = idle_tick

    def place_warning(self, s: float) -> None:
        """The warning triangle / sign at the road edge next to the trigger (Accident, ParkedObstacle)."""
        pose = self.side_pose(s, 1.0 + 0.6)
        self.add_static(make_actor(self.uid("warning"), "static.prop.warningaccident", ActorKind.STATIC,
                                   (pose[0], pose[1], pose[2] + 90.0)), block_lane=False)


class ParkedObstacle(_Obstacle):
    type_name = "ParkedObstacle"

    def setup(self) -> None:
        self.place_warning(self.trigger_s)
        self.place_car("parked", self.obstacle_s)
        self.end_s = self.obstacle_s + END_DISTANCE_M


class Accident(_Obstacle):
    """Police car at `distance`, two crashed cars 10 and 16 m further."""

    type_name = "Accident"
    offset = 0.6

    def setup(self) -> None:
        self.place_warning(self.trigger_s)
        self.place_car("police", self.obstacle_s, "vehicle.dodge.charger_police_2020")
        last = min(self.obstacle_s + 16.0, self.route_length_m - 1.0)
        self.place_car("crashed1", min(self.obstacle_s + 10.0, last), yaw_jitter=25.0)
        self.place_car("crashed2", last, yaw_jitter=-15.0)
        self.block_span = (self.obstacle_s, last)
        self.end_s = last + END_DISTANCE_M


class ConstructionObstacle(_Obstacle):
    """A warning sign in the lane and a taper of cones closing it."""

    type_name = "ConstructionObstacle"
    offset = 0.0

    def setup(self) -> None:
        s0 = self.obstacle_s
        sign = 1.0 if self.direction == "right" else -1.0
        half = self.geometry.lane_width_at(s0) / 2
        self.add_static(make_actor(self.uid("sign"), "static.prop.trafficwarning", ActorKind.STATIC,
                                   self.side_pose(s0, 0.0)), block_lane=True)
        cones: List[Tuple[float, float]] = [(-8.0 + 2.0 * k, sign * half * (0.8 - 0.3 * k)) for k in range(5)]
        cones += [(2.0 + 2.5 * k, -sign * half * 0.8) for k in range(4)]
        for k, (ds, lateral) in enumerate(cones):
            x, y, yaw = self.geometry.path.pose_at(s0 + ds, lateral)
            self.add_static(make_actor(self.uid(f"cone{k}"), "static.prop.constructioncone", ActorKind.STATIC,
                                       (x, y, yaw)), block_lane=False)
        self.block_span = (s0 + cones[0][0], s0 + cones[-1][0])
        self.end_s = s0 + 10.0 + END_DISTANCE_M


class HazardAtSideLane(_Obstacle):
    """Two cyclists 9 m apart at the right edge of the ego lane (0.55 × half its width), riding at
    `bicycle_speed` km/h from when the ego is 50 m away; the ego must overtake them. Ends 50 m past them."""

    type_name = "HazardAtSideLane"
    offset = 0.55
    wake_m = 50.0

    def setup(self) -> None:
        sign = 1.0 if self.direction == "right" else -1.0
        speed = self.param("bicycle_speed", float, 10.0) / 3.6
        self.bikes: List[ScriptedMover] = []
        for k, ds in enumerate((0.0, 9.0)):
            s0 = min(self.obstacle_s + ds, self.route_length_m - 1.0)
            lateral = sign * self.offset * self.geometry.lane_width_at(s0) / 2
            actor = make_actor(self.uid(f"bicycle{k}"), "vehicle.bh.crossbike", ActorKind.BICYCLE, (0.0, 0.0, 0.0))
            bike = ScriptedMover(self.world, actor, self.geometry.path, s0, 0.0, accel_mps2=1.0, lateral_m=lateral)
            bike.target_mps = 0.0
            bike.step()
            self.bikes.append(bike)
            self.movers.append(bike)
        self.bike_speed = speed

    def tick(self) -> None:
        self.keep_clear([self.obstacle_lane])
        for bike in [b for b in self.bikes if b in self.movers]:
            if bike.s - self.ego_s < self.wake_m:
                bike.target_mps = self.bike_speed
            bike.step(actor_boxes(self.world))
            if bike.finished:
                bike.remove()
                self.movers.remove(bike)

    idle_tick = tick

    def finished(self) -> bool:
        riding = [b.s for b in self.bikes if b in self.movers]
        return not riding or self.ego_s > max(riding) + END_DISTANCE_M

    def blocked_span(self) -> Tuple[float, float]:
        riding = [b.s for b in self.bikes if b in self.movers] or [self.obstacle_s]
        return min(riding), max(riding)


class _TwoWays:
    """Mixin: an oncoming flow in the opposite lane from trigger until the ego is past."""

    def on_trigger(self: "_Obstacle") -> None:
        lane, _ = self.geometry.lane_at(self.obstacle_s)
        other = opposite_lane(self.town, lane)
        if other is None:
            raise ValueError(f"{self.spec.name}: the obstacle lane {lane.id} has no opposite lane")
        self.flow_edge = other.edge_id
        self.flow_lane_width = other.width_m
        seconds = self.param("frequency", float, None)  # route generation: one value, seconds between cars
        spacing = (seconds * OPPOSITE_SPEED_MPS,) * 2 if seconds else self.interval("frequency", (20.0, 100.0))
        self.flow = ScriptedFlow(self, other.path, "oncoming", spacing, OPPOSITE_SPEED_MPS)
        self.waiting_since: Optional[float] = None
        self.gap_until: Optional[float] = None
        self.allow_lane_invasion(True)

    def tick(self: "_Obstacle") -> None:
        self.keep_clear(self.town.edges[self.flow_edge])
        super().tick()
        lo, hi = self.blocked_span()
        passing = self.ego_passing(lo, hi)
        self.flow.spawning = not self.gap_open(lo, hi, passing)
        self.flow.hold_s = self.hold_point(hi) if passing else None
        self.flow.tick(actor_boxes(self.world))

    def gap_open(self: "_Obstacle", lo: float, hi: float, passing: bool) -> bool:
        """Whether the flow holds back new cars: from `WAIT_BEFORE_GAP_S` of the ego standing behind the
        obstacle until it is past it and back in its lane or `GAP_S` are over (then the flow resumes and
        the clock restarts)."""
        now = self.world.time_s
        waiting = self.world.ego.speed_mps < WAIT_SPEED_MPS and lo - WAIT_ZONE_M <= self.ego_s <= hi
        if self.gap_until is not None:
            if now < self.gap_until and (self.ego_s <= hi or passing):
                return True
            self.gap_until, self.waiting_since = None, None
            return False
        if not waiting:
            self.waiting_since = None
            return False
        self.waiting_since = now if self.waiting_since is None else self.waiting_since
        if now - self.waiting_since >= WAIT_BEFORE_GAP_S:
            self.gap_until = now + GAP_S
            return True
        return False

    def ego_passing(self: "_Obstacle", lo: float, hi: float) -> bool:
        """The ego is beside the obstacle with part of its body in the opposite lane."""
        if not lo - WAIT_ZONE_M <= self.ego_s <= hi + HOLD_M:
            return False
        ego = self.world.ego
        _, lateral, _ = self.flow.path.project((ego.x_m, ego.y_m))
        return abs(lateral) < (self.flow_lane_width + ego.width_m) / 2 - 0.2

    def hold_point(self: "_Obstacle", hi: float) -> float:
        """Flow s of the point `HOLD_M` beyond the obstacle (as the ego drives), where cars wait."""
        x, y, _ = self.geometry.path.pose_at(hi + HOLD_M)
        return self.flow.path.project((x, y))[0]


class ParkedObstacleTwoWays(_TwoWays, ParkedObstacle):
    type_name = "ParkedObstacleTwoWays"


class AccidentTwoWays(_TwoWays, Accident):
    type_name = "AccidentTwoWays"


class ConstructionObstacleTwoWays(_TwoWays, ConstructionObstacle):
    type_name = "ConstructionObstacleTwoWays"


class HazardAtSideLaneTwoWays(_TwoWays, HazardAtSideLane):
    type_name = "HazardAtSideLaneTwoWays"
