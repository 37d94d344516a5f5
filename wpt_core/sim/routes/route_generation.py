"""Generate leaderboard routes with one scenario each on an embedded town (deterministic per seed).

Every route is 200–600 m long (configurable), passes at least one real intersection (3+ roads), and
carries exactly one scenario whose trigger point (x, y, z, yaw; CARLA frame) lies on the route's lane.
Waypoints: the start, the midpoint of every edge in between, and the end — so `route_plan.route_lanes`
recovers exactly the generated lane path. Two `<weather>` keyframes (0 % and 100 %) are drawn per route.

Site contract per scenario type (the scenario implementations rely on it):

- ParkedObstacle, ConstructionObstacle, Accident: straight junction-free stretch ≥ 90 m after the trigger,
  ego lane has a same-direction lane to its LEFT. Params: distance (40–60 m trigger → obstacle), direction=right.
- ParkedObstacleTwoWays, ConstructionObstacleTwoWays, AccidentTwoWays: stretch ≥ 90 m on a two-way road with
  exactly one lane per direction. Params: distance (40–60), frequency (8–12 s between oncoming cars).
- HardBreakRoute: stretch ≥ 100 m. No params.
- ParkingCutIn: stretch ≥ 80 m. Params: direction=right.
- StaticCutIn: stretch ≥ 100 m, same-direction lane to the LEFT. Params: distance (20–30), direction=left.
- DynamicObjectCrossing: stretch ≥ 80 m. Params: distance (30–45), direction=right,
  blocker_model=static.prop.vendingmachine.
- YieldToEmergencyVehicle: stretch ≥ 120 m, same-direction lane to the LEFT. Params: distance (40–60 m behind
  the ego where the emergency vehicle starts).
- InvadingTurn: stretch ≥ 100 m on a two-way road with one lane per direction. Params: distance=100, offset=0.5.
- PedestrianCrossing: straight through a junction whose exit edge has a crossing; trigger 30 m before the
  ego lane's end (stop line / junction entry). No params.
- OppositeVehicleRunningRedLight: straight through a traffic_light junction; trigger 35 m before entry;
  direction = side (right preferred, else left) of an incoming edge the runner comes from.
- SignalizedJunctionLeftTurn: LEFT turn at a traffic_light junction with an oncoming incoming edge;
  trigger 35 m before entry. Params: flow_speed=8, source_dist_interval from=25 to=50.
- NonSignalizedJunctionLeftTurn: the same at a priority / priority_stop / right_before_left junction.
- Signalized/NonSignalizedJunctionLeftTurnEnterFlow: as the left turns (the oncoming flow turns right into
  the ego's exit). Params: flow_speed=8, source_dist_interval from=25 to=50.
- Signalized/NonSignalizedJunctionRightTurn: RIGHT turn at a junction with an incoming edge from the ego's
  left (the flow goes straight into the ego's exit); trigger 35 m before entry. Params as the left turns.
- BlockedIntersection: left or right turn at any junction; trigger 35 m before entry. No params.
- T_Junction: left or right turn at a junction where three roads meet; trigger 35 m before entry.
- SequentialLaneChange: stretch ≥ 100 m with a same-direction lane to the LEFT. No params.
- VehicleTurningRoute / VehicleTurningRoutePedestrian: left or right turn at any junction; trigger 35 m
  before entry. No params.
- ControlLoss: stretch ≥ 80 m (the three noise spots lie 14, 48, 74 m after the trigger). No params.
- VehicleOpensDoorTwoWays: as the TwoWays obstacles, plus direction=right.
- ParkingExit: the trigger is the route's first point, on the rightmost lane of an edge with ≥ 40 m
  after it. Params: direction=right, front_vehicle_distance (12–20), behind_vehicle_distance (8–10).
- Highway types (HIGHWAY_TYPES; `ramp_sites`, at the ramps `town.motorway` finds, so only on a town with a
  motorway such as EmbeddedHighway). flow_speed and source_dist_interval of every flow type: the ranges of
  Bench2Drive's own routes (`_flow` calls below).
  - EnterActorFlow(V2) / MergerIntoSlowTraffic(V2): the ego comes down an on-ramp, straight on into the
    acceleration lane; trigger 60 m before the merge; start_actor_flow on the motorway's rightmost lane
    80–120 m before the merge, end_actor_flow 30–40 m past the end of the acceleration lane.
  - HighwayExit: the ego leaves the motorway by the off-ramp (a right fork off the deceleration lane);
    trigger 150 m before the fork; the flow starts 100–150 m before the end of the motorway edge behind
    (rightmost lane) and ends 30–40 m down the ramp: the ego must fit into the flow it shares the lane with.
  - HighwayCutIn: straight on along the motorway past an on-ramp; trigger 100 m before the merge,
    other_actor_location 40–50 m before the ramp's end.
  - InterurbanActorFlow: LEFT turn at the unsignalised end of the on-ramp on the interurban road, across
    the oncoming flow (start 50–60 m before the junction, end 25–35 m beyond it, straight on).
  - InterurbanAdvancedActorFlow: LEFT turn off an off-ramp onto the interurban road: the first flow comes
    from the ego's left, straight on, and the ego's exit is that road's reverse (the second flow, from
    the first flow's sink road).
- CrossingBicycleFlow: LEFT turn across cyclists coming from straight ahead (start 55–65 m before the
  junction).
- HazardAtSideLane: stretch ≥ 90 m with a same-direction lane to the LEFT. Params: distance (40–60),
  bicycle_speed (8–12 km/h). HazardAtSideLaneTwoWays: the TwoWays obstacles' site and params, plus
  bicycle_speed.
- ParkingCrossingPedestrian: stretch ≥ 80 m. Params: distance (30–45), direction=right.
- OppositeVehicleTakingPriority: straight through an unsignalised junction with a crossing road;
  direction as OppositeVehicleRunningRedLight.
- VanillaNonSignalizedTurn: left or right turn at an unsignalised junction. No params.
- VanillaSignalizedTurnEncounterRedLight / GreenLight: left or right turn at a traffic_light junction,
  trigger 35 m before entry. No params.
- VanillaNonSignalizedTurnEncounterStopsign: left or right turn where the ego's link must stop ('s'/'w');
  trigger 35 m before entry. No params.

A type without any site on a town is skipped there; the requested count is spread round-robin over the
types that are possible.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

from wpt_core.sim.routes import flow_sites, ramp_sites
from wpt_core.sim.routes.route_sites import NON_SIGNALISED, SIGNALISED, Anchor, JunctionRule, Params, StretchRule, param
from wpt_core.leaderboard.route_file import RouteSpec, ScenarioSpec
from wpt_core.sim.routes.route_plan import route_lanes
from wpt_core.sim.town.town import Town

Rule = Union[StretchRule, JunctionRule]


def _obstacle(rng: random.Random, ctx: Dict[str, str]) -> Params:
    return {"distance": param(rng.randint(40, 60)), "direction": param("right")}


def _obstacle_two_ways(rng: random.Random, ctx: Dict[str, str]) -> Params:
    return {"distance": param(rng.randint(40, 60)), "frequency": param(rng.randint(8, 12))}


def _left_turn(rng: random.Random, ctx: Dict[str, str]) -> Params:
    return {"flow_speed": param(8), "source_dist_interval": {"from": "25", "to": "50"}}


def _flow(speed: Tuple[int, int], start: Tuple[int, int], width: Tuple[int, int]
          ) -> Callable[[random.Random, Dict[str, str]], Params]:
    """flow_speed (m/s) and source_dist_interval (from, from + width; m) in the ranges Bench2Drive's own
    routes use for the type (bench2drive220.xml), speeds capped at our towns' 50 km/h limit."""
    def params(rng: random.Random, ctx: Dict[str, str]) -> Params:
        low = rng.randint(*start)
        return {"flow_speed": param(rng.randint(*speed)),
                "source_dist_interval": {"from": str(low), "to": str(low + rng.randint(*width))}}
    return params


