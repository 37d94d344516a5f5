"""One learned policy driving the leaderboard's ticks: checks → localise → route → features → plan → control.

`Driver.step` never raises. A frame that fails the checks (`frame_check`) or any error on the way (a policy
that returns NaN, a bug) gives a braking control; each kind of fault is logged once, with its first tick, so a
route with a flaky sensor does not flood the log. Features go through `features_from_input_data`, the
dataset's own preprocessing; the cameras are first JPEG-compressed at the clips' quality, as the recorder did.
The cameras are looked at (checked and read) only on planning ticks, so a lazily read `input_data` (the embedded
simulator's) renders them only then.
"""
from __future__ import annotations

import io
import logging
import math
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

import numpy as np
import torch
from PIL import Image

from wpt_core.control.vehicle_controller import VehicleController
from wpt_core.data import rig
from wpt_core.data.clip_writer import encode_jpeg
from wpt_core.data.data_config import DataConfig
from wpt_core.data.features import SensorFeatures, features_from_input_data
from wpt_core.deploy.agent_config import AgentConfig
from wpt_core.deploy.frame_check import CAMERA, GNSS, IMU, LIDAR, SPEEDOMETER, frame_faults, specs_by_type
from wpt_core.deploy.history import HistoryBuffer
from wpt_core.deploy.lidar_sweep import SweepJoiner, points_ahead
from wpt_core.deploy.localisation import Localiser, reference_from_plan
from wpt_core.deploy.route_tracker import RouteTracker
from wpt_core.geometry import DEFAULT_LAT_REF, DEFAULT_LON_REF, ego_to_world, world_to_ego
from wpt_core.leaderboard.tick import TICK_S
from wpt_core.models.policy import sample_batch
from wpt_core.types import Control, Trajectory

LOG = logging.getLogger(__name__)
Pose = Tuple[float, float, float]


def jpeg_round_trip(bgra: np.ndarray, quality: int) -> np.ndarray:
    """BGRA → JPEG at `quality` (the clip writer's encoder) → BGRA, what a clip's image decodes to."""
    with Image.open(io.BytesIO(encode_jpeg(bgra, quality))) as img:
        rgb = np.asarray(img.convert("RGB"))
    out = np.empty(bgra.shape, dtype=np.uint8)
    out[:, :, 2::-1] = rgb
    out[:, :, 3] = 255
    return out


