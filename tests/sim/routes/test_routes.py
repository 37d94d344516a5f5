"""Route XML round trip and errors; generated routes obey the site contract; shipped route files."""
from __future__ import annotations

import collections
import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from wpt_core.paths import repo_configs_dir
from wpt_core.sim.routes.route_generation import GENERATED_TYPES, HIGHWAY_TYPES, generate_route_set, scenario_sites
from wpt_core.leaderboard.route_file import RouteFileError, RouteSpec, ScenarioSpec, read_routes, write_routes
from wpt_core.sim.routes.route_plan import route_lanes, route_town
from wpt_core.sim.scenarios.registry import SCENARIO_TYPES
from wpt_core.sim.town.town import Town

ROUTES_DIR = repo_configs_dir() / "routes"
STRETCH = {"ParkedObstacle": 90, "ConstructionObstacle": 90, "Accident": 90, "ParkedObstacleTwoWays": 90,
           "ConstructionObstacleTwoWays": 90, "AccidentTwoWays": 90, "HardBreakRoute": 100, "ParkingCutIn": 80,
           "StaticCutIn": 100, "DynamicObjectCrossing": 80, "YieldToEmergencyVehicle": 120, "InvadingTurn": 100,
           "SequentialLaneChange": 100, "ControlLoss": 80, "VehicleOpensDoorTwoWays": 90, "ParkingExit": 40,
           "HazardAtSideLane": 90, "HazardAtSideLaneTwoWays": 90, "ParkingCrossingPedestrian": 80}
NEEDS_LEFT_LANE = {"ParkedObstacle", "ConstructionObstacle", "Accident", "StaticCutIn", "YieldToEmergencyVehicle",
                   "SequentialLaneChange", "HazardAtSideLane"}
TWO_WAY_SINGLE = {"ParkedObstacleTwoWays", "ConstructionObstacleTwoWays", "AccidentTwoWays", "InvadingTurn",
                  "VehicleOpensDoorTwoWays", "HazardAtSideLaneTwoWays"}
JUNCTION_BEFORE = {"PedestrianCrossing": 30.0, "OppositeVehicleRunningRedLight": 35.0,
                   "SignalizedJunctionLeftTurn": 35.0, "NonSignalizedJunctionLeftTurn": 35.0,
                   "VanillaSignalizedTurnEncounterRedLight": 35.0, "VanillaSignalizedTurnEncounterGreenLight": 35.0,
                   "VanillaNonSignalizedTurnEncounterStopsign": 35.0, "SignalizedJunctionLeftTurnEnterFlow": 35.0,
                   "NonSignalizedJunctionLeftTurnEnterFlow": 35.0, "SignalizedJunctionRightTurn": 35.0,
                   "NonSignalizedJunctionRightTurn": 35.0, "BlockedIntersection": 35.0, "T_Junction": 35.0,
                   "VehicleTurningRoute": 35.0, "VehicleTurningRoutePedestrian": 35.0, "EnterActorFlow": 60.0,
                   "EnterActorFlowV2": 60.0, "MergerIntoSlowTraffic": 60.0, "MergerIntoSlowTrafficV2": 60.0,
                   "HighwayExit": 150.0, "InterurbanActorFlow": 35.0, "InterurbanAdvancedActorFlow": 35.0,
                   "CrossingBicycleFlow": 35.0, "HighwayCutIn": 100.0, "OppositeVehicleTakingPriority": 35.0,
                   "VanillaNonSignalizedTurn": 35.0}
FLOWS = {"EnterActorFlow", "EnterActorFlowV2", "MergerIntoSlowTraffic", "MergerIntoSlowTrafficV2", "HighwayExit",
         "InterurbanActorFlow", "InterurbanAdvancedActorFlow"}
RAMP_MERGES = {"EnterActorFlow", "EnterActorFlowV2", "MergerIntoSlowTraffic", "MergerIntoSlowTrafficV2"}
TURNING = {"BlockedIntersection", "T_Junction", "VehicleTurningRoute", "VehicleTurningRoutePedestrian",
           "CrossingBicycleFlow", "InterurbanActorFlow", "InterurbanAdvancedActorFlow"}   # turns whose name hides it


