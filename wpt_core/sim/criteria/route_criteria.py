"""All criteria of one route, fed a Scene per 20 Hz tick, and the leaderboard record they produce.

The set and order are Bench2Drive's RouteScenario criteria: route completion, outside route lanes,
collisions, red lights, stop signs, min-speed checkpoints, route deviation (30 m, ends the route),
agent blocked (60 s, ends the route), plus the route timeout and B2D's 4000-tick limit, and the
scenario-driven events (`add_event`: failing to yield to an emergency vehicle, scenario timeouts).
The record (`leaderboard.route_record`) follows `statistics_manager.compute_route_statistics`: penalties
multiply, DS = RC × IS, status "Perfect"/"Completed" when RC reaches 100, else "Failed[ - reason]".

Extension: `meta["first_junction_completion"]` is the route fraction Bench2Drive's ability tool
requires a Traffic_Signs route to exceed ((index of the first junction point + 1 + 8) / points);
it lets `wpt report` apply that rule without the map. None when the route has no junction.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from wpt_core.ground_map import GroundMap
from wpt_core.leaderboard.infractions import (DEFAULT_MESSAGES, INFRACTION_KEYS, OUTSIDE_ROUTE_LANES, PENALTY_VALUE,
                                              ROUTE_DEVIATION, ROUTE_TIMEOUT, ROUTE_TIMEOUT_MESSAGE, VEHICLE_BLOCKED)
from wpt_core.leaderboard.route_record import ROUND_DIGITS, build_record
from wpt_core.leaderboard.statuses import (REASON_BLOCKED, REASON_DEVIATED, REASON_TICK_RUNTIME, REASON_TIMED_OUT,
                                           failure_reason)
from wpt_core.leaderboard.tick import TICK_LIMIT
from wpt_core.sim.criteria.collision import CollisionTest
from wpt_core.sim.criteria.events import TrafficEvent
from wpt_core.sim.criteria.outside_lanes import LaneOf, OutsideRouteLanesTest
from wpt_core.sim.criteria.route_points import RoutePoints
from wpt_core.sim.criteria.route_progress import InRouteTest, RouteCompletionTest
from wpt_core.sim.criteria.speed import ActorBlockedTest, MinimumSpeedTest
from wpt_core.sim.criteria.traffic_signals import RedLightTest, StopSignTest
from wpt_core.types import DenseRoute, Scene

JUNCTION_MARGIN_POINTS = 8  # Bench2Drive: "+8 to ensure the ego pass the trigger volume"
SCENARIO_EVENT_KINDS = tuple(PENALTY_VALUE)


class RouteCriteria:
    def __init__(self, route: DenseRoute, route_lane_ids: Optional[List[str]], ground: Optional[GroundMap],
                 lane_of: Optional[LaneOf], timeout_s: float, tick_limit: int = TICK_LIMIT):
        geometry = RoutePoints(route)
        self._geometry = geometry
        self._timeout_s = timeout_s
        self._tick_limit = tick_limit
        self._completion = RouteCompletionTest(geometry)
        self._outside = OutsideRouteLanesTest(geometry, route_lane_ids, ground, lane_of)
        self._collision = CollisionTest(ground)
        self._red_light = RedLightTest()
        self._stop = StopSignTest()
        self._min_speed = MinimumSpeedTest(geometry)
        self._in_route = InRouteTest(geometry)
        self._blocked = ActorBlockedTest()
        self._scenario_events: List[TrafficEvent] = []
        self._ticks = 0
        self._start_s: Optional[float] = None
        self._frame = 0
        self._timed_out = False
        self._tick_limit_hit = False
        self._finished = False
        self.terminated: Optional[str] = None

    # --- per tick ---------------------------------------------------------------------------------

    @property
    def allow_lane_invasion(self) -> bool:
        return self._outside.allow_lane_invasion

    @allow_lane_invasion.setter
    def allow_lane_invasion(self, allowed: bool) -> None:
        self._outside.allow_lane_invasion = bool(allowed)

    def set_blocked_test_active(self, active: bool) -> None:
        """Scenarios guarded by a ScenarioTimeout switch the agent-blocked test off while they run."""
        self._blocked.switch(active)

    @property
    def route_completion_pct(self) -> float:
        return self._completion.percent

    @property
    def completed(self) -> bool:
        return self._completion.completed

    def count_tick(self) -> bool:
        """Count one simulator tick, before the agent is asked: B2D's scenario manager raises its
        TickRuntimeError on tick 4001, so an agent is called at most 4000 times. False ends the route."""
        self._ticks += 1
        if self._ticks > self._tick_limit:
            self._tick_limit_hit = True
            self.terminated = REASON_TICK_RUNTIME
        return not self._tick_limit_hit

    def update(self, scene: Scene) -> None:
        """Evaluate one tick. After `terminated` is set or the route is completed, ticks are ignored."""
        if self.terminated is not None or self.completed:
            return
        self._frame = scene.frame
        if self._start_s is None:
            self._start_s = scene.time_s
        for criterion in (self._completion, self._outside, self._collision, self._red_light, self._stop,
                          self._min_speed, self._in_route, self._blocked):
            criterion.update(scene)
        if scene.time_s - self._start_s > self._timeout_s:
            self._timed_out = True
        if self._in_route.failed:
            self.terminated = REASON_DEVIATED
        elif self._blocked.failed:
            self.terminated = REASON_BLOCKED
        elif self._timed_out:
            self.terminated = REASON_TIMED_OUT

    def add_event(self, kind: str, message: str, x: float, y: float) -> None:
        """A scenario-judged infraction (e.g. failing to yield to an emergency vehicle, a scenario timeout);
        an empty message is the criterion's default one."""
        if kind not in SCENARIO_EVENT_KINDS:
            raise ValueError(f"unknown infraction kind {kind!r}; expected one of {SCENARIO_EVENT_KINDS}")
        self._scenario_events.append(TrafficEvent(kind, message or DEFAULT_MESSAGES.get(kind, kind), self._frame,
                                                  {"x": x, "y": y}))

    # --- end of route -----------------------------------------------------------------------------

    def _criteria_events(self) -> List[TrafficEvent]:
        if not self._finished:
            self._min_speed.finish(self._frame)
            self._finished = True
        events: List[TrafficEvent] = []
        for criterion in (self._outside, self._collision, self._red_light, self._stop, self._min_speed,
                          self._in_route, self._blocked):
            events.extend(criterion.events)
        return events + self._scenario_events

    def first_junction_completion(self) -> Optional[float]:
        flags = self._geometry.in_junction
        if not flags.any():
            return None
        first = int(flags.argmax()) + 1
        return (first + JUNCTION_MARGIN_POINTS) / len(flags)

    def record(self, index: int, route_id: str, scenario_name: str, weather_id: Any, save_name: str,
               town_name: str, duration_game: float, duration_system: float,
               crashed_status: Optional[str] = None) -> Dict[str, Any]:
        """The leaderboard record of this route. `crashed_status`: e.g. `statuses.AGENT_CRASHED` when the
        route was stopped by an error rather than by the criteria."""
        failure = failure_reason(crashed_status or "") or (REASON_TICK_RUNTIME if self._tick_limit_hit else "")
        route_timeouts: List[str] = []
        if self._timed_out:
            route_timeouts.append(ROUTE_TIMEOUT_MESSAGE)
            failure = REASON_TIMED_OUT
        infractions, penalty, failure = _score_events(self._criteria_events(), failure)
        infractions[ROUTE_TIMEOUT] = route_timeouts
        meta = {"route_length": round(self._geometry.length_m, ROUND_DIGITS),
                "duration_game": round(duration_game, ROUND_DIGITS),
                "duration_system": round(duration_system, ROUND_DIGITS),
                "first_junction_completion": self.first_junction_completion()}
        return build_record(index, route_id, scenario_name, weather_id, save_name, town_name,
                            self.route_completion_pct, penalty, infractions, failure, meta)


def _score_events(events: Sequence[TrafficEvent], failure: str) -> Tuple[Dict[str, List[str]], float, str]:
    """Messages per infraction key, the penalty product and the failure reason, leaderboard order."""
    infractions: Dict[str, List[str]] = {key: [] for key in INFRACTION_KEYS}
    penalty = 1.0
    for event in events:
        if event.kind in PENALTY_VALUE:
            penalty *= PENALTY_VALUE[event.kind]
        elif event.kind == OUTSIDE_ROUTE_LANES:
            penalty *= 1.0 - event.data["percentage"] / 100.0
        elif event.kind == ROUTE_DEVIATION:
            failure = REASON_DEVIATED
        elif event.kind == VEHICLE_BLOCKED:
            failure = REASON_BLOCKED
        infractions[event.kind].append(event.message)
    return infractions, penalty, failure
