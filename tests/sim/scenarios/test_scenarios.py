"""Scenario types in a real libsumo World on the shipped towns.

Each test builds a route through a site of the kind the type needs, drives the ego along it with a
plain pure-pursuit controller, and checks that after the trigger the scene holds the situation the
type must create, measured against the town's own geometry (lane shapes, junction links, SUMO's light
states), never against the scenario's internal numbers.
"""
from __future__ import annotations

import math
from typing import Dict, List, Optional, Tuple

import libsumo
import numpy as np
import pytest

from scenario_harness import EMPTY, WIDE, Run, inside, link_indices, point_on, route_frame
from wpt_core.geometry import OrientedBox
from wpt_core.leaderboard.route_file import ScenarioSpec
from wpt_core.sim.scenarios.base import ScenarioContext
from wpt_core.sim.scenarios.manager import ScenarioManager
from wpt_core.sim.scenarios.registry import SCENARIO_TYPES, UnknownScenarioType, build_scenario
from wpt_core.sim.town.town import Town
from wpt_core.sim.world.world import WorldConfig
from wpt_core.types import Actor


def test_unknown_type_is_a_clear_error():
    town = Town.load("EmbeddedGrid")
    lanes = town.lane_path(["A1B1", "B1C1"])
    route = town.dense_route(lanes)
    ctx = ScenarioContext(None, town, route, lanes, np.random.default_rng(0), lambda *a: None, lambda a: None,
                          lambda a: None)
    spec = ScenarioSpec("X_1", "HazardAtSideLaneNope", (float(route.xy_m[5, 0]), float(route.xy_m[5, 1]), 0.0, 0.0))
    with pytest.raises(UnknownScenarioType) as err:
        build_scenario(spec, ctx)
    assert "HazardAtSideLaneNope" in str(err.value) and "ParkedObstacle" in str(err.value)
    assert len(SCENARIO_TYPES) >= 16


def test_parked_obstacle_blocks_ego_lane_at_distance(make_run):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "ParkedObstacle", 20.0, {"distance": {"value": "60"}})
    scene = run.world.scene()
    parked = [a for a in run.scenario_actors(scene) if a.type_id.startswith("vehicle")]
    assert len(parked) == 1
    s, lateral = route_frame(run, parked[0])
    assert s == pytest.approx(80.0, abs=2.0)
    lane_w = run.route.lane_width_m[0]
    assert 0.0 < lateral < lane_w / 2          # shifted right but still in the ego lane
    free_left = (lateral - parked[0].width_m / 2) + lane_w / 2
    assert free_left < run.world.ego.width_m   # the ego cannot squeeze past inside its lane


def test_two_ways_flow_in_opposite_lane_and_lane_invasion_allowed(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "ParkedObstacleTwoWays", 15.0,
                   {"distance": {"value": "70"}, "frequency": {"from": "20", "to": "30"}})
    scene = run.until(lambda sc: run.scenario.triggered)
    assert run.invasion == [True]
    scene = run.until(lambda sc: len([a for a in run.scenario_actors(sc) if a.kind.value == "vehicle"]) >= 2,
                      max_ticks=200, target_mps=0.0)
    oncoming = [a for a in run.scenario_actors(scene) if a.kind.value == "vehicle"]
    lane_w = run.route.lane_width_m[0]
    for actor in oncoming:
        s, lateral = route_frame(run, actor)
        assert lateral == pytest.approx(-lane_w, abs=0.5)            # centred on the lane to the left
        assert abs(((actor.yaw_deg - run.route.yaw_deg[0]) + 180) % 360 - 180) > 170  # driving towards the ego
        assert actor.speed_mps > 3.0


def test_accident_police_and_two_crashed_cars(make_run):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "Accident", 20.0, {"distance": {"value": "50"}})
    vehicles = [a for a in run.scenario_actors(run.world.scene()) if a.type_id.startswith("vehicle")]
    assert sorted(round(route_frame(run, a)[0]) for a in vehicles) == pytest.approx([70, 80, 86], abs=2)
    assert any(a.type_id == "vehicle.dodge.charger_police_2020" for a in vehicles)


def test_construction_closes_the_lane(make_run):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "ConstructionObstacle", 20.0, {"distance": {"value": "60"}})
    props = run.scenario_actors(run.world.scene())
    assert any(a.type_id == "static.prop.trafficwarning" for a in props)
    cones = [route_frame(run, a) for a in props if a.type_id == "static.prop.constructioncone"]
    assert len(cones) >= 5
    lane_w = run.route.lane_width_m[0]
    assert all(abs(lat) < lane_w / 2 for _, lat in cones)     # the cones stand inside the ego lane


def test_scenario_timeout_reported_when_ego_never_passes(make_run):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "ParkedObstacle", 5.0, {"distance": {"value": "60"}})
    run.scenario.timeout_s = 3.0  # instance override: the leaderboard's 240 s would make a slow test
    run.until(lambda sc: run.scenario.triggered, target_mps=4.0)
    assert run.blocked_test == [False]                   # B2D's ScenarioTimeout: agent-blocked test off
    run.until(lambda sc: run.scenario.done, max_ticks=200, target_mps=0.0)
    assert run.events == [("scenario_timeouts", "Agent timed out a scenario")]
    assert run.blocked_test == [False, True]             # and on again when the scenario ends
    assert not run.scenario_actors(run.world.scene())    # removed so the ego can go on


