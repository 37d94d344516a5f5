"""VehicleTurningRoute(Pedestrian), ControlLoss, VehicleOpensDoorTwoWays and ParkingExit on a real
libsumo World: actors where the type puts them (measured in the route frame and on the town's lanes),
and the infraction a blind agent gets."""
from __future__ import annotations

import math

import numpy as np
import pytest

from scenario_harness import WIDE, route_frame
from wpt_core.types import Control

GRID_LEFT = ["A1B1", "B1B2"]      # at B1 (CARLA yaw decreases: a left turn)
GRID_RIGHT = ["A1B1", "B1B0"]


def exit_start_s(run) -> float:
    """Route s where the route leaves its first junction (from the dense route's own junction flags)."""
    inside = np.asarray(run.route.in_junction)
    first = int(np.argmax(inside))
    return float(run.s[first + int(np.argmax(~inside[first:]))])


def test_turning_route_cyclist_waits_on_the_right_sidewalk_of_the_exit(make_run):
    run = make_run("EmbeddedGrid", GRID_LEFT, "VehicleTurningRoute", 100.0, config=WIDE)
    (bike,) = run.scenario_actors(run.world.scene())
    assert bike.kind.value == "bicycle"
    s, lateral = route_frame(run, bike)
    lane_w = run.route.lane_width_m[0]
    assert s - exit_start_s(run) == pytest.approx(11.0, abs=1.0)           # 11 m into the exit road
    assert lateral > lane_w / 2 + 1.0                                       # beyond the road's right edge
    assert abs(((bike.yaw_deg - run.route.yaw_deg[int(np.searchsorted(run.s, s))]) + 180) % 360 - 180) > 60


def test_blind_ego_hits_the_turning_route_cyclist(make_run):
    run = make_run("EmbeddedGrid", GRID_LEFT, "VehicleTurningRoute", 100.0, cruise_mps=6.0)
    run.until(lambda sc: bool(run.collisions.events) or run.scenario.done, max_ticks=1500)
    assert [e.kind for e in run.collisions.events][:1] == ["collisions_vehicle"]
    assert "diamondback" in run.collisions.events[0].message


@pytest.mark.parametrize("edges,side", [(GRID_RIGHT, "left"), (GRID_LEFT, "right")])
def test_turning_route_pedestrian_side_depends_on_the_turn(make_run, edges, side):
    run = make_run("EmbeddedGrid", edges, "VehicleTurningRoutePedestrian", 100.0, config=WIDE)
    (walker,) = run.scenario_actors(run.world.scene())
    s, lateral = route_frame(run, walker)
    lane_w = run.route.lane_width_m[0]
    assert s - exit_start_s(run) == pytest.approx(0.5, abs=1.0)
    if side == "right":
        assert lateral > lane_w / 2 + 1.0
    else:                                                                    # beyond the opposite lane
        assert lateral < -1.5 * lane_w - 1.0
    crossed = []
    for _ in range(1500):
        scene = run.tick(target_mps=2.0 if run.ego_s() > 110.0 else None)
        walkers = run.scenario_actors(scene)
        if walkers and walkers[0].speed_mps > 1.0:
            crossed.append(route_frame(run, walkers[0])[1])
        if run.scenario.done or (crossed and abs(crossed[-1]) < lane_w / 2):
            break
    # into the ego lane (it stops where it meets the creeping ego's box: contacts make a hit walker fall)
    assert crossed and abs(crossed[-1]) < lane_w / 2
    assert math.copysign(1.0, crossed[0]) == (1.0 if side == "right" else -1.0)


def test_control_loss_disturbs_the_control_only_at_the_three_spots(make_run):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "ControlLoss", 20.0, cruise_mps=8.0)
    assert not run.scenario_actors(run.world.scene())
    disturbed = []
    for _ in range(600):
        run.tick()
        ego_s = run.ego_s()
        plain = Control(throttle=0.5, steer=0.0)
        got = run.manager.perturb(plain)
        if got != plain:
            disturbed.append((ego_s, got.throttle - 0.5, got.steer))
        if run.scenario.done:
            break
    assert run.scenario.done and run.ego_s() == pytest.approx(130.0, abs=2.0)   # ends 110 m after the trigger
    spots = {min((14.0, 48.0, 74.0), key=lambda d: abs(s - 20.0 - d)) for s, _, _ in disturbed}
    assert all(any(abs(s - 20.0 - d) <= 2.5 for d in (14.0, 48.0, 74.0)) for s, _, _ in disturbed)
    assert len(spots) == 3
    steers = np.array([st for _, _, st in disturbed])
    assert 0.02 < np.abs(steers).mean() < 0.09 and np.abs(np.array([t for _, t, _ in disturbed])).max() < 0.08