def wrap(a: float) -> float:
    return (a + 180.0) % 360.0 - 180.0


def _sample_route() -> RouteSpec:
    scen = ScenarioSpec("ParkingCutIn_1", "ParkingCutIn", (10.5, -3.25, 0.0, 90.0),
                        {"direction": {"value": "right"}, "source_dist_interval": {"from": "25", "to": "50"}})
    return RouteSpec("7", "EmbeddedGrid", [(1.0, 2.0, 0.0), (3.5, -4.25, 0.5)], [scen],
                     [{"route_percentage": "0", "cloudiness": "5"}, {"route_percentage": "100", "cloudiness": "80"}])


# --- XML ---------------------------------------------------------------------------------------------

def test_xml_round_trip_and_leaderboard_layout(tmp_path):
    path = tmp_path / "r.xml"
    write_routes([_sample_route()], path)
    back = read_routes(path)
    assert len(back) == 1
    back[0].source = ""
    assert back[0] == _sample_route()
    # the layout the leaderboard's parser walks (list(element) instead of getchildren())
    route = ET.parse(path).getroot().find("route")
    assert route.attrib == {"id": "7", "town": "EmbeddedGrid"}
    assert [p.get("x") for p in list(route.find("waypoints"))] == ["1.000", "3.500"]
    scen = route.find("scenarios").find("scenario")
    assert scen.find("trigger_point").get("yaw") == "90.000" and scen.find("direction").get("value") == "right"
    assert [w.get("route_percentage") for w in list(route.find("weathers"))] == ["0", "100"]


@pytest.mark.parametrize("text,pattern", [
    ("<routes><route id='3' town='T'><waypoints", "not valid XML"),
    ("<routes><route id='3' town='T'><waypoints><position y='1' z='0'/><position x='1' y='1' z='0'/>"
     "</waypoints></route></routes>", r"route 3: <position> lacks attribute 'x'"),
    ("<routes><route id='4' town='T'><waypoints><position x='a' y='1'/><position x='1' y='1'/>"
     "</waypoints></route></routes>", "route 4: .*not a number"),
    ("<routes><route id='5'><waypoints/></route></routes>", "route 5: lacks its 'town'"),
    ("<routes><route id='6' town='T'><waypoints><position x='0' y='1'/><position x='1' y='1'/></waypoints>"
     "<scenarios><scenario name='A_1' type='A'/></scenarios></route></routes>", "route 6: scenario A_1 has no"),
    ("<route id='1'/>", "expected <routes>"),
])
def test_malformed_route_files_name_file_and_route(tmp_path, text, pattern):
    path = tmp_path / "bad_routes.xml"
    path.write_text(text)
    with pytest.raises(RouteFileError, match="bad_routes.xml") as err:
        read_routes(path)
    assert re.search(pattern, str(err.value))


def test_unknown_town_and_missing_file_name_the_file(tmp_path):
    spec = _sample_route()
    spec.town, spec.source = "Atlantis", str(tmp_path / "x.xml")
    with pytest.raises(RouteFileError, match=r"x\.xml: route 7: unknown town 'Atlantis' \(known: EmbeddedArterial, "
                                             r"EmbeddedGrid, EmbeddedHighway, EmbeddedMotorway, EmbeddedRand\): looked for"):
        route_town(spec)
    with pytest.raises(RouteFileError, match="missing.xml"):
        read_routes(tmp_path / "missing.xml")


