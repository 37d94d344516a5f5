"""Junction turns against a flow (right turns, left-turn enter flows) on a real libsumo World.

Expected values come from the town (which approach is on the ego's left, which edge the ego exits by)
and SUMO's light states, never from the scenario's own numbers.
"""
from __future__ import annotations

from typing import Dict, Set

import libsumo
import pytest

from wpt_core.polyline import end_heading_deg

from scenario_harness import link_indices, route_frame

GRID_SIGNAL = ("EmbeddedGrid", ["A1B1", "B1B0"])      # B1: traffic light; A1B1 -> B1B0 turns right
GRID_STOP = ("EmbeddedGrid", ["A2B2", "B2B1"])        # B2: stop junction; A2B2 -> B2B1 turns right


def heading_diff(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def flow_routes(run, ticks: int) -> Dict[str, Set[str]]:
    """Edges each scenario vehicle is seen on while the ego stands at its trigger."""
    seen: Dict[str, Set[str]] = {}
    for _ in range(ticks):
        scene = run.tick(target_mps=0.0 if run.scenario.triggered else None)
        for a in run.scenario_actors(scene):
            if a.lane_id:
                seen.setdefault(a.id, set()).add(run.town.lanes[a.lane_id].edge_id)
    return seen


@pytest.mark.parametrize("kind,site", [("SignalizedJunctionRightTurn", GRID_SIGNAL),
                                       ("NonSignalizedJunctionRightTurn", GRID_STOP)])
def test_right_turn_flow_comes_from_the_left_into_the_ego_exit(make_run, kind, site):
    town_name, edges = site
    run = make_run(town_name, edges, kind, 100.0, {"flow_speed": {"value": "8"},
                                                   "source_dist_interval": {"from": "20", "to": "25"}})
    run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    scene = run.tick(target_mps=0.0)
    initial = run.scenario_actors(scene)
    assert len(initial) >= 2                                          # the flow's lane is already filled
    ego_yaw = run.route.yaw_deg[0]
    for car in initial:
        assert heading_diff(car.yaw_deg, ego_yaw + 90.0) < 20.0        # from the ego's left (CARLA yaw clockwise)
    seen = flow_routes(run, 300)
    exit_edge = edges[1]
    assert sum(exit_edge in e for e in seen.values()) >= 2            # straight on into the ego's exit road
    left = edge_from(run, edges[0][2:], 90.0)
    assert all(left in e for e in seen.values() if exit_edge in e)


def town_heading_at_end(town, edge: str) -> float:
    return end_heading_deg(town.lanes[town.edges[edge][0]].shape_xy) % 360.0


def edge_from(run, junction: str, relative_deg: float) -> str:
    """The incoming edge of `junction` whose traffic arrives heading ego yaw + relative_deg (+90: from the
    ego's left, 180: from straight ahead)."""
    target = (run.route.yaw_deg[0] + relative_deg) % 360.0
    return next(e for e, (_, to) in run.town.edge_nodes.items()
                if to == junction and heading_diff(town_heading_at_end(run.town, e), target) < 20.0)


def test_signalized_right_turn_holds_the_ego_red_then_green(make_run):
    run = make_run(*GRID_SIGNAL, "SignalizedJunctionRightTurn", 100.0, {"flow_speed": {"value": "8"}})
    tls = run.town.junctions["B1"].tls_id
    run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    state = libsumo.trafficlight.getRedYellowGreenState(tls)
    ego_right = [lk.tls_index for lk in run.town.lanes[run.town.edges["A1B1"][0]].links if lk.direction == "r"]
    assert ego_right and all(state[i] == "r" for i in ego_right)
    left = edge_from(run, "B1", 90.0)
    assert all(state[i] in "Gg" for i in link_indices(run.town, run.town.edges[left][0]))   # the flow: green
    run.until(lambda sc: run.scenario.elapsed_s() > 5.5, target_mps=0.0)
    state = libsumo.trafficlight.getRedYellowGreenState(tls)
    assert all(state[i] in "Gg" for i in ego_right)                   # after 5 s the ego gets green


@pytest.mark.parametrize("kind,site", [("SignalizedJunctionLeftTurnEnterFlow", ("EmbeddedGrid", ["A1B1", "B1B2"])),
                                       ("NonSignalizedJunctionLeftTurnEnterFlow", ("EmbeddedGrid", ["A2B2", "B2B3"]))])
def test_enter_flow_oncoming_vehicles_turn_into_the_ego_exit(make_run, kind, site):
    town_name, edges = site
    run = make_run(town_name, edges, kind, 100.0, {"flow_speed": {"value": "8"},
                                                   "source_dist_interval": {"from": "20", "to": "25"}})
    run.until(lambda sc: run.scenario.triggered, max_ticks=900)
    seen = flow_routes(run, 400)
    assert len(seen) >= 2
    exit_edge = edges[1]
    oncoming = edge_from(run, edges[0][2:], 180.0)
    into_exit = [e for e in seen.values() if exit_edge in e]
    assert len(into_exit) >= 2 and all(oncoming in e for e in into_exit)   # from ahead, turning into our exit


def test_blind_right_turn_into_the_flow_collides(make_run):
    run = make_run(*GRID_STOP, "NonSignalizedJunctionRightTurn", 100.0,
                   {"flow_speed": {"value": "8"}, "source_dist_interval": {"from": "12", "to": "14"}}, cruise_mps=6.0)
    for _ in range(900):
        run.tick()
        if run.collisions.events or run.scenario.done:
            break
    assert any(e.kind == "collisions_vehicle" for e in run.collisions.events)
