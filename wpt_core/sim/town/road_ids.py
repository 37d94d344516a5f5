"""CARLA-style integer `road_id`, `section_id`, `lane_id` for the lanes of a SUMO town.

Bench2Drive records, for every box, the OpenDRIVE ids of the lane under it (`map.get_waypoint`). A SUMO
network has no roads, only one-way edges, so we rebuild CARLA's numbering from them: the two edges
running opposite ways between the same junctions form one road (a one-way edge, and each junction-internal
edge, a road of its own), numbered 0, 1, … in edge-id order; a road has one section (0); the edge whose
id sorts first runs along the road's reference direction, so its lanes get negative ids and the opposite
edge's lanes positive ones, ±1 next to the centre line outwards (SUMO's lane index 0 is the outermost).
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import numpy as np

from wpt_core.sim.town.town import Town

RoadIds = Tuple[int, int, int]  # road_id, section_id, lane_id
NEAREST_KINDS = ("driving", "sidewalk", "crossing", "walkingarea")


class TownRoadIds:
    """`of(lane_key, x, y, z)` → (road_id, section_id, lane_id) of a SUMO lane id, or of the lane nearest
    to (x, y) when the object has none (the ego, scripted actors): what CARLA's `get_waypoint` answers."""

    def __init__(self, town: Town) -> None:
        self.town = town
        by_edge: Dict[str, list] = {}
        for lane in town.lanes.values():
            by_edge.setdefault(lane.edge_id, []).append(lane)
        ends = {edge: (lanes[0].from_junction, lanes[0].to_junction) for edge, lanes in by_edge.items()
                if not lanes[0].is_internal}
        by_ends = {v: k for k, v in ends.items()}
        road_of: Dict[str, Tuple[str, int]] = {}
        for edge in sorted(by_edge):
            if edge in road_of:
                continue
            opposite = by_ends.get(ends[edge][::-1]) if edge in ends else None
            road_of[edge] = (edge, -1)
            if opposite is not None and opposite not in road_of:
                road_of[opposite] = (edge, 1)
        numbers = {key: n for n, key in enumerate(sorted({key for key, _ in road_of.values()}))}
        self._ids: Dict[str, RoadIds] = {}
        for edge, lanes in by_edge.items():
            key, sign = road_of[edge]
            for lane in lanes:
                self._ids[lane.id] = (numbers[key], 0, sign * (len(lanes) - lane.index))

    def of(self, lane_key: Optional[str], x: float, y: float, z: float = 0.0) -> Optional[RoadIds]:
        if lane_key is not None and lane_key in self._ids:
            return self._ids[lane_key]
        match = self.town.nearest_lane(np.array([x, y]), kinds=NEAREST_KINDS, max_distance_m=np.inf)
        return self._ids.get(match.lane_id) if match is not None else None
