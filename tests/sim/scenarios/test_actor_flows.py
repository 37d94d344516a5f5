"""Flows between route-XML points (EnterActorFlow(V2), MergerIntoSlowTraffic(V2), HighwayExit,
InterurbanActorFlow, InterurbanAdvancedActorFlow), CrossingBicycleFlow and HighwayCutIn on a real
libsumo World. The highway types run at EmbeddedHighway's eastbound ramps (see test_scenarios.SITES);
CrossingBicycleFlow's source is taken from EmbeddedGrid's lanes by heading relative to the ego (CARLA
yaw grows clockwise: traffic from the ego's left heads ego yaw + 90)."""
from __future__ import annotations

from typing import Dict, Set, Tuple

import libsumo
import pytest

from scenario_harness import WIDE, link_indices, point_on, route_frame
from test_scenarios import HIGHWAY, RAMP_IN, SITES
from wpt_core.polyline import end_heading_deg


def heading_diff(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def edge_into(town, junction: str, heading_deg: float) -> str:
    return next(e for e, (_, to) in town.edge_nodes.items() if to == junction and
                heading_diff(end_heading_deg(town.lanes[town.edges[e][0]].shape_xy), heading_deg) < 20.0)


def edges_seen(run, ticks: int, target_mps=None) -> Dict[str, Set[str]]:
    seen: Dict[str, Set[str]] = {}
    for _ in range(ticks):
        scene = run.tick(target_mps=target_mps)
        for a in run.scenario_actors(scene):
            if a.lane_id:
                seen.setdefault(a.id, set()).add(run.town.lanes[a.lane_id].edge_id)
    return seen


@pytest.mark.parametrize("kind,speed,lanes", [("EnterActorFlow", "8", 3), ("EnterActorFlowV2", "8", 1),
                                              ("MergerIntoSlowTraffic", "4", 1), ("MergerIntoSlowTrafficV2", "4", 1)])
def test_flow_on_the_motorway_the_ego_merges_into_from_the_on_ramp(make_run, kind, speed, lanes):
    town, edges, trigger_s, params = SITES[kind]
    params = {**params, "flow_speed": {"value": speed}, "source_dist_interval": {"from": "15", "to": "20"}}
    run = make_run(town, edges, kind, trigger_s, params, config=WIDE)
    run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    prefilled = run.scenario_actors(run.tick(target_mps=0.0))
    assert len(prefilled) >= 2 * lanes                                # already filled at the start
    lanes_used = {a.lane_id for a in prefilled if a.lane_id and HIGHWAY.lanes[a.lane_id].edge_id == "EB2EB3"}
    assert len(lanes_used) == lanes                                   # every motorway lane (EnterActorFlow) or one
    seen = edges_seen(run, int(320.0 / float(speed) / 0.05), target_mps=0.0)   # ~300 m to EB4EB5
    motorway = {"EB2EB3", "EB3EB4", "EB4EB5"}
    assert all({e for e in edges if not e.startswith(":")} <= motorway for edges in seen.values())   # not the ramp
    assert sum("EB4EB5" in e for e in seen.values()) >= 2             # ... and on past the acceleration lane
    speeds = [a.speed_mps for a in run.scenario_actors(run.world.scene())]
    assert max(speeds) <= float(speed) + 0.3                          # at the flow's speed


def test_enter_actor_flow_ends_when_the_ego_reaches_the_end_point(make_run):
    town, edges, trigger_s, params = SITES["EnterActorFlow"]
    params = {**params, "flow_speed": {"value": "8"}, "source_dist_interval": {"from": "60", "to": "70"}}
    run = make_run(town, edges, "EnterActorFlow", trigger_s, params, cruise_mps=6.0)
    end = (float(params["end_actor_flow"]["x"]), float(params["end_actor_flow"]["y"]))
    run.until(lambda sc: run.scenario.done, max_ticks=3000)
    ego = run.world.ego
    assert ((ego.x_m - end[0]) ** 2 + (ego.y_m - end[1]) ** 2) ** 0.5 < 2.0


def test_interurban_flow_oncoming_across_the_left_turn_onto_the_on_ramp(make_run):
    town, edges, trigger_s, params = SITES["InterurbanActorFlow"]
    params = {**params, "flow_speed": {"value": "8"}, "source_dist_interval": {"from": "20", "to": "25"}}
    run = make_run(town, edges, "InterurbanActorFlow", trigger_s, params, config=WIDE)
    ego_yaw = end_heading_deg(HIGHWAY.lanes[HIGHWAY.edges["S1S2"][0]].shape_xy)
    run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    first = run.scenario_actors(run.tick(target_mps=0.0))
    src = (float(params["start_actor_flow"]["x"]), float(params["start_actor_flow"]["y"]))
    assert len(first) == 1                                            # not pre-filled: one car, at the source
    assert ((first[0].x_m - src[0]) ** 2 + (first[0].y_m - src[1]) ** 2) ** 0.5 < 3.0
    assert heading_diff(first[0].yaw_deg, ego_yaw + 180.0) < 10.0     # oncoming
    seen = edges_seen(run, 400, target_mps=0.0)
    assert len(seen) >= 2 and all("C0S2" in e for e in seen.values()) and \
        sum("S2S1" in e for e in seen.values()) >= 1                  # straight through, past the ego's entry
    run.cruise_mps = 6.0
    run.until(lambda sc: run.scenario.done, max_ticks=2000)
    inside = [i for i, j in enumerate(run.route.in_junction) if j]
    assert run.ego_s() == pytest.approx(float(run.s[inside[-1]]), abs=2.5)   # just out of the junction


def test_interurban_advanced_two_opposite_flows_at_the_off_ramp_end(make_run):
    town, edges, trigger_s, params = SITES["InterurbanAdvancedActorFlow"]
    params = {**params, "flow_speed": {"value": "8"}, "source_dist_interval": {"from": "20", "to": "25"}}
    run = make_run(town, edges, "InterurbanAdvancedActorFlow", trigger_s, params, config=WIDE)
    ego_yaw = end_heading_deg(HIGHWAY.lanes[HIGHWAY.edges["EB2S1"][0]].shape_xy)
    assert heading_diff(end_heading_deg(HIGHWAY.lanes[HIGHWAY.edges["S2S1"][0]].shape_xy), ego_yaw + 90.0) < 10.0
    run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    seen = edges_seen(run, 400, target_mps=0.0)
    first = [e for e in seen.values() if "S2S1" in e]                 # from the ego's left, across its path
    second = [e for e in seen.values() if "S2S1" not in e]
    assert first and second
    assert all("S1S2" in e for e in second if len(e) > 2)             # the second flow drives into the ego's exit
    assert "B0S1" in set().union(*second)                             # ... coming from the first flow's sink road


def test_crossing_bicycle_flow_cyclists_at_the_lane_edge_and_ego_held_red(make_run):
    from wpt_core.sim.town.town import Town
    town = Town.load("EmbeddedGrid")
    ego_yaw = end_heading_deg(town.lanes[town.edges["A1B1"][0]].shape_xy)
    oncoming = edge_into(town, "B1", ego_yaw + 180.0)
    params = {"start_actor_flow": point_on(town, oncoming, from_end_m=60.0), "flow_speed": {"value": "5"},
              "source_dist_interval": {"from": "15", "to": "20"}}
    run = make_run("EmbeddedGrid", ["A1B1", "B1B2"], "CrossingBicycleFlow", 100.0, params, config=WIDE)
    tls = town.junctions["B1"].tls_id
    ego_links = link_indices(town, town.edges["A1B1"][0])
    run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    assert all(libsumo.trafficlight.getRedYellowGreenState(tls)[i] == "r" for i in ego_links)
    scene = run.until(lambda sc: run.scenario.elapsed_s() > 5.5, target_mps=0.0)
    assert any(libsumo.trafficlight.getRedYellowGreenState(tls)[i] in "Gg" for i in ego_links)
    bikes = [a for a in run.scenario_actors(scene) if a.kind.value == "bicycle"]
    assert len(bikes) >= 2
    lane = town.lanes[town.edges[oncoming][0]]
    for bike in bikes:
        s, lateral, d = lane.path.project((bike.x_m, bike.y_m))
        if s < lane.length_m - 1.0:
            assert lateral == pytest.approx(lane.width_m / 2 - 0.6, abs=0.2)    # at its right edge
            assert heading_diff(bike.yaw_deg, ego_yaw + 180.0) < 10.0
            assert bike.speed_mps <= 5.3


def test_highway_cut_in_comes_down_the_on_ramp_and_joins_in_front_of_the_ego(make_run):
    town, edges, trigger_s, params = SITES["HighwayCutIn"]
    run = make_run(town, edges, "HighwayCutIn", trigger_s, params, cruise_mps=14.0, config=WIDE)
    ramp = HIGHWAY.lanes[HIGHWAY.edges["S2EB3"][0]]
    run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    (car,) = run.scenario_actors(run.world.scene())
    assert ramp.path.project((car.x_m, car.y_m))[2] < 1.0             # on the on-ramp
    in_front = []
    for _ in range(900):
        scene = run.tick()
        cars = run.scenario_actors(scene)
        if cars:
            s, lateral = route_frame(run, cars[0])
            if abs(lateral) < 0.5 and heading_diff(cars[0].yaw_deg, run.world.ego.yaw_deg) < 15.0:
                in_front.append(s - run.ego_s())
        if run.scenario.done:
            break
    assert in_front and 0.0 < in_front[0] < 25.0                       # moved into the ego lane, just ahead


def test_prefilled_flow_leaves_the_ego_lane_spot_free(make_run):
    """HighwayExit's flow runs along the ego's own lane: pre-filling must not put a car on the ego."""
    town, edges, _, params = SITES["HighwayExit"]
    run = make_run(town, edges, "HighwayExit", 10.0, {**params, "source_dist_interval": {"from": "6", "to": "7"}})
    run.until(lambda sc: run.scenario.triggered, max_ticks=400)
    for _ in range(3):
        scene = run.tick(target_mps=0.0)
    ego = scene.ego
    cars = run.scenario_actors(scene)
    assert len(cars) >= 5                                             # the lane is full ...
    assert min(((a.x_m - ego.x_m) ** 2 + (a.y_m - ego.y_m) ** 2) ** 0.5 for a in cars) > 5.0   # ... not the ego's spot
    assert not run.collisions.events


def test_highway_exit_flow_comes_from_behind_and_takes_the_off_ramp(make_run):
    town, edges, trigger_s, params = SITES["HighwayExit"]
    params = {**params, "flow_speed": {"value": "10"}, "source_dist_interval": {"from": "20", "to": "25"}}
    run = make_run(town, edges, "HighwayExit", trigger_s, params, config=WIDE)
    run.until(lambda sc: run.scenario.triggered, max_ticks=400)
    seen = edges_seen(run, 200)
    cars = run.scenario_actors(run.world.scene())
    path = {"EB0EB1", "EB1EB2", "EB2S1"}
    assert all({e for e in edges if not e.startswith(":")} <= path for edges in seen.values())   # along the path
    assert sum("EB0EB1" in e for e in seen.values()) >= 3                                      # from behind
    assert {HIGHWAY.lanes[a.lane_id].index for a in cars if a.lane_id} == {0}              # the rightmost lane
    assert all(libsumo.vehicle.getRoute(a.id)[-1] == "EB2S1" for a in cars)                # bound for the exit
