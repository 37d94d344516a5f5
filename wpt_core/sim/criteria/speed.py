"""Speed-based criteria: agent blocked (ActorBlockedTest) and B2D's min-speed checkpoints."""
from __future__ import annotations

from dataclasses import replace
from typing import List, Optional, Union

from wpt_core.leaderboard.infractions import MIN_SPEED, VEHICLE_BLOCKED
from wpt_core.sim.criteria.events import TrafficEvent, at_location
from wpt_core.sim.criteria.route_points import RouteCursor, RoutePoints
from wpt_core.types import ActorKind, Scene

BLOCKED_MIN_SPEED_MPS = 0.1
BLOCKED_MAX_TIME_S = 60.0  # Bench2Drive (upstream leaderboard 2.0: 180 s)

MIN_SPEED_CHECKPOINTS = 20
MIN_SPEED_WINDOW = 2
FINAL_CHECKPOINT_FRACTION = 0.95
_TRAFFIC_KINDS = (ActorKind.VEHICLE, ActorKind.BICYCLE)  # CARLA's 'vehicle*' filter includes bikes


class ActorBlockedTest:
    """Fails once the ego has stayed below 0.1 m/s for more than 60 s; the route then ends.

    `switch` is B2D's `AC_SwitchActorBlockedTest` message: scenarios guarded by a ScenarioTimeout turn
    the test off while they run and on again when they end; the next update applies the last message
    and restarts the standing timer either way.
    """

    def __init__(self, max_time_s: float = BLOCKED_MAX_TIME_S):
        self._max_time_s = max_time_s
        self._last_valid_s: Optional[float] = None
        self._active = True
        self._switch_to: Optional[bool] = None
        self.events: List[TrafficEvent] = []
        self.failed = False

    def switch(self, active: bool) -> None:
        self._switch_to = bool(active)

    def update(self, scene: Scene) -> None:
        if self.failed:
            return
        if self._switch_to is not None:
            self._active, self._switch_to = self._switch_to, None
            self._last_valid_s = scene.time_s
        if not self._active:
            return
        ego = scene.ego
        if abs(ego.speed_mps) < BLOCKED_MIN_SPEED_MPS and self._last_valid_s is not None:
            if scene.time_s - self._last_valid_s > self._max_time_s:
                self.events.append(TrafficEvent(VEHICLE_BLOCKED, "Agent got blocked at "
                                                + at_location(ego.x_m, ego.y_m, ego.z_m), scene.frame))
                self.failed = True
        else:
            self._last_valid_s = scene.time_s


class MinimumSpeedTest:
    """Every 1/20 of the route, the ego's mean speed as a percentage of the background traffic's.

    Bench2Drive records it as a `min_speed_infractions` message on every checkpoint (never
    penalised); its efficiency metric parses the percentages back out of the messages.
    """

    def __init__(self, geometry: RoutePoints, checkpoints: int = MIN_SPEED_CHECKPOINTS):
        self._geometry = geometry
        self._cursor = RouteCursor(geometry, MIN_SPEED_WINDOW)
        self._checkpoint_m = geometry.length_m / checkpoints
        self._current_m = 0.0
        self._traffic_speed_sum = 0.0
        self._ego_speed_sum = 0.0
        self._points = 0
        self.events: List[TrafficEvent] = []

    def update(self, scene: Scene) -> None:
        index = self._cursor.advance((scene.ego.x_m, scene.ego.y_m))
        passed_m = float(self._geometry.accum_m[index])
        if passed_m - self._current_m > self._checkpoint_m:
            self._checkpoint(scene.frame)
            self._current_m = passed_m
        traffic = [abs(a.speed_mps) for a in scene.actors if a.role == "background" and a.kind in _TRAFFIC_KINDS]
        if traffic:
            self._traffic_speed_sum += sum(traffic) / len(traffic)
            self._ego_speed_sum += abs(scene.ego.speed_mps)
            self._points += 1

    def finish(self, frame: int) -> None:
        """Routes end around 99 %: past 95 % of the route the last checkpoint is recorded, twice.

        B2D records it in `terminate()`, which py_trees 0.8.3 calls twice; the second call divides
        the already averaged sums by the same point count again, so it records the same percentage.
        """
        if self._geometry.accum_m[self._cursor.index] / self._geometry.length_m > FINAL_CHECKPOINT_FRACTION:
            self._checkpoint(frame)
            self.events.append(replace(self.events[-1]))

    def _checkpoint(self, frame: int) -> None:
        value: Union[int, float] = 100
        if self._points > 0 and self._traffic_speed_sum:
            value = round((self._ego_speed_sum / self._points) / (self._traffic_speed_sum / self._points) * 100, 2)
        self.events.append(TrafficEvent(MIN_SPEED, f"Average speed is {value}% of the surrounding traffic's one",
                                        frame, {"percentage": value}))
        self._traffic_speed_sum = self._ego_speed_sum = 0.0
        self._points = 0
