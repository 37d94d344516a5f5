"""Traffic lights and stop signs on the route: which apply to the ego, and where it must stop.

A light or sign applies when its stop line's midpoint lies on the route lane ahead (within half a lane
of the centreline) and it controls traffic in the route's direction. Red: stop unless it would take
more than `red_max_decel_mps2`; yellow: stop only if it is comfortable. Stop signs: stop within
`stop_zone_m` of the line, hold `stop_hold_s`, then the ordinary conflict checks decide when to go.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np

from wpt_core.expert.hazards import StopPoint
from wpt_core.expert.path_frame import PathFrame
from wpt_core.types import XY, LightState, Scene


@dataclass(frozen=True)
class JunctionConfig:
    light_stop_margin_m: float = 1.0     # front bumper this far before the line
    red_max_decel_mps2: float = 6.0      # harder than this: too late, go through
    yellow_max_decel_mps2: float = 3.0
    stop_sign_margin_m: float = 1.0
    stop_zone_m: float = 4.0             # a standstill with the front within this of the line counts as the stop
    stop_speed_mps: float = 0.1
    stop_hold_s: float = 0.5
    match_heading_deg: float = 50.0


class JunctionRules:
    """Remembers which stop signs the ego has already stopped at (until they drop behind it)."""

    def __init__(self, config: Optional[JunctionConfig] = None) -> None:
        self.config = config if config is not None else JunctionConfig()
        self._stopped_since: Dict[str, float] = {}
        self._done: set = set()
        self.signal_distances: List[float] = []   # red/yellow/stop lines on the path ahead (from the ego front)

    def reset(self) -> None:
        self._stopped_since.clear()
        self._done.clear()
        self.signal_distances = []

    def line_distance(self, stop_line: Tuple[XY, XY], yaw_deg: float, frame: PathFrame, ego_hl: float,
                      behind_front_m: float = 0.0) -> Optional[float]:
        """Distance from the ego's front to the line if it applies to the route ahead (or lies at most
        `behind_front_m` behind the front), else None."""
        mid = 0.5 * (np.asarray(stop_line[0], dtype=np.float64) + np.asarray(stop_line[1], dtype=np.float64))
        s, d, _ = frame.project(mid[None])
        s, d = float(s[0]), float(d[0])
        if not (ego_hl - behind_front_m < s < frame.length_m):
            return None
        if abs(d) > 0.5 * float(frame.interp(s, frame.lane_width_m)) + 0.3:
            return None
        dyaw = (math.radians(yaw_deg) - float(frame.yaw_at(s)) + math.pi) % (2 * math.pi) - math.pi
        if abs(dyaw) > math.radians(self.config.match_heading_deg):
            return None
        return s - ego_hl

    def stop_points(self, scene: Scene, frame: PathFrame, obey_lights: bool = True,
                    obey_stop_signs: bool = True) -> List[StopPoint]:
        """Stop points for red/yellow lights and not-yet-served stop signs on the route ahead."""
        c = self.config
        ego = scene.ego
        ego_hl, v = 0.5 * ego.length_m, max(ego.speed_mps, 0.0)
        out: List[StopPoint] = []
        self.signal_distances = []
        if obey_lights:
            for light in scene.traffic_lights:
                if light.state not in (LightState.RED, LightState.YELLOW):
                    continue
                # a light counts until the ego's rear is over its line: a car that stopped with its nose
                # over the line (yielding to a walker) must not move on when the light turns red
                dist = self.line_distance(light.stop_line, light.yaw_deg, frame, ego_hl, behind_front_m=2.0 * ego_hl)
                if dist is None:
                    continue
                self.signal_distances.append(dist)
                target = dist - c.light_stop_margin_m
                limit = c.red_max_decel_mps2 if light.state == LightState.RED else c.yellow_max_decel_mps2
                if v * v <= 2.0 * limit * max(dist, 0.05):
                    out.append(StopPoint(max(target, 0.0), f"{light.state.value.lower()} light {light.id}"))
        ahead = set()
        if obey_stop_signs:
            for sign in scene.stop_signs:
                dist = self.line_distance(sign.stop_line, sign.yaw_deg, frame, ego_hl)
                if dist is None:
                    continue
                ahead.add(sign.id)
                self.signal_distances.append(dist)
                if sign.id in self._done:
                    continue
                if v < c.stop_speed_mps and dist <= c.stop_zone_m:
                    since = self._stopped_since.setdefault(sign.id, scene.time_s)
                    if scene.time_s - since >= c.stop_hold_s:
                        self._done.add(sign.id)
                        continue
                else:
                    self._stopped_since.pop(sign.id, None)
                out.append(StopPoint(max(dist - c.stop_sign_margin_m, 0.0), f"stop sign {sign.id}"))
        self._done &= ahead
        return out