RAMP_BEFORE_M = 60.0       # on-ramp types: trigger on the ramp, this far before it joins the motorway
EXIT_BEFORE_M = 150.0      # HighwayExit: on the motorway, this far before the off-ramp leaves it
CUT_IN_BEFORE_M = 100.0    # HighwayCutIn: ~4 s at motorway speed, the time the car needs down the ramp's end
# the types scenario_runner places at motorway ramps (or, Interurban*, at the ramps' ends on the interurban
# road); their site functions find nothing on a town without a motorway
HIGHWAY_TYPES = frozenset({"EnterActorFlow", "EnterActorFlowV2", "MergerIntoSlowTraffic", "MergerIntoSlowTrafficV2",
                           "HighwayExit", "HighwayCutIn", "InterurbanActorFlow", "InterurbanAdvancedActorFlow"})
TURNS = frozenset({"l", "r"})
UNSIGNALISED = NON_SIGNALISED - {"allway_stop"}
SCENARIO_RULES: Dict[str, Rule] = {
    "ParkedObstacle": StretchRule(90.0, "multi", _obstacle),
    "ConstructionObstacle": StretchRule(90.0, "multi", _obstacle),
    "Accident": StretchRule(90.0, "multi", _obstacle),
    "ParkedObstacleTwoWays": StretchRule(90.0, "two_way_single", _obstacle_two_ways),
    "ConstructionObstacleTwoWays": StretchRule(90.0, "two_way_single", _obstacle_two_ways),
    "AccidentTwoWays": StretchRule(90.0, "two_way_single", _obstacle_two_ways),
    "HardBreakRoute": StretchRule(100.0),
    "ParkingCutIn": StretchRule(80.0, "any", lambda rng, ctx: {"direction": param("right")}),
    "StaticCutIn": StretchRule(100.0, "multi", lambda rng, ctx: {"distance": param(rng.randint(20, 30)),
                                                                 "direction": param("left")}),
    "DynamicObjectCrossing": StretchRule(80.0, "any", lambda rng, ctx: {
        "distance": param(rng.randint(30, 45)), "direction": param("right"),
        "blocker_model": param("static.prop.vendingmachine")}),
    "YieldToEmergencyVehicle": StretchRule(120.0, "multi", lambda rng, ctx: {"distance": param(rng.randint(40, 60))}),
    "InvadingTurn": StretchRule(100.0, "two_way_single", lambda rng, ctx: {"distance": param(100),
                                                                           "offset": param(0.5)}),
    "PedestrianCrossing": JunctionRule(frozenset("s"), SIGNALISED | NON_SIGNALISED, before_m=30.0,
                                       need_crossing_on_exit=True),
    "OppositeVehicleRunningRedLight": JunctionRule(frozenset("s"), SIGNALISED, side_param=True,
                                                   params=lambda rng, ctx: {"direction": param(ctx["direction"])}),
    "SignalizedJunctionLeftTurn": JunctionRule(frozenset("l"), SIGNALISED, need_oncoming=True, params=_left_turn),
    "NonSignalizedJunctionLeftTurn": JunctionRule(frozenset("l"), NON_SIGNALISED - {"allway_stop"},
                                                  need_oncoming=True, params=_left_turn),
    "SignalizedJunctionLeftTurnEnterFlow": JunctionRule(frozenset("l"), SIGNALISED, need_oncoming=True,
                                                        params=_left_turn),
    "NonSignalizedJunctionLeftTurnEnterFlow": JunctionRule(frozenset("l"), NON_SIGNALISED - {"allway_stop"},
                                                           need_oncoming=True, params=_left_turn),
    "SignalizedJunctionRightTurn": JunctionRule(frozenset("r"), SIGNALISED, need_from_left=True, params=_left_turn),
    "NonSignalizedJunctionRightTurn": JunctionRule(frozenset("r"), NON_SIGNALISED - {"allway_stop"},
                                                   need_from_left=True, params=_left_turn),
    "BlockedIntersection": JunctionRule(TURNS, SIGNALISED | NON_SIGNALISED),
    "T_Junction": JunctionRule(TURNS, SIGNALISED | NON_SIGNALISED, max_degree=3),
    "SequentialLaneChange": StretchRule(100.0, "multi"),
    "VehicleTurningRoute": JunctionRule(TURNS, SIGNALISED | NON_SIGNALISED),
    "VehicleTurningRoutePedestrian": JunctionRule(TURNS, SIGNALISED | NON_SIGNALISED),
    "ControlLoss": StretchRule(80.0),
    "VehicleOpensDoorTwoWays": StretchRule(90.0, "two_way_single", lambda rng, ctx: {
        **_obstacle_two_ways(rng, ctx), "direction": param("right")}),
    "ParkingExit": StretchRule(40.0, "kerb", lambda rng, ctx: {
        "direction": param("right"), "front_vehicle_distance": param(rng.randint(12, 20)),
        "behind_vehicle_distance": param(rng.randint(8, 10))}, at_route_start=True),
    "EnterActorFlow": JunctionRule(frozenset("s"), UNSIGNALISED, before_m=RAMP_BEFORE_M, sink_on_route=True,
                                   points=ramp_sites.merge_from_on_ramp, params=_flow((11, 13), (17, 30), (5, 20))),
    "EnterActorFlowV2": JunctionRule(frozenset("s"), UNSIGNALISED, before_m=RAMP_BEFORE_M, sink_on_route=True,
                                     points=ramp_sites.merge_from_on_ramp, params=_flow((13, 19), (17, 30), (4, 22))),
    "MergerIntoSlowTraffic": JunctionRule(frozenset("s"), UNSIGNALISED, before_m=RAMP_BEFORE_M, sink_on_route=True,
                                          points=ramp_sites.merge_from_on_ramp, params=_flow((9, 10), (14, 16), (18, 26))),
    "MergerIntoSlowTrafficV2": JunctionRule(frozenset("s"), UNSIGNALISED, before_m=RAMP_BEFORE_M, sink_on_route=True,
                                            points=ramp_sites.merge_from_on_ramp,
                                            params=_flow((9, 10), (11, 14), (16, 22))),
    "HighwayExit": JunctionRule(frozenset("rR"), UNSIGNALISED, before_m=EXIT_BEFORE_M,
                                points=ramp_sites.exit_across_flow, params=_flow((10, 13), (11, 20), (19, 35))),
    "InterurbanActorFlow": JunctionRule(frozenset("l"), UNSIGNALISED, points=ramp_sites.interurban_onto_ramp,
                                        params=_flow((11, 13), (42, 53), (25, 56))),
    "InterurbanAdvancedActorFlow": JunctionRule(frozenset("l"), UNSIGNALISED, points=ramp_sites.interurban_off_ramp,
                                                params=_flow((11, 13), (36, 42), (42, 58))),
    "CrossingBicycleFlow": JunctionRule(TURNS - {"r"}, SIGNALISED | UNSIGNALISED, points=flow_sites.oncoming_cyclists,
                                        params=_flow((8, 12), (5, 15), (14, 21))),
    "HighwayCutIn": JunctionRule(frozenset("s"), UNSIGNALISED, before_m=CUT_IN_BEFORE_M,
                                 points=ramp_sites.cut_in_from_on_ramp),
    "HazardAtSideLane": StretchRule(90.0, "multi", lambda rng, ctx: {
        "distance": param(rng.randint(40, 60)), "bicycle_speed": param(rng.randint(8, 12))}),
    "HazardAtSideLaneTwoWays": StretchRule(90.0, "two_way_single", lambda rng, ctx: {
        **_obstacle_two_ways(rng, ctx), "bicycle_speed": param(rng.randint(8, 12))}),
    "ParkingCrossingPedestrian": StretchRule(80.0, "any", lambda rng, ctx: {
        "distance": param(rng.randint(30, 45)), "direction": param("right")}),
    "OppositeVehicleTakingPriority": JunctionRule(frozenset("s"), UNSIGNALISED, side_param=True,
                                                  params=lambda rng, ctx: {"direction": param(ctx["direction"])}),
    "VanillaNonSignalizedTurn": JunctionRule(TURNS, UNSIGNALISED),
    "VanillaSignalizedTurnEncounterRedLight": JunctionRule(TURNS, SIGNALISED),
    "VanillaSignalizedTurnEncounterGreenLight": JunctionRule(TURNS, SIGNALISED),
    "VanillaNonSignalizedTurnEncounterStopsign": JunctionRule(TURNS, NON_SIGNALISED, need_stop=True),
}
GENERATED_TYPES: List[str] = list(SCENARIO_RULES)