def test_waypoints_must_lie_within_one_lane_width_of_a_driving_lane():
    town = Town.load("EmbeddedGrid")
    lane = town.lanes["B1C1_1"]                  # the rightmost driving lane; to its right only a sidewalk
    x, y, yaw = lane.pose_at(lane.length_m / 2)

    def route_with_middle_waypoint_off_by(offset_m):
        right = (-math.sin(math.radians(yaw)), math.cos(math.radians(yaw)))   # CARLA: +y is right of east
        start, end = town.lanes["A1B1_1"].pose_at(20.0), town.lanes["C1D1_1"].pose_at(20.0)
        return RouteSpec("9", "EmbeddedGrid", [(start[0], start[1], 0.0),
                                               (x + offset_m * right[0], y + offset_m * right[1], 0.0),
                                               (end[0], end[1], 0.0)], source="off.xml")

    assert "B1C1_1" in route_lanes(town, route_with_middle_waypoint_off_by(3.4))   # on the verge: still this road
    with pytest.raises(RouteFileError, match=r"^off\.xml: route 9: waypoint 1 \(225\.0, -124\.\d\) is not on a road "
                                             r"of EmbeddedGrid: the nearest driving lane is 3\.6 m away "
                                             r"\(tolerance 3\.5 m\)$"):
        route_lanes(town, route_with_middle_waypoint_off_by(3.6))


# --- generated routes --------------------------------------------------------------------------------

def _dense(town: Town, spec: RouteSpec):
    route = town.dense_route(route_lanes(town, spec))
    cum = route.cumulative_length_m()
    idx = [int(np.argmin(np.linalg.norm(route.xy_m - np.array(w[:2]), axis=1))) for w in spec.waypoints]
    return route, cum, idx


def _check_route(town: Town, spec: RouteSpec, length_range=(200.0, 600.0)) -> None:
    route, cum, idx = _dense(town, spec)
    assert idx == sorted(idx)
    assert length_range[0] - 1.0 <= cum[idx[-1]] - cum[idx[0]] <= length_range[1] + 1.0
    assert route.in_junction[idx[0]:idx[-1]].any()
    (scen,) = spec.scenarios
    assert re.fullmatch(rf"{scen.type}_\d+", scen.name)
    tx, ty, _, tyaw = scen.trigger
    t = int(np.argmin(np.linalg.norm(route.xy_m - [tx, ty], axis=1)))
    assert np.linalg.norm(route.xy_m[t] - [tx, ty]) < 0.6 and idx[0] < t < idx[-1] or \
        scen.type == "ParkingExit" and np.linalg.norm(np.array(spec.waypoints[0][:2]) - [tx, ty]) < 0.6
    assert abs(wrap(route.yaw_deg[t] - tyaw)) < 5.0
    if scen.type in STRETCH:
        _check_stretch(town, scen, route, cum, t, idx[-1])
    else:
        _check_junction(town, scen, route, cum, t)


def _check_stretch(town, scen, route, cum, t, end) -> None:
    stretch = (cum >= cum[t]) & (cum <= cum[t] + STRETCH[scen.type])
    assert cum[end] - cum[t] >= STRETCH[scen.type] - 1.0
    assert not route.in_junction[stretch].any()
    assert max(abs(wrap(y - route.yaw_deg[t])) for y in route.yaw_deg[stretch]) < 10.0
    tx, ty, _, yaw = scen.trigger
    heading = np.array([math.cos(math.radians(yaw)), math.sin(math.radians(yaw))])
    left = np.array([heading[1], -heading[0]])   # CARLA (y south): left of (dx, dy) is (dy, -dx)
    width = route.lane_width_m[t]
    beside = town.nearest_lane(np.array([tx, ty]) + left * width, max_distance_m=width / 2)
    if scen.type in NEEDS_LEFT_LANE:
        assert beside is not None and abs(wrap(town.lanes[beside.lane_id].pose_at(beside.s_m)[2] - yaw)) < 20
    if scen.type == "ParkingExit":   # the kerb right of the ego lane: no driving lane there
        assert town.nearest_lane(np.array([tx, ty]) - left * width, max_distance_m=width / 2) is None
        assert 12 <= int(scen.params["front_vehicle_distance"]["value"]) <= 20
    if scen.type in TWO_WAY_SINGLE:
        assert beside is not None and abs(wrap(town.lanes[beside.lane_id].pose_at(beside.s_m)[2] - yaw - 180)) < 20
        right = town.nearest_lane(np.array([tx, ty]) - left * width, max_distance_m=width / 2)
        assert right is None   # no second lane in the ego's direction
    d = int(scen.params.get("distance", {"value": "0"})["value"])
    if scen.type in TWO_WAY_SINGLE - {"InvadingTurn"} or scen.type in NEEDS_LEFT_LANE - {"StaticCutIn",
                                                                                           "SequentialLaneChange"}:
        assert 40 <= d <= 60
    if "TwoWays" in scen.type:
        assert 8 <= int(scen.params["frequency"]["value"]) <= 12


