"""BlockedIntersection (blocked_intersection.py): after its turn the ego finds the exit blocked.

A car stands still (hand brake) on the route lane `BLOCKER_AFTER_M` after the junction the route enters
after the trigger, from route start on. Once the ego is within `NEAR_M` of it (centre to centre), it
stays `WAIT_S` more and is then removed, which ends the scenario; the ego must stop behind it and wait.
Timeout 240 s.
"""
from __future__ import annotations

import math
from typing import Optional

from wpt_core.sim.scenarios.base import Scenario
from wpt_core.sim.scenarios.props import CAR_TYPES, make_actor
from wpt_core.types import ActorKind

BLOCKER_AFTER_M = 5.0
NEAR_M = 13.0
WAIT_S = 10.0


class BlockedIntersection(Scenario):
    type_name = "BlockedIntersection"
    timeout_s = 240.0

    def setup(self) -> None:
        self.blocker_s = self.geometry.exit_after(self.trigger_s) + BLOCKER_AFTER_M
        if self.blocker_s + 5.0 > self.route_length_m:
            raise ValueError(f"{self.spec.name}: the route ends before the blocker position")
        pose = self.geometry.path.pose_at(self.blocker_s)
        self.blocker_xy = pose[:2]
        self.blocker_id: Optional[str] = self.add_static(
            make_actor(self.uid("blocker"), CAR_TYPES[2], ActorKind.STATIC, pose), block_lane=True)
        self.near_since: Optional[float] = None

    def tick(self) -> None:
        if self.blocker_id is None:
            return
        ego = self.world.ego
        if self.near_since is None and math.hypot(ego.x_m - self.blocker_xy[0], ego.y_m - self.blocker_xy[1]) <= NEAR_M:
            self.near_since = self.world.time_s
        if self.near_since is not None and self.world.time_s - self.near_since >= WAIT_S:
            self.world.remove(self.blocker_id)
            self.actor_ids.remove(self.blocker_id)
            self.blocker_id = None

    def finished(self) -> bool:
        return self.blocker_id is None
