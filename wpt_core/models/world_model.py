"""The action-conditioned world model: BEV features of the current and h past frames + the ego's future
trajectory → predicted BEV features and vehicle/pedestrian occupancy for K future steps.

Past features are first warped into the CURRENT ego frame (their ego poses are known), so the whole
prediction lives in the frame the labels use. A ConvGRU then rolls out K steps; step k sees the embedding
of waypoint k and of the displacement from waypoint k−1.

Action condition. Training: the logged expert trajectory (teacher forcing), jittered by Gaussian noise so
the model does not rely on it being perfect. Teacher inference (issue 9): the teacher's own coarse first plan
(its single-query first pass over the current BEV), one rollout per scene: the expert's trajectory does not
exist when driving, and rolling out once per candidate costs ~64× (CPU_BUDGET.md).
"""
from __future__ import annotations

import math
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import nn

from wpt_core.data.data_config import DataConfig
from wpt_core.data.labels import OCCUPANCY_CHANNELS
from wpt_core.models.layers import conv_bn_relu, upsampling_head
from wpt_core.models.model_config import WorldModelConfig


def warp_to_current(features: torch.Tensor, pose: torch.Tensor, half_size_m: float) -> torch.Tensor:
    """features (B, C, H, W) seen from a past ego pose; pose (B, 3) = that ego's (x, y, yaw_rad) in the current
    ego frame → the same features resampled on the current frame's grid (zeros where the past saw nothing)."""
    c, s = torch.cos(pose[:, 2]), torch.sin(pose[:, 2])
    tx, ty = pose[:, 0] / half_size_m, pose[:, 1] / half_size_m
    # grid (gx, gy) ↔ ego (x, y) = (−gy, gx)·half_size; past = R(−yaw)·(current − t), back in grid units
    theta = torch.stack([torch.stack([c, s, s * tx - c * ty], dim=1),
                         torch.stack([-s, c, c * tx + s * ty], dim=1)], dim=1)
    grid = F.affine_grid(theta.to(features.dtype), list(features.shape), align_corners=False)
    return F.grid_sample(features, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


class ConvGRUCell(nn.Module):
    def __init__(self, c_in: int, hidden: int) -> None:
        super().__init__()
        self.gates = nn.Conv2d(c_in + hidden, 2 * hidden, 3, padding=1)
        self.candidate = nn.Conv2d(c_in + hidden, hidden, 3, padding=1)

    def forward(self, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        z, r = torch.sigmoid(self.gates(torch.cat([x, h], dim=1))).chunk(2, dim=1)
        n = torch.tanh(self.candidate(torch.cat([x, r * h], dim=1)))
        return (1 - z) * h + z * n


class WorldModel(nn.Module):
    """history (B, T, C, h, w) current last, history_pose (B, T, 3), action (B, K, 2) ego-frame waypoints →
    (future features (B, K, C, h, w), occupancy logits (B, K, 2, 2h, 2w))."""

    def __init__(self, config: WorldModelConfig, data: DataConfig, feature_channels: int) -> None:
        super().__init__()
        self.config, self.steps = config, data.future_steps
        self.half_size_m = data.bev.size_m / 2.0
        t = data.history + 1
        self.init = nn.Sequential(conv_bn_relu(t * feature_channels, config.hidden * 2),
                                  nn.Conv2d(config.hidden * 2, config.hidden, 3, padding=1))
        self.action = nn.Sequential(nn.Linear(4, config.action_channels), nn.ReLU(inplace=True),
                                    nn.Linear(config.action_channels, config.action_channels))
        self.cell = ConvGRUCell(config.action_channels, config.hidden)
        self.to_features = nn.Conv2d(config.hidden, feature_channels, 1)
        self.occupancy_head = upsampling_head(feature_channels, len(OCCUPANCY_CHANNELS))

    def forward(self, history: torch.Tensor, history_pose: torch.Tensor,
                action: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        b, t, c, h, w = history.shape
        if action.shape[1] != self.steps:
            raise ValueError(f"world model: action has {action.shape[1]} steps, the model predicts {self.steps}")
        warped = [history[:, i] if i == t - 1 else warp_to_current(history[:, i], history_pose[:, i], self.half_size_m)
                  for i in range(t)]
        state = torch.tanh(self.init(torch.cat(warped, dim=1)))
        previous = torch.cat([action.new_zeros(b, 1, 2), action[:, :-1]], dim=1)
        embedding = self.action(torch.cat([action, action - previous], dim=-1) / self.config.action_scale_m)
        features, occupancy = [], []
        for k in range(self.steps):
            state = self.cell(embedding[:, k, :, None, None].expand(-1, -1, h, w), state)
            f = self.to_features(state)
            features.append(f)
            occupancy.append(self.occupancy_head(f))
        return torch.stack(features, dim=1), torch.stack(occupancy, dim=1)


def action_noise(action: torch.Tensor, sigma_m: float) -> torch.Tensor:
    """The training-time jitter of the action condition: Gaussian, σ·√(k/K) at step k of K (σ at the horizon)."""
    if sigma_m <= 0:
        return action
    k = torch.arange(1, action.shape[1] + 1, device=action.device, dtype=action.dtype).sqrt()
    return action + torch.randn_like(action) * sigma_m * k[None, :, None] / math.sqrt(action.shape[1])