# Families whose behaviour tree holds a ScenarioTimeout in Bench2Drive's scenario_runner
# (grep 'ScenarioTimeout(' srunner/scenarios): only these switch the agent-blocked test off.
B2D_SCENARIO_TIMEOUT_FAMILIES = {
    "EnterActorFlow", "EnterActorFlowV2", "HighwayExit", "MergerIntoSlowTraffic", "MergerIntoSlowTrafficV2",
    "InterurbanActorFlow", "InterurbanAdvancedActorFlow", "BlockedIntersection", "ConstructionObstacle",
    "ConstructionObstacleTwoWays", "CrossingBicycleFlow", "InvadingTurn", "SignalizedJunctionLeftTurnEnterFlow",
    "NonSignalizedJunctionLeftTurnEnterFlow", "ParkingExit", "Accident", "AccidentTwoWays", "ParkedObstacle",
    "ParkedObstacleTwoWays", "HazardAtSideLane", "HazardAtSideLaneTwoWays", "SequentialLaneChange",
    "SignalizedJunctionLeftTurn", "NonSignalizedJunctionLeftTurn", "SignalizedJunctionRightTurn",
    "NonSignalizedJunctionRightTurn", "T_Junction", "VehicleOpensDoorTwoWays"}


def test_scenario_timeout_guards_exactly_the_families_bench2drive_guards():
    guarded = {name for name, cls in SCENARIO_TYPES.items() if cls.timeout_s is not None}
    assert guarded == B2D_SCENARIO_TIMEOUT_FAMILIES & set(SCENARIO_TYPES)
    assert all(SCENARIO_TYPES[name].timeout_s == 240.0 for name in guarded)   # B2D's _scenario_timeout


def test_hard_break_lead_brakes_hard_then_drives_on(make_run):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "HardBreakRoute", 40.0, cruise_mps=9.0)
    speeds: List[float] = []
    gaps: List[float] = []
    for _ in range(700):
        scene = run.tick()
        lead = [a for a in run.scenario_actors(scene) if a.kind.value == "vehicle"]
        if run.scenario.triggered and lead:
            speeds.append(lead[0].speed_mps)
            gaps.append(route_frame(run, lead[0])[0] - run.ego_s())
        if run.scenario.done:
            break
        if run.scenario.triggered and len(speeds) > 40 and speeds[-1] == 0.0:
            run.cruise_mps = 0.0  # the ego stops behind it
    assert speeds[0] > 5.0 and 5.0 < gaps[0] < 40.0     # a moving lead in front of the ego at the trigger
    decel = -np.diff(speeds) / 0.05
    assert decel.max() > 4.0                             # hard braking
    assert min(speeds) == 0.0 and speeds[-1] > 1.0       # stopped, then drove on
    assert run.blocked_test == []                        # no ScenarioTimeout in B2D's HardBreakRoute


def test_parking_cut_in_moves_into_ego_lane(make_run):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "ParkingCutIn", 20.0, {"direction": {"value": "right"}})
    lane_w = run.route.lane_width_m[0]
    parked = [a for a in run.scenario_actors(run.world.scene()) if a.kind.value == "static"]
    assert len(parked) == 2 and all(route_frame(run, a)[1] > lane_w / 2 for a in parked)  # off the lane, kerbside
    laterals = []
    for _ in range(400):
        scene = run.tick()
        movers = [a for a in run.scenario_actors(scene) if a.kind.value == "vehicle"]
        if movers:
            s, lat = route_frame(run, movers[0])
            laterals.append(lat)
            if len(laterals) == 1:
                assert 5.0 < s - run.ego_s() < 25.0         # pulls out when the ego is close
        if laterals and abs(laterals[-1]) < 0.3:
            break
    assert laterals[0] > lane_w / 2 and abs(laterals[-1]) < 0.3    # from the kerb into the ego lane centre


def test_static_cut_in_from_stopped_queue_on_the_left(make_run):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "StaticCutIn", 20.0,
                   {"distance": {"value": "70"}, "direction": {"value": "left"}})
    lane_w = run.route.lane_width_m[0]
    scene = run.until(lambda sc: run.ego_s() > 25.0)  # the whole queue within the scene radius
    queue = [route_frame(run, a) for a in run.scenario_actors(scene)]
    assert len(queue) == 6 and all(lat == pytest.approx(-lane_w, abs=0.4) for _, lat in queue)
    laterals = []
    for _ in range(500):
        scene = run.tick()
        moving = [a for a in run.scenario_actors(scene) if a.kind.value == "vehicle" and a.speed_mps > 0.1]
        if moving:
            laterals.append(route_frame(run, moving[0])[1])
            if abs(laterals[-1]) < 0.3:
                break
    assert laterals and laterals[0] < -lane_w + 0.5 and abs(laterals[-1]) < 0.3


