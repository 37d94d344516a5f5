"""Lanes, links and junctions of a town (CARLA frame).

A lane's `shape_xy` runs in its driving direction in CARLA's frame (y south), so "left" of a lane is the
side a CARLA driver calls left. SUMO measures positions along a lane in its own lane metres (`length_m`),
which can differ from the drawn shape's length: `pose_at` maps between the two.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import List, Optional, Tuple

import numpy as np

from wpt_core.polyline import Polyline, end_direction


@dataclass
class Link:
    """An outgoing connection of a lane (SUMO `<connection>`)."""

    to_lane: str
    via_lane: Optional[str]  # internal junction lane (':J1_3_0'), None if none
    direction: str           # SUMO dir: 's','l','r','t','L','R'
    tls_id: Optional[str]
    tls_index: int           # -1 if not signalised
    state: str               # SUMO link state: 'M','m','s','w','O','=', ...


@dataclass
class Lane:
    """One SUMO lane, in CARLA's frame. `index` 0 = rightmost lane of its edge (SUMO)."""

    id: str
    edge_id: str
    index: int
    shape_xy: np.ndarray     # (N, 2) CARLA frame, in driving direction
    width_m: float
    length_m: float
    speed_mps: float
    kind: str                # 'driving' | 'sidewalk' | 'crossing' | 'walkingarea'
    is_internal: bool
    junction_id: Optional[str]
    from_junction: str
    to_junction: str
    links: List[Link] = field(default_factory=list)

    @cached_property
    def path(self) -> Polyline:
        """The shape as a Polyline (built once: towns are immutable)."""
        return Polyline(self.shape_xy)

    def pose_at(self, s_m: float) -> Tuple[float, float, float]:
        """(x, y, yaw_deg) at lane position `s_m` (SUMO lane metres, clipped to the lane)."""
        return self.path.pose_at(s_m * self.path.length_m / max(self.length_m, 1e-9))

    def lane_metres(self, shape_s: float) -> float:
        """Arc length along the shape → SUMO lane position (clipped to the lane)."""
        return float(np.clip(shape_s * self.length_m / max(self.path.length_m, 1e-6), 0.0, self.length_m))


@dataclass
class Junction:
    id: str
    type: str                # SUMO node type
    polygon_xy: np.ndarray   # (K, 2) CARLA frame
    center_xy: Tuple[float, float]
    tls_id: Optional[str]


@dataclass
class LaneMatch:
    lane_id: str
    s_m: float               # lane position (SUMO lane metres)
    lateral_m: float         # + = right of the lane centre (CARLA)
    distance_m: float


def stop_line(lane: Lane) -> Tuple[Tuple[float, float], Tuple[float, float]]:
    """Across the lane at its end: (left edge point, right edge point)."""
    end = lane.shape_xy[-1]
    d = end_direction(lane.shape_xy)
    right = np.array([-d[1], d[0]]) * lane.width_m / 2.0
    left_pt, right_pt = end - right, end + right
    return (float(left_pt[0]), float(left_pt[1])), (float(right_pt[0]), float(right_pt[1]))
