"""Leaderboard entry file of the WPT driving policy: `--agent agents/wpt_agent.py --agent-config CFG.yaml`.

Runs unchanged under Bench2Drive's `leaderboard_evaluator.py` (CARLA) and `wpt eval` (embedded simulator).
`setup()` gets Bench2Drive's "<config>+<save_name>…": the config (`s.split('+')[0]`) is a YAML of
`leaderboard_configs/agents/` naming a policy checkpoint (student, teacher or baseline) and the controller
settings (`wpt_core.deploy.agent_config.AgentConfig`). The sensors come from the checkpoint's sensor config.
All logic lives in `wpt_core.deploy`; `run_step` never raises: a bad frame brakes and is logged once.
Kinematics for Bench2Drive's comfort metric go to `$SAVE_PATH/<save_name>/metric_info.json` (10 Hz) through
the base class's `get_metric_info()`. Python 3.10-compatible (CARLA 0.9.15's newest client).
"""
from typing import Any, Dict, List, Sequence, Tuple

from wpt_core.deploy.agent_config import check_agent_config
from wpt_core.deploy.driver import open_driver
from wpt_core.leaderboard.metric_info import METRIC_INFO_HZ, MetricInfoLogger
from wpt_core.leaderboard.tick import TICK_HZ
from wpt_core.paths import save_path
from wpt_core.protocol import VehicleControl, leaderboard_agent_base

AutonomousAgent, Track = leaderboard_agent_base()
METRIC_EVERY_STEPS = TICK_HZ // METRIC_INFO_HZ


def get_entry_point() -> str:
    return "WptAgent"


class WptAgent(AutonomousAgent):
    """The policy of the agent config's checkpoint, driven by `wpt_core.deploy.driver.Driver`."""

    validate_config = staticmethod(check_agent_config)   # `wpt eval` checks the config before any route

    def setup(self, path_to_conf_file: str) -> None:
        self.track = Track.SENSORS
        parts = (path_to_conf_file or "").split("+")
        self.save_name = parts[-1] if len(parts) > 1 else ""
        self.driver = open_driver(parts[0].strip())
        root = save_path()
        self.metrics = MetricInfoLogger(root / self.save_name if root is not None and self.save_name else None)
        self.step = 0
        if hasattr(self, "_dense_plans"):
            self.driver.set_route(*self._dense_plans)

    def sensors(self) -> List[Dict[str, Any]]:
        return [dict(s) for s in self.driver.specs]

    def set_global_plan(self, global_plan_gps: Sequence[Tuple[Dict[str, float], Any]],
                        global_plan_world_coord: Sequence[Tuple[Any, Any]]) -> None:
        super().set_global_plan(global_plan_gps, global_plan_world_coord)
        self._dense_plans = (list(global_plan_world_coord), list(global_plan_gps))   # the base class keeps 50 m
        if hasattr(self, "driver"):
            self.driver.set_route(*self._dense_plans)

    def run_step(self, input_data: Dict[str, Tuple[int, Any]], timestamp: float) -> Any:
        if self.step % METRIC_EVERY_STEPS == 0:
            self._record_metrics()
        self.step += 1
        c = self.driver.step(input_data, timestamp)
        return VehicleControl(throttle=c.throttle, steer=c.steer, brake=c.brake)

    def _record_metrics(self) -> None:
        """One metric_info frame; without a hero (no simulation) there is nothing to record."""
        if getattr(self, "hero_actor", None) is None:
            return
        try:
            self.metrics.record_frame(self.step // METRIC_EVERY_STEPS, self.get_metric_info())
        except Exception:  # noqa: BLE001 - the comfort log must never end a route
            return

    def destroy(self) -> None:
        if hasattr(self, "metrics"):
            self.metrics.save()
