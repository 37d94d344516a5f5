"""The learning dataset: samples over clips (raw) or over a feature cache, identical either way.

A sample (all numpy; torch's DataLoader collates them, so this module needs no torch):
  images (T, V, 3, h, w) uint8 and lidar (T, 2, L, L) uint8 — the current frame last, T = history + 1;
  bev_history (T, C, H, W) bool — the ground-truth BEV rasters of those frames (the `bev_gt` input mode);
  history_pose (T, 3) float32 — each frame's ego pose (x, y, yaw_rad) in the CURRENT ego frame;
  speed (1,), target_point (2,) float32, command, light int64;
  trajectory (K, 2) float32 + trajectory_valid (K,); occupancy (K, 2, H, W) bool + occupancy_valid (K,) in the
  current ego frame at the trajectory's timestamps; bev (C, H, W) bool; depth (V, h/s, w/s) float32 + has_depth.
A sample exists for every `sample_every`-th frame with a full history (frame ≥ history · history_stride_frames).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Protocol, Sequence, Tuple

import numpy as np

from wpt_core.data import clip_layout as L
from wpt_core.data.data_config import DataConfig
from wpt_core.data.frames import ClipFrames, FrameArrays
from wpt_core.data.labels import relative_pose


class FrameSource(Protocol):
    """One clip's frames: raw (`ClipFrames`) or cached (`cache.ShardFrames`)."""

    name: str

    def __len__(self) -> int: ...

    def frame(self, index: int) -> FrameArrays: ...


def history_indices(index: int, config: DataConfig) -> List[int]:
    """Frames of the sample at `index`, oldest first, the current frame last."""
    return [index - (config.history - k) * config.history_stride_frames for k in range(config.history + 1)]


def sample_frames(num_frames: int, config: DataConfig) -> range:
    """The frames of a clip that are samples: every `sample_every`-th one with a full history."""
    return range(config.history * config.history_stride_frames, num_frames, config.sample_every)


def needed_frames(num_frames: int, config: DataConfig) -> List[int]:
    """Every frame some sample reads (itself or as history), ascending: all a cache has to hold."""
    return sorted({k for j in sample_frames(num_frames, config) for k in history_indices(j, config)})


def assemble_sample(frames: Sequence[FrameArrays]) -> Dict[str, np.ndarray]:
    """Stack the history frames (oldest first, current last) into one sample dict."""
    cur = frames[-1]
    ref = tuple(float(v) for v in cur.pose)
    return {
        "images": np.stack([f.images for f in frames]), "lidar": np.stack([f.lidar for f in frames]),
        "bev_history": np.stack([f.bev for f in frames]),
        "history_pose": np.stack([relative_pose(tuple(float(v) for v in f.pose), ref) for f in frames]),
        "speed": cur.speed, "target_point": cur.target_point, "command": np.int64(cur.command),
        "light": np.int64(cur.light), "trajectory": cur.trajectory, "trajectory_valid": cur.trajectory_valid,
        "occupancy": cur.occupancy, "occupancy_valid": cur.occupancy_valid, "bev": cur.bev,
        "depth": cur.depth.astype(np.float32), "has_depth": np.bool_(cur.has_depth),
    }


class LearningDataset:
    """Map-style dataset (len / getitem) over frame sources; `index[i]` = (source, frame)."""

    def __init__(self, sources: Sequence[FrameSource], config: DataConfig) -> None:
        self.sources = list(sources)
        self.config = config
        self.index: List[Tuple[int, int]] = [(s, j) for s, src in enumerate(self.sources)
                                             for j in sample_frames(len(src), config)]

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, i: int) -> Dict[str, Any]:
        s, j = self.index[i]
        source = self.sources[s]
        sample = assemble_sample([source.frame(k) for k in history_indices(j, self.config)])
        sample["frame_index"] = np.int64(j)
        sample["clip"] = source.name
        return sample


def find_clips(root: Path) -> List[Path]:
    """Complete clips under `root` (itself a clip, or a folder of clips), sorted by name."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such data folder")
    candidates = [root] if L.is_clip_dir(root) else sorted(p for p in root.iterdir() if L.is_clip_dir(p))
    clips = [p for p in candidates if not (p / L.META_FILE).exists() or (p / L.COMPLETE_FILE).exists()]
    if not clips:
        raise FileNotFoundError(f"{root}: no complete Bench2Drive clips found")
    return clips


def raw_dataset(root: Path, config: DataConfig, names: Sequence[str]) -> LearningDataset:
    """Dataset over the raw clips `names` under `root`."""
    by_name = {p.name: p for p in find_clips(root)}
    unknown = sorted(set(names) - set(by_name))
    if unknown:
        raise FileNotFoundError(f"{root}: clip(s) {unknown} not found")
    return LearningDataset([ClipFrames(by_name[n], config) for n in names], config)