def _check_junction(town, scen, route, cum, t) -> None:
    entry = t + int(np.argmax(route.in_junction[t:]))
    leave = entry + int(np.argmax(~route.in_junction[entry:]))
    assert route.in_junction[entry] and leave > entry
    assert cum[entry] - cum[t] == pytest.approx(JUNCTION_BEFORE[scen.type], abs=1.5)
    turn = wrap(route.yaw_deg[min(leave + 3, len(route) - 1)] - route.yaw_deg[max(entry - 3, 0)])
    square = town.name != "EmbeddedRand"
    if scen.type.endswith("LeftTurn"):  # CARLA yaw decreases on a left turn
        assert turn == pytest.approx(-90.0, abs=10.0) if square else turn < -30.0
        assert scen.params["flow_speed"] == {"value": "8"}
    elif scen.type in RAMP_MERGES | {"HighwayExit"}:   # a ramp joins / leaves at a shallow angle (< 30°)
        assert abs(turn) < 30.0
    elif "Turn" in scen.type or scen.type in TURNING:
        assert abs(turn) == pytest.approx(90.0, abs=10.0) if square else abs(turn) > 30.0
    else:
        assert abs(turn) < (10.0 if square else 45.0)
    lane = town.nearest_lane(route.xy_m[entry - 2]).lane_id
    jtype = town.junctions[town.lanes[lane].to_junction].type
    if "NonSignalized" in scen.type:
        assert jtype != "traffic_light"
    elif "Signalized" in scen.type or "RedLight" in scen.type:
        assert jtype == "traffic_light"
    if scen.type == "VanillaNonSignalizedTurnEncounterStopsign":
        assert lane in {lid for _, lid, _ in town.stop_approaches()}
    points = {k: v for k, v in scen.params.items() if k in ("start_actor_flow", "end_actor_flow",
                                                              "other_actor_location")}
    for name, attrs in points.items():   # on a road, outside junctions
        match = town.nearest_lane(np.array([float(attrs["x"]), float(attrs["y"])]), max_distance_m=0.5)
        assert match is not None and not town.lanes[match.lane_id].is_internal, (scen.type, name)
    if scen.type in FLOWS:
        start, end = (town.nearest_lane(np.array([float(points[k]["x"]), float(points[k]["y"])]))
                      for k in ("start_actor_flow", "end_actor_flow"))
        town.shortest_edge_path(town.lanes[start.lane_id].edge_id, town.lanes[end.lane_id].edge_id)
    if scen.type in FLOWS | {"CrossingBicycleFlow", "HighwayCutIn"}:
        assert set(points) == ({"other_actor_location"} if scen.type == "HighwayCutIn" else
                               {"start_actor_flow"} if scen.type == "CrossingBicycleFlow" else
                               {"start_actor_flow", "end_actor_flow"})
    if scen.type == "T_Junction":
        assert town.junction_degree(town.lanes[lane].to_junction) == 3
    if scen.type.endswith("RightTurn"):  # CARLA yaw increases on a right turn
        assert turn > 30.0
    if scen.type == "PedestrianCrossing":
        after = route.xy_m[leave:leave + 8]
        crossings = [ln.path for ln in town.lanes.values() if ln.kind == "crossing"]   # the crosswalk, not its centre
        assert min(c.project(p)[2] for c in crossings for p in after) < 4.0


