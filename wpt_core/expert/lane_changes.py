"""Lane changes in the route, spread over a drivable distance.

A route that changes lanes (an acceleration lane ending into the lane beside it; a planner's lane
change) steps sideways by a lane width within a few metres: followed literally, the curvature limit
brings the ego almost to a standstill exactly where it has to merge into moving traffic. The expert
plans on a copy of the route in which each such step is spread over `spread_m` ending where the
route's own step ends, as a driver changes lanes; the lateral shift profile it adds tells the
predictor that the neighbouring lanes' traffic keeps its lane while the path moves into it.

A step is a heading *bump*: the heading leaves the road's heading (its running median, which follows
curves and junction turns exactly because those are monotone) and returns, with a sideways
displacement of about a lane width.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import List, Optional, Tuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from wpt_core.expert.lateral_plan import smoothstep
from wpt_core.types import DenseRoute


@dataclass(frozen=True)
class LaneChangeConfig:
    spread_m: float = 80.0             # a lane change at 13 m/s within the 2 m/s² lateral limit needs ~70 m
    median_window_m: float = 41.0      # the road heading: running median over this
    bump_deg: float = 3.0              # the heading off the road's by more than this ...
    max_bump_m: float = 40.0           # ... over at most this distance
    min_step_lanes: float = 0.5        # a sideways step between these (× lane width) is a lane change
    max_step_lanes: float = 1.5
    straight_deg: float = 2.0          # the spread starts no earlier than where the road heading is this close


@dataclass(frozen=True)
class _Step:
    start: int     # first index of the spread
    bump: int      # where the route's own step begins (the old lane ends)
    end: int       # last index of the route's own step
    offset_m: float  # + right (the path frame's d)


@dataclass(frozen=True)
class LaneChange:
    """One lane change in route arc length; `from_m` / `to_m` are lane_shift levels (+ right)."""

    start_s: float      # the spread begins
    lane_end_s: float   # the old lane ends (the route's own step begins)
    end_s: float        # the route is in the new lane
    from_m: float
    to_m: float


@dataclass(frozen=True)
class LaneChanges:
    route: DenseRoute            # the route with its lane changes spread (what the expert plans on)
    lane_shift_m: np.ndarray     # (N,) each point's sideways shift from the route's first lane (+ right)
    changes: Tuple[LaneChange, ...]

    def pending(self, route_s: float, ahead_m: float, after_m: float = 0.0) -> Optional[LaneChange]:
        """The next change whose start is within `ahead_m` and which ended less than `after_m` ago."""
        for change in self.changes:
            if change.end_s + after_m > route_s and change.start_s < route_s + ahead_m:
                return change
        return None


def spread_lane_changes(route: DenseRoute, config: LaneChangeConfig) -> LaneChanges:
    """Find the route's lane changes and spread each over `config.spread_m`."""
    n = len(route)
    shift = np.zeros(n)
    if n < 5:
        return LaneChanges(route, shift, ())
    s = route.cumulative_length_m()
    yaw = np.unwrap(np.radians(route.yaw_deg.astype(np.float64)))
    road = _running_median(yaw, s, config.median_window_m)
    steps = _steps(route, s, yaw, road, config)
    if not steps:
        return LaneChanges(route, shift, ())
    xy = route.xy_m.astype(np.float64).copy()
    for step in steps:
        c, b = step.start, step.end
        heading = road[c]
        direction = np.array([math.cos(heading), math.sin(heading)])
        normal = np.array([-math.sin(heading), math.cos(heading)])
        ds = s[c:b + 1] - s[c]
        base = xy[c] + ds[:, None] * direction
        current = (xy[c:b + 1] - base) @ normal
        target = step.offset_m * smoothstep(ds / max(ds[-1], 1e-6))
        xy[c:b + 1] += (target - current)[:, None] * normal
        shift[c:b + 1] += target
        shift[b + 1:] += step.offset_m
    new_yaw = route.yaw_deg.astype(np.float64).copy()
    lo, hi = max(steps[0].start - 1, 0), min(steps[-1].end + 2, n)
    grad = np.gradient(xy[lo:hi], axis=0)
    new_yaw[lo:hi] = np.degrees(np.arctan2(grad[:, 1], grad[:, 0]))
    changed = np.zeros(n, dtype=bool)
    for step in steps:
        changed[max(step.start - 1, 0):step.end + 2] = True
    yaw_out = np.where(changed, new_yaw, route.yaw_deg)
    spread = replace(route, xy_m=xy.astype(route.xy_m.dtype), yaw_deg=yaw_out.astype(route.yaw_deg.dtype))
    changes = tuple(LaneChange(float(s[st.start]), float(s[st.bump]), float(s[st.end]), float(shift[st.start]),
                               float(shift[st.end])) for st in steps)
    return LaneChanges(spread, shift, changes)


def _running_median(values: np.ndarray, s: np.ndarray, window_m: float) -> np.ndarray:
    spacing = max(float(s[-1]) / max(len(s) - 1, 1), 0.1)
    half = max(1, int(round(0.5 * window_m / spacing)))
    padded = np.concatenate([np.full(half, values[0]), values, np.full(half, values[-1])])
    return np.median(sliding_window_view(padded, 2 * half + 1), axis=1)


def _steps(route: DenseRoute, s: np.ndarray, yaw: np.ndarray, road: np.ndarray,
           config: LaneChangeConfig) -> List[_Step]:
    off = np.abs(yaw - road) > math.radians(config.bump_deg)
    steps: List[_Step] = []
    previous_end = 0
    i, n = 0, len(s)
    while i < n:
        if not off[i]:
            i += 1
            continue
        a = i
        while i < n and off[i]:
            i += 1
        b = min(i, n - 1)
        a = max(a - 1, 0)
        if s[b] - s[a] > config.max_bump_m:
            previous_end = b
            continue
        heading = road[a]
        normal = np.array([-math.sin(heading), math.cos(heading)])
        direction = np.array([math.cos(heading), math.sin(heading)])
        offset = float((route.xy_m[b] - route.xy_m[a] - (s[b] - s[a]) * direction) @ normal)
        width = float(route.lane_width_m[b])
        if offset > 0.0 or not config.min_step_lanes * width <= abs(offset) <= config.max_step_lanes * width:
            # a step to the right is a diverge (an off-ramp's deceleration lane, which begins at the
            # step): spread before the step, the path would leave the road (right-hand traffic)
            previous_end = b
            continue
        start = int(np.searchsorted(s, s[b] - config.spread_m))
        start = max(start, previous_end, _straight_from(road, a, config.straight_deg))
        start = min(start, a)
        # the spread's own base line starts at `start`; the step is measured from there
        steps.append(_Step(start, a, b, offset))
        previous_end = b
    return steps


def _straight_from(road: np.ndarray, a: int, straight_deg: float) -> int:
    """The first index of the stretch before `a` over which the road heading stays within `straight_deg`."""
    far = np.nonzero(np.abs(road[:a + 1] - road[a]) > math.radians(straight_deg))[0]
    return int(far[-1]) + 1 if len(far) else 0
