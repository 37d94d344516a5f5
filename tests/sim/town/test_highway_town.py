"""The motorway towns: a divided motorway (EmbeddedHighway: 3 lanes, 120 km/h, 200 m auxiliary lanes;
EmbeddedMotorway, evaluation only: 2 lanes, 100 km/h, 175 m) with an on- and an off-ramp per direction,
pedestrian-free, joined to ordinary streets at both ends (the layout `highway_layout` documents, checked on the
shipped nets)."""
from __future__ import annotations

import pytest

from wpt_core.sim.routes.route_generation import GENERATED_TYPES, HIGHWAY_TYPES, generate_route_set, possible_types
from wpt_core.sim.town.motorway import is_motorway, off_ramps, on_ramps
from wpt_core.sim.town.town import Town

EASTBOUND = ["EB0EB1", "EB1EB2", "EB2EB3", "EB3EB4", "EB4EB5"]
WESTBOUND = ["WB0WB1", "WB1WB2", "WB2WB3", "WB3WB4", "WB4WB5"]
RAMPS = ["EB2S1", "S2EB3", "WB2N1", "N2WB3"]


DESIGNS = {"EmbeddedHighway": (3, 120, 200.0), "EmbeddedMotorway": (2, 100, 175.0)}   # lanes, km/h, aux lane m


@pytest.fixture(scope="module", params=sorted(DESIGNS))
def town(request) -> Town:
    return Town.load(request.param)


def test_motorway_lanes_each_way_plus_the_ramp_lanes(town):
    n, _, aux_m = DESIGNS[town.name]
    for edges in (EASTBOUND, WESTBOUND):
        assert [len(town.edges[e]) for e in edges] == [n, n + 1, n, n + 1, n]   # + deceleration / acceleration lane
        assert town.opposite_edge(edges[0]) is None                             # divided: no two-way road
        for aux in (edges[1], edges[3]):    # the auxiliary lanes' length, less the ramp junctions' few metres
            assert aux_m - 20.0 < town.edge_length_m(aux) <= aux_m
    assert all(len(town.edges[e]) == 1 for e in RAMPS)


def test_speed_limits(town):
    speeds = {round(town.lanes[lid].speed_mps * 3.6) for e in EASTBOUND + WESTBOUND for lid in town.edges[e]}
    assert speeds == {DESIGNS[town.name][1]}
    assert {round(town.lanes[town.edges[e][0]].speed_mps * 3.6) for e in RAMPS} == {60}
    assert round(town.lanes[town.edges["B1EB0"][0]].speed_mps * 3.6) == 80        # the link into town
    assert round(town.lanes[town.edges["S1S2"][0]].speed_mps * 3.6) == 70         # interurban road
    assert all(is_motorway(town, e) for e in EASTBOUND) and not any(is_motorway(town, e) for e in RAMPS)


def test_on_ramp_joins_as_the_rightmost_lane_of_the_acceleration_lane(town):
    ramp_lane = town.edges["S2EB3"][0]
    assert [lk.to_lane for lk in town.lanes[ramp_lane].links] == ["EB3EB4_0"]
    # the motorway's lanes go on beside it, the acceleration lane ends into the rightmost lane
    assert [lk.to_lane for lk in town.lanes["EB2EB3_0"].links] == ["EB3EB4_1"]
    assert {lk.to_lane for lk in town.lanes["EB3EB4_0"].links} == {"EB4EB5_0"}
    assert town.shortest_edge_path("S2EB3", "EB5C1") == ["S2EB3", "EB3EB4", "EB4EB5", "EB5C1"]
    assert {(r.ramp, r.motorway_in, r.merged) for r in on_ramps(town)} == {("S2EB3", "EB2EB3", "EB3EB4"),
                                                                          ("N2WB3", "WB2WB3", "WB3WB4")}


def test_off_ramp_leaves_from_the_deceleration_lane_only(town):
    to_ramp = [lid for lid in town.edges["EB1EB2"] if any(lk.to_lane == "EB2S1_0" for lk in town.lanes[lid].links)]
    assert to_ramp == ["EB1EB2_0"]
    assert town.shortest_edge_path("EB0EB1", "S1B0") == ["EB0EB1", "EB1EB2", "EB2S1", "S1B0"]
    assert {(r.approach, r.ramp, r.onward) for r in off_ramps(town)} == {("EB1EB2", "EB2S1", "EB2EB3"),
                                                                         ("WB1WB2", "WB2N1", "WB2WB3")}


def test_streets_at_both_ends_reach_each_other_over_the_motorway(town):
    west, east = "A1B1", "C1D1"
    path = town.shortest_edge_path(west, east)
    assert path[1:-1] == ["B1EB0"] + EASTBOUND + ["EB5C1"]
    assert town.junctions["B1"].type == town.junctions["C1"].type == "traffic_light"


def test_no_sidewalks_or_crossings_on_motorway_and_ramps(town):
    road = {e for e in town.edges if e.startswith(("EB", "WB")) or e in RAMPS or e in ("B1EB0", "C1WB0")}
    assert {ln.edge_id for ln in town.lanes.values() if ln.kind == "sidewalk"} & road == set()
    assert not {e for edges in town.crossing_edges.values() for e in edges} & road
    assert any(ln.kind == "sidewalk" for ln in town.lanes.values())                # the streets have them


def test_highway_types_are_placed_on_the_highway_only():
    for name in ("EmbeddedGrid", "EmbeddedRand", "EmbeddedArterial"):
        assert not set(possible_types(Town.load(name))) & HIGHWAY_TYPES, name
    assert HIGHWAY_TYPES <= set(possible_types(Town.load("EmbeddedHighway")))
    assert HIGHWAY_TYPES <= set(possible_types(Town.load("EmbeddedMotorway")))
    routes = generate_route_set(["EmbeddedGrid", "EmbeddedArterial", "EmbeddedHighway"], 2 * len(GENERATED_TYPES),
                                seed=2)
    assert {r.town for r in routes if r.scenarios[0].type in HIGHWAY_TYPES} == {"EmbeddedHighway"}
