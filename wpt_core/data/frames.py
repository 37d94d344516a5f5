"""Everything a learning sample takes from one clip frame (`FrameArrays`), computed from the raw clip.

The raw dataset computes these on the fly; the feature cache computes them once and stores them
(`wpt_core.data.cache`). Both go through `ClipFrames.frame`, so a cached frame equals a raw one bit for bit.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np

from wpt_core.data import clip_layout as L
from wpt_core.data.clip_reader import ClipReader, read_image, read_laz
from wpt_core.data.data_config import DataConfig
from wpt_core.data.depth import decode_depth
from wpt_core.data.features import features_from_frame
from wpt_core.data.labels import (anno_pose, bev_semantics, depth_target, future_occupancy, future_trajectory,
                                  light_class)

ANNO_KEYS = ("x", "y", "theta", "speed", "x_target", "y_target", "next_command", "x_command_near",
             "y_command_near", "x_command_far", "y_command_far")
BOX_KEYS = ("class", "id", "type_id", "center", "rotation", "extent", "state", "affects_ego", "speed")


@dataclass
class FrameArrays:
    """One frame's inputs and labels. V cameras, K future steps, BEV grid H×W, LiDAR grid L×L.

    images (V, 3, h, w) uint8; lidar (2, L, L) uint8; bev (C, H, W) bool (labels.BEV_CHANNELS);
    depth (V, h/s, w/s) float16 metres, 0 = unknown; has_depth bool; pose (3,) float64 world x, y, yaw_deg;
    speed (1,) / target_point (2,) float32; command / light int; trajectory (K, 2) float32 ego frame with
    trajectory_valid (K,) bool; occupancy (K, 2, H, W) bool in THIS frame's ego frame with occupancy_valid (K,).
    """

    images: np.ndarray
    lidar: np.ndarray
    bev: np.ndarray
    depth: np.ndarray
    has_depth: bool
    pose: np.ndarray
    speed: np.ndarray
    target_point: np.ndarray
    command: int
    light: int
    trajectory: np.ndarray
    trajectory_valid: np.ndarray
    occupancy: np.ndarray
    occupancy_valid: np.ndarray


def slim_annotation(anno: Dict[str, Any]) -> Dict[str, Any]:
    """The keys the labels read (a clip's annotations are kept in memory in this form)."""
    out = {k: anno[k] for k in ANNO_KEYS if k in anno}
    out["bounding_boxes"] = [{k: b[k] for k in BOX_KEYS if k in b} for b in anno["bounding_boxes"]]
    return out


class ClipFrames:
    """The frames of one clip as `FrameArrays`, decoded from JPEG / LAZ / gzip JSON on every call."""

    def __init__(self, clip_dir: Path, config: DataConfig) -> None:
        self.reader = ClipReader(clip_dir)
        self.config = config
        self.name = self.reader.name
        self.annos: List[Dict[str, Any]] = [slim_annotation(self.reader.anno(i)) for i in self.reader.indices]
        if self.reader.indices != list(range(len(self.annos))):
            raise ValueError(f"{clip_dir}: frame indices are not contiguous from 0")
        missing = [c for c in config.sensors.cameras if c not in self.reader.cameras]
        if missing:
            raise ValueError(f"{clip_dir}: no images for camera(s) {missing} (the clip has {self.reader.cameras})")

    def __len__(self) -> int:
        return len(self.annos)

    def poses(self) -> np.ndarray:
        """(N, 3) world x, y, yaw_deg of every frame."""
        return np.array([anno_pose(a) for a in self.annos], dtype=np.float64).reshape(-1, 3)

    def _depth(self, index: int) -> Tuple[np.ndarray, bool]:
        s = self.config.sensors
        h, w = s.image_height // self.config.depth_stride, s.image_width // self.config.depth_stride
        paths = [L.depth_path(self.reader.clip_dir, c, index) for c in s.cameras]
        if not s.cameras or not all(p.exists() for p in paths):
            return np.zeros((len(s.cameras), h, w), np.float16), False
        maps = []
        for p in paths:
            depth = decode_depth(p)
            if depth.shape != (s.image_height, s.image_width):  # nearest resize keeps depths real (no blending)
                rows = (np.arange(s.image_height) * depth.shape[0] // s.image_height)
                cols = (np.arange(s.image_width) * depth.shape[1] // s.image_width)
                depth = depth[rows][:, cols]
            maps.append(depth_target(depth, h, w))
        return np.stack(maps).astype(np.float16), True

    def frame(self, index: int) -> FrameArrays:
        cfg, clip = self.config, self.reader.clip_dir
        anno = self.annos[index]
        images = {c: read_image(L.image_path(clip, c, index)) for c in cfg.sensors.cameras}
        lidar_file = L.lidar_path(clip, index)
        lidar = read_laz(lidar_file) if cfg.sensors.lidar and lidar_file.exists() else None
        feats = features_from_frame(images, lidar, anno, cfg.sensors)
        step = int(round(L.FRAME_RATE_HZ / cfg.trajectory_hz))
        traj, traj_valid = future_trajectory(self.annos, index, cfg.trajectory_hz, cfg.horizon_s, L.FRAME_RATE_HZ)
        occ, occ_valid = future_occupancy(self.annos, index, cfg.future_steps, step, cfg.bev)
        depth, has_depth = self._depth(index)
        return FrameArrays(images=feats.images, lidar=feats.lidar_bev,
                           bev=bev_semantics(anno, cfg.bev, self.reader.ground_map), depth=depth,
                           has_depth=has_depth, pose=np.array(anno_pose(anno), np.float64),
                           speed=feats.speed_mps, target_point=feats.target_point, command=feats.command,
                           light=light_class(anno), trajectory=traj.astype(np.float32),
                           trajectory_valid=traj_valid, occupancy=occ, occupancy_valid=occ_valid)
