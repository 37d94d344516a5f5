"""Point parameters of the highway types at a town's motorway ramps (`motorway` finds the ramps).

Like `flow_sites`, each function takes the ego's approach lane and exit edge at a junction and returns
the points, or None when the junction is not the ramp the type needs. The geometry follows
scenario_runner's classes: HighwayCutIn's car comes down an on-ramp and joins in front of the ego on the
motorway; MergerIntoSlowTraffic(V2) and EnterActorFlow(V2) have the ego come down the on-ramp into a
flow on the motorway; HighwayExit has the ego leave by the off-ramp across a flow that comes from behind
on the motorway's rightmost lane and exits too; the Interurban flows are the left turns at the ramps'
ends on the interurban road (onto an on-ramp across the oncoming flow; off an off-ramp across the near
flow into the far one).
"""
from __future__ import annotations

import random
from typing import Optional

from wpt_core.sim.routes.flow_sites import (Params, SiteFn, before_end, crossing_then_merging, edge_point,
                                           oncoming_straight)
from wpt_core.sim.town.motorway import motorway_predecessor, motorway_successor, off_ramps, on_ramps
from wpt_core.sim.town.town import Lane, Town


def cut_in_from_on_ramp(town: Town, in_lane: Lane, out_edge: str, rng: random.Random) -> Optional[Params]:
    """HighwayCutIn: the ego drives on past an on-ramp; the car starts 40–50 m before the ramp's end."""
    ramp = next((r for r in on_ramps(town) if r.motorway_in == in_lane.edge_id and r.merged == out_edge), None)
    if ramp is None:
        return None
    return {"other_actor_location": before_end(town, ramp.ramp, rng, 40.0, 50.0)}


def merge_from_on_ramp(town: Town, in_lane: Lane, out_edge: str, rng: random.Random) -> Optional[Params]:
    """MergerIntoSlowTraffic(V2) / EnterActorFlow(V2): the ego comes down the on-ramp; the flow starts
    80–120 m before the merge on the motorway and ends 30–40 m past the end of the acceleration lane."""
    ramp = next((r for r in on_ramps(town) if r.ramp == in_lane.edge_id and r.merged == out_edge), None)
    sink = motorway_successor(town, out_edge) if ramp is not None else None
    if ramp is None or sink is None:
        return None
    return {"start_actor_flow": before_end(town, ramp.motorway_in, rng, 80.0, 120.0),
            "end_actor_flow": edge_point(town, sink, rng.uniform(30.0, 40.0))}


def exit_across_flow(town: Town, in_lane: Lane, out_edge: str, rng: random.Random) -> Optional[Params]:
    """HighwayExit: the ego takes the off-ramp; the flow starts behind it, 100–150 m before the end of
    the motorway edge before the deceleration lane (rightmost lane), and ends 30–40 m down the ramp."""
    exit_ = next((r for r in off_ramps(town) if r.approach == in_lane.edge_id and r.ramp == out_edge), None)
    behind = motorway_predecessor(town, in_lane.edge_id) if exit_ is not None else None
    if exit_ is None or behind is None:
        return None
    return {"start_actor_flow": before_end(town, behind, rng, 100.0, 150.0),
            "end_actor_flow": edge_point(town, out_edge, rng.uniform(30.0, 40.0))}


def onto_on_ramp(site: SiteFn) -> SiteFn:
    """`site`, at junctions where the ego turns onto an on-ramp."""
    def gated(town: Town, in_lane: Lane, out_edge: str, rng: random.Random) -> Optional[Params]:
        return site(town, in_lane, out_edge, rng) if any(r.ramp == out_edge for r in on_ramps(town)) else None
    return gated


def off_off_ramp(site: SiteFn) -> SiteFn:
    """`site`, at junctions where the ego arrives on an off-ramp."""
    def gated(town: Town, in_lane: Lane, out_edge: str, rng: random.Random) -> Optional[Params]:
        return site(town, in_lane, out_edge, rng) if any(r.ramp == in_lane.edge_id for r in off_ramps(town)) \
            else None
    return gated


interurban_onto_ramp = onto_on_ramp(oncoming_straight)
interurban_off_ramp = off_off_ramp(crossing_then_merging)
