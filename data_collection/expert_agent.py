"""Leaderboard agent that drives the privileged rule-based expert (embedded simulator or CARLA).

The expert reads the true world state from `wpt_core.privileged.get_provider()` (the embedded runner's
world, or the CARLA bridge) and the *dense* route that `set_global_plan` receives; the leaderboard's
base class only keeps a copy downsampled to 50 m, so this agent keeps its own.
Config: `setup()` gets "<expert yaml>+<save name>" (Bench2Drive); '' or 'None' means the defaults.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

try:
    from leaderboard.autoagents.autonomous_agent import AutonomousAgent, Track
except ImportError:
    from wpt_core.protocol import AutonomousAgent, Track

from wpt_core.config import load_config
from wpt_core.evaluation.metric_info import MetricInfoLogger
from wpt_core.expert import Expert, ExpertConfig, ExpertOutput
from wpt_core.paths import save_path
from wpt_core.privileged import get_provider
from wpt_core.protocol import VehicleControl  # carla.VehicleControl whenever `carla` imports
from wpt_core.types import DenseRoute

# Bench2Drive agents log the hero's kinematics for the comfort metric at 10 Hz (every other 20 Hz step).
METRIC_EVERY_STEPS = 2


def get_entry_point() -> str:
    return "ExpertAgent"


class ExpertAgent(AutonomousAgent):
    """speedometer + IMU + GNSS declared (as Bench2Drive's data agents do); the driving uses the privileged scene."""

    def setup(self, path_to_conf_file: str) -> None:
        self.track = Track.SENSORS
        parts = (path_to_conf_file or "").split("+")
        config_path = parts[0].strip()
        self.save_name = parts[-1] if len(parts) > 1 else ""
        use_defaults = config_path in ("", "None", "none")
        self.config = ExpertConfig() if use_defaults else load_config(ExpertConfig, config_path)
        self.expert = Expert(self.config)
        self.last_output: Optional[ExpertOutput] = None
        self._route: Optional[DenseRoute] = None
        root = save_path()
        self.metrics = MetricInfoLogger(root / self.save_name if root is not None and self.save_name else None)
        self.step = 0

    def sensors(self) -> List[Dict[str, Any]]:
        mount = {"x": -1.4, "y": 0.0, "z": 0.0, "roll": 0.0, "pitch": 0.0, "yaw": 0.0}
        return [
            {"type": "sensor.speedometer", "id": "speed", "reading_frequency": 20, **mount},
            {"type": "sensor.other.imu", "id": "imu", "sensor_tick": 0.05, **mount},
            {"type": "sensor.other.gnss", "id": "gnss", "sensor_tick": 0.01, **mount},
        ]

    def set_global_plan(self, global_plan_gps: Sequence[Tuple[Dict[str, float], Any]],
                        global_plan_world_coord: Sequence[Tuple[Any, Any]]) -> None:
        super().set_global_plan(global_plan_gps, global_plan_world_coord)
        self.dense_world_plan = list(global_plan_world_coord)
        self._route = None

    def dense_route(self) -> DenseRoute:
        """The dense route, built once; lane widths from the provider when it offers `lane_width_at(xy)`."""
        if self._route is None:
            plan = self.dense_world_plan
            try:
                provider = get_provider()
            except RuntimeError:     # no simulator yet (tests, tools): default widths
                provider = None
            widths = None
            lookup = getattr(provider, "lane_width_at", None)
            if callable(lookup):
                xy = np.array([[t.location.x, t.location.y] for t, _ in plan], dtype=np.float64).reshape(-1, 2)
                widths = lookup(xy)
            self._route = DenseRoute.from_global_plan(plan, widths)
        return self._route

    def run_step(self, input_data: Dict[str, Tuple[int, Any]], timestamp: float) -> Any:
        scene = get_provider().scene()
        if self.step % METRIC_EVERY_STEPS == 0:
            self.metrics.record(self.step // METRIC_EVERY_STEPS, scene.ego)
        self.step += 1
        self.last_output = self.expert.run_step(scene, self.dense_route())
        c = self.last_output.control.clamped()
        return VehicleControl(throttle=c.throttle, steer=c.steer, brake=c.brake)

    def destroy(self) -> None:
        self.metrics.save()
        self.expert.reset()
