"""Changing lanes into moving traffic (an acceleration lane's end), gated by gap acceptance.

Each tick the expert tries the path that changes lanes from where the ego is now to where the route is
in the new lane. If the hazards on that path hold a gap that is not acceptable (`Hazards.merges`), it
keeps its old lane instead, a little slower than the flow so that its gaps pass by, and stops at the
old lane's end if none comes; once past `commit_fraction` of the way it finishes the change. On the
merging path it matches the flow's speed (up to the hazards' `merge_speed_max_mps`, which the gap
acceptance assumes): slower, no gap stays open long enough.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from wpt_core.expert.hazards import Hazards, StopPoint
from wpt_core.expert.lane_changes import LaneChange
from wpt_core.expert.lateral_plan import smoothstep
from wpt_core.expert.path_frame import PathFrame


@dataclass(frozen=True)
class MergeConfig:
    change_time_s: float = 4.0        # a lane change from where the ego is takes this long ...
    min_length_m: float = 20.0        # ... and at least this distance
    commit_fraction: float = 0.5      # past this share of the way there is no turning back
    hold_speed_factor: float = 0.8    # holding the old lane: this × the flow's speed
    lane_end_margin_m: float = 1.0
    look_behind_m: float = 80.0       # the path frame reaches this far back while a change is pending: the
                                      # flow cars closing in from behind must be in it to be judged
    settle_m: float = 150.0           # after the change, on at the flow's speed this far (slowing down at
                                      # once, in front of the car it merged ahead of, would make that one brake)


@dataclass
class MergeDecision:
    offsets: np.ndarray       # (M,) the path to drive
    hazards: Hazards          # on that path (merges already resolved into stops)
    cruise_mps: float
    reason: str


@dataclass(frozen=True)
class _Anchor:
    """A lane change path fixed in route arc length (re-planning it from the ego every tick would start
    its smoothstep at zero lateral speed every tick, and the ego would creep sideways)."""

    change: LaneChange
    from_m: float          # lateral (from the route's first lane) where it starts
    start_s: float
    end_s: float

    def offsets(self, frame: PathFrame) -> np.ndarray:
        w = smoothstep((frame.route_s0 + frame.s - self.start_s) / max(self.end_s - self.start_s, 1e-6))
        return self.from_m + (self.change.to_m - self.from_m) * w - frame.lane_shift_m


class Merger:
    """Go (change lanes) or hold (keep the old lane), every tick; a started change keeps its path."""

    def __init__(self, config: MergeConfig) -> None:
        self.config = config
        self._going: Optional[_Anchor] = None

    def reset(self) -> None:
        self._going = None

    def _anchor(self, change: LaneChange, frame: PathFrame, lateral_road_m: float, speed_mps: float) -> _Anchor:
        """The started change, else one from here (not before the route's spread starts) over
        `change_time_s` at the ego's speed, but not past where the route is in the new lane unless that
        is nearer than `min_length_m`. Before the spread starts it is re-planned every tick."""
        if self._going is not None and self._going.change == change:
            return self._going
        begun = frame.route_s0 >= change.start_s
        start = max(frame.route_s0, change.start_s)
        length = max(self.config.min_length_m, min(self.config.change_time_s * speed_mps, change.end_s - start))
        return _Anchor(change, lateral_road_m if begun else change.from_m, start, start + length)

    def decide(self, change: LaneChange, frame: PathFrame, lateral_m: float, speed_mps: float,
               ego_half_length_m: float, cruise_mps: float, flow_cap_mps: float,
               assess: Callable[[np.ndarray, bool], Hazards],
               hold_path: Callable[[np.ndarray], np.ndarray]) -> MergeDecision:
        """`assess(offsets, changing_lanes)`: the hazards of a path; `hold_path(offsets)`: a path blended from the ego's
        position; the ego matches the flow's speed up to `flow_cap_mps`."""
        c = self.config
        lateral_road = lateral_m + float(frame.interp(0.0, frame.lane_shift_m))
        anchor = self._anchor(change, frame, lateral_road, speed_mps)
        go = anchor.offsets(frame)
        on_go = assess(go, self._going is not None)
        flow = min(on_go.flow_mps, flow_cap_mps)
        committed = abs(lateral_road - change.from_m) > c.commit_fraction * abs(change.to_m - change.from_m)
        if committed or not on_go.merges:
            self._going = anchor if frame.route_s0 >= anchor.start_s else None
            on_go.merges = []
            done = frame.route_s0 >= change.end_s
            return MergeDecision(go, on_go, max(cruise_mps, flow), "with the flow" if done else "changing lanes")
        self._going = None
        hold = hold_path(change.from_m - frame.lane_shift_m)
        on_hold = assess(hold, False)
        lane_end = change.lane_end_s - frame.route_s0 - ego_half_length_m - c.lane_end_margin_m
        on_hold.stops.append(StopPoint(max(lane_end, 0.0), f"no gap ({on_go.merges[0].reason})"))
        on_hold.merges = []
        return MergeDecision(hold, on_hold, max(cruise_mps, c.hold_speed_factor * flow), "keeping lane for a gap")
