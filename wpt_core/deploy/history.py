"""Per-tick features → the policy batch, laid out exactly as a collated learning sample (INPUT_KEYS, batch 1).

A sample's history frames are `history_stride_frames` clip frames apart (clips are 10 Hz); the agent ticks at
20 Hz, so the stride in ticks is twice that. Until the route has run long enough to have a full history, the
oldest frame seen stands in for the missing ones (the dataset has no such samples; the policy then sees a car
that has not moved, which is the truth at the start of a route). `bev_history` (ground-truth rasters, read
only by `bev_gt` models) is all-false: a sensor agent has no ground truth. `models.policy.sample_batch` turns
the sample into the batch of one a DataLoader would collate, as evaluation and the latency benchmark do.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Deque, Dict, Tuple

import numpy as np
from wpt_core.config import ConfigError
from wpt_core.data import clip_layout as L
from wpt_core.data.data_config import DataConfig
from wpt_core.data.features import SensorFeatures
from wpt_core.data.labels import BEV_CHANNELS, relative_pose
from wpt_core.leaderboard.tick import TICK_HZ

TICKS_PER_FRAME = int(round(TICK_HZ / L.FRAME_RATE_HZ))


@dataclass
class _Entry:
    images: np.ndarray
    lidar: np.ndarray
    pose: Tuple[float, float, float]


class HistoryBuffer:
    """Features pushed every `ticks_per_push` ticks (the agent's planning interval: features are made only when
    the policy plans), so a history stride of `stride_ticks` ticks is `stride_ticks / ticks_per_push` pushes."""

    def __init__(self, config: DataConfig, ticks_per_push: int = 1) -> None:
        self.config = config
        stride_ticks = config.history_stride_frames * TICKS_PER_FRAME
        if config.history and stride_ticks % ticks_per_push:
            raise ConfigError(f"plan_every_ticks {ticks_per_push} must divide the policy's history stride of "
                              f"{stride_ticks} ticks ({config.history_stride_frames} clip frames)")
        self.stride_pushes = stride_ticks // ticks_per_push
        self._entries: Deque[_Entry] = deque(maxlen=config.history * self.stride_pushes + 1)

    def __len__(self) -> int:
        return len(self._entries)

    def push(self, features: SensorFeatures, pose: Tuple[float, float, float]) -> None:
        self._entries.append(_Entry(features.images, features.lidar_bev, pose))

    def sample(self, features: SensorFeatures) -> Dict[str, np.ndarray]:
        """The numpy sample of the latest tick (after `push`): INPUT_KEYS, shapes of `dataset.assemble_sample`."""
        n = len(self._entries)
        frames = [self._entries[max(0, n - 1 - (self.config.history - k) * self.stride_pushes)]
                  for k in range(self.config.history + 1)]
        ref = frames[-1].pose
        bev = self.config.bev.cells
        return {"images": np.stack([f.images for f in frames]), "lidar": np.stack([f.lidar for f in frames]),
                "bev_history": np.zeros((len(frames), len(BEV_CHANNELS), bev, bev), dtype=bool),
                "history_pose": np.stack([relative_pose(f.pose, ref) for f in frames]),
                "speed": features.speed_mps, "target_point": features.target_point,
                "command": np.int64(features.command)}