def test_dynamic_object_crossing_walker_from_behind_blocker(make_run):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "DynamicObjectCrossing", 20.0,
                   {"distance": {"value": "40"}, "direction": {"value": "right"},
                    "blocker_model": {"value": "static.prop.vendingmachine"}})
    scene = run.world.scene()
    blocker = next(a for a in run.scenario_actors(scene) if a.type_id == "static.prop.vendingmachine")
    walker = next(a for a in run.scenario_actors(scene) if a.kind.value == "walker")
    lane_w = run.route.lane_width_m[0]
    s_b, lat_b = route_frame(run, blocker)
    s_w, lat_w = route_frame(run, walker)
    assert s_b == pytest.approx(60.0, abs=1.5) and lat_b > lane_w / 2 and lat_w > lane_w / 2
    assert s_w > s_b                                       # hidden behind the blocker seen from the ego
    start_gap = None
    for _ in range(500):
        scene = run.tick()
        walker = next((a for a in run.scenario_actors(scene) if a.kind.value == "walker"), None)
        if walker is None:
            break
        if walker.speed_mps > 0.5 and start_gap is None:
            start_gap = s_w - run.ego_s()
            assert start_gap / max(run.world.ego.speed_mps, 0.1) < 3.0   # time to arrival ~2 s
        if abs(route_frame(run, walker)[1]) < 0.5:
            break
    assert start_gap is not None and abs(route_frame(run, walker)[1]) < 0.5  # walking through the ego lane


def test_opposite_vehicle_runs_red_light_across_ego_path(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "OppositeVehicleRunningRedLight", 100.0,
                   {"direction": {"value": "right"}})
    town, junction = run.town, run.town.junctions["B1"]
    ego_links = link_indices(town, "A1B1_1")
    scene = run.until(lambda sc: any(a.role == "scenario" for a in sc.actors), max_ticks=900)
    adversary = run.scenario_actors(scene)[0]
    assert route_frame(run, adversary)[1] > 5.0                      # comes from the ego's right
    assert abs(((adversary.yaw_deg - run.route.yaw_deg[0]) + 90 + 180) % 360 - 180) < 20
    inside_red = 0
    for _ in range(200):
        state = libsumo.trafficlight.getRedYellowGreenState(junction.tls_id)
        assert all(state[i] in "Gg" for i in ego_links)               # the ego's light is green
        scene = run.tick()
        adv = next((a for a in run.scenario_actors(scene)), None)
        if adv is None:
            break
        s_adv, lat_adv = route_frame(run, adv)
        if abs(lat_adv) < 1.0:                                        # crossing the ego's path ...
            assert 0.0 < s_adv - run.ego_s() < 15.0                    # ... just in front of the ego
        if inside(junction.polygon_xy, adv.x_m, adv.y_m):
            own = [lk.tls_index for lid in town.edges["B0B1"] for lk in town.lanes[lid].links if lk.tls_id]
            assert all(state[i] == "r" for i in own)                  # its own light is red
            inside_red += 1
    assert inside_red > 5                                             # it really crossed the junction


def test_signalized_left_turn_oncoming_flow_and_permissive_green(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1B2"], "SignalizedJunctionLeftTurn", 100.0,
                   {"flow_speed": {"value": "10"}, "source_dist_interval": {"from": "20", "to": "30"}})
    town = run.town
    tls = town.junctions["B1"].tls_id
    run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    state = libsumo.trafficlight.getRedYellowGreenState(tls)
    assert all(state[i] == "r" for i in link_indices(town, "A1B1_1"))      # ego held red first
    assert all(state[i] in "Gg" for i in link_indices(town, "C1B1_1"))     # oncoming green
    scene = run.until(lambda sc: run.scenario.elapsed_s() > 6.0, target_mps=0.0)
    state = libsumo.trafficlight.getRedYellowGreenState(tls)
    ego_left = [lk.tls_index for lk in town.lanes["A1B1_1"].links if lk.direction == "l"]
    assert all(state[i] in "Gg" for i in link_indices(town, "C1B1_1")) and all(state[i] == "g" for i in ego_left)
    oncoming = [a for a in run.scenario_actors(scene)]
    assert len(oncoming) >= 2
    for actor in oncoming:
        assert abs(((actor.yaw_deg - run.route.yaw_deg[0]) + 180) % 360 - 180) > 160   # towards the ego


def test_non_signalized_left_turn_flow(make_run):
    run = make_run("EmbeddedGrid", ["A2B2", "B2B3"], "NonSignalizedJunctionLeftTurn", 100.0,
                   {"flow_speed": {"value": "10"}, "source_dist_interval": {"from": "20", "to": "30"}})
    scene = run.until(lambda sc: run.scenario.triggered and run.scenario.elapsed_s() > 6.0, max_ticks=900,
                      target_mps=None)
    oncoming = run.scenario_actors(scene)
    assert len(oncoming) >= 2
    assert all(abs(((a.yaw_deg - 0.0) + 180) % 360 - 180) > 160 for a in oncoming)   # westbound, towards the ego


@pytest.mark.parametrize("kind,first", [("VanillaSignalizedTurnEncounterRedLight", "r"),
                                         ("VanillaSignalizedTurnEncounterGreenLight", "G")])
def test_vanilla_signalized_turn_light_on_arrival(make_run, kind, first):
    run = make_run("EmbeddedGrid", ["A1B1", "B1B0"], kind, 100.0)
    town = run.town
    tls = town.junctions["B1"].tls_id
    ego_links = link_indices(town, "A1B1_1")
    stop = town.lanes["A1B1_1"].shape_xy[-1]
    seen = []
    for _ in range(1200):
        run.tick(target_mps=None if not seen or first == "G" else 0.0)
        ego = run.world.ego
        state = libsumo.trafficlight.getRedYellowGreenState(tls)
        if math.hypot(ego.x_m - stop[0], ego.y_m - stop[1]) < 8.0 or seen:
            seen.append(state[ego_links[0]])
        if len(seen) > 200:
            break
    assert seen[0] in (first, first.lower())                      # the light the ego meets on arrival
    if first == "r":
        assert "G" in seen or "g" in seen                          # and it turns green later


