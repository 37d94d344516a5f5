"""Merging from an acceleration lane into moving traffic (EnterActorFlow, MergerIntoSlowTraffic)."""

from typing import List

import numpy as np
from expert_harness import collision_free, ego_at, simulate, vehicle
from test_lane_changes import stepped_route

from wpt_core.expert import Expert
from wpt_core.sim.world.ego_dynamics import EgoDynamics
from wpt_core.types import Actor

ROUTE = stepped_route(step_at_m=200.0, offset_m=-3.5, length_m=500.0)   # the acceleration lane ends at x = 200
LANE_Y = -3.5
CAR_LENGTH = 4.9


class Flow:
    """Cars in the lane the route merges into, `spacing` apart at `speed`. Each brakes, at most
    `max_decel` m/s² (an attentive driver, not an emergency stop), for the car or the ego ahead of it in
    its lane, aiming at a 1 s headway (or the flow's own gaps where they are shorter); a merge that needs
    a harder brake than that ends in a collision."""

    def __init__(self, speed: float, spacing: float, first_x: float, max_decel: float = 3.0) -> None:
        self.speed, self.max_decel = speed, max_decel
        self.x = first_x - spacing * np.arange(40.0)
        self.v = np.full(40, speed)
        self.t = 0.0
        self.own_gap = spacing - CAR_LENGTH

    def _accel(self, gap: float, v: float, leader_v: float) -> float:
        wanted = min(2.0 + 1.0 * v, self.own_gap)
        a = 0.5 * (gap - wanted) + 1.0 * (leader_v - v)
        return float(np.clip(min(a, 1.0 * (self.speed - v)), -self.max_decel, 1.0))

    def __call__(self, t: float, ego: EgoDynamics) -> List[Actor]:
        dt, self.t = t - self.t, t
        in_lane = abs(ego.y_m - LANE_Y) < 0.5 * (2.1 + ego.params.width_m)
        for k in range(len(self.x)):
            leader_x, leader_v = (self.x[k - 1], self.v[k - 1]) if k else (np.inf, self.speed)
            if in_lane and self.x[k] < ego.x_m < leader_x:
                leader_x, leader_v = ego.x_m, ego.speed_mps
            gap = leader_x - self.x[k] - CAR_LENGTH if np.isfinite(leader_x) else np.inf
            a = self._accel(gap, self.v[k], leader_v) if np.isfinite(gap) else 1.0 * (self.speed - self.v[k])
            self.v[k] = max(self.v[k] + a * dt, 0.0)
            self.x[k] += self.v[k] * dt
        return [vehicle(f"f{k}", float(x), LANE_Y, speed=float(v)) for k, (x, v) in enumerate(zip(self.x, self.v))
                if -100.0 < x < 600.0]


def test_merges_into_a_faster_flow_through_a_gap_without_stopping_at_the_lane_end():
    """12 m/s cars 30 m apart (25 m gaps, 2.1 s): the expert matches their speed along the acceleration lane
    and changes lanes into a gap the car behind can keep with a moderate brake. Treating the merge as a
    crossing (a stop at the lane end and a time window there), it stood at the lane end for ever: no 2.1 s
    gap fits a start from a standstill."""
    flow = Flow(12.0, 30.0, 150.0)
    log = simulate(Expert(), ROUTE, ego_at(60.0, 0.0), 40.0, collision_free(flow))
    x, y, v = np.array(log.x), np.array(log.y), np.array(log.speed)
    assert x[-1] > 300.0 and abs(y[-1] - LANE_Y) < 0.3             # in the new lane, on its way
    near_end = (x > 150.0) & (x < 215.0)
    assert v[near_end].min() > 3.0                                 # no stop at the lane end
    assert v[x > 250.0].max() > 10.0                               # it drives with the flow, above its own 8 m/s


def test_keeps_its_lane_and_waits_at_the_lane_end_while_no_gap_is_acceptable():
    """Cars 9 m apart at 10 m/s (4 m gaps): there is no gap for a 4.9 m car; the expert stays in its lane,
    stops before the lane's end and never moves into the flow."""
    log = simulate(Expert(), ROUTE, ego_at(120.0, 0.0), 25.0, collision_free(Flow(10.0, 9.0, 260.0)))
    x, y = np.array(log.x), np.array(log.y)
    assert x.max() < 200.0 - 2.45                                   # its front stays before the lane end
    assert np.abs(y).max() < 1.0                                    # never pulled out into the flow
    assert log.speed[-1] < 0.1


def test_merges_from_a_standstill_at_the_lane_end_into_a_dense_flow():
    """Standing at the acceleration lane's end, 12 m/s cars 26 m apart (2.2 s headways; their drivers brake
    up to 4.5 m/s², and only once the ego's centre is in their lane). A standing start needs the car behind
    to brake from 12 m/s: the expert must wait for a gap whose follower, seen from where it reacts, has the
    room — pulling out into the first gap that would fit a moving merge ends in a collision."""
    flow = Flow(12.0, 26.0, 230.0, max_decel=4.5)
    log = simulate(Expert(), ROUTE, ego_at(196.0, 0.0), 40.0, collision_free(flow))
    x, y = np.array(log.x), np.array(log.y)
    assert abs(y[-1] - LANE_Y) < 0.3 and x[-1] > 260.0               # merged and on its way
