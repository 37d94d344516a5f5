"""The route's lane changes, found from its geometry and spread over a drivable distance."""

import math

import numpy as np
from expert_harness import left_turn_route, straight_route

from wpt_core.expert.lane_changes import LaneChangeConfig, spread_lane_changes
from wpt_core.types import DenseRoute, RoadOption


def stepped_route(step_at_m: float = 200.0, step_len_m: float = 8.0, offset_m: float = -3.5,
                  length_m: float = 400.0) -> DenseRoute:
    """Along +x at y = 0, then a straight sideways step of `offset_m` (+ right = +y) over `step_len_m`: the
    route of an acceleration lane ending into the lane beside it, as the town's lane-drop junction draws it."""
    x = np.arange(0.0, length_m + 0.5, 1.0)
    y = np.interp(x, [0.0, step_at_m, step_at_m + step_len_m, length_m], [0.0, 0.0, offset_m, offset_m])
    yaw = np.degrees(np.arctan2(np.gradient(y), np.gradient(x)))
    n = len(x)
    return DenseRoute(np.stack([x, y], axis=1), yaw, np.full(n, int(RoadOption.LANEFOLLOW)), np.zeros(n, bool),
                      np.full(n, 3.5))


def test_a_lane_drop_step_is_spread_over_the_configured_distance_ending_where_the_route_does():
    route = stepped_route()
    out = spread_lane_changes(route, LaneChangeConfig(spread_m=80.0))
    assert len(out.changes) == 1
    change = out.changes[0]
    # the step ends at route arc length 200 + hypot(8, 3.5) = 208.7 m; the spread starts 80 m before that
    step_end = 200.0 + math.hypot(8.0, 3.5)
    assert abs(change.end_s - step_end) <= 1.5 and abs(change.start_s - (step_end - 80.0)) <= 1.5
    assert abs(change.lane_end_s - 200.0) <= 1.5 and change.from_m == 0.0 and abs(change.to_m + 3.5) < 0.05
    y = out.route.xy_m[:, 1]
    s = out.route.cumulative_length_m()
    before, after = s < change.start_s - 1.0, s > change.end_s + 1.0
    assert np.allclose(y[before], 0.0) and np.allclose(y[after], -3.5)          # untouched outside the spread
    mid = int(np.argmin(np.abs(s - 0.5 * (change.start_s + change.end_s))))
    assert abs(y[mid] + 1.75) < 0.1                                             # smoothstep: half way at the middle
    # curvature: a smoothstep of w over L peaks at 6 w / L² (= 0.0033 1/m); the raw step's is > 0.1
    heading = np.unwrap(np.radians(out.route.yaw_deg))
    kappa = np.abs(np.diff(heading)) / np.diff(s)
    assert kappa.max() < 1.5 * 6 * 3.5 / 80.0 ** 2
    # the shift profile is the spread route's sideways distance from the first lane (+ right = +y here)
    assert np.allclose(out.lane_shift_m, y, atol=0.05)


def test_turns_curves_and_small_wiggles_are_not_lane_changes():
    assert spread_lane_changes(left_turn_route(), LaneChangeConfig()).changes == ()
    assert spread_lane_changes(straight_route(300), LaneChangeConfig()).changes == ()
    wiggle = stepped_route(offset_m=-0.6)                                       # < half a lane: not a change
    assert spread_lane_changes(wiggle, LaneChangeConfig()).changes == ()
    # a lane's width to the right is a diverge into a lane that begins there (an off-ramp): kept as it is
    diverge = stepped_route(offset_m=3.5)
    out = spread_lane_changes(diverge, LaneChangeConfig())
    assert out.changes == () and np.array_equal(out.route.xy_m, diverge.xy_m)
    # a steady curve (radius 150 m) is followed, not flattened
    th = np.arange(0.0, 200.0) / 150.0
    xy = np.stack([150.0 * np.sin(th), 150.0 * (1.0 - np.cos(th))], axis=1)
    n = len(th)
    curve = DenseRoute(xy, np.degrees(th), np.full(n, 4), np.zeros(n, bool), np.full(n, 3.5))
    assert spread_lane_changes(curve, LaneChangeConfig()).changes == ()


def test_the_spread_starts_after_the_last_turn_before_the_change():
    """A turn 40 m before the step: the lane change cannot begin inside the turn."""
    turn = left_turn_route(straight_m=40.0, radius_m=12.0, exit_m=160.0)   # ends heading -y at x = 52
    xy = turn.xy_m.copy()
    exit_start = int(np.nonzero(turn.in_junction)[0][-1]) + 1
    # a 3.5 m step to the exit road's left (towards -x), 40 m into it
    along = -(xy[exit_start:, 1] - xy[exit_start, 1])
    xy[exit_start:, 0] += np.interp(along, [0.0, 40.0, 48.0, 1e9], [0.0, 0.0, -3.5, -3.5])
    yaw = np.degrees(np.arctan2(np.gradient(xy[:, 1]), np.gradient(xy[:, 0])))
    route = DenseRoute(xy, yaw, turn.commands, turn.in_junction, turn.lane_width_m)
    out = spread_lane_changes(route, LaneChangeConfig(spread_m=80.0))
    assert len(out.changes) == 1
    s = route.cumulative_length_m()
    assert out.changes[0].start_s >= s[exit_start] - 2.0
    assert math.isclose(abs(out.changes[0].to_m), 3.5, abs_tol=0.1)
