"""Camera-to-BEV lift (Lift-Splat): a learned depth distribution per image feature, splatted onto the BEV grid.

The geometry is precomputed once from the rig (intrinsics at the configured image size, cam2ego): for every
(camera, depth bin, feature row, feature column) the BEV cell its frustum point falls into. Frames are CARLA's:
the camera looks along its x axis (y right, z up), so a feature at image pixel (u, v) and depth d sits at
(d, (u − cx)/fx · d, −(v − cy)/fy · d) in the camera frame. BEV cell of an ego point (x, y): row ⌊H/2 − x/res⌋,
column ⌊y/res + W/2⌋ (labels.py's grid). Depth d is measured along the camera's x axis, like a depth image.
"""
from __future__ import annotations

from typing import Tuple

import numpy as np
import torch
from torch import nn

from wpt_core.data.labels import BevConfig
from wpt_core.models.model_config import LiftConfig


def depth_bin_centres(config: LiftConfig) -> np.ndarray:
    width = (config.depth_max_m - config.depth_min_m) / config.depth_bins
    return config.depth_min_m + (np.arange(config.depth_bins) + 0.5) * width


def frustum_cells(intrinsics: np.ndarray, cam2ego: np.ndarray, feature_hw: Tuple[int, int], stride: int,
                  config: LiftConfig, bev: BevConfig) -> np.ndarray:
    """(V, D, h, w) int64 flat BEV cell (row·W + col) of every frustum point; −1 outside the grid or z range."""
    h, w = feature_hw
    depths = depth_bin_centres(config)
    u = (np.arange(w) + 0.5) * stride
    v = (np.arange(h) + 0.5) * stride
    d, vv, uu = np.meshgrid(depths, v, u, indexing="ij")  # (D, h, w)
    n = bev.cells
    out = np.full((len(intrinsics), len(depths), h, w), -1, dtype=np.int64)
    for i, (k, m) in enumerate(zip(np.asarray(intrinsics, np.float64), np.asarray(cam2ego, np.float64))):
        cam = np.stack([d, (uu - k[0, 2]) / k[0, 0] * d, -(vv - k[1, 2]) / k[1, 1] * d, np.ones_like(d)], axis=-1)
        ego = cam @ m.T
        rows = np.floor(n / 2.0 - ego[..., 0] / bev.resolution_m).astype(np.int64)
        cols = np.floor(ego[..., 1] / bev.resolution_m + n / 2.0).astype(np.int64)
        ok = (rows >= 0) & (rows < n) & (cols >= 0) & (cols < n) & (ego[..., 2] >= config.z_min_m) & \
            (ego[..., 2] <= config.z_max_m)
        out[i][ok] = (rows * n + cols)[ok]
    return out


class LiftSplat(nn.Module):
    """(B, V, C_in, h, w) image features → depth logits (B, V, D, h, w) and camera BEV (B, C, H, W)."""

    def __init__(self, in_channels: int, config: LiftConfig, intrinsics: np.ndarray, cam2ego: np.ndarray,
                 feature_hw: Tuple[int, int], stride: int, bev: BevConfig) -> None:
        super().__init__()
        self.config, self.cells = config, bev.cells
        self.head = nn.Conv2d(in_channels, config.depth_bins + config.channels, 1)
        flat = torch.from_numpy(frustum_cells(intrinsics, cam2ego, feature_hw, stride, config, bev).reshape(-1))
        keep = flat >= 0
        # derived from the config, never stored in checkpoints
        self.register_buffer("point_index", torch.nonzero(keep).squeeze(1), persistent=False)
        self.register_buffer("cell_index", flat[keep], persistent=False)

    def splat(self, depth_probs: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        """depth_probs (B, V, D, h, w), context (B, V, C, h, w) → (B, C, H, W): Σ over frustum points of p·ctx."""
        b, v, d, h, w = depth_probs.shape
        c = context.shape[2]
        frustum = depth_probs.unsqueeze(3) * context.unsqueeze(2)  # (B, V, D, C, h, w)
        points = frustum.permute(0, 1, 2, 4, 5, 3).reshape(b, v * d * h * w, c)[:, self.point_index]
        bev = points.new_zeros(b, self.cells * self.cells, c).index_add_(1, self.cell_index, points)
        return bev.view(b, self.cells, self.cells, c).permute(0, 3, 1, 2).contiguous()

    def forward(self, features: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        b, v = features.shape[:2]
        x = self.head(features.flatten(0, 1))
        depth_logits = x[:, :self.config.depth_bins].unflatten(0, (b, v))
        context = x[:, self.config.depth_bins:].unflatten(0, (b, v))
        return depth_logits, self.splat(depth_logits.softmax(dim=2), context)
