"""Closed-loop expert checks that need lateral planning: overtaking, making room, turns, outputs."""

import numpy as np
from expert_harness import collision_free, ego_at, left_turn_route, simulate, straight_route, vehicle

from wpt_core.expert import Expert, ExpertConfig
from wpt_core.types import ActorKind, EgoState, Scene

ROUTE = straight_route(400)
HALF_LEN = 2.45
OBSTACLE = vehicle("obs", 50.0, 0.0, kind=ActorKind.STATIC, role="scenario")


def test_overtakes_parked_obstacle_when_opposite_lane_is_free():
    expert = Expert()
    log = simulate(expert, ROUTE, ego_at(), 25, actors=collision_free(lambda t, e: [OBSTACLE]))
    x, y = np.array(log.x), np.array(log.y)
    beside = np.abs(x - 50.0) < 2.0
    assert beside.any() and np.all(y[beside] < -2.8)            # about a lane width (3.5 m) to the left
    assert abs(y[-1]) < 0.3 and x[-1] > 100.0                    # back in its lane, on its way
    # while approaching, the planned trajectory itself bends left by ≈ a lane width near the obstacle
    shifted = [o.trajectory.xy_ego_m[:, 1].min() for o, xi in zip(log.outputs, x) if 30.0 < xi < 40.0]
    assert min(shifted) < -2.8


def test_waits_behind_obstacle_while_oncoming_traffic_passes():
    def scene(t, e):
        out = [OBSTACLE]
        if t < 14.0:   # a dense oncoming stream in the opposite lane, then it stops
            out += [vehicle(f"on{k}", 150.0 + 30.0 * k - 8.0 * t, -3.5, yaw=180.0, speed=8.0) for k in range(10)]
        return out
    log = simulate(Expert(), ROUTE, ego_at(), 32, actors=collision_free(scene))
    x, y, t = np.array(log.x), np.array(log.y), np.array(log.t)
    waiting = t < 14.0
    assert x[waiting].max() + HALF_LEN < 50.0 - HALF_LEN - 2.0   # stayed behind the obstacle
    assert np.abs(y[waiting]).max() < 0.5                        # did not pull out
    assert x[-1] > 60.0                                          # passed once the stream ended


def test_in_lane_shift_for_partially_blocking_obstacle():
    cone = vehicle("cone", 50.0, 1.3, kind=ActorKind.STATIC, role="scenario")   # its edge on the ego's path edge
    cone.length_m, cone.width_m = 0.5, 0.5
    log = simulate(Expert(), ROUTE, ego_at(), 14, actors=collision_free(lambda t, e: [cone]))
    x, y = np.array(log.x), np.array(log.y)
    beside = np.abs(x - 50.0) < 1.0
    assert np.all(y[beside] < -0.2) and np.all(y[beside] > -2.5)   # a small shift, not a lane change


def test_makes_room_for_emergency_vehicle():
    def ev(t, e):
        x = -40.0 + 13.0 * t
        return [vehicle("ev", x, 0.0, speed=13.0, emergency=True)] if x < e.x_m + 60.0 else []
    log = simulate(Expert(), ROUTE, ego_at(), 15, actors=collision_free(ev))
    y = np.array(log.y)
    assert y.min() < -2.5                                       # moved a lane aside
    assert "make room" in " ".join(log.reason)
    assert abs(y[-1]) < 0.5                                     # and came back once it passed


def test_shifts_right_for_invading_oncoming_vehicle():
    def invader(t, e):
        return [vehicle("inv", 120.0 - 8.0 * t, -2.3, yaw=180.0, speed=8.0)]   # 1.2 m into the ego lane
    log = simulate(Expert(), ROUTE, ego_at(), 14, actors=collision_free(invader))
    x, y, t = np.array(log.x), np.array(log.y), np.array(log.t)
    meet = np.abs(x - (120.0 - 8.0 * t)) < 5.0
    assert meet.any() and np.all(y[meet] > 0.3) and np.all(y[meet] + 1.05 < 1.75)   # right, but inside its lane


def test_tracks_a_left_turn():
    route = left_turn_route()
    log = simulate(Expert(), route, ego_at(), 20)
    pts = np.stack([log.x, log.y], axis=1)
    before_end = pts[:, 1] > route.xy_m[-1, 1] + 1.0        # up to the route's end
    pts, speed = pts[before_end], np.array(log.speed)[before_end]
    fine = np.concatenate([np.linspace(a, b, 20, endpoint=False) for a, b in zip(route.xy_m[:-1], route.xy_m[1:])])
    d = np.min(np.linalg.norm(pts[:, None, :] - fine[None, :, :], axis=2), axis=1)
    assert d.max() < 0.5
    yaw = np.array([route.yaw_deg[np.argmin(np.linalg.norm(route.xy_m - p, axis=1))] for p in pts])
    mid_turn = (yaw < -15.0) & (yaw > -75.0)
    assert speed[mid_turn].max() < 6.0                     # slowed for a 12 m radius (√(2 m/s² · 12 m) ≈ 4.9)
    assert log.y[-1] < -40.0                                 # made it around


