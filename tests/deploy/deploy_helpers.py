"""A stand-in policy checkpoint and a tiny leaderboard world for the agent tests.

`StandInPolicy` is a real torch module with the DrivingPolicy interface: it checks that the batch has the
layout of a collated learning sample (INPUT_KEYS, batch 1, the data config's shapes and dtypes) and plans a
straight line towards the target point at `PLAN_SPEED_MPS`, so a test can tell "drove" from "braked".
`StraightWorld` moves a point-mass ego along +x and renders leaderboard-format readings of it.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np
import torch
import yaml
from torch import nn

from wpt_core.config import from_dict, to_dict
from wpt_core.data import rig
from wpt_core.data.data_config import DataConfig, LidarGridConfig, SensorConfig
from wpt_core.data.labels import BEV_CHANNELS, BevConfig
from wpt_core.geometry import world_to_gnss, yaw_deg_to_compass
from wpt_core.models.checkpoint import FORMAT_VERSION
from wpt_core.models.policy import INPUT_KEYS, PlanOutput
from wpt_core.protocol import make_transform
from wpt_core.types import RoadOption

PLAN_SPEED_MPS = 5.0
TINY_DATA = DataConfig(sensors=SensorConfig(image_width=64, image_height=32,
                                            lidar_grid=LidarGridConfig(size_m=32.0)),
                       bev=BevConfig(32.0, 1.0), horizon_s=2.0)
CAMERA_SIZE = (160, 90)


class StandInPolicy(nn.Module):
    def __init__(self, data: DataConfig) -> None:
        super().__init__()
        self.data = data
        self.gain = nn.Parameter(torch.ones(()))
        self.batches: List[Dict[str, torch.Tensor]] = []

    def plan(self, batch: Dict[str, torch.Tensor]) -> PlanOutput:
        d, s = self.data, self.data.sensors
        t, v, n, c = d.history + 1, len(s.cameras), s.lidar_grid.cells, d.bev.cells
        expected = {"images": ((1, t, v, 3, s.image_height, s.image_width), torch.uint8),
                    "lidar": ((1, t, 2, n, n), torch.uint8),
                    "bev_history": ((1, t, len(BEV_CHANNELS), c, c), torch.bool),
                    "history_pose": ((1, t, 3), torch.float32), "speed": ((1, 1), torch.float32),
                    "target_point": ((1, 2), torch.float32), "command": ((1,), torch.int64)}
        assert tuple(batch) == INPUT_KEYS, tuple(batch)
        for key, (shape, dtype) in expected.items():
            assert tuple(batch[key].shape) == shape and batch[key].dtype == dtype, (key, batch[key].shape)
        self.batches.append(batch)
        target = batch["target_point"][0].double()
        direction = target / target.norm().clamp_min(1e-6)
        times = torch.arange(1, d.future_steps + 1, dtype=torch.float64) / d.trajectory_hz
        xy = (times[:, None] * PLAN_SPEED_MPS * direction[None]) * self.gain.double()
        return PlanOutput(trajectory=xy[None].float())


def build_standin(config: Dict[str, Any], where: str) -> nn.Module:
    return StandInPolicy(from_dict(DataConfig, config["data"], where))


def write_checkpoint(path: Path, data: DataConfig = TINY_DATA, kind: str = "student") -> Path:
    """A checkpoint file in the trainer's format (kind, config, weights) holding a StandInPolicy."""
    model = StandInPolicy(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"format_version": FORMAT_VERSION, "kind": kind, "config": {"data": to_dict(data)},
                "normalisation": {}, "state_dict": model.state_dict(), "step": 0, "extra": {}}, path)
    return path


def write_agent_config(folder: Path, checkpoint_name: str = "policy.pt", **extra: Any) -> Path:
    body = {"checkpoint": checkpoint_name, "camera": {"width": CAMERA_SIZE[0], "height": CAMERA_SIZE[1]}}
    body.update(extra)
    path = folder / "agent.yaml"
    path.write_text(yaml.safe_dump(body))
    return path


def straight_plan(length_m: int = 300) -> Tuple[list, list]:
    """(gps_route, world_route) 1 m apart along +x from the origin, LANEFOLLOW."""
    world = [(make_transform(float(i), 0.0, 0.0, 0.0), RoadOption.LANEFOLLOW) for i in range(length_m)]
    gps = [(dict(zip(("lat", "lon", "z"), world_to_gnss(float(i), 0.0, 0.0))), RoadOption.LANEFOLLOW)
           for i in range(length_m)]
    return gps, world


class StraightWorld:
    """Ego at (x, 0) heading +x; `readings(specs)` is the leaderboard's input_data for the declared sensors."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self.x, self.speed, self.frame = 0.0, 0.0, 0

    def apply(self, control: Any, dt: float = 0.05) -> None:
        self.speed = max(0.0, self.speed + (4.0 * control.throttle - 8.0 * control.brake) * dt)
        self.x += self.speed * dt
        self.frame += 1

    def readings(self, specs: List[Dict[str, Any]]) -> Dict[str, Tuple[int, Any]]:
        out: Dict[str, Tuple[int, Any]] = {}
        for spec in specs:
            kind, sid = spec["type"], spec["id"]
            if kind == "sensor.camera.rgb":
                data: Any = self.rng.integers(0, 256, (spec["height"], spec["width"], 4), dtype=np.uint8)
            elif kind == "sensor.lidar.ray_cast":
                n = 2000
                data = np.column_stack([self.rng.uniform(-30, 30, (n, 2)), np.full(n, -rig.LIDAR_MOUNT.z),
                                        np.ones(n)]).astype(np.float32)
            elif kind == "sensor.other.gnss":
                data = np.array(world_to_gnss(self.x + spec["x"], spec["y"], 0.0), np.float64)
            elif kind == "sensor.other.imu":
                data = np.array([0, 0, 9.81, 0, 0, 0, yaw_deg_to_compass(0.0)], np.float64)
            else:
                data = {"speed": self.speed}
            out[sid] = (self.frame, data)
        return out


def finite_clamped(control: Any) -> bool:
    values = (control.throttle, control.steer, control.brake)
    return all(isinstance(v, float) and math.isfinite(v) for v in values) and 0.0 <= control.throttle <= 1.0 \
        and -1.0 <= control.steer <= 1.0 and 0.0 <= control.brake <= 1.0