WEATHER_PRESETS: List[Dict[str, float]] = [
    {"cloudiness": 5, "precipitation": 0, "precipitation_deposits": 0, "wetness": 0, "wind_intensity": 10,
     "sun_azimuth_angle": 45, "sun_altitude_angle": 70, "fog_density": 0},       # clear noon
    {"cloudiness": 60, "precipitation": 0, "precipitation_deposits": 10, "wetness": 0, "wind_intensity": 30,
     "sun_azimuth_angle": 120, "sun_altitude_angle": 45, "fog_density": 2},      # cloudy noon
    {"cloudiness": 80, "precipitation": 30, "precipitation_deposits": 50, "wetness": 40, "wind_intensity": 40,
     "sun_azimuth_angle": 200, "sun_altitude_angle": 30, "fog_density": 5},      # wet, rainy
    {"cloudiness": 20, "precipitation": 0, "precipitation_deposits": 0, "wetness": 0, "wind_intensity": 20,
     "sun_azimuth_angle": 270, "sun_altitude_angle": 10, "fog_density": 10},     # sunset
    {"cloudiness": 30, "precipitation": 0, "precipitation_deposits": 0, "wetness": 0, "wind_intensity": 10,
     "sun_azimuth_angle": 0, "sun_altitude_angle": -20, "fog_density": 5},       # night
]

