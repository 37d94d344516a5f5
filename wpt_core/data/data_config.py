"""What a learning sample holds: the sensor suite, the BEV grid, label horizons and history (one frozen config).

The hash of this config is the identity of a feature cache: a cache built for another config is refused.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Tuple

from wpt_core.config import to_dict
from wpt_core.data.labels import BevConfig


@dataclass(frozen=True)
class LidarGridConfig:
    """LiDAR BEV histogram (TransFuser-style): two height bins, counts clipped at `max_count`."""

    size_m: float = 64.0
    resolution_m: float = 1.0
    split_height_m: float = 0.2  # ego frame z (ground ≈ 0): below = ground channel, above = obstacle channel
    max_height_m: float = 3.0
    max_count: int = 8

    @property
    def cells(self) -> int:
        return int(round(self.size_m / self.resolution_m))


@dataclass(frozen=True)
class SensorConfig:
    """The sensor inputs of every learned model (any subset of the six Bench2Drive cameras, LiDAR or not)."""

    cameras: Tuple[str, ...] = ("CAM_FRONT", "CAM_FRONT_LEFT", "CAM_FRONT_RIGHT")
    image_width: int = 256
    image_height: int = 144
    lidar: bool = True
    lidar_grid: LidarGridConfig = field(default_factory=LidarGridConfig)


@dataclass(frozen=True)
class DataConfig:
    """Inputs and labels of one sample. Trajectory and occupancy share timestamps: t = 1/rate … horizon."""

    sensors: SensorConfig = field(default_factory=SensorConfig)
    bev: BevConfig = field(default_factory=lambda: BevConfig(64.0, 1.0))
    trajectory_hz: float = 2.0
    horizon_s: float = 3.0
    history: int = 1  # h past frames for the world model
    history_stride_frames: int = 5
    sample_every: int = 1  # frames between consecutive samples (10 Hz frames are nearly duplicates)
    depth_stride: int = 16  # depth labels at the image backbone's output resolution
    val_fraction: float = 0.2
    val_towns: Tuple[str, ...] = ()
    split_seed: int = 0

    @property
    def future_steps(self) -> int:
        return int(round(self.horizon_s * self.trajectory_hz))

    def cache_hash(self) -> str:
        """Hash of everything that changes what a cached frame holds (not the split or the sampling: per run)."""
        data = to_dict(self)
        for key in ("val_fraction", "val_towns", "split_seed", "sample_every"):
            data.pop(key)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
