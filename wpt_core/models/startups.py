"""Start-ups: samples where the ego stands and the expert drives off within the horizon — one definition for the
training weight that counters the copycat shortcut ("standing → stay") and the open-loop diagnostic of it.

Half the expert's frames stand still (lights, yields, queues) and few of those start within the horizon, so a
policy that copies its speed is almost always right on average and wrong exactly when it should leave.
"""
from __future__ import annotations

import torch

STANDING_MPS = 0.5
START_M = 3.0


def last_valid_point(trajectory: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """(B, K, 2), (B, K) → (B, 2): the point at each sample's last valid step (the origin when none is)."""
    steps = torch.arange(valid.shape[1], device=valid.device)
    last = torch.where(valid, steps, torch.full_like(steps, -1)).max(dim=1).values
    point = trajectory[torch.arange(len(last)), last.clamp(min=0)]
    return torch.where((last >= 0)[:, None], point, torch.zeros_like(point))


def standing(speed: torch.Tensor) -> torch.Tensor:
    """(B, 1) or (B,) speed → (B,) bool."""
    return speed.reshape(-1) < STANDING_MPS


def startup_mask(speed: torch.Tensor, expert: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """(B,) bool: standing, and the expert is more than START_M away by its last valid step."""
    return standing(speed) & (torch.linalg.vector_norm(last_valid_point(expert, valid), dim=-1) > START_M)