def test_stop_sign_turn_with_cross_traffic(make_run):
    run = make_run("EmbeddedGrid", ["A2B2", "B2B3"], "VanillaNonSignalizedTurnEncounterStopsign", 100.0)
    assert run.town.lanes["A2B2_1"].links[0].state == "s"             # the ego's approach has a stop sign
    scene = run.until(lambda sc: run.scenario.triggered and run.scenario.elapsed_s() > 2.0, max_ticks=900,
                      target_mps=None)
    cross = run.scenario_actors(scene)
    assert len(cross) == 2
    headings = sorted(round(((a.yaw_deg + 180) % 360 - 180) / 90) * 90 for a in cross)
    assert headings == [-90, 90]                                      # one from each side, across the ego


def test_pedestrian_crossing_walkers_on_exit_crosswalk(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "PedestrianCrossing", 105.0)
    crossing = run.town.lanes[":B1_c1_0"]                             # the crosswalk over the exit B1C1
    a, b = crossing.shape_xy[0], crossing.shape_xy[-1]
    on_walk = 0
    walkers: List[Actor] = []
    for _ in range(900):
        # approach until they set off, then wait for them (a walker the ego hit would lie still)
        walking = run.scenario.walk_start is not None
        scene = run.tick(target_mps=(0.0 if walking else 3.0) if run.scenario.triggered else None)
        walkers = [w for w in run.scenario_actors(scene) if w.kind.value == "walker" and w.speed_mps > 0.5]
        for w in walkers:
            t = np.clip(np.dot([w.x_m - a[0], w.y_m - a[1]], b - a) / np.dot(b - a, b - a), 0, 1)
            if np.hypot(*(a + t * (b - a) - [w.x_m, w.y_m])) <= crossing.width_m / 2 + 0.05 and 0 < t < 1:
                on_walk += 1
        if on_walk > 100:
            break
    assert 2 <= len(walkers) <= 4 and on_walk > 100
    assert run.world.ego.x_m < a[0] - 2.0                              # they cross in front of the (eastbound) ego


@pytest.mark.parametrize("ego_yields", [False, True])
def test_yield_to_emergency_vehicle(make_run, ego_yields):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "YieldToEmergencyVehicle", 150.0,
                   {"distance": {"value": "100"}}, cruise_mps=5.0)
    scene = run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    ev = next(a for a in run.scenario_actors(scene) if a.is_emergency)
    assert ev.type_id == "vehicle.ford.ambulance"
    assert route_frame(run, ev)[0] == pytest.approx(run.ego_s() - 100.0, abs=3.0)   # `distance` behind
    assert ev.speed_mps > run.world.ego.speed_mps + 5.0                              # and faster
    if ego_yields:
        run.lateral_m = -run.route.lane_width_m[0]       # move over to the left lane
    for _ in range(1200):
        run.tick()
        if run.scenario.done:
            break
    assert run.scenario.done
    if ego_yields:
        assert run.events == []
    else:
        assert run.events == [("yield_emergency_vehicle_infractions", "Agent failed to yield to an emergency vehicle")]


def test_invading_turn_oncoming_cars_cut_into_ego_lane(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "InvadingTurn", 10.0,
                   {"distance": {"value": "100"}, "offset": {"value": "0.5"}})
    lane_w = run.route.lane_width_m[0]
    scene = run.until(lambda sc: any(a.kind.value == "vehicle" for a in run.scenario_actors(sc)), target_mps=2.0)
    for _ in range(60):
        scene = run.tick(target_mps=2.0)
    invaders = [a for a in run.scenario_actors(scene) if a.kind.value == "vehicle"]
    assert invaders
    for car in invaders:
        _, lateral = route_frame(run, car)
        assert abs(((car.yaw_deg - run.route.yaw_deg[0]) + 180) % 360 - 180) > 170      # oncoming
        assert -lane_w - 0.1 < lateral < -lane_w / 2                                      # centred in their lane ...
        assert lateral + car.width_m / 2 > -lane_w / 2 + 0.5                               # ... but 0.5 m into ours
    assert run.invasion == []                                                            # no lane invasion allowed


HIGHWAY = Town.load("EmbeddedHighway")
RAMP_IN = ["S2EB3", "EB3EB4", "EB4EB5"]        # down the on-ramp, through the acceleration lane, on
RAMP_TRIGGER_S = HIGHWAY.edge_length_m("S2EB3") - 60.0   # 60 m before the ramp joins, as generated
RAMP_FLOW = {"start_actor_flow": point_on(HIGHWAY, "EB2EB3", from_end_m=100.0),
             "end_actor_flow": point_on(HIGHWAY, "EB4EB5", at_m=35.0)}