def test_left_turn_yields_to_oncoming_vehicle():
    # oncoming car drives west along y = -3.5 through the junction while the ego wants to turn left across it
    def oncoming(t, e):
        return [vehicle("on", 110.0 - 8.0 * t, -3.5, yaw=180.0, speed=8.0)]
    log = simulate(Expert(), left_turn_route(), ego_at(), 20, actors=collision_free(oncoming))
    assert any("on" in r for r in log.reason)
    assert log.y[-1] < -20.0


def test_crossing_vehicle_at_junction_is_yielded_to():
    def crossing(t, e):
        return [vehicle("x", 60.0, -70.0 + 8.0 * t, yaw=90.0, speed=8.0)]   # reaches y = 0 at t = 8.75 s
    log = simulate(Expert(), ROUTE, ego_at(), 16, actors=collision_free(crossing))
    assert log.x[-1] > 70.0


def test_cut_in_is_followed_without_collision():
    def cutin(t, e):
        lateral = 3.5 - min(max(t - 4.0, 0.0), 2.0) * 1.75     # moves into the ego lane in 2 s from t = 4
        yaw = -30.0 if 4.0 < t < 6.0 else 0.0
        return [vehicle("ci", 45.0 + 4.0 * t, lateral, yaw=yaw, speed=4.0)]
    log = simulate(Expert(), ROUTE, ego_at(), 14, actors=collision_free(cutin))
    assert any("ci" in r for r in log.reason)


def test_trajectory_shape_rate_and_frame():
    cfg = ExpertConfig(trajectory_dt_s=0.25, trajectory_horizon_s=2.0)
    route = straight_route(200, yaw_deg=90.0)                   # driving south (+y)
    out = Expert(cfg).run_step(Scene(0, 0.0, EgoState(0.0, 5.0, 90.0, 6.0)), route)
    traj = out.trajectory
    assert traj.xy_ego_m.shape == (8, 2) and traj.dt_s == 0.25
    assert np.all(np.diff(traj.xy_ego_m[:, 0]) > 0.0)          # forward in the ego frame
    assert np.abs(traj.xy_ego_m[:, 1]).max() < 0.05             # on the centreline
    assert abs(traj.xy_ego_m[0, 0] - 6.0 * 0.25) < 0.5          # ≈ speed × dt
    default = Expert().run_step(Scene(0, 0.0, EgoState(0.0, 5.0, 90.0, 6.0)), route).trajectory
    assert default.xy_ego_m.shape == (8, 2) and default.dt_s == 0.5


def test_ego_offset_to_the_right_gives_trajectory_back_to_the_left():
    route = straight_route(200)
    out = Expert().run_step(Scene(0, 0.0, EgoState(10.0, 1.0, 0.0, 5.0)), route)
    assert out.trajectory.xy_ego_m[-1, 1] < -0.8                  # converges to the centreline (1 m left)
    assert out.control.steer < 0.0


def test_pulls_out_around_a_close_obstacle_without_touching_it():
    # stopped 3 m (bumper to bumper) behind a parked car, opposite lane free: the pull-out must clear the
    # car's corner although there is little room to shift before it
    parked = vehicle("close", 7.9, 0.0, kind=ActorKind.STATIC, role="scenario")
    log = simulate(Expert(), ROUTE, ego_at(), 20, actors=collision_free(lambda t, e: [parked]))
    assert log.x[-1] > 40.0 and abs(log.y[-1]) < 0.5


def test_no_pass_into_a_car_seen_far_away():
    # standing 10 m behind the obstacle, an oncoming car 99 m away (beyond 80 m) reaches the pass in ~9 s, while a
    # pass from a standstill (~35 m) would still be under way: the ego must count it and let it go by first
    def scene(t, e):
        return [OBSTACLE, vehicle("far", 134.0 - 8.0 * t, -3.5, yaw=180.0, speed=8.0)]
    log = simulate(Expert(), ROUTE, ego_at(x=35.0), 30, actors=collision_free(scene))
    x, y, t = np.array(log.x), np.array(log.y), np.array(log.t)
    car_gone = t > (134.0 - 50.0 + 2 * HALF_LEN) / 8.0           # its rear is past the obstacle's rear
    assert np.abs(y[~car_gone]).max() < 0.5                    # did not pull out before the car went by
    assert x[-1] > 60.0


def test_pull_out_does_not_cut_the_corner_of_a_car_queued_behind_the_obstacle():
    # a car stands 4 m behind the (scenario) obstacle; the ego stops behind that car. The pass around the
    # obstacle must not start while its shifting path would clip the waiting car's corner; once that car
    # has stood long enough to count as an obstacle too, both are passed in one go
    lead = vehicle("lead", 60.0, 0.0, kind=ActorKind.STATIC, role="scenario")
    queued = vehicle("queued", 53.2, 0.0)
    queued.length_m, queued.width_m = 4.0, 1.8     # a small car: its centre clears a shifting path sooner
    log = simulate(Expert(), ROUTE, ego_at(), 45, actors=collision_free(lambda t, e: [lead, queued]))
    assert log.x[-1] > 70.0 and abs(log.y[-1]) < 0.5