class Driver:
    """Per route: `set_route(world_plan)` then `step(input_data, timestamp)` every tick."""

    def __init__(self, policy: Any, config: AgentConfig, specs: Sequence[Mapping[str, Any]]) -> None:
        self.policy = policy
        self.data: DataConfig = policy.data
        self.config = config
        self.specs = [dict(s) for s in specs]
        self.state_specs = [s for s in self.specs if s["type"] != CAMERA]   # what every tick needs
        self.ids = specs_by_type(self.specs)
        self.device = torch.device(config.device)
        self.controller = VehicleController(config.controller)
        self.history = HistoryBuffer(self.data, config.plan_every_ticks)
        self.sweeps = SweepJoiner()
        gnss = next(s for s in self.specs if s["type"] == GNSS)
        self.gnss_mount = (float(gnss.get("x", 0.0)), float(gnss.get("y", 0.0)))
        self.localiser: Optional[Localiser] = None
        self.route: Optional[RouteTracker] = None
        self.faults_seen: Set[str] = set()
        self.fault_ticks = 0
        self.ticks = 0
        self.last_plan_world: Optional[np.ndarray] = None   # (K, 2) world xy of the latest plan
        self.last_control = Control()
        self._last_time: Optional[float] = None

    def set_route(self, world_plan: Sequence[Tuple[Any, Any]],
                  gps_plan: Optional[Sequence[Tuple[Mapping[str, float], Any]]] = None) -> None:
        """The dense plans of `set_global_plan`; the GNSS one gives the map's geo reference (default 42 / 2)."""
        self.route = RouteTracker(world_plan)
        ref = (DEFAULT_LAT_REF, DEFAULT_LON_REF)
        if gps_plan:
            loc = world_plan[0][0].location
            ref = reference_from_plan((gps_plan[0][0]["lat"], gps_plan[0][0]["lon"]), (loc.x, loc.y))
        self.localiser = Localiser(self.config.localisation, self.gnss_mount, self.route.initial_yaw_deg, *ref)

    # --- the tick ---------------------------------------------------------------------------------------
    def step(self, input_data: Any, timestamp: float) -> Control:
        self.ticks += 1
        try:
            faults = frame_faults(input_data, self.specs if self._plans_now() else self.state_specs)
            if self.route is None:
                faults.append("route: no global plan was set")
            if not faults:
                control = self._drive(input_data, timestamp)
                if control is not None:
                    self.last_control = control
                    return control
                faults = ["policy: non-finite plan"]
        except Exception as exc:  # noqa: BLE001 - never let a tick crash the route
            faults = [f"error: {type(exc).__name__}: {exc}"]
        return self._brake(faults)

    def _plans_now(self) -> bool:
        """This tick plans: every `plan_every_ticks`-th tick from the first, and every tick until a plan exists."""
        return self.last_plan_world is None or (self.ticks - 1) % self.config.plan_every_ticks == 0

    def _brake(self, faults: List[str]) -> Control:
        self.fault_ticks += 1
        for fault in faults:
            kind = fault.split(" (")[0]
            if kind not in self.faults_seen:
                self.faults_seen.add(kind)
                LOG.warning("tick %d: %s: braking (this kind of fault is logged once)", self.ticks, fault)
        self.last_control = Control(brake=self.config.fault_brake)
        return self.last_control

    def _dt(self, timestamp: Any) -> float:
        t = float(timestamp) if isinstance(timestamp, (int, float)) and math.isfinite(float(timestamp)) else None
        dt = TICK_S if t is None or self._last_time is None else min(max(t - self._last_time, 0.0), 1.0)
        self._last_time = t if t is not None else self._last_time
        return dt

    def features(self, input_data: Mapping[str, Any], lidar_sensor: np.ndarray, speed: float,
                 target_ego: np.ndarray, command: int) -> SensorFeatures:
        """The dataset's preprocessing (`features_from_input_data`) of this tick: cameras JPEG-compressed at
        the clips' quality, the joined LiDAR turn, the checked speed."""
        clean: Dict[str, Tuple[int, Any]] = {"SPEED": (0, {"speed": speed}), rig.LIDAR_NAME: (0, lidar_sensor)}
        quality = self.config.camera.jpeg_quality
        for spec in self.specs:
            if spec["type"] == CAMERA:
                image = input_data[spec["id"]][1]
                clean[spec["id"]] = (0, jpeg_round_trip(image, quality) if quality else image)
        return features_from_input_data(clean, target_ego, command, self.data.sensors)

    def _drive(self, input_data: Mapping[str, Any], timestamp: float) -> Optional[Control]:
        assert self.localiser is not None and self.route is not None
        speed = float(input_data[self.ids[SPEEDOMETER]][1]["speed"])
        lat, lon, _ = (float(v) for v in input_data[self.ids[GNSS]][1])
        compass = float(input_data[self.ids[IMU]][1][-1])
        pose = self.localiser.update(lat, lon, compass, speed, self._dt(timestamp))
        target, command = self.route.step(pose)
        lidar = self.sweeps.join(input_data[self.ids[LIDAR]][1], pose)
        if self._plans_now():
            features = self.features(input_data, lidar, speed, target, command)
            self.history.push(features, pose)
            with torch.no_grad():
                plan = self.policy.plan(sample_batch(self.history.sample(features), self.device)).trajectory
            xy = plan[0].detach().to("cpu", torch.float64).numpy()
            if xy.ndim != 2 or xy.shape[-1] != 2 or not np.isfinite(xy).all():
                return None
            self.last_plan_world = ego_to_world(xy, pose[:2], pose[2])
        xy_ego = world_to_ego(self.last_plan_world, pose[:2], pose[2])
        grid = self.data.sensors.lidar_grid
        ahead = self.config.clear_ahead
        blocked = points_ahead(lidar, (ahead.x_min_m, ahead.x_max_m), ahead.half_width_m,
                               (grid.split_height_m, grid.max_height_m)) > ahead.max_points
        trajectory = Trajectory(xy_ego_m=xy_ego, dt_s=1.0 / self.data.trajectory_hz)
        return self.controller.control(trajectory, speed, clear_ahead=not blocked).clamped()


def open_driver(config_path: str) -> Driver:
    """Agent config → its policy checkpoint loaded on the config's device → a Driver with its sensor suite."""
    from wpt_core.deploy.agent_config import load_agent_config
    from wpt_core.deploy.sensor_suite import sensor_specs
    from wpt_core.models.policy import load_policy

    config = load_agent_config(config_path)
    torch.set_num_threads(config.torch_threads)
    policy, _ = load_policy(config.checkpoint)
    policy = policy.to(torch.device(config.device)).eval()
    return Driver(policy, config, sensor_specs(policy.data.sensors, config.camera))
