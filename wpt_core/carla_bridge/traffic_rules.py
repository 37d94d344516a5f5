"""CARLA traffic lights / stop signs → stop lines across the lanes they control.

The leaderboard's red-light and stop criteria find the controlled lanes the same way: sample points
along the trigger volume's local x axis (which runs ACROSS the lanes, rotated by the actor's yaw), snap
each to a driving waypoint, keep one per (road, lane), and follow each lane forward until the junction
starts. The stop line is across that last waypoint, one lane width wide. We do exactly that, so our
stop lines sit where CARLA's criteria will judge the ego.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, List, Tuple

XY = Tuple[float, float]
SAMPLE_STEP_M = 1.0
VOLUME_MARGIN = 0.9  # of the half extent: stay off the neighbouring lanes (leaderboard value)
ADVANCE_STEP_M = 0.5
MAX_ADVANCE_STEPS = 400


@dataclass
class ControlledLane:
    """One lane a light/sign controls: its stop line (left, right), traffic direction and lane key."""

    lane_key: str  # "<road_id>:<lane_id>"
    stop_line: Tuple[XY, XY]
    yaw_deg: float


def _rotate(x: float, y: float, yaw_deg: float) -> XY:
    c, s = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
    return c * x - s * y, s * x + c * y


def trigger_samples(actor: Any) -> List[XY]:
    """World points along the trigger volume's local x axis, 1 m apart (leaderboard's discretisation)."""
    transform = actor.get_transform()
    volume = actor.trigger_volume
    yaw = transform.rotation.yaw
    cx, cy = _rotate(volume.location.x, volume.location.y, yaw)
    cx, cy = cx + transform.location.x, cy + transform.location.y
    half = VOLUME_MARGIN * volume.extent.x
    n = max(1, int(math.ceil(2 * half / SAMPLE_STEP_M)))
    out = []
    for i in range(n):
        dx, dy = _rotate(-half + i * SAMPLE_STEP_M, 0.0, yaw)
        out.append((cx + dx, cy + dy))
    return out


def _is_junction(wp: Any) -> bool:
    return bool(getattr(wp, "is_junction", getattr(wp, "is_intersection", False)))


def _advance_to_junction(wp: Any) -> Any:
    for _ in range(MAX_ADVANCE_STEPS):
        if _is_junction(wp):
            break
        nxt = wp.next(ADVANCE_STEP_M)
        if not nxt or _is_junction(nxt[0]):
            break
        wp = nxt[0]
    return wp


def controlled_lanes(actor: Any, carla_map: Any, location_factory: Any) -> List[ControlledLane]:
    """Stop lines of the lanes controlled by a traffic light or stop sign actor.

    location_factory(x, y, z) builds a `carla.Location` (passed in so this module never imports carla).
    """
    z = actor.get_transform().location.z
    seen: List[Any] = []
    for x, y in trigger_samples(actor):
        wp = carla_map.get_waypoint(location_factory(x, y, z))
        if wp is None:
            continue
        if not seen or (seen[-1].road_id, seen[-1].lane_id) != (wp.road_id, wp.lane_id):
            seen.append(wp)
    lanes: List[ControlledLane] = []
    for wp in seen:
        end = _advance_to_junction(wp)
        loc, yaw = end.transform.location, end.transform.rotation.yaw
        half = end.lane_width / 2.0
        lx, ly = _rotate(0.0, -half, yaw)  # left of the driving direction is −y in the lane frame
        rx, ry = _rotate(0.0, half, yaw)
        lanes.append(ControlledLane(f"{wp.road_id}:{wp.lane_id}",
                                    ((loc.x + lx, loc.y + ly), (loc.x + rx, loc.y + ry)), float(yaw)))
    return lanes