SITES = {  # type -> (town, edges, trigger s, params): sites of the kind route generation picks
    "ParkedObstacle": ("EmbeddedArterial", ["A1B1", "B1C1"], 20.0, {"distance": {"value": "60"}}),
    "ConstructionObstacle": ("EmbeddedArterial", ["A1B1", "B1C1"], 20.0, {"distance": {"value": "60"}}),
    "Accident": ("EmbeddedArterial", ["A1B1", "B1C1"], 20.0, {"distance": {"value": "60"}}),
    "ParkedObstacleTwoWays": ("EmbeddedGrid", ["A1B1", "B1C1"], 15.0, {"distance": {"value": "60"}}),
    "ConstructionObstacleTwoWays": ("EmbeddedGrid", ["A1B1", "B1C1"], 15.0, {"distance": {"value": "60"}}),
    "AccidentTwoWays": ("EmbeddedGrid", ["A1B1", "B1C1"], 15.0, {"distance": {"value": "60"}}),
    "HardBreakRoute": ("EmbeddedArterial", ["A1B1", "B1C1"], 40.0, {}),
    "ParkingCutIn": ("EmbeddedArterial", ["A1B1", "B1C1"], 20.0, {"direction": {"value": "right"}}),
    "StaticCutIn": ("EmbeddedArterial", ["A1B1", "B1C1"], 20.0, {"distance": {"value": "70"}}),
    "DynamicObjectCrossing": ("EmbeddedArterial", ["A1B1", "B1C1"], 20.0, {"distance": {"value": "40"}}),
    "PedestrianCrossing": ("EmbeddedGrid", ["A1B1", "B1C1"], 105.0, {}),
    "OppositeVehicleRunningRedLight": ("EmbeddedGrid", ["A1B1", "B1C1"], 100.0, {"direction": {"value": "left"}}),
    "SignalizedJunctionLeftTurn": ("EmbeddedGrid", ["A1B1", "B1B2"], 100.0, {"flow_speed": {"value": "10"}}),
    "NonSignalizedJunctionLeftTurn": ("EmbeddedGrid", ["A2B2", "B2B3"], 100.0, {"flow_speed": {"value": "10"}}),
    "VanillaSignalizedTurnEncounterRedLight": ("EmbeddedGrid", ["A1B1", "B1B0"], 100.0, {}),
    "VanillaSignalizedTurnEncounterGreenLight": ("EmbeddedGrid", ["A1B1", "B1B2"], 100.0, {}),
    "VanillaNonSignalizedTurnEncounterStopsign": ("EmbeddedGrid", ["A2B2", "B2B3"], 100.0, {}),
    "YieldToEmergencyVehicle": ("EmbeddedArterial", ["A1B1", "B1C1"], 150.0, {"distance": {"value": "100"}}),
    "InvadingTurn": ("EmbeddedGrid", ["A1B1", "B1C1"], 10.0, {"distance": {"value": "100"}}),
    "HazardAtSideLane": ("EmbeddedArterial", ["A1B1", "B1C1"], 20.0, {"distance": {"value": "50"}}),
    "HazardAtSideLaneTwoWays": ("EmbeddedGrid", ["A1B1", "B1C1"], 15.0, {"distance": {"value": "50"}}),
    "ParkingCrossingPedestrian": ("EmbeddedArterial", ["A1B1", "B1C1"], 20.0, {"distance": {"value": "40"}}),
    "OppositeVehicleTakingPriority": ("EmbeddedGrid", ["A2B2", "B2C2"], 100.0, {"direction": {"value": "right"}}),
    "VanillaNonSignalizedTurn": ("EmbeddedGrid", ["A2B2", "B2B3"], 100.0, {}),
    "SignalizedJunctionRightTurn": ("EmbeddedGrid", ["A1B1", "B1B0"], 100.0, {"flow_speed": {"value": "8"}}),
    "NonSignalizedJunctionRightTurn": ("EmbeddedGrid", ["A2B2", "B2B1"], 100.0, {"flow_speed": {"value": "8"}}),
    "SignalizedJunctionLeftTurnEnterFlow": ("EmbeddedGrid", ["A1B1", "B1B2"], 100.0, {"flow_speed": {"value": "8"}}),
    "NonSignalizedJunctionLeftTurnEnterFlow": ("EmbeddedGrid", ["A2B2", "B2B3"], 100.0,
                                               {"flow_speed": {"value": "8"}}),
    "BlockedIntersection": ("EmbeddedGrid", ["A1B1", "B1B2"], 100.0, {}),
    "T_Junction": ("EmbeddedGrid", ["B1A1", "A1A2"], 100.0, {}),
    "SequentialLaneChange": ("EmbeddedArterial", ["A1B1", "B1C1"], 20.0, {}),
    "VehicleTurningRoute": ("EmbeddedGrid", ["A1B1", "B1B2"], 100.0, {}),
    "VehicleTurningRoutePedestrian": ("EmbeddedGrid", ["A1B1", "B1B0"], 100.0, {}),
    "ControlLoss": ("EmbeddedArterial", ["A1B1", "B1C1"], 20.0, {}),
    "VehicleOpensDoorTwoWays": ("EmbeddedGrid", ["A1B1", "B1C1"], 15.0, {"distance": {"value": "60"}}),
    "ParkingExit": ("EmbeddedArterial", ["A1B1", "B1C1"], 0.0, {"direction": {"value": "right"}}),
    # point parameters on EmbeddedGrid lanes around B2 (x 150, y -260): A2B2 eastbound in, B3B2 from the
    # left, B1B2 from the right, C2B2 oncoming; B2B1 right, B2B3 left, B2C2 straight out
    "CrossingBicycleFlow": ("EmbeddedGrid", ["A2B2", "B2B3"], 100.0, {
        "start_actor_flow": {"x": "230", "y": "-261.75"}, "flow_speed": {"value": "5"}}),
    # EmbeddedHighway, eastbound: the on-ramp S2EB3 joins the motorway EB2EB3 as the acceleration lane of
    # EB3EB4, which ends into EB4EB5; the off-ramp EB2S1 leaves the deceleration lane of EB1EB2; S1S2 /
    # S2S1 is the interurban road the ramps end on (S1: off-ramp end, S2: on-ramp start)
    "EnterActorFlow": ("EmbeddedHighway", RAMP_IN, RAMP_TRIGGER_S, RAMP_FLOW),
    "EnterActorFlowV2": ("EmbeddedHighway", RAMP_IN, RAMP_TRIGGER_S, RAMP_FLOW),
    "MergerIntoSlowTraffic": ("EmbeddedHighway", RAMP_IN, RAMP_TRIGGER_S, {**RAMP_FLOW, "flow_speed": {"value": "4"}}),
    "MergerIntoSlowTrafficV2": ("EmbeddedHighway", RAMP_IN, RAMP_TRIGGER_S, {**RAMP_FLOW, "flow_speed": {"value": "4"}}),
    "HighwayExit": ("EmbeddedHighway", ["EB1EB2", "EB2S1", "S1B0"], 30.0, {
        "start_actor_flow": point_on(HIGHWAY, "EB0EB1", from_end_m=100.0),
        "end_actor_flow": point_on(HIGHWAY, "EB2S1", at_m=35.0)}),
    "InterurbanActorFlow": ("EmbeddedHighway", ["S1S2", "S2EB3"], 50.0, {
        "start_actor_flow": point_on(HIGHWAY, "C0S2", from_end_m=60.0),
        "end_actor_flow": point_on(HIGHWAY, "S2S1", at_m=30.0)}),
    "InterurbanAdvancedActorFlow": ("EmbeddedHighway", ["EB2S1", "S1S2"], HIGHWAY.edge_length_m("EB2S1") - 35.0, {
        "start_actor_flow": point_on(HIGHWAY, "S2S1", at_m=30.0),
        "end_actor_flow": point_on(HIGHWAY, "S1B0", at_m=30.0)}),
    "HighwayCutIn": ("EmbeddedHighway", ["EB2EB3", "EB3EB4", "EB4EB5"], 290.0, {
        "other_actor_location": point_on(HIGHWAY, "S2EB3", from_end_m=45.0)}),
}


