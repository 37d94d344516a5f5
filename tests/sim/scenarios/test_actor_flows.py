"""Flows between route-XML points (EnterActorFlow, MergerIntoSlowTraffic(V2), HighwayExit,
InterurbanActorFlow, InterurbanAdvancedActorFlow), CrossingBicycleFlow and HighwayCutIn on a real
libsumo World. Source/sink points are taken from the town's lanes by heading relative to the ego (CARLA
yaw grows clockwise: traffic from the ego's left heads ego yaw + 90)."""
from __future__ import annotations

from typing import Dict, Set, Tuple

import libsumo
import pytest

from scenario_harness import WIDE, link_indices, route_frame
from wpt_core.polyline import end_heading_deg


def heading_diff(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def edge_into(town, junction: str, heading_deg: float) -> str:
    return next(e for e, (_, to) in town.edge_nodes.items() if to == junction and
                heading_diff(end_heading_deg(town.lanes[town.edges[e][0]].shape_xy), heading_deg) < 20.0)


def point_on(town, edge: str, from_end_m: float = None, at_m: float = None) -> Dict[str, str]:
    lane = town.lanes[town.edges[edge][0]]
    s = lane.length_m - from_end_m if from_end_m is not None else at_m
    x, y, _ = lane.pose_at(s)
    return {"x": f"{x:.2f}", "y": f"{y:.2f}", "z": "0"}


def edges_seen(run, ticks: int, target_mps=None) -> Dict[str, Set[str]]:
    seen: Dict[str, Set[str]] = {}
    for _ in range(ticks):
        scene = run.tick(target_mps=target_mps)
        for a in run.scenario_actors(scene):
            if a.lane_id:
                seen.setdefault(a.id, set()).add(run.town.lanes[a.lane_id].edge_id)
    return seen


def enter_site(kind: str, flow_speed: str) -> Tuple:
    from wpt_core.sim.town.town import Town
    town = Town.load("EmbeddedGrid")
    ego_yaw = end_heading_deg(town.lanes[town.edges["A2B2"][0]].shape_xy)
    left = edge_into(town, "B2", ego_yaw + 90.0)
    params = {"start_actor_flow": point_on(town, left, from_end_m=50.0),
              "end_actor_flow": point_on(town, "B2B1", at_m=40.0),
              "flow_speed": {"value": flow_speed}, "source_dist_interval": {"from": "15", "to": "20"}}
    return left, params


@pytest.mark.parametrize("kind,speed", [("EnterActorFlow", "8"), ("MergerIntoSlowTraffic", "4"),
                                        ("MergerIntoSlowTrafficV2", "4")])
def test_flow_from_the_left_into_the_road_the_ego_turns_into(make_run, kind, speed):
    left, params = enter_site(kind, speed)
    run = make_run("EmbeddedGrid", ["A2B2", "B2B1"], kind, 100.0, params, config=WIDE)
    run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    scene = run.tick(target_mps=0.0)
    prefilled = run.scenario_actors(scene)
    assert len(prefilled) >= 2                                        # already filled at the start
    seen = edges_seen(run, 300, target_mps=0.0)
    assert all(left in e for e in seen.values())                      # every vehicle comes from the left road ...
    assert sum("B2B1" in e for e in seen.values()) >= 2               # ... and drives on into the ego's exit
    speeds = [a.speed_mps for a in run.scenario_actors(run.world.scene())]
    assert max(speeds) <= float(speed) + 0.3                          # at the flow's speed


def test_enter_actor_flow_ends_when_the_ego_reaches_the_end_point(make_run):
    _, params = enter_site("EnterActorFlow", "8")
    params["source_dist_interval"] = {"from": "60", "to": "70"}
    run = make_run("EmbeddedGrid", ["A2B2", "B2B1"], "EnterActorFlow", 100.0, params, cruise_mps=6.0)
    end = (float(params["end_actor_flow"]["x"]), float(params["end_actor_flow"]["y"]))
    run.until(lambda sc: run.scenario.done, max_ticks=3000)
    ego = run.world.ego
    assert ((ego.x_m - end[0]) ** 2 + (ego.y_m - end[1]) ** 2) ** 0.5 < 2.0


def test_interurban_flow_oncoming_across_the_left_turn_ends_at_the_junction_exit(make_run):
    from wpt_core.sim.town.town import Town
    town = Town.load("EmbeddedGrid")
    ego_yaw = end_heading_deg(town.lanes[town.edges["A2B2"][0]].shape_xy)
    oncoming = edge_into(town, "B2", ego_yaw + 180.0)
    params = {"start_actor_flow": point_on(town, oncoming, from_end_m=60.0),
              "end_actor_flow": point_on(town, "B2A2", at_m=30.0), "flow_speed": {"value": "8"},
              "source_dist_interval": {"from": "20", "to": "25"}}
    run = make_run("EmbeddedGrid", ["A2B2", "B2B3"], "InterurbanActorFlow", 100.0, params, config=WIDE)
    run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    first = run.scenario_actors(run.tick(target_mps=0.0))
    src = (float(params["start_actor_flow"]["x"]), float(params["start_actor_flow"]["y"]))
    assert len(first) == 1                                            # not pre-filled: one car, at the source
    assert ((first[0].x_m - src[0]) ** 2 + (first[0].y_m - src[1]) ** 2) ** 0.5 < 3.0
    seen = edges_seen(run, 400, target_mps=0.0)
    assert len(seen) >= 2 and all(oncoming in e for e in seen.values()) and \
        sum("B2A2" in e for e in seen.values()) >= 1                  # straight through, past the ego's entry
    run.cruise_mps = 6.0
    run.until(lambda sc: run.scenario.done, max_ticks=2000)
    inside = [i for i, j in enumerate(run.route.in_junction) if j]
    assert run.ego_s() == pytest.approx(float(run.s[inside[-1]]), abs=2.5)   # just out of the junction


def test_interurban_advanced_two_opposite_flows(make_run):
    from wpt_core.sim.town.town import Town
    town = Town.load("EmbeddedGrid")
    ego_yaw = end_heading_deg(town.lanes[town.edges["A2B2"][0]].shape_xy)
    from_left = edge_into(town, "B2", ego_yaw + 90.0)                 # crosses in front of the ego
    sink_edge = next(e for e, d in town.successors(from_left).items() if d == "s")
    params = {"start_actor_flow": point_on(town, from_left, from_end_m=60.0),
              "end_actor_flow": point_on(town, sink_edge, at_m=30.0), "flow_speed": {"value": "8"},
              "source_dist_interval": {"from": "20", "to": "25"}}
    run = make_run("EmbeddedGrid", ["A2B2", "B2B3"], "InterurbanAdvancedActorFlow", 100.0, params, config=WIDE)
    run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    seen = edges_seen(run, 400, target_mps=0.0)
    first = [e for e in seen.values() if from_left in e]
    second = [e for e in seen.values() if from_left not in e]
    assert first and second
    assert all("B2B3" in e for e in second if len(e) > 2)             # the second flow drives into the ego's exit
    assert town.opposite_edge(sink_edge) in set().union(*second)      # ... coming from the first flow's sink road


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


def test_highway_cut_in_joins_in_front_of_the_ego(make_run):
    from wpt_core.sim.town.town import Town
    town = Town.load("EmbeddedGrid")
    ego_yaw = end_heading_deg(town.lanes[town.edges["A2B2"][0]].shape_xy)
    from_right = edge_into(town, "B2", ego_yaw - 90.0)
    params = {"other_actor_location": point_on(town, from_right, from_end_m=45.0)}
    run = make_run("EmbeddedGrid", ["A2B2", "B2C2"], "HighwayCutIn", 95.0, params, cruise_mps=7.0, config=WIDE)
    run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    (car,) = run.scenario_actors(run.world.scene())
    assert heading_diff(car.yaw_deg, ego_yaw - 90.0) < 15.0            # on the road from the right
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
    assert in_front and 0.0 < in_front[0] < 25.0                       # merged into the ego lane, just ahead


def test_prefilled_flow_leaves_the_ego_lane_spot_free(make_run):
    """HighwayExit's flow runs along the ego's own lane: pre-filling must not put a car on the ego."""
    run = make_run("EmbeddedGrid", ["A2B2", "B2B1"], "HighwayExit", 30.0,
                   {"start_actor_flow": {"x": "10", "y": "-258.25"}, "end_actor_flow": {"x": "148.25", "y": "-215"},
                    "source_dist_interval": {"from": "6", "to": "7"}})
    run.until(lambda sc: run.scenario.triggered, max_ticks=400)
    for _ in range(3):
        scene = run.tick(target_mps=0.0)
    ego = scene.ego
    cars = run.scenario_actors(scene)
    assert len(cars) >= 5                                             # the lane is full ...
    assert min(((a.x_m - ego.x_m) ** 2 + (a.y_m - ego.y_m) ** 2) ** 0.5 for a in cars) > 5.0   # ... not the ego's spot
    assert not run.collisions.events