PRE_TRIGGER_M = (20.0, 70.0)       # route start → trigger
END_MARGIN_M = 5.0                 # start / end this far inside their lanes
MIN_RUN_UP_M = 10.0               # route start → trigger at least
MIN_EXIT_M = 30.0                  # junction types: the route goes on this far past the junction
ATTEMPTS_PER_ROUTE = 400
SAME_SITE_M = 15.0                 # an excluded site: the same town and type with a trigger this close


@dataclass
class RoutePlan:
    """A generated route: lane path with start/end lane positions and the scenario trigger."""

    lanes: List[str]
    start_s: float
    end_s: float
    trigger_index: int
    trigger_s: float
    params: Params


def _weathers(rng: random.Random) -> List[Dict[str, str]]:
    a, b = rng.sample(WEATHER_PRESETS, 2)
    return [{"route_percentage": "0", **{k: str(v) for k, v in a.items()}},
            {"route_percentage": "100", **{k: str(v) for k, v in b.items()}}]


def _predecessors(town: Town) -> Dict[str, List[str]]:
    pred: Dict[str, List[str]] = {e: [] for e in town.edges}
    for e in sorted(town.edges):
        for nxt, direction in town.successors(e).items():
            if direction != "t":
                pred[nxt].append(e)
    return pred