def test_every_type_has_a_site():
    assert set(SITES) == set(SCENARIO_TYPES)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(SITES))
def test_every_type_runs_with_background_traffic(make_run, kind):
    town, edges, trigger_s, params = SITES[kind]
    run = make_run(town, edges, kind, trigger_s, params, config=WorldConfig())
    for _ in range(1200):
        run.tick()
        if run.scenario.done:
            break
    assert run.scenario.triggered


def test_cut_in_adversary_drives_on_as_traffic_instead_of_vanishing(make_run):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "ParkingCutIn", 20.0, cruise_mps=4.0)
    last: Optional[Actor] = None
    for _ in range(1500):
        scene = run.tick()
        last = next((a for a in run.scenario_actors(scene) if a.kind.value == "vehicle"), last)
        if run.scenario.done:
            break
    assert run.scenario.done and last is not None
    scene = run.tick()
    successor = [a for a in scene.actors if a.role == "background" and a.type_id == last.type_id
                 and math.hypot(a.x_m - last.x_m, a.y_m - last.y_m) < 2.0]
    assert len(successor) == 1 and abs(route_frame(run, successor[0])[1]) < 0.3   # same place, same lane


def test_two_ways_keeps_background_out_of_the_opposite_lane(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "AccidentTwoWays", 15.0, {"distance": {"value": "60"}},
                   config=WorldConfig(background_vehicles=60, background_pedestrians=0))
    run.until(lambda sc: run.scenario.triggered)
    opposite = set(run.town.edges["B1A1"])        # the oncoming lane next to the accident
    previous: set = set()
    for _ in range(300):
        scene = run.tick(target_mps=2.0)
        ego = scene.ego
        far = {a.id for a in scene.actors if a.role == "background" and a.lane_id in opposite
               and math.hypot(a.x_m - ego.x_m, a.y_m - ego.y_m) > 45.0}
        assert not far & previous        # gone by the next tick (SUMO drops removals at its next step)
        previous = far


def test_left_turn_flow_keeps_flow_speed(make_run):
    run = make_run("EmbeddedGrid", ["A2B2", "B2B3"], "NonSignalizedJunctionLeftTurn", 100.0,
                   {"flow_speed": {"value": "6"}, "source_dist_interval": {"from": "20", "to": "30"}})
    run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    speeds = []
    for _ in range(200):
        scene = run.tick(target_mps=0.0)
        speeds += [a.speed_mps for a in run.scenario_actors(scene)]
    assert speeds and max(speeds) <= 6.0 + 0.3


def test_triggers_when_the_ego_reaches_the_trigger_point(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "ParkedObstacleTwoWays", 60.0, {"distance": {"value": "50"}})
    before = None
    while not run.scenario.triggered:
        before = run.ego_s()
        run.tick()
    assert before is not None and 57.0 <= run.ego_s() <= 61.0 and before < 58.5   # within 2 m (+ one tick)
    assert run.invasion == [True]


