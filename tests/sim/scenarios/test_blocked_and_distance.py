"""BlockedIntersection, T_Junction and SequentialLaneChange on a real libsumo World."""
from __future__ import annotations

import math

import pytest

from scenario_harness import WIDE, route_frame
from wpt_core.sim.scenarios.registry import SCENARIO_TYPES


def test_blocked_intersection_blocker_stands_just_after_the_turn(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1B2"], "BlockedIntersection", 100.0, config=WIDE)
    scene = run.world.scene()
    blocker = [a for a in run.scenario_actors(scene)]
    assert len(blocker) == 1 and blocker[0].type_id.startswith("vehicle")
    lane = run.town.lanes[run.town.edges["B1B2"][0]]
    s_lane, lateral, _ = lane.path.project((blocker[0].x_m, blocker[0].y_m))
    assert abs(lateral) < 0.3 and 2.0 < s_lane < 9.0                  # on the exit lane, ~5 m into it
    assert abs(((blocker[0].yaw_deg - lane.pose_at(s_lane)[2]) + 180) % 360 - 180) < 10


def test_blocked_intersection_blocker_leaves_after_the_ego_waited(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1B2"], "BlockedIntersection", 100.0, cruise_mps=5.0, config=WIDE)
    blocker = run.scenario_actors(run.world.scene())[0]
    s_block = route_frame(run, blocker)[0]
    near_t = None
    for _ in range(2000):
        ahead = s_block - run.ego_s()
        run.tick(target_mps=0.0 if ahead < 9.0 and run.scenario_actors(run.world.scene()) else None)
        ego = run.world.ego
        if near_t is None and math.hypot(ego.x_m - blocker.x_m, ego.y_m - blocker.y_m) <= 13.0:
            near_t = run.world.time_s
        if run.scenario.done:
            break
    assert run.scenario.done and near_t is not None
    assert run.world.time_s - near_t == pytest.approx(10.0, abs=0.2)  # 10 s after the ego came within 13 m
    assert not run.collisions.events and not run.scenario_actors(run.world.scene())


def test_blind_ego_hits_the_blocker(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1B2"], "BlockedIntersection", 100.0, cruise_mps=6.0)
    run.until(lambda sc: bool(run.collisions.events), max_ticks=1200)
    assert run.collisions.events[0].kind == "collisions_vehicle"


@pytest.mark.parametrize("kind", ["T_Junction", "SequentialLaneChange"])
def test_drive_distance_types_end_200_m_after_the_trigger(make_run, kind):
    run = make_run("EmbeddedGrid", ["A1B1", "B1B2", "B2B3"], kind, 20.0, cruise_mps=10.0)
    assert not run.scenario_actors(run.world.scene())                 # nothing added to the scene
    run.until(lambda sc: run.scenario.done, max_ticks=1200)
    assert run.ego_s() == pytest.approx(220.0, abs=2.0)
    assert SCENARIO_TYPES[kind].timeout_s == 240.0
