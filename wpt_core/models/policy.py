"""What every driving policy checkpoint (teacher, student, baseline) offers to evaluation and to the agent.

A policy reads the INPUT_KEYS of a learning sample (batched: images (B, T, V, 3, h, w) uint8, lidar
(B, T, 2, L, L) uint8, bev_history (B, T, C, H, W) bool, history_pose (B, T, 3), speed (B, 1), target_point
(B, 2), command (B,) int64 — the current frame last, T = data.history + 1) and returns a PlanOutput. Open-loop
evaluation, the latency benchmark and `agents/wpt_agent.py` use only this, so any policy checkpoint works in
all three. Labels (trajectory, occupancy, …) are never read at inference.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Protocol, Tuple, Union

import torch
from torch.utils.data import default_collate

from wpt_core.data.data_config import DataConfig

INPUT_KEYS = ("images", "lidar", "bev_history", "history_pose", "speed", "target_point", "command")
POLICY_KINDS = ("teacher", "student", "baseline")


@dataclass
class PlanOutput:
    """trajectory (B, K, 2): the executed plan, ego frame (x forward, y right) metres at the data config's
    timestamps (1/trajectory_hz … horizon_s). Teacher only: candidates (B, N, K, 2), reward (B, N) (the combined
    log-form score) and selected (B,) int64 — the reward's argmax, so trajectory = candidates[b, selected[b]];
    the reward's two parts (B, N) (reward = imitation + simulation); and the world the simulation head scored
    in — future occupancy (B, K, H, W) bool and drivable area (B, H, W) bool as predicted (None without a world
    model) — so evaluation can tell a poor reward from a poor world model."""

    trajectory: torch.Tensor
    candidates: Optional[torch.Tensor] = None
    reward: Optional[torch.Tensor] = None
    selected: Optional[torch.Tensor] = None
    reward_imitation: Optional[torch.Tensor] = None
    reward_simulation: Optional[torch.Tensor] = None
    world_occupancy: Optional[torch.Tensor] = None
    world_drivable: Optional[torch.Tensor] = None


class DrivingPolicy(Protocol):
    data: DataConfig

    def plan(self, batch: Dict[str, torch.Tensor]) -> PlanOutput: ...


def load_policy(path: Path) -> Tuple[Any, Dict[str, Any]]:
    """(the policy module in eval mode, its checkpoint dict); a non-policy checkpoint is a CheckpointError."""
    from wpt_core.models.checkpoint import CheckpointError, load_model

    model, payload = load_model(path)
    if payload["kind"] not in POLICY_KINDS:
        raise CheckpointError(f"{path}: a {payload['kind']!r} checkpoint is not a driving policy "
                              f"(expected one of {POLICY_KINDS})")
    return model, payload


def policy_inputs(batch: Mapping[str, Any], device: Union[str, torch.device]) -> Dict[str, torch.Tensor]:
    """The INPUT_KEYS of a collated batch as tensors on `device`: exactly what `.plan` reads (labels stay behind)."""
    return {k: torch.as_tensor(batch[k]).to(device) for k in INPUT_KEYS}


def sample_batch(sample: Mapping[str, Any], device: Union[str, torch.device]) -> Dict[str, torch.Tensor]:
    """One sample (numpy, the layout of `dataset.assemble_sample`) → the batch of 1 a DataLoader would collate
    from it, on `device`. Evaluation, the latency benchmark and the agent build batch-1 inputs here, so a
    policy sees the same tensors whether its input came from a clip or from live sensors."""
    return policy_inputs(default_collate([{k: sample[k] for k in INPUT_KEYS}]), device)