def _walk(town: Town, start: List[str], length_m: float, rng: random.Random,
          step: Callable[[str], List[str]], forward: bool) -> Optional[List[str]]:
    """Extend `start` edge by edge (forward or backward) until the added edges cover `length_m`."""
    edges = list(start)
    added = 0.0
    while added < length_m:
        tip = edges[-1] if forward else edges[0]
        options = [e for e in step(tip) if e not in edges]
        if not options:
            return None
        nxt = rng.choice(sorted(options))
        edges = edges + [nxt] if forward else [nxt] + edges
        added += town.edge_length_m(nxt)
    return edges


def _path_length(town: Town, lanes: Sequence[str], start_s: float, end_s: float) -> float:
    return sum(town.lanes[lid].length_m for lid in lanes[:-1]) - start_s + end_s


def _plan(town: Town, rule: Rule, anchor: Anchor, pred: Dict[str, List[str]], rng: random.Random,
          length_range_m: Tuple[float, float]) -> Optional[RoutePlan]:
    """One attempt at a route through `anchor`: random walks back and forth, then the site check."""
    lo, hi = length_range_m
    target = rng.uniform(lo + 10.0, min(hi - 20.0, lo + 200.0))
    at_start = isinstance(rule, StretchRule) and rule.at_route_start
    pre_target = 0.0 if at_start else rng.uniform(*PRE_TRIGGER_M)
    back = _walk(town, list(anchor), pre_target - rule.trigger_offset_m(town, anchor), rng, lambda e: pred[e],
                 forward=False)
    if back is None:
        return None
    back_m = sum(town.edge_length_m(e) for e in back)
    edges = _walk(town, back, target - back_m, rng, lambda e: [n for n, d in town.successors(e).items() if d != "t"],
                  forward=True)
    if edges is None:
        return None
    try:
        lanes = town.lane_path(edges)
    except ValueError:
        return None
    placed = rule.place(town, lanes, anchor, rng)
    if placed is None:
        return None
    k, trig_s, params = placed
    first, last = town.lanes[lanes[0]], town.lanes[lanes[-1]]
    before = sum(town.lanes[lid].length_m for lid in lanes[:k]) + trig_s
    start_s = min(max(before - pre_target, END_MARGIN_M), first.length_m - END_MARGIN_M)
    full = _path_length(town, lanes, start_s, last.length_m)
    end_s = min(max(last.length_m - (full - target), END_MARGIN_M), last.length_m - END_MARGIN_M)
    plan = RoutePlan(lanes, start_s, end_s, k, trig_s, params)
    return plan if _plan_ok(town, rule, plan, length_range_m) else None