@pytest.mark.parametrize("name", ["EmbeddedGrid", "EmbeddedRand", "EmbeddedArterial", "EmbeddedHighway"])
def test_generated_routes_satisfy_site_rules(name):
    town = Town.load(name)
    n = 2 * len(GENERATED_TYPES)
    routes = generate_route_set([town], n, seed=5)
    assert [r.id for r in routes] == [str(i) for i in range(n)]
    for spec in routes:
        _check_route(town, spec)
    kinds = {r.scenarios[0].type for r in routes}
    if name == "EmbeddedArterial":
        assert kinds == set(GENERATED_TYPES) - HIGHWAY_TYPES
    elif name == "EmbeddedHighway":
        assert kinds >= HIGHWAY_TYPES
    else:
        assert not kinds & NEEDS_LEFT_LANE and len(kinds) >= 14


def test_generation_covers_every_scenario_type():
    assert set(GENERATED_TYPES) == set(SCENARIO_TYPES)


def test_generation_is_deterministic_per_seed():
    a = generate_route_set(["EmbeddedGrid"], 10, seed=1)
    assert a == generate_route_set(["EmbeddedGrid"], 10, seed=1)
    assert a != generate_route_set(["EmbeddedGrid"], 10, seed=2)


def test_unsatisfiable_type_is_reported():
    with pytest.raises(ValueError, match="EmbeddedGrid"):
        generate_route_set(["EmbeddedGrid"], 2, seed=0, types=["YieldToEmergencyVehicle"])
    with pytest.raises(ValueError, match="unknown scenario type"):
        generate_route_set(["EmbeddedGrid"], 2, seed=0, types=["NoSuchScenario"])


# --- shipped route files -----------------------------------------------------------------------------

def _shipped(name: str):
    routes = read_routes(ROUTES_DIR / name)
    ids = [int(r.id) for r in routes]
    assert len(set(ids)) == len(ids)
    return routes, collections.Counter(r.scenarios[0].type for r in routes)


def test_shipped_train_and_eval_files():
    train, train_types = _shipped("embedded_train.xml")
    assert {r.town for r in train} == {"EmbeddedGrid", "EmbeddedArterial", "EmbeddedHighway"}
    assert set(train_types) == set(GENERATED_TYPES) and min(train_types.values()) >= 4
    for spec in train[::7]:
        _check_route(route_town(spec), spec)
    evals, eval_types = _shipped("embedded_eval.xml")
    # Rand and Motorway are evaluation-only towns; no evaluation scenario sits at a training route's site
    assert {r.town for r in evals} == {"EmbeddedGrid", "EmbeddedArterial", "EmbeddedRand", "EmbeddedMotorway"}
    assert set(eval_types) == set(GENERATED_TYPES) and min(eval_types.values()) >= 3
    assert [r.scenarios[0].type for r in evals[:len(GENERATED_TYPES)]] == GENERATED_TYPES   # ids 0-44: one per type
    sites = scenario_sites(train)
    for spec in evals:
        s = spec.scenarios[0]
        assert all(math.dist(xy, s.trigger[:2]) >= 15.0 for xy in sites.get((spec.town, s.type), [])), spec.id
    for spec in evals[::3]:
        _check_route(route_town(spec), spec)


def test_generation_keeps_away_from_excluded_sites():
    first = generate_route_set(["EmbeddedGrid"], 6, seed=5, types=["HardBreakRoute", "PedestrianCrossing"])
    again = generate_route_set(["EmbeddedGrid"], 6, seed=5, types=["HardBreakRoute", "PedestrianCrossing"])
    assert [r.scenarios[0].trigger for r in again] == [r.scenarios[0].trigger for r in first]   # the same sites
    away = generate_route_set(["EmbeddedGrid"], 6, seed=5, types=["HardBreakRoute", "PedestrianCrossing"],
                              exclude=first)
    for route in away:
        s = route.scenarios[0]
        near = [r for r in first if r.scenarios[0].type == s.type
                and math.dist(r.scenarios[0].trigger[:2], s.trigger[:2]) < 15.0]
        assert not near, route.id


def test_shipped_smoke_file():
    smoke, types = _shipped("embedded_smoke.xml")
    assert set(types) == {"HardBreakRoute", "VanillaSignalizedTurnEncounterRedLight", "PedestrianCrossing"}
    for spec in smoke:
        assert spec.town == "EmbeddedGrid"
        _check_route(route_town(spec), spec, length_range=(150.0, 250.0))