def test_door_opens_into_the_ego_lane_then_oncoming_flow(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "VehicleOpensDoorTwoWays", 15.0,
                   {"distance": {"value": "60"}, "frequency": {"from": "25", "to": "30"}}, config=WIDE)
    lane_w = run.route.lane_width_m[0]
    ego_w = run.world.ego.width_m
    (car,) = run.scenario_actors(run.world.scene())
    s, lateral = route_frame(run, car)
    assert s == pytest.approx(75.0, abs=1.5)
    inner = lateral - car.width_m / 2
    assert lane_w / 2 - 0.5 < inner < lane_w / 2                            # hugging the ego lane from the kerb
    assert inner + lane_w / 2 > ego_w                                          # room to pass while it is shut
    run.until(lambda sc: any(a.width_m > car.width_m + 0.5 for a in run.scenario_actors(sc)), max_ticks=900,
              target_mps=None if run.ego_s() < 50.0 else 2.0)
    opened_t = run.world.time_s
    gap_m = 75.0 - run.ego_s()
    assert gap_m / max(run.world.ego.speed_mps, 0.1) <= 3.2 or gap_m <= 12.0
    opened = next(a for a in run.scenario_actors(run.world.scene()) if a.width_m > car.width_m + 0.5)
    _, lat_open = route_frame(run, opened)
    assert (lat_open - opened.width_m / 2) + lane_w / 2 < ego_w                # no longer room inside the lane
    assert run.invasion == []
    scene = run.until(lambda sc: any("oncoming" in a.id for a in run.scenario_actors(sc)), max_ticks=400,
                      target_mps=0.0)
    assert run.world.time_s - opened_t == pytest.approx(5.0, abs=0.2) and run.invasion == [True]
    oncoming = next(a for a in run.scenario_actors(scene) if "oncoming" in a.id)
    assert route_frame(run, oncoming)[1] == pytest.approx(-lane_w, abs=0.5)


def test_blind_ego_hits_the_open_door(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "VehicleOpensDoorTwoWays", 15.0, {"distance": {"value": "60"}})
    run.until(lambda sc: bool(run.collisions.events), max_ticks=900)
    assert run.collisions.events[0].kind == "collisions_vehicle" and "parked_open" in run.collisions.events[0].message


def test_parking_exit_ego_starts_between_parked_cars_at_the_kerb(make_run):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "ParkingExit", 0.0,
                   {"direction": {"value": "right"}, "front_vehicle_distance": {"value": "20"},
                    "behind_vehicle_distance": {"value": "10"}})
    lane_w = run.route.lane_width_m[0]
    ego = run.world.ego
    s_ego, lat_ego = route_frame(run, ego)
    assert lat_ego - ego.width_m / 2 == pytest.approx(lane_w / 2, abs=0.1)   # just off the lane, kerbside
    parked = run.scenario_actors(run.world.scene())
    along = sorted(float(np.dot([a.x_m - ego.x_m, a.y_m - ego.y_m],
                                [math.cos(math.radians(ego.yaw_deg)), math.sin(math.radians(ego.yaw_deg))]))
                   for a in parked if a.kind.value == "static")
    assert along == pytest.approx([-10.0, 20.0], abs=0.5)
    scene = run.until(lambda sc: any(a.kind.value == "vehicle" for a in run.scenario_actors(sc)), max_ticks=3,
                      target_mps=0.0)
    side = [a for a in run.scenario_actors(scene) if a.kind.value == "vehicle"]
    s_side, lat_side = route_frame(run, side[0])
    assert len(side) == 1 and s_side - s_ego < 8.0 and abs(lat_side) < 0.5   # a car in the lane beside the ego
    start = (side[0].x_m, side[0].y_m)
    for _ in range(400):
        scene = run.tick(target_mps=0.0)
        side = [a for a in run.scenario_actors(scene) if a.kind.value == "vehicle"]
        if not side:
            break
        last = side[0]
    assert not side and math.hypot(last.x_m - start[0], last.y_m - start[1]) > 40.0   # it drove off, then left