def _plan_ok(town: Town, rule: Rule, plan: RoutePlan, length_range_m: Tuple[float, float]) -> bool:
    lanes = plan.lanes
    length = _path_length(town, lanes, plan.start_s, plan.end_s)
    if not (length_range_m[0] <= length <= length_range_m[1]):
        return False
    run_up = _path_length(town, lanes[:plan.trigger_index + 1], plan.start_s, plan.trigger_s)
    if isinstance(rule, StretchRule) and rule.at_route_start:
        if plan.trigger_index != 0 or abs(run_up) > 1e-6:
            return False
    elif run_up < MIN_RUN_UP_M:
        return False
    if not any(town.lanes[lid].is_internal and town.junction_degree(town.lanes[lid].junction_id or "") >= 3
               for lid in lanes):
        return False
    if isinstance(rule, StretchRule):
        return _path_length(town, lanes[plan.trigger_index:], plan.trigger_s, plan.end_s) >= rule.min_len_m
    exit_index = next(i for i in range(plan.trigger_index + 1, len(lanes)) if not town.lanes[lanes[i]].is_internal)
    if rule.sink_on_route and not _passes(town, lanes[plan.trigger_index:], plan.end_s, plan.params["end_actor_flow"]):
        return False
    return _path_length(town, lanes[exit_index:], 0.0, plan.end_s) >= MIN_EXIT_M


def _passes(town: Town, lanes: Sequence[str], end_s: float, point: Dict[str, str]) -> bool:
    """The lanes (the last one up to `end_s`) run past the point's edge position with MIN_EXIT_M to spare."""
    match = town.nearest_lane((float(point["x"]), float(point["y"])))
    if match is None:
        return False
    edge = town.lanes[match.lane_id].edge_id
    on = [lid for lid in lanes if town.lanes[lid].edge_id == edge]
    return bool(on) and (on[-1] != lanes[-1] or end_s >= match.s_m + MIN_EXIT_M)


def _waypoints(town: Town, plan: RoutePlan) -> List[Tuple[float, float, float]]:
    outer = [lid for lid in plan.lanes[1:-1] if not town.lanes[lid].is_internal]
    points = [town.lanes[plan.lanes[0]].pose_at(plan.start_s)[:2]]
    points += [town.lanes[lid].pose_at(town.lanes[lid].length_m / 2.0)[:2] for lid in outer]
    points.append(town.lanes[plan.lanes[-1]].pose_at(plan.end_s)[:2])
    return [(round(x, 3), round(y, 3), 0.0) for x, y in points]


def _to_spec(town: Town, plan: RoutePlan, route_id: str, kind: str, k: int, rng: random.Random) -> RouteSpec:
    x, y, yaw = town.lanes[plan.lanes[plan.trigger_index]].pose_at(plan.trigger_s)
    scenario = ScenarioSpec(f"{kind}_{k}", kind, (round(x, 3), round(y, 3), 0.0, round(yaw, 3)), plan.params)
    return RouteSpec(route_id, town.name, _waypoints(town, plan), [scenario], _weathers(rng))


def possible_types(town: Town, types: Optional[Sequence[str]] = None) -> List[str]:
    """The requested types (default: all) that have at least one site on `town`."""
    requested = list(types) if types else GENERATED_TYPES
    unknown = [t for t in requested if t not in SCENARIO_RULES]
    if unknown:
        raise ValueError(f"unknown scenario type(s) {unknown}; known: {GENERATED_TYPES}")
    return [t for t in requested if SCENARIO_RULES[t].anchors(town)]


