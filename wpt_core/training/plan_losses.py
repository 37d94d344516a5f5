"""Loss terms shared by the planning stages (teacher, student, baseline)."""
from __future__ import annotations

from typing import Any, Dict, Tuple

import torch
from torch import nn


def masked_l1(trajectory: torch.Tensor, expert: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Mean L1 over the valid waypoints: trajectory, expert (B, K, 2), valid (B, K)."""
    mask = valid[..., None].float().expand_as(trajectory)
    return ((trajectory - expert).abs() * mask).sum() / mask.sum().clamp(min=1.0)


def endpoint_l2(trajectory: torch.Tensor, expert: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Sum over the batch of the L2 error at the last waypoint, counting only samples where it is valid,
    and that count: (sum, count) as a (2,) tensor."""
    keep = valid[:, -1]
    err = (trajectory[:, -1] - expert[:, -1]).norm(dim=-1)
    return torch.stack([(err * keep.float()).sum(), keep.float().sum()])


class TermsLoss:
    """`loss` for a stage whose `_terms(model, batch)` returns (terms with a "total", outputs): the trainer
    optimises the total and logs the other terms."""

    def _terms(self, model: nn.Module, batch: Dict[str, Any]) -> Tuple[Dict[str, torch.Tensor], Dict[str, Any]]:
        raise NotImplementedError

    def loss(self, model: nn.Module, batch: Dict[str, Any]) -> Tuple[torch.Tensor, Dict[str, float]]:
        terms, _ = self._terms(model, batch)
        return terms["total"], {k: float(v.detach()) for k, v in terms.items() if k != "total"}
