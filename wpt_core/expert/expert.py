"""The privileged rule-based expert: Scene + dense route → trajectory (ego frame) + control.

One step: locate the ego on the route → cut the path frame ahead → predict the actors → lateral plan
(overtake / make room / dodge invading traffic, else the centreline), started from the ego's own
lateral position → hazards on that path (leaders, crossing conflicts) + lights and stop signs →
forward-simulated speed plan → trajectory samples and a PID control towards an aim point on the path.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from wpt_core.control.vehicle_controller import ControllerConfig, ControlTarget, VehicleController
from wpt_core.expert.corridor_check import CorridorCheckConfig
from wpt_core.expert.yielding import YieldingConfig, YieldingPlanner
from wpt_core.expert.hazards import HazardConfig, Hazards, assess, pedestrian_beside
from wpt_core.expert.junction_rules import JunctionConfig, JunctionRules
from wpt_core.expert.lane_changes import LaneChangeConfig, LaneChanges, spread_lane_changes
from wpt_core.expert.lateral_plan import LateralPlan, blend_from_ego
from wpt_core.expert.merging import MergeConfig, Merger
from wpt_core.expert.overtake import OvertakeConfig, OvertakePlanner
from wpt_core.expert.path_frame import PathFrame
from wpt_core.expert.prediction import ActorPredictor, PredictionConfig
from wpt_core.expert.route_localiser import RouteLocaliser
from wpt_core.expert.speed_planner import SpeedConfig, limit_profile, plan_speed, sample_plan
from wpt_core.geometry import world_to_ego
from wpt_core.types import Control, DenseRoute, Scene, Trajectory


def _expert_controller() -> ControllerConfig:
    return ControllerConfig(creep_enabled=False)   # the expert knows why it stands; no blind creeping


@dataclass(frozen=True)
class ExpertConfig:
    obey_traffic_lights: bool = True
    obey_stop_signs: bool = True
    trajectory_dt_s: float = 0.5
    trajectory_horizon_s: float = 4.0
    path_behind_m: float = 15.0
    path_ahead_min_m: float = 45.0
    path_ahead_per_mps: float = 5.0
    path_ahead_max_m: float = 90.0
    aim_min_m: float = 3.0
    aim_per_mps: float = 0.45
    aim_max_m: float = 9.0
    blend_min_m: float = 5.0           # the path merges from the ego's lateral position over this (+ per m/s)
    blend_per_mps: float = 0.8
    blend_max_m: float = 12.0
    blend_floor_m: float = 2.0         # shortest merge (a shorter one asks for more steering than exists)
    speed: SpeedConfig = field(default_factory=SpeedConfig)
    hazards: HazardConfig = field(default_factory=HazardConfig)
    prediction: PredictionConfig = field(default_factory=PredictionConfig)
    junction: JunctionConfig = field(default_factory=JunctionConfig)
    overtake: OvertakeConfig = field(default_factory=OvertakeConfig)
    yielding: YieldingConfig = field(default_factory=YieldingConfig)
    corridor: CorridorCheckConfig = field(default_factory=CorridorCheckConfig)
    lane_changes: LaneChangeConfig = field(default_factory=LaneChangeConfig)
    merge: MergeConfig = field(default_factory=MergeConfig)
    controller: ControllerConfig = field(default_factory=_expert_controller)


@dataclass
class ExpertOutput:
    trajectory: Trajectory      # ego frame (x forward, y right), trajectory_dt_s apart, first at t = dt
    control: Control            # clamped
    target_speed_mps: float
    reason: str                 # what limits the speed now (and the lateral manoeuvre, if any)
    should_brake: bool = False


class Expert:
    """Stateful per route: call `run_step` every tick with the same route object."""

    def __init__(self, config: Optional[ExpertConfig] = None) -> None:
        config = config if config is not None else ExpertConfig()
        self.config = config
        self.controller = VehicleController(config.controller)
        self.predictor = ActorPredictor(config.prediction)
        self.junction = JunctionRules(config.junction)
        self.overtake = OvertakePlanner(config.overtake, config.corridor)
        self.yielding = YieldingPlanner(config.yielding, config.corridor)
        self.merger = Merger(config.merge)
        self._route: Optional[DenseRoute] = None
        self._localiser: Optional[RouteLocaliser] = None
        self._changes: Optional[LaneChanges] = None
        self._stopped_since: Optional[float] = None

    def reset(self) -> None:
        """Forget the route and all manoeuvre state (a new route)."""
        self._route, self._localiser, self._changes, self._stopped_since = None, None, None, None
        self.controller.reset()
        self.predictor.reset()
        self.junction.reset()
        self.overtake.reset()
        self.yielding.reset()
        self.merger.reset()

    def run_step(self, scene: Scene, route: DenseRoute) -> ExpertOutput:
        c = self.config
        if route is not self._route:
            self.reset()
            self._changes = spread_lane_changes(route, c.lane_changes)
            self._route, self._localiser = route, RouteLocaliser(self._changes.route)
        ego = scene.ego
        v = max(ego.speed_mps, 0.0)
        n_traj = max(1, int(round(c.trajectory_horizon_s / c.trajectory_dt_s)))
        if len(route) < 2:
            return self._standstill(n_traj, "no route")
        if v < c.hazards.vru_touch_speed_mps and pedestrian_beside(scene.actors, ego, c.hazards.vru_touch_margin_m):
            return self._standstill(n_traj, "pedestrian beside the ego")
        localiser = self._localiser
        localiser.update((ego.x_m, ego.y_m))
        ahead = min(c.path_ahead_min_m + c.path_ahead_per_mps * v, c.path_ahead_max_m)
        change = self._changes.pending(localiser.progress_m, ahead, c.merge.settle_m)
        behind = max(c.path_behind_m, c.merge.look_behind_m) if change is not None else c.path_behind_m
        frame = PathFrame.from_localiser(localiser, behind, ahead, self._changes.lane_shift_m)
        tracks = self.predictor.predict(scene, frame)
        dt_pred = c.prediction.dt_s

        junction_stops = self.junction.stop_points(scene, frame, c.obey_traffic_lights, c.obey_stop_signs)
        plan: Optional[LateralPlan] = self.overtake.update(tracks, frame, ego, localiser.lateral_m, scene.time_s, dt_pred,
                                                           self.junction.signal_distances)
        yield_plan, yield_cap = self.yielding.update(tracks, frame, ego, localiser.lateral_m, scene.time_s, dt_pred)
        cap_factor = yield_cap
        if plan is None:
            plan = yield_plan
        base = plan.at(frame.route_s0 + frame.s) if plan is not None else np.zeros_like(frame.s)
        blend = min(c.blend_min_m + c.blend_per_mps * v, c.blend_max_m)
        if plan is not None and plan.full_m > frame.route_s0:
            # merge into the plan no later than where it must be fully shifted (beside the obstacle): a
            # blend that grows with speed would otherwise push the shift past the obstacle's corner
            blend = min(blend, max(plan.full_m - frame.route_s0, c.blend_floor_m))
        offsets = blend_from_ego(base, frame.s, localiser.lateral_m, blend)

        if v >= c.hazards.waiting_speed_mps or self._stopped_since is None:
            self._stopped_since = scene.time_s
        impatient = scene.time_s - self._stopped_since >= c.hazards.patience_s
        cruise = c.speed.speed_limit_mps

        def hazards_on(path_offsets: np.ndarray, changing_lanes: bool = False) -> Hazards:
            return assess(tracks, frame, path_offsets, ego, self.predictor.times, c.speed.speed_limit_mps, c.hazards,
                          impatient, changing_lanes)

        if change is not None and plan is None:
            merge = self.merger.decide(change, frame, localiser.lateral_m, v, 0.5 * ego.length_m, cruise,
                                       c.hazards.merge_speed_max_mps, hazards_on,
                                       lambda target: blend_from_ego(target, frame.s, localiser.lateral_m, blend))
            offsets, hazards, cruise, lane_reason = merge.offsets, merge.hazards, merge.cruise_mps, merge.reason
        else:
            hazards, lane_reason = hazards_on(offsets), ""
        leaders, stops = hazards.leaders, hazards.stops + junction_stops   # merges: the merger's alone
        path_xy = frame.to_world(frame.s, offsets)
        cap = cruise * cap_factor
        vlim = limit_profile(frame.s, path_xy, frame.in_junction, cap, c.speed)
        speed_plan = plan_speed(v, frame.s, vlim, leaders, stops, c.trajectory_horizon_s, c.speed)

        times = c.trajectory_dt_s * np.arange(1, n_traj + 1)
        s_traj, v_traj = sample_plan(speed_plan, times)
        traj_world = frame.to_world(s_traj, np.interp(s_traj, frame.s, offsets))
        trajectory = Trajectory(world_to_ego(traj_world, (ego.x_m, ego.y_m), ego.yaw_deg), c.trajectory_dt_s, v_traj)

        aim_s = min(c.aim_min_m + c.aim_per_mps * v, c.aim_max_m)
        aim_world = frame.to_world(np.array([aim_s]), np.interp([aim_s], frame.s, offsets))
        aim = world_to_ego(aim_world, (ego.x_m, ego.y_m), ego.yaw_deg)[0]
        target = speed_plan.target_speed_mps
        control = self.controller.control(ControlTarget((float(aim[0]), float(aim[1])), target), v)

        reason = speed_plan.reason
        if lane_reason:
            reason = f"{lane_reason}; {reason}"
        if plan is not None:
            reason = f"{plan.reason}; {reason}"
        elif self.overtake.waiting_reason:
            reason = f"{reason}; overtake blocked by {self.overtake.waiting_reason}"
        should_brake = target < c.controller.brake_below_mps or v > c.controller.brake_ratio * max(target, 1e-3)
        return ExpertOutput(trajectory, control, target, reason, bool(should_brake))

    def _standstill(self, n: int, reason: str) -> ExpertOutput:
        traj = Trajectory(np.zeros((n, 2)), self.config.trajectory_dt_s, np.zeros(n))
        return ExpertOutput(traj, Control(brake=1.0), 0.0, reason, True)
