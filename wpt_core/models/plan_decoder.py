"""The planning head shared by the teacher (one query per vocabulary anchor) and the student (one query):
plan queries cross-attend BEV tokens, each query decodes to a trajectory.

BEV features are average-pooled to tokens×tokens (CPU_BUDGET.md: 16² tokens, d 128, 2 layers costs 1.4 ms
for one query on one thread), projected to `dim`, with a learned position embedding per token and a learned
embedding per memory "frame" (current, future step 1, …), so one decoder reads current and predicted BEV.
The ego state (speed, target point, command) is added to every query: the route is not in the sensors.
"""
from __future__ import annotations

from typing import Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from wpt_core.config import ConfigError
from wpt_core.data.features import COMMANDS
from wpt_core.models.model_config import PlanHeadConfig

POSITION_SCALE_M = 10.0  # waypoints and target points are divided by this inside the networks


class BevTokens(nn.Module):
    """(B, C, h, w) feature maps of `frames` kinds → (B, frames·tokens², dim) memory tokens."""

    def __init__(self, channels: int, dim: int, tokens: int, frames: int) -> None:
        super().__init__()
        self.tokens = tokens
        self.project = nn.Linear(channels, dim)
        self.position = nn.Parameter(torch.zeros(1, tokens * tokens, dim))
        self.frame = nn.Parameter(torch.zeros(frames, 1, dim))
        nn.init.normal_(self.position, std=0.02)
        nn.init.normal_(self.frame, std=0.02)

    def forward(self, maps: Sequence[torch.Tensor]) -> torch.Tensor:
        out = []
        for i, m in enumerate(maps):
            pooled = F.adaptive_avg_pool2d(m, self.tokens).flatten(2).transpose(1, 2)  # (B, t², C)
            out.append(self.project(pooled) + self.position + self.frame[i])
        return torch.cat(out, dim=1)


class EgoEmbedding(nn.Module):
    """speed (B, 1), target_point (B, 2), command (B,) → (B, dim). In training mode each sample's speed reads 0
    with probability `speed_dropout` (PlanHeadConfig says why); evaluation always sees the measured speed."""

    def __init__(self, dim: int, speed_dropout: float = 0.0) -> None:
        super().__init__()
        if not 0.0 <= speed_dropout <= 1.0:
            raise ConfigError(f"head.speed_dropout {speed_dropout}: expected a probability in [0, 1]")
        self.speed_dropout = speed_dropout
        self.command = nn.Embedding(len(COMMANDS), dim)
        self.state = nn.Sequential(nn.Linear(3, dim), nn.ReLU(inplace=True), nn.Linear(dim, dim))

    def forward(self, speed: torch.Tensor, target_point: torch.Tensor, command: torch.Tensor) -> torch.Tensor:
        if self.training and self.speed_dropout > 0.0:
            keep = torch.rand(speed.shape[0], 1, device=speed.device) >= self.speed_dropout
            speed = speed * keep
        state = torch.cat([speed.float() / POSITION_SCALE_M, target_point.float() / POSITION_SCALE_M], dim=-1)
        return self.state(state) + self.command(command.long())


class PlanDecoder(nn.Module):
    """queries (B, Q, dim) + memory (B, M, dim) → (decoded queries (B, Q, dim), trajectories (B, Q, K, 2) m)."""

    def __init__(self, config: PlanHeadConfig, steps: int) -> None:
        super().__init__()
        self.steps = steps
        layer = nn.TransformerDecoderLayer(config.dim, config.heads, 2 * config.dim, dropout=0.0, batch_first=True,
                                           norm_first=True)
        self.decoder = nn.TransformerDecoder(layer, config.layers)
        self.norm = nn.LayerNorm(config.dim)
        self.trajectory = nn.Sequential(nn.Linear(config.dim, config.dim), nn.ReLU(inplace=True),
                                        nn.Linear(config.dim, steps * 2))

    def forward(self, queries: torch.Tensor, memory: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        decoded = self.norm(self.decoder(queries, memory))
        b, q, _ = decoded.shape
        return decoded, self.trajectory(decoded).view(b, q, self.steps, 2) * POSITION_SCALE_M
