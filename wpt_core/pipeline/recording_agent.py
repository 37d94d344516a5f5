"""A leaderboard agent that drives with another agent and records what the rollout video shows.

`wpt eval --agent wpt_core.pipeline.recording_agent --agent-config REC.yaml` where REC.yaml names the wrapped
`agent` (file or module), its `agent_config`, the `frames` folder and the `stride`. Every `stride`-th step one
`NNNNNN.npz` is written: `front` (the front camera, RGB uint8), `lidar` (the LiDAR points of that tick and the
one before, x/y in the ego frame, x forward / y right, metres: the leaderboard's LiDAR turns half a sweep per
tick, so two ticks are the full turn the policy's features join), `route` (the next 50 m of the route in the ego frame) and `trajectory`
(the plan in the ego frame) when the wrapped agent shows it: its `visual_state()` → {"trajectory", "bev"} if it
has one, else the world-frame `last_plan_world` of its `driver` (wpt_core.deploy). Controls pass unchanged.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from wpt_core.config import ConfigError, read_yaml
from wpt_core.geometry import compass_to_yaw_deg, gnss_to_world, world_to_ego
from wpt_core.protocol import AutonomousAgent
from wpt_core.sim.runner.agent_loader import instantiate_agent, load_agent_class

ROUTE_AHEAD_M = 50.0
FRONT_CAMERA = "CAM_FRONT"


def get_entry_point() -> str:
    return "RecordingAgent"


def route_ahead(route_xy: np.ndarray, ego_xy: Tuple[float, float], yaw_deg: float,
                ahead_m: float = ROUTE_AHEAD_M) -> np.ndarray:
    """The route from its point nearest the ego for `ahead_m` metres, in the ego frame."""
    if len(route_xy) == 0:
        return np.zeros((0, 2))
    nearest = int(np.argmin(np.linalg.norm(route_xy - np.asarray(ego_xy), axis=1)))
    ahead = route_xy[nearest:]
    travelled = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(ahead, axis=0), axis=1))])
    return world_to_ego(ahead[travelled <= ahead_m], ego_xy, yaw_deg)


class RecordingAgent(AutonomousAgent):
    def setup(self, path_to_conf_file: str) -> None:
        parts = path_to_conf_file.split("+")
        config = read_yaml(parts[0]) or {}
        missing = sorted({"agent", "agent_config", "frames"} - set(config))
        if missing:
            raise ConfigError(f"{parts[0]}: recording agent config lacks {missing}")
        self.frames = Path(config["frames"])
        self.frames.mkdir(parents=True, exist_ok=True)
        self.stride = int(config.get("stride", 1))
        self.step = 0
        self.previous_lidar = np.zeros((0, 2), np.float16)   # the tick before a recorded one
        self.inner = instantiate_agent(load_agent_class(config["agent"]))
        self.inner.set_global_plan(self._dense_gps, self._dense_world)
        self.inner.setup("+".join([str(config["agent_config"]), *parts[1:]]))
        self.route_xy = np.array([gnss_to_world(p["lat"], p["lon"])[:2] for p, _ in self._dense_gps])

    def set_global_plan(self, global_plan_gps: Sequence[Tuple[Dict[str, float], Any]],
                        global_plan_world_coord: Sequence[Tuple[Any, Any]]) -> None:
        """Kept dense for the wrapped agent, which gets the call the leaderboard would make."""
        super().set_global_plan(global_plan_gps, global_plan_world_coord)
        self._dense_gps, self._dense_world = list(global_plan_gps), list(global_plan_world_coord)

    def sensors(self) -> List[Dict[str, Any]]:
        specs = self.inner.sensors()
        by_type = {s["type"]: s["id"] for s in specs}
        cameras = [s["id"] for s in specs if s["type"] == "sensor.camera.rgb"]
        self.camera = FRONT_CAMERA if FRONT_CAMERA in cameras else (cameras[0] if cameras else None)
        self.gnss, self.imu = by_type.get("sensor.other.gnss"), by_type.get("sensor.other.imu")
        self.lidar = by_type.get("sensor.lidar.ray_cast")
        return specs

    def run_step(self, input_data: Dict[str, Tuple[int, Any]], timestamp: float) -> Any:
        control = self.inner.run_step(input_data, timestamp)
        if self.step % self.stride == 0:
            self._record(input_data)
        elif (self.step + 1) % self.stride == 0:   # read only before a recorded tick: the frame is lazy
            self.previous_lidar = self._lidar_xy(input_data)
        self.step += 1
        return control

    def _record(self, input_data: Dict[str, Tuple[int, Any]]) -> None:
        arrays: Dict[str, np.ndarray] = {}
        if self.camera in input_data:
            arrays["front"] = np.ascontiguousarray(np.asarray(input_data[self.camera][1])[..., 2::-1], np.uint8)
        current = self._lidar_xy(input_data)
        arrays["lidar"] = np.concatenate([self.previous_lidar, current])
        self.previous_lidar = current
        pose = self._pose(input_data)
        if pose is not None:
            arrays["route"] = route_ahead(self.route_xy, *pose)
        visual = getattr(self.inner, "visual_state", None)
        state = dict(visual()) if callable(visual) else {}
        plan_world = getattr(getattr(self.inner, "driver", None), "last_plan_world", None)
        if "trajectory" not in state and plan_world is not None and pose is not None:
            state["trajectory"] = world_to_ego(np.asarray(plan_world), *pose)
        for key in ("trajectory", "bev"):
            if state.get(key) is not None:
                arrays[key] = np.asarray(state[key])
        np.savez_compressed(self.frames / f"{self.step:06d}.npz", **arrays)

    def _lidar_xy(self, input_data: Dict[str, Tuple[int, Any]]) -> np.ndarray:
        """The tick's LiDAR points as (N, 2) float16 x/y; none when there is no usable LiDAR."""
        if self.lidar in input_data:
            points = np.asarray(input_data[self.lidar][1], dtype=np.float32)
            if points.ndim == 2 and points.shape[1] >= 2:
                return points[:, :2].astype(np.float16)
        return np.zeros((0, 2), np.float16)

    def _pose(self, input_data: Dict[str, Tuple[int, Any]]) -> Optional[Tuple[Tuple[float, float], float]]:
        """Ego position and yaw from GNSS and compass, the way a sensor agent localises (None if unusable)."""
        if self.gnss not in input_data or self.imu not in input_data:
            return None
        lat, lon = (float(v) for v in np.asarray(input_data[self.gnss][1])[:2])
        compass = float(np.asarray(input_data[self.imu][1])[-1])
        if not all(math.isfinite(v) for v in (lat, lon, compass)):
            return None
        x, y, _ = gnss_to_world(lat, lon)
        return (x, y), compass_to_yaw_deg(compass)

    def destroy(self) -> None:
        self.inner.destroy()