Sites = Dict[Tuple[str, str], List[Tuple[float, float]]]


def scenario_sites(routes: Sequence[RouteSpec]) -> Sites:
    """(town, scenario type) → the trigger points of `routes`: the sites another route file must not reuse."""
    sites: Sites = {}
    for route in routes:
        for s in route.scenarios:
            sites.setdefault((route.town, s.type), []).append((s.trigger[0], s.trigger[1]))
    return sites


def _reuses_site(spec: RouteSpec, sites: Sites) -> bool:
    s = spec.scenarios[0]
    return any(math.dist(xy, s.trigger[:2]) < SAME_SITE_M for xy in sites.get((spec.town, s.type), ()))


def _generate(town: Town, kinds: Sequence[str], ids: Sequence[int], seed: int, counts: Dict[str, int],
              length_range_m: Tuple[float, float], exclude: Sites) -> List[RouteSpec]:
    """One route per entry of `kinds` (route ids `ids`), none at an `exclude` site; `counts` numbers the
    scenario names across calls."""
    rng = random.Random(f"{town.name}:{seed}")
    pred = _predecessors(town)
    anchors = {t: SCENARIO_RULES[t].anchors(town) for t in sorted(set(kinds))}
    for t in sorted(anchors):
        rng.shuffle(anchors[t])
    used: Dict[str, int] = {}
    routes: List[RouteSpec] = []
    for kind, route_id in zip(kinds, ids):
        spec = None
        for attempt in range(ATTEMPTS_PER_ROUTE):
            anchor = anchors[kind][(used.get(kind, 0) + attempt) % len(anchors[kind])]
            plan = _plan(town, SCENARIO_RULES[kind], anchor, pred, rng, length_range_m)
            if plan is None:
                continue
            spec = _to_spec(town, plan, str(route_id), kind, counts.get(kind, 0) + 1, rng)
            if route_lanes(town, spec) == plan.lanes and not _reuses_site(spec, exclude):
                break
            spec = None
        if spec is None:
            raise RuntimeError(f"{town.name}: could not place a {kind} route in {ATTEMPTS_PER_ROUTE} attempts"
                               + (" away from the excluded sites" if exclude.get((town.name, kind)) else ""))
        used[kind] = used.get(kind, 0) + attempt + 1
        counts[kind] = counts.get(kind, 0) + 1
        routes.append(spec)
    return routes


def generate_route_set(towns: Sequence[Town | str], n: int, seed: int, types: Optional[Sequence[str]] = None, *,
                       length_range_m: Tuple[float, float] = (200.0, 600.0),
                       exclude: Sequence[RouteSpec] = ()) -> List[RouteSpec]:
    """`n` routes over several towns: types round-robin over those possible on any town, each occurrence
    of a type on the next town that supports it; ids 0…n-1, scenario names numbered per type. No route's
    scenario is at a site of `exclude` (the training routes, when making evaluation routes)."""
    loaded = [Town.load(t) if isinstance(t, str) else t for t in towns]
    per_town = {town.name: set(possible_types(town, types)) for town in loaded}
    kinds = [t for t in (list(types) if types else GENERATED_TYPES) if any(t in p for p in per_town.values())]
    if not kinds:
        raise ValueError(f"none of the scenario types {list(types or [])} has a site on {[t.name for t in loaded]}")
    assignment: Dict[str, List[Tuple[int, str]]] = {town.name: [] for town in loaded}
    turn: Dict[str, int] = {}
    for i in range(n):
        kind = kinds[i % len(kinds)]
        hosts = [town.name for town in loaded if kind in per_town[town.name]]
        assignment[hosts[turn.get(kind, 0) % len(hosts)]].append((i, kind))
        turn[kind] = turn.get(kind, 0) + 1
    counts: Dict[str, int] = {}
    routes: List[RouteSpec] = []
    for town in loaded:
        jobs = assignment[town.name]
        routes += _generate(town, [k for _, k in jobs], [i for i, _ in jobs], seed, counts, length_range_m,
                            scenario_sites(exclude))
    return sorted(routes, key=lambda r: int(r.id))
