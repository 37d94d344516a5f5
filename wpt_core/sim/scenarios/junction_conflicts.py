"""Conflicts at the junction the route enters after the trigger.

OppositeVehicleRunningRedLight (opposite_vehicle_taking_priority.py): the ego's light is frozen green
and every other red; a vehicle from the `direction` side runs its red light at 60 km/h across the ego's
path, launched when the ego's time to the conflict point drops to its own (at least 2.2 s) or the ego is
12 m from it (scenario_runner launches it from 30 m before its line; ours approaches from 70 m, paced).
The junction turns against a flow of vehicles live in `junction_flows`.
"""
from __future__ import annotations

from typing import List, Optional, Tuple

import numpy as np

from wpt_core.sim.scenarios.lights import force, state_string, tls_of
from wpt_core.sim.scenarios.base import Scenario
from wpt_core.sim.scenarios.motion import ScriptedMover, actor_boxes
from wpt_core.polyline import Polyline, end_heading_deg
from wpt_core.sim.scenarios.placement import approaches, link_path
from wpt_core.sim.scenarios.props import CAR_TYPES, make_actor
from wpt_core.types import ActorKind

END_DISTANCE_M = 10.0
HOLD_S = 120.0  # long enough for any scenario; released at cleanup


class JunctionScenario(Scenario):
    """The first junction after the trigger: its id, the ego's approach lanes, heading and signal."""

    def __init__(self, spec, ctx) -> None:
        super().__init__(spec, ctx)
        self.junction_id, self.entry_s, self.exit_s = self.geometry.junction_after(self.trigger_s)
        self.in_lane, self.via_lane, self.out_lane = self.geometry.lanes_around(self.junction_id)
        self.ego_heading = end_heading_deg(self.in_lane.shape_xy)
        self.tls_id = tls_of(self.in_lane)
        self.end_s = self.exit_s + END_DISTANCE_M
        self.forced: List[str] = []

    def require_signal(self) -> str:
        if self.tls_id is None:
            raise ValueError(f"{self.spec.name}: junction {self.junction_id} has no traffic light on the route")
        return self.tls_id

    def approach(self, relative_deg: float) -> Tuple[object, object]:
        """(lane, link) of the approach whose traffic arrives heading ego_heading + relative_deg, going
        straight on if it can (else its first link, e.g. at a T junction)."""
        heading = self.ego_heading + relative_deg
        found = approaches(self.town, self.junction_id, heading, link_dir="s") or \
            approaches(self.town, self.junction_id, heading, link_dir=None)
        if not found:
            raise ValueError(f"{self.spec.name}: junction {self.junction_id} has no approach at "
                             f"{relative_deg:+.0f} deg")
        return found[0]

    def force_lights(self, approaches_colours: List[tuple], duration_s: float = HOLD_S) -> str:
        tls_id = self.require_signal()
        if tls_id not in self.forced:
            self.forced.append(tls_id)
        return force(self.world, self.town, tls_id, approaches_colours, duration_s)

    def cleanup(self) -> None:
        for tls_id in self.forced:  # a zero-length hold hands the signal back to its program
            self.world.force_traffic_light(tls_id, state_string(self.world, self.town, tls_id, []), 0.0)
        self.forced = []
        super().cleanup()


def conflict_point(path: Polyline, route: Polyline) -> Tuple[float, float, float]:
    """(s on path, s on route, gap) where `path` comes closest to the route."""
    hits = [(s,) + route.project(path.pose_at(s)[:2]) for s in np.arange(0.0, path.length_m, 0.5)]
    s_path, s_route, _, gap = min(hits, key=lambda h: h[3])
    return float(s_path), float(s_route), float(gap)


class OppositeVehicleRunningRedLight(JunctionScenario):
    """The runner appears at the trigger 70 m before its stop line and paces itself to meet the ego: it
    drives at (distance to the conflict point) / (ego's time to it), never past its line while the ego is
    far; it commits at 60 km/h once the ego's time to the conflict is no more than its own (at least
    2.2 s) or the ego is 12 m from it, so a waiting ego sees a car stopped at its red light launch."""

    type_name = "OppositeVehicleRunningRedLight"
    speed_mps = 60.0 / 3.6
    approach_m = 70.0
    min_sync_s = 2.2
    min_trigger_dist_m = 12.0
    launch_accel_mps2 = 8.0

    def setup(self) -> None:
        self.require_signal()
        self.setup_runner()

    def setup_runner(self) -> None:
        direction = self.param("direction", str, "right")
        self.adv_lane, self.adv_link = self.approach(-90.0 if direction == "right" else 90.0)
        shape_len = self.adv_lane.path.length_m
        start = max(0.0, shape_len - self.approach_m)
        self.adv_path = link_path(self.town, self.adv_lane, self.adv_link, start, 30.0)
        self.line_s = shape_len - start  # its stop line, on its path
        self.adv_conflict_s, conflict_route_s, _ = conflict_point(self.adv_path, self.geometry.path)
        self.conflict_xy = self.geometry.path.pose_at(conflict_route_s)[:2]
        self.adversary: Optional[ScriptedMover] = None
        self.committed = False

    def on_trigger(self) -> None:
        self.force_lights([(self.in_lane, "G")])
        self.spawn_runner()

    def spawn_runner(self) -> None:
        actor = make_actor(self.uid("adversary"), CAR_TYPES[3], ActorKind.VEHICLE, (0.0, 0.0, 0.0))
        self.adversary = ScriptedMover(self.world, actor, self.adv_path, 0.0, 0.6 * self.speed_mps,
                                       accel_mps2=3.0, decel_mps2=6.0)
        self.movers.append(self.adversary)

    def _pace(self, adversary: ScriptedMover) -> None:
        """Before committing: a speed that meets the ego at the conflict point, stopping at the line."""
        dist, tta = self.ego_time_to(self.conflict_xy)
        to_conflict = self.adv_conflict_s - adversary.s
        if tta <= max(to_conflict / self.speed_mps, self.min_sync_s) or dist <= self.min_trigger_dist_m:
            self.committed = True
            adversary.target_mps, adversary.accel_mps2 = self.speed_mps, self.launch_accel_mps2
            return
        meet = to_conflict / tta if np.isfinite(tta) else 0.0
        stop = float(np.sqrt(2.0 * adversary.decel_mps2 * max(self.line_s - 3.0 - adversary.s, 0.0)))
        adversary.target_mps = float(min(self.speed_mps, meet, stop))

    def tick(self) -> None:
        self.keep_clear(self.town.edges[self.adv_lane.edge_id])
        adversary = self.adversary
        if adversary is None or adversary not in self.movers:
            return
        if not self.committed:
            self._pace(adversary)
        if adversary.finished:
            self.hand_over(adversary)
        else:
            adversary.step(actor_boxes(self.world), min_gap_m=1.0)


class OppositeVehicleTakingPriority(OppositeVehicleRunningRedLight):
    """The same adversary at a junction without lights: it takes the ego's right of way."""

    type_name = "OppositeVehicleTakingPriority"

    def setup(self) -> None:
        self.setup_runner()

    def on_trigger(self) -> None:
        self.spawn_runner()
