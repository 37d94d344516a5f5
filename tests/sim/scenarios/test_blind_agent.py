"""A blind agent (route follower at constant speed, ignoring everyone) gets the collision each new
crossing / flow / cut-in type exists to provoke, on the sites of `test_scenarios.SITES` with a dense flow.

Not listed: flows the blind ego merges into (EnterActorFlow(V2), the EnterFlow turns) or turns across in
front of SUMO-driven vehicles (InterurbanActorFlow, and InterurbanAdvancedActorFlow at EmbeddedHighway's
off-ramp end, where the near flow sees the ego coming down the ramp in time): SUMO's drivers brake for it,
as CARLA's traffic manager does, so those are tested for the flow they create, not for a collision. CrossingBicycleFlow's
cyclists stop for an ego in their path, too."""
from __future__ import annotations

import pytest

from test_scenarios import SITES

DENSE = {"source_dist_interval": {"from": "10", "to": "12"}}
PROVOKED = {  # type -> collision kind the blind ego gets
    "VehicleTurningRoutePedestrian": "collisions_pedestrian",
    "SignalizedJunctionLeftTurnEnterFlow": "collisions_vehicle",
    "SignalizedJunctionRightTurn": "collisions_vehicle",
    "MergerIntoSlowTraffic": "collisions_vehicle",
    "HighwayCutIn": "collisions_vehicle",
}
LEFT_TURN = {"VehicleTurningRoutePedestrian": ("EmbeddedGrid", ["A1B1", "B1B2"], 100.0, {})}  # walker on the near side


@pytest.mark.parametrize("kind", sorted(PROVOKED))
def test_blind_agent_collides(make_run, kind):
    town, edges, trigger_s, params = LEFT_TURN.get(kind, SITES[kind])
    run = make_run(town, edges, kind, trigger_s, {**params, **DENSE}, cruise_mps=7.0)
    run.until(lambda sc: bool(run.collisions.events) or run.scenario.done, max_ticks=2400)
    assert [e.kind for e in run.collisions.events][:1] == [PROVOKED[kind]]
