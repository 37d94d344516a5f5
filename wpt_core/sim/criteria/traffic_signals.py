"""Red lights and stop signs (scenario_runner's RunningRedLightTest / RunningStopTest).

Red light: the leaderboard draws a short segment behind the ego's centre (from 0.8·half-length to
half-length + 1 m back) and counts an infraction when that segment crosses the stop line of a red
light whose lane the ego drives in the light's direction — i.e. when the ego's rear passes the
line. The stop line there spans 0.6 lane widths each side of the lane centre; ours is the lane's
edge-to-edge segment, stretched by the same 1.2. The same light is not counted twice in a row.
To stay exact at high speed on 20 Hz ticks, the segment swept by the tail since the last tick is
tested too. A SUMO lane can carry one signal per outgoing link (straight, left, …) behind one stop
line, while a CARLA lane has one light; without knowing which link the ego takes, a lane counts
as red only when all of its signals are red (never a false infraction for going straight while
only the left-turn arrow is red), and the lane is the unit "not counted twice in a row".

Stop sign: a stop becomes the ego's target while the ego drives towards its line (not against its
direction) with its front bumper at most 4 m before the line and its centre not yet past it
(CARLA: the ego's next 4 m of lane inside the sign's trigger volume). Speed below 0.1 m/s while
targeted completes the stop; leaving the area without having stopped is one infraction (not
repeated for the same sign in a row).
"""
from __future__ import annotations

import math
from typing import Dict, List, Optional, Tuple

import numpy as np

from wpt_core.geometry import segments_intersect
from wpt_core.leaderboard.infractions import RED_LIGHT, STOP
from wpt_core.sim.criteria.events import TrafficEvent, at_location
from wpt_core.types import EgoState, LightState, Scene, StopSign, TrafficLight

DISTANCE_LIGHT_M = 15.0
STOP_LINE_STRETCH = 1.2
STOP_PROXIMITY_M = 4.0
STOP_SPEED_MPS = 0.1
OPPOSITE_COS = -0.17  # ~100 deg: the leaderboard ignores stops when driving against them


def _heading(yaw_deg: float) -> np.ndarray:
    return np.array([math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))])


def _stretched(line: Tuple[Tuple[float, float], Tuple[float, float]], factor: float) -> Tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(line[0], dtype=np.float64), np.asarray(line[1], dtype=np.float64)
    mid, half = 0.5 * (a + b), 0.5 * (b - a) * factor
    return mid - half, mid + half


def _tail(ego: EgoState) -> Tuple[np.ndarray, np.ndarray]:
    """(tail_close, tail_far): the segment behind the ego that must cross a red stop line."""
    centre, fwd = np.array([ego.x_m, ego.y_m]), _heading(ego.yaw_deg)
    half = 0.5 * ego.length_m
    return centre - 0.8 * half * fwd, centre - (half + 1.0) * fwd


def red_lanes(lights: List[TrafficLight]) -> Dict[str, TrafficLight]:
    """lane id → its (first by id) red signal, for lanes whose signals are all red."""
    by_lane: Dict[str, List[TrafficLight]] = {}
    for light in sorted(lights, key=lambda l: l.id):
        by_lane.setdefault(light.lane_id, []).append(light)
    return {lane: group[0] for lane, group in by_lane.items() if all(l.state == LightState.RED for l in group)}


class RedLightTest:
    def __init__(self) -> None:
        self.events: List[TrafficEvent] = []
        self._last_red_lane: Optional[str] = None
        self._prev_tail_close: Optional[np.ndarray] = None

    def update(self, scene: Scene) -> None:
        ego = scene.ego
        tail_close, tail_far = _tail(ego)
        prev_close = self._prev_tail_close
        self._prev_tail_close = tail_close
        fwd = _heading(ego.yaw_deg)
        for lane_id, light in red_lanes(scene.traffic_lights).items():
            if self._last_red_lane == lane_id:
                continue
            a, b = _stretched(light.stop_line, STOP_LINE_STRETCH)
            if np.linalg.norm(0.5 * (a + b) - np.array([ego.x_m, ego.y_m])) > DISTANCE_LIGHT_M:
                continue
            if float(fwd @ _heading(light.yaw_deg)) <= 0.0:
                continue
            crossed = segments_intersect(tail_close, tail_far, a, b) or (
                prev_close is not None and segments_intersect(prev_close, tail_close, a, b))
            if crossed:
                hx, hy, hz = light.head_xyz
                self.events.append(TrafficEvent(RED_LIGHT, f"Agent ran a red light {light.id} at "
                                                           f"{at_location(hx, hy, hz)}", scene.frame))
                self._last_red_lane = lane_id
                break


def _stop_frame(ego: EgoState, stop: StopSign) -> Tuple[float, float, float]:
    """(distance of the ego centre before the line, |lateral offset| from the line centre, line length)."""
    a, b = np.asarray(stop.stop_line[0], dtype=np.float64), np.asarray(stop.stop_line[1], dtype=np.float64)
    mid, direction = 0.5 * (a + b), _heading(stop.yaw_deg)
    rel = np.array([ego.x_m, ego.y_m]) - mid
    normal = np.array([-direction[1], direction[0]])
    return float(-(rel @ direction)), abs(float(rel @ normal)), float(np.linalg.norm(b - a))


def affected_by_stop(ego: EgoState, stop: StopSign) -> bool:
    before_m, lateral_m, line_m = _stop_frame(ego, stop)
    return (before_m >= 0.0 and before_m - 0.5 * ego.length_m <= STOP_PROXIMITY_M
            and lateral_m <= 0.5 * STOP_LINE_STRETCH * line_m)


class StopSignTest:
    def __init__(self) -> None:
        self.events: List[TrafficEvent] = []
        self._target: Optional[StopSign] = None
        self._stop_completed = False
        self._last_failed_id: Optional[str] = None

    def _scan(self, scene: Scene) -> Optional[StopSign]:
        ego = scene.ego
        if ego.speed_mps < OPPOSITE_COS * abs(ego.speed_mps):  # reversing
            return None
        fwd = _heading(ego.yaw_deg)
        for stop in scene.stop_signs:
            if float(fwd @ _heading(stop.yaw_deg)) >= OPPOSITE_COS and affected_by_stop(ego, stop):
                return stop
        return None

    def update(self, scene: Scene) -> None:
        if self._target is None:
            self._target = self._scan(scene)
            return
        ego = scene.ego
        if not self._stop_completed and abs(ego.speed_mps) < STOP_SPEED_MPS:
            self._stop_completed = True
        if affected_by_stop(ego, self._target):
            return
        if not self._stop_completed and self._last_failed_id != self._target.id:
            sx, sy, sz = self._target.sign_xyz
            self.events.append(TrafficEvent(STOP, f"Agent ran a stop with id={self._target.id} at "
                                                  f"{at_location(sx, sy, sz)}", scene.frame))
            self._last_failed_id = self._target.id
        self._target = None
        self._stop_completed = False
