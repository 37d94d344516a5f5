"""Scenarios that add nothing but a test window: the route itself is the test (t_junction.py,
sequentially_lane_change.py).

T_Junction (a turn at a T junction: stop at red, pause at the stop sign) and SequentialLaneChange
(several lane changes in a row to follow the route) end once the ego has driven 200 m after the
trigger and time out after 240 s; background traffic is the only other traffic.
"""
from __future__ import annotations

from wpt_core.sim.scenarios.base import Scenario

DRIVE_DISTANCE_M = 200.0


class DriveDistanceScenario(Scenario):
    """Ends `DRIVE_DISTANCE_M` after the trigger (or at the route's end)."""

    timeout_s = 240.0

    def setup(self) -> None:
        self.end_s = self.trigger_s + DRIVE_DISTANCE_M


class T_Junction(DriveDistanceScenario):  # noqa: N801 (Bench2Drive's type name)
    type_name = "T_Junction"


class SequentialLaneChange(DriveDistanceScenario):
    type_name = "SequentialLaneChange"
