"""Driving policies whose plans are hand-computable, saved as real checkpoints of the policy kinds.

`StraightPlanner` drives straight ahead at gain · speed, `offset_m` to the right; `CandidatePlanner` offers
that plan at several lateral offsets, scores them with fixed rewards and executes the argmax (a teacher's
PlanOutput). The synthetic clips' ego drives straight at 5 + 0.1·route m/s while its speedometer reads 5.0, so
gain (5 + 0.1·route) / 5 reproduces the logged trajectory of that route exactly.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Sequence

import torch
from torch import nn

from wpt_core.config import from_dict, to_dict
from wpt_core.data.data_config import DataConfig
from wpt_core.models.checkpoint import save_checkpoint
from wpt_core.models.policy import PlanOutput

class StraightPlanner(nn.Module):
    def __init__(self, data: DataConfig, gain: float = 1.0, offset_m: float = 0.0) -> None:
        super().__init__()
        self.data = data
        self.gain = nn.Parameter(torch.tensor(float(gain)))
        self.register_buffer("offset", torch.tensor(float(offset_m)))
        self.seen: Dict[str, Any] = {}

    def straight(self, batch: Dict[str, torch.Tensor]) -> torch.Tensor:
        """(B, K, 2): x = gain · speed · t, y = 0."""
        self.seen = {"keys": set(batch), "inference_mode": torch.is_inference_mode_enabled(),
                     "shapes": {k: tuple(v.shape) for k, v in batch.items()}}
        t = torch.arange(1, self.data.future_steps + 1, dtype=torch.float32) / self.data.trajectory_hz
        x = self.gain * batch["speed"].float() * t
        return torch.stack([x, torch.zeros_like(x)], dim=-1)

    def plan(self, batch: Dict[str, torch.Tensor]) -> PlanOutput:
        return PlanOutput(self.straight(batch) + torch.stack([torch.zeros_like(self.offset), self.offset]))

class CandidatePlanner(StraightPlanner):
    def __init__(self, data: DataConfig, gain: float, offsets_m: Sequence[float], rewards: Sequence[float]) -> None:
        super().__init__(data, gain)
        self.register_buffer("offsets", torch.tensor([float(o) for o in offsets_m]))
        self.register_buffer("rewards", torch.tensor([float(r) for r in rewards]))

    def plan(self, batch: Dict[str, torch.Tensor]) -> PlanOutput:
        base = self.straight(batch)
        shift = torch.stack([torch.zeros_like(self.offsets), self.offsets], dim=-1)  # (N, 2)
        candidates = base[:, None] + shift[None, :, None, :]
        reward = self.rewards.expand(len(base), -1)
        selected = reward.argmax(dim=1)
        return PlanOutput(candidates[torch.arange(len(base)), selected], candidates, reward, selected)

def build_toy(config: Dict[str, Any], where: str) -> nn.Module:
    """A BUILDERS entry: the toy policy described by the config's `toy` section."""
    data = from_dict(DataConfig, config["data"], where)
    toy = config["toy"]
    if "offsets_m" in toy:
        return CandidatePlanner(data, toy["gain"], toy["offsets_m"], toy["rewards"])
    return StraightPlanner(data, toy["gain"], toy["offset_m"])

def save_toy(path: Path, kind: str, profile: Any, toy: Dict[str, Any], val: Sequence[str] = (),
             train: Sequence[str] = ()) -> Path:
    """A checkpoint of `kind` (the test registers `build_toy` for it) with the split {train, val} in its extra;
    no split at all when `val` is empty."""
    config = {**to_dict(profile), "toy": toy}
    model = build_toy(config, str(path))
    extra = {"split": {"train": list(train), "val": list(val)}} if val else {}
    save_checkpoint(path, kind, model, config, step=7, extra=extra)
    return path
