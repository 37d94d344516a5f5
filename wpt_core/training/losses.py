"""Loss terms of the learning stages (masks say which labels exist)."""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F

from wpt_core.models.model_config import LiftConfig


def masked_bce(logits: torch.Tensor, target: torch.Tensor, valid: Optional[torch.Tensor] = None,
               pos_weight: float = 1.0) -> torch.Tensor:
    """Mean BCE over the elements whose leading-dims mask `valid` (broadcast from the left) is true."""
    loss = F.binary_cross_entropy_with_logits(logits, target.float(), reduction="none",
                                              pos_weight=torch.tensor(pos_weight, device=logits.device))
    if valid is None:
        return loss.mean()
    mask = valid.reshape(valid.shape + (1,) * (loss.dim() - valid.dim())).expand_as(loss).float()
    return (loss * mask).sum() / mask.sum().clamp(min=1.0)


def depth_loss(depth_logits: torch.Tensor, depth_m: torch.Tensor, has_depth: torch.Tensor,
               config: LiftConfig) -> torch.Tensor:
    """Cross-entropy of the lift's depth distribution against the depth image's bin, where the depth is known
    (> 0, inside the bin range) and the sample has depth. depth_logits (B, V, D, h, w); depth_m (B, V, h, w)."""
    width = (config.depth_max_m - config.depth_min_m) / config.depth_bins
    target = torch.floor((depth_m - config.depth_min_m) / width).long()
    valid = (depth_m > 0) & (target >= 0) & (target < config.depth_bins) & has_depth[:, None, None, None]
    if not bool(valid.any()):
        return depth_logits.new_zeros(())
    logits = depth_logits.permute(0, 1, 3, 4, 2)[valid]
    return F.cross_entropy(logits, target[valid])
