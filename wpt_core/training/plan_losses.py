"""Loss terms shared by the planning stages (teacher, student, baseline)."""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import torch
from torch import nn

from wpt_core.models.startups import startup_mask


def masked_l1(trajectory: torch.Tensor, expert: torch.Tensor, valid: torch.Tensor,
              weights: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Mean L1 over the valid waypoints: trajectory, expert (B, K, 2), valid (B, K); `weights` (B,) weighs
    each sample's waypoints (a weighted mean: the loss scale stays that of the unweighted one)."""
    mask = valid[..., None].float().expand_as(trajectory)
    if weights is not None:
        mask = mask * weights.float()[:, None, None]
    return ((trajectory - expert).abs() * mask).sum() / mask.sum().clamp(min=1e-6)


def startup_weights(weight: float, speed: torch.Tensor, expert: torch.Tensor, valid: torch.Tensor
                    ) -> Optional[torch.Tensor]:
    """(B,) per-sample weights: `weight` for a start-up (`models.startups`), 1 otherwise; None when weight is 1."""
    if weight == 1.0:
        return None
    return 1.0 + (weight - 1.0) * startup_mask(speed, expert, valid).float()


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
