"""Plain turns that test traffic-sign compliance (Bench2Drive's vanilla_turn.py).

RedLight: from the trigger the ego's light is red (every other red too) until the ego has waited at the
line (3 s within 10 m of it, at least 8 s after the trigger, at most 25 s), then the ego gets green.
GreenLight: the ego's light is green from the trigger until it has left the junction. Stopsign: the
junction is a stop junction; two waves of cross traffic (one vehicle from each side) drive through it on
the priority road so that the ego must stop, then wait for a gap.
They end 10 m after the junction; none of them has a scenario timeout.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from wpt_core.sim.scenarios.junction_conflicts import JunctionScenario
from wpt_core.sim.scenarios.props import CAR_TYPES

MIN_RED_S = 8.0
MAX_RED_S = 25.0
WAIT_AT_LINE_S = 3.0
AT_LINE_M = 10.0
CROSS_WAVES_S = (0.0, 6.0)
CROSS_SOURCE_M = 45.0


class VanillaSignalizedTurnEncounterRedLight(JunctionScenario):
    type_name = "VanillaSignalizedTurnEncounterRedLight"

    def setup(self) -> None:
        self.require_signal()
        self.arrived_at: Optional[float] = None
        self.green = False

    def on_trigger(self) -> None:
        self.force_lights([(self.in_lane, "r")])

    def tick(self) -> None:
        if self.green:
            return
        line = np.asarray(self.in_lane.shape_xy[-1])
        ego = self.world.ego
        if self.arrived_at is None and float(np.hypot(ego.x_m - line[0], ego.y_m - line[1])) <= AT_LINE_M:
            self.arrived_at = self.world.time_s
        waited = self.arrived_at is not None and self.world.time_s - self.arrived_at >= WAIT_AT_LINE_S
        if (waited and self.elapsed_s() >= MIN_RED_S) or self.elapsed_s() >= MAX_RED_S:
            self.force_lights([(self.in_lane, "G")])
            self.green = True


class VanillaSignalizedTurnEncounterGreenLight(JunctionScenario):
    type_name = "VanillaSignalizedTurnEncounterGreenLight"

    def setup(self) -> None:
        self.require_signal()

    def on_trigger(self) -> None:
        self.force_lights([(self.in_lane, "G")])


class VanillaNonSignalizedTurn(JunctionScenario):
    """A plain turn at a junction without lights: nothing is added (background traffic only)."""

    type_name = "VanillaNonSignalizedTurn"


class VanillaNonSignalizedTurnEncounterStopsign(JunctionScenario):
    type_name = "VanillaNonSignalizedTurnEncounterStopsign"

    def setup(self) -> None:
        if not any(link.state in "sw" for link in self.in_lane.links):
            raise ValueError(f"{self.spec.name}: the route's approach to {self.junction_id} has no stop sign")
        self.sources = []
        for relative in (-90.0, 90.0):
            try:
                lane, link = self.approach(relative)
            except ValueError:
                continue
            self.sources.append((lane, [lane.edge_id, self.town.lanes[link.to_lane].edge_id]))
        self.waves = list(CROSS_WAVES_S)

    def tick(self) -> None:
        while self.waves and self.elapsed_s() >= self.waves[0]:
            self.waves.pop(0)
            for k, (lane, edges) in enumerate(self.sources):
                self.spawn(lane.id, max(lane.length_m - CROSS_SOURCE_M, 0.0), lane.speed_mps, route_edges=edges,
                           type_id=CAR_TYPES[(k + len(self.waves)) % len(CAR_TYPES)])
