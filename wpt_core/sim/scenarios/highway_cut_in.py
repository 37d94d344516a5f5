"""HighwayCutIn (highway_cut_in.py): a vehicle from an entry road cuts in just in front of the ego.

At the trigger a car appears at `other_actor_location` (a lane that joins the route's road at the next
junction, e.g. an on-ramp). It paces itself (SyncArrivalWithAgent) to reach the point `CUT_IN_AFTER_M`
past its junction exit when the ego reaches the route's own exit of that junction (never slower than
`MIN_SYNC_SPEED_MPS`: a car stopped in the junction to wait for an ego that waits for it would block
both), then drives on at `SPEED_PERC` % of the ego's speed and moves over into the ego's lane (if it
joined another lane of the road) within `SHIFT_M`; at its path's end it becomes ordinary traffic. No
scenario timeout.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from wpt_core.polyline import Polyline
from wpt_core.sim.scenarios.base import Scenario
from wpt_core.sim.scenarios.motion import ScriptedMover, actor_boxes
from wpt_core.sim.scenarios.placement import link_path, smooth_shift_path
from wpt_core.sim.scenarios.props import CAR_TYPES, make_actor
from wpt_core.types import ActorKind

CUT_IN_AFTER_M = 10.0
SPEED_PERC = 80.0
MAX_SPEED_MPS = 25.0
MIN_CUT_IN_SPEED_MPS = 5.0
MIN_SYNC_SPEED_MPS = 4.0   # it never stops to wait for the ego (a waiting ego and a waiting car would deadlock)
SHIFT_M = 15.0
DRIVE_ON_M = 60.0


class HighwayCutIn(Scenario):
    type_name = "HighwayCutIn"

    def setup(self) -> None:
        attrs = self.spec.params.get("other_actor_location")
        if not attrs or "x" not in attrs or "y" not in attrs:
            raise ValueError(f"{self.spec.name}: HighwayCutIn needs <other_actor_location x=.. y=.. z=../>")
        match = self.town.nearest_lane((float(attrs["x"]), float(attrs["y"])), max_distance_m=5.0)
        if match is None or self.town.lanes[match.lane_id].is_internal:
            raise ValueError(f"{self.spec.name}: other_actor_location is not on a road outside junctions")
        lane = self.town.lanes[match.lane_id]
        route_edges = {self.town.lanes[lid].edge_id for lid in self.ctx.route_lanes}
        link = next((lk for lk in lane.links if self.town.lanes[lk.to_lane].edge_id in route_edges), None)
        if link is None:
            raise ValueError(f"{self.spec.name}: the lane at other_actor_location does not join the route")
        self.ref_s = self.geometry.exit_after(self.trigger_s)
        joined = link_path(self.town, lane, link, match.s_m, CUT_IN_AFTER_M)
        self.merge_s = joined.length_m
        end_xy = joined.xy[-1]
        route_s, lateral, _ = self.geometry.path.project(end_xy)
        if route_s + DRIVE_ON_M > self.route_length_m:
            raise ValueError(f"{self.spec.name}: the route ends too soon after the cut-in point")
        onward = smooth_shift_path(self.geometry.path, route_s, lateral, 0.0, SHIFT_M, DRIVE_ON_M)
        self.path = Polyline.joined([joined.xy, onward.xy[1:]])
        self.adversary: Optional[ScriptedMover] = None
        self.cutting = False
        self.handed_over = False

    def on_trigger(self) -> None:
        actor = make_actor(self.uid("cut_in"), CAR_TYPES[4 % len(CAR_TYPES)], ActorKind.VEHICLE, (0.0, 0.0, 0.0))
        self.adversary = ScriptedMover(self.world, actor, self.path, 0.0, 10.0, accel_mps2=4.0, decel_mps2=6.0)
        self.movers.append(self.adversary)

    def tick(self) -> None:
        adversary = self.adversary
        if adversary is None or self.handed_over:
            return
        ego = self.world.ego
        if not self.cutting:
            if adversary.s >= self.merge_s or self.ego_s >= self.ref_s:
                self.cutting = True
            else:   # arrive at the merge point when the ego arrives at its reference point
                _, tta = self.ego_time_to(self.geometry.path.pose_at(self.ref_s)[:2])
                remaining = self.merge_s - adversary.s
                paced = remaining / tta if np.isfinite(tta) else 0.0
                adversary.target_mps = float(min(MAX_SPEED_MPS, max(paced, MIN_SYNC_SPEED_MPS)))
        if self.cutting:
            adversary.target_mps = max(SPEED_PERC / 100.0 * ego.speed_mps, MIN_CUT_IN_SPEED_MPS)
        adversary.step(actor_boxes(self.world), min_gap_m=2.0)
        if adversary.finished:
            self.hand_over(adversary)
            self.handed_over = True

    def finished(self) -> bool:
        return self.handed_over or self.ego_s > self.ref_s + DRIVE_ON_M + 20.0
