"""Forcing traffic lights for junction scenarios (scenario_runner's `TrafficLightFreezer`).

A CARLA traffic light controls a whole road approach; the SUMO equivalent is every link leaving the
lanes of one incoming edge. We build full SUMO state strings: the approaches a scenario names get the
state it asks for, every other link of the junction is red.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional

from wpt_core.sim.town.town import Lane, Town
from wpt_core.sim.world.world import World


def approach_links(town: Town, lane: Lane) -> Dict[int, str]:
    """tls link index → SUMO link direction for every link of the edge `lane` belongs to."""
    out: Dict[int, str] = {}
    for lane_id in town.edges.get(lane.edge_id, [lane.id]):
        for link in town.lanes[lane_id].links:
            if link.tls_id and link.tls_index >= 0:
                out[link.tls_index] = link.direction
    return out


def tls_of(lane: Lane) -> Optional[str]:
    """The signal controlling the lane's links, if any."""
    return next((lk.tls_id for lk in lane.links if lk.tls_id), None)


def state_string(world: World, town: Town, tls_id: str, approaches: Iterable[tuple]) -> str:
    """Full SUMO state (one character per link of the signal, crossings included): `approaches` =
    (incoming lane, colour) with colour 'G' green, 'r' red, 'g' permissive; a green approach's left turns
    become 'g' (they yield to oncoming traffic); every other link is red."""
    state: List[str] = ["r"] * len(world.traffic_light_state(tls_id))
    for lane, colour in approaches:
        for idx, direction in approach_links(town, lane).items():
            if idx < len(state):
                state[idx] = "g" if colour == "G" and direction in ("l", "t", "L") else colour
    return "".join(state)


def force(world: World, town: Town, tls_id: str, approaches: Iterable[tuple], duration_s: float) -> str:
    """Force the signal and return the state string that was set."""
    state = state_string(world, town, tls_id, approaches)
    world.force_traffic_light(tls_id, state, duration_s)
    return state