def test_unusable_site_is_skipped_with_its_reason():
    town = Town.load("EmbeddedGrid")
    lanes = town.lane_path(["A2B2", "B2C2"])          # straight through B2, a stop junction (no signal)
    route = town.dense_route(lanes)
    ctx = ScenarioContext(None, town, route, lanes, np.random.default_rng(0), lambda *a: None, lambda a: None,
                          lambda a: None)
    spec = ScenarioSpec("ORL_1", "OppositeVehicleRunningRedLight",
                        (float(route.xy_m[100, 0]), float(route.xy_m[100, 1]), 0.0, 0.0))
    manager = ScenarioManager([spec], ctx)
    manager.setup()
    assert manager.scenarios == [] and "no traffic light" in manager.skipped["ORL_1"]


def test_no_background_queue_builds_up_at_the_obstacle(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "ParkedObstacleTwoWays", 60.0, {"distance": {"value": "50"}},
                   config=WorldConfig(background_vehicles=60, background_pedestrians=0))
    previous: set = set()
    for _ in range(700):                                   # the ego waits at the route start
        scene = run.tick(target_mps=0.0)
        ahead = {a.id for a in scene.actors if a.role == "background" and a.lane_id == "A1B1_1"
                 and route_frame(run, a)[0] > run.ego_s() + 45.0}
        assert not ahead & previous
        previous = ahead


def test_hazard_at_side_lane_slow_cyclists_at_the_lane_edge(make_run):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "HazardAtSideLane", 20.0, {"distance": {"value": "50"}})
    lane_w = run.route.lane_width_m[0]
    scene = run.until(lambda sc: run.ego_s() > 45.0)          # both woke up (ego within 50 m) a while ago
    bikes = [a for a in run.scenario_actors(scene) if a.kind.value == "bicycle"]
    assert len(bikes) == 2
    for bike in bikes:
        s, lateral = route_frame(run, bike)
        assert s > run.ego_s() and 0.0 < lateral < lane_w / 2            # ahead, in the right half of the lane
        assert 1.0 < bike.speed_mps < 4.0                                  # riding slowly (10 km/h)


def test_cyclists_on_a_route_into_a_motorway_link_are_mirrored_into_sumo(make_run):
    """The street A1B1 runs into the motorway link B1EB0, closed to bicycles: SUMO refuses a bicycle on that
    route, so the cyclists' mirrors must still be added (as car-class vehicles of their size)."""
    run = make_run("EmbeddedHighway", ["A1B1", "B1EB0", "EB0EB1"], "HazardAtSideLane", 20.0,
                   {"distance": {"value": "50"}})
    scene = run.until(lambda sc: run.ego_s() > 45.0)
    bikes = [a for a in run.scenario_actors(scene) if a.kind.value == "bicycle"]
    assert len(bikes) == 2 and all(b.speed_mps > 1.0 for b in bikes)
    assert {b.id for b in bikes} <= set(run.world._ls.vehicle.getIDList())   # NPCs see them


def test_parking_crossing_pedestrian_steps_out_between_parked_cars(make_run):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "ParkingCrossingPedestrian", 20.0,
                   {"distance": {"value": "40"}})
    scene = run.world.scene()
    lane_w = run.route.lane_width_m[0]
    cars = sorted(route_frame(run, a) for a in run.scenario_actors(scene) if a.kind.value == "static")
    walker = next(route_frame(run, a) for a in run.scenario_actors(scene) if a.kind.value == "walker")
    assert len(cars) == 2 and all(lat > lane_w / 2 for _, lat in cars)    # parked at the kerb
    assert cars[0][0] < walker[0] < cars[1][0]                             # the walker between them
    scene = run.until(lambda sc: any(a.kind.value == "walker" and abs(route_frame(run, a)[1]) < 0.5
                                     for a in run.scenario_actors(sc)))
    assert run.ego_s() < walker[0]                                         # stepping out in front of the ego


def test_opposite_vehicle_taking_priority_without_lights(make_run):
    run = make_run("EmbeddedGrid", ["A2B2", "B2C2"], "OppositeVehicleTakingPriority", 100.0,
                   {"direction": {"value": "right"}})
    assert run.town.junctions["B2"].tls_id is None
    crossed = False
    for _ in range(900):
        scene = run.tick()
        for adv in run.scenario_actors(scene):
            s_adv, lat = route_frame(run, adv)
            if abs(lat) < 1.0:
                crossed = True
                assert 0.0 < s_adv - run.ego_s() < 15.0                     # cuts across just in front of the ego
        if run.scenario.done:
            break
    assert crossed


def test_invading_flow_stops_for_an_ego_in_its_way_without_piling_up(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "InvadingTurn", 10.0,
                   {"distance": {"value": "100"}, "offset": {"value": "0.5"}})
    run.lateral_m = -1.0                                  # the ego hugs the centre line instead of moving aside
    run.until(lambda sc: run.ego_s() > 40.0)
    for _ in range(400):
        scene = run.tick(target_mps=0.0)
    cars = [a for a in run.scenario_actors(scene) if a.kind.value == "vehicle"]
    assert len(cars) >= 2
    ego = scene.ego
    ego_box = OrientedBox(ego.x_m, ego.y_m, ego.yaw_deg, ego.length_m, ego.width_m)
    boxes = [OrientedBox(a.x_m, a.y_m, a.yaw_deg, a.length_m, a.width_m) for a in cars]
    assert not any(b.overlaps(ego_box) for b in boxes)                       # they wait for the ego
    assert not any(b1.overlaps(b2) for i, b1 in enumerate(boxes) for b2 in boxes[i + 1:])   # in a queue


