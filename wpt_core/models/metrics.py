"""IoU of binary BEV rasters (occupancy, semantics): one definition for validation and evaluation."""
from __future__ import annotations

from typing import Tuple

import torch


def iou_counts(logits: torch.Tensor, target: torch.Tensor, dims: Tuple[int, ...]) -> Tuple[torch.Tensor, torch.Tensor]:
    """(intersection, union) of (logits > 0, i.e. p > 0.5) with the target, summed over `dims` (float64)."""
    pred, truth = logits > 0, target.bool()
    return (pred & truth).sum(dim=dims).double(), (pred | truth).sum(dim=dims).double()
