"""The leaderboard agent that drives the privileged rule-based expert (embedded simulator or CARLA).

The expert reads the true world state from the registered privileged scene provider: the embedded
runner registers its world; under CARLA's leaderboard nothing does, so the agent registers the CARLA
bridge itself on its first step (as the data agent does) and clears it in `destroy()`. It plans on the
*dense* route `set_global_plan` receives (the leaderboard's base class keeps only a 50 m copy), with lane
widths from the CARLA map when there is one. `last_output` is the expert's output of the latest step:
what `wpt collect` records.
Config: `setup()` gets "<expert yaml>+<save name>" (Bench2Drive); '' or 'None' means the defaults.
Leaderboard entry file: `data_collection/expert_agent.py`; `wpt eval` also loads this module by name.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from wpt_core import privileged
from wpt_core.carla_bridge.scene_provider import CarlaSceneProvider
from wpt_core.config import load_config
from wpt_core.expert.expert import Expert, ExpertConfig, ExpertOutput
from wpt_core.leaderboard.global_plan import dense_route_from_plan
from wpt_core.leaderboard.metric_info import METRIC_INFO_HZ, MetricInfoLogger
from wpt_core.leaderboard.tick import TICK_HZ
from wpt_core.paths import save_path
from wpt_core.protocol import VehicleControl, leaderboard_agent_base  # carla.VehicleControl whenever `carla` imports
from wpt_core.types import DenseRoute

AutonomousAgent, Track = leaderboard_agent_base()
METRIC_EVERY_STEPS = TICK_HZ // METRIC_INFO_HZ


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
        self._provider: Any = None
        self._owns_provider = False
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

    # --- hook a test may override ----------------------------------------------------------------------
    def _make_provider(self) -> Any:
        return CarlaSceneProvider.from_leaderboard()

    # --------------------------------------------------------------------------------------------------
    def scene_provider(self) -> Any:
        """The simulator's provider; under the leaderboard (none registered) the CARLA bridge, registered here."""
        if self._provider is None:
            self._provider = privileged.registered_provider()
            if self._provider is None:
                self._provider = self._make_provider()
                privileged.set_provider(self._provider)
                self._owns_provider = True
        return self._provider

    def dense_route(self) -> DenseRoute:
        """The dense route, built once; lane widths from the provider's CARLA map when it has one."""
        if self._route is None:
            self._route = dense_route_from_plan(self.dense_world_plan, getattr(self.scene_provider(), "map", None))
        return self._route

    def run_step(self, input_data: Dict[str, Tuple[int, Any]], timestamp: float) -> Any:
        scene = self.scene_provider().scene()
        if self.step % METRIC_EVERY_STEPS == 0:
            self.metrics.record(self.step // METRIC_EVERY_STEPS, scene.ego)
        self.step += 1
        self.last_output = self.expert.run_step(scene, self.dense_route())
        c = self.last_output.control.clamped()
        return VehicleControl(throttle=c.throttle, steer=c.steer, brake=c.brake)

    def destroy(self) -> None:
        self.metrics.save()
        self.expert.reset()
        if self._owns_provider:
            privileged.set_provider(None)
        self._provider, self._owns_provider = None, False