def pass_times(run: Run, ticks: int, obstacle_s: float, stop_s: float) -> Tuple[List[float], List[float]]:
    """The ego drives to route s `stop_s` and stands there: when oncoming cars appear, and when they drive
    past route s `obstacle_s`."""
    passed: Dict[str, float] = {}
    spawned: Dict[str, float] = {}
    for _ in range(ticks):
        scene = run.tick(target_mps=0.0 if run.ego_s() > stop_s else None)
        for car in run.scenario_actors(scene):
            if "oncoming" not in car.id:
                continue
            spawned.setdefault(car.id, run.world.time_s)
            if car.id not in passed and route_frame(run, car)[0] < obstacle_s:
                passed[car.id] = run.world.time_s
    return sorted(spawned.values()), sorted(passed.values())


def test_two_ways_flow_opens_a_gap_for_an_ego_waiting_behind_the_obstacle(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "ParkedObstacleTwoWays", 15.0,
                   {"distance": {"value": "60"}, "frequency": {"value": "3"}}, config=WIDE)  # a car every 3 s
    spawned, passed = pass_times(run, 1100, 75.0, stop_s=55.0)                     # waits 20 m behind it
    assert np.diff(spawned[:3]) == pytest.approx([3.0, 3.0], abs=0.1)              # `frequency` in seconds
    gaps = np.diff(passed)
    assert gaps[0] == pytest.approx(3.0, abs=0.1)                                   # the flow, while it lasts
    k = int(np.argmax(gaps))
    assert gaps[k] >= 20.0 and k + 1 < len(passed)                                  # a gap, then cars again


def test_two_ways_flow_spacing_in_metres_from_a_range(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "AccidentTwoWays", 15.0,
                   {"distance": {"value": "60"}, "frequency": {"from": "40", "to": "60"}}, config=WIDE)
    spawned, _ = pass_times(run, 400, 75.0, stop_s=16.0)                            # the ego waits far back
    spacing = np.diff(spawned) * 8.0                                                # cars drive at 8 m/s
    assert len(spacing) >= 2 and all(39.0 < d < 61.5 for d in spacing) and np.ptp(spacing) > 0.5


def test_oncoming_cars_wait_beyond_the_obstacle_while_the_ego_passes_it(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "ParkedObstacleTwoWays", 50.0,
                   {"distance": {"value": "25"}, "frequency": {"value": "3"}}, config=WIDE)
    run.lateral_m = -run.route.lane_width_m[0]                                      # in the opposite lane
    spawned, _ = pass_times(run, 400, 75.0, stop_s=72.0)                            # beside the parked car
    scene = run.world.scene()
    ego = scene.ego
    ahead = [a for a in run.scenario_actors(scene) if "oncoming" in a.id]
    assert spawned and ahead and all(a.speed_mps < 0.1 for a in ahead)             # waiting ...
    assert min(route_frame(run, a)[0] for a in ahead) > 75.0 + 25.0                 # ... well beyond the obstacle
    run.until(lambda sc: run.ego_s() > 85.0, target_mps=3.0)
    run.lateral_m = 0.0
    top_speed = {a.id: 0.0 for a in ahead}
    for _ in range(300):
        scene = run.tick(target_mps=3.0)
        ego = scene.ego
        ego_box = OrientedBox(ego.x_m, ego.y_m, ego.yaw_deg, ego.length_m, ego.width_m)
        for a in run.scenario_actors(scene):
            assert not OrientedBox(a.x_m, a.y_m, a.yaw_deg, a.length_m, a.width_m).overlaps(ego_box)
            if a.id in top_speed:
                top_speed[a.id] = max(top_speed[a.id], a.speed_mps)
    assert abs(route_frame(run, ego)[1]) < 0.3                                      # back in its lane ...
    assert min(top_speed.values()) > 5.0                                            # ... and they drove on


def test_invaders_appear_far_ahead_of_the_ego_only(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "InvadingTurn", 10.0,
                   {"distance": {"value": "100"}, "offset": {"value": "0.5"}}, cruise_mps=5.0)
    run.lateral_m = 0.8                                                             # the ego makes room
    first: Dict[str, float] = {}
    for _ in range(2400):
        scene = run.tick()
        ego = scene.ego
        for car in run.scenario_actors(scene):
            if car.kind.value == "vehicle" and car.id not in first:
                first[car.id] = math.hypot(car.x_m - ego.x_m, car.y_m - ego.y_m)
        if run.scenario.done:
            break
    assert run.scenario.done and len(first) >= 3
    assert min(first.values()) >= 50.0


def test_an_invader_held_up_by_the_ego_moves_back_into_its_lane(make_run):
    run = make_run("EmbeddedGrid", ["A1B1", "B1C1"], "InvadingTurn", 10.0,
                   {"distance": {"value": "100"}, "offset": {"value": "0.5"}})
    run.lateral_m = -0.5                                  # the ego keeps to the centre line and stops
    run.until(lambda sc: run.ego_s() > 40.0)
    passed = set()
    for _ in range(600):
        scene = run.tick(target_mps=0.0)
        ego_left = route_frame(run, scene.ego)[1] - scene.ego.width_m / 2
        for car in run.scenario_actors(scene):
            s, lateral = route_frame(run, car)
            if car.kind.value == "vehicle" and abs(s - run.ego_s()) < 3.0:
                passed.add(car.id)
                assert lateral + car.width_m / 2 < ego_left                 # goes by on the ego's left
    assert passed                                                          # not stuck facing the ego
