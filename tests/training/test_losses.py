"""Loss terms: depth cross-entropy picks the depth image's bin and ignores unknown depth; masks mask."""
from __future__ import annotations

import math

import pytest
import torch

from wpt_core.models.model_config import LiftConfig
from wpt_core.training.losses import depth_loss, masked_bce

LIFT = LiftConfig(depth_bins=8, depth_min_m=2.0, depth_max_m=34.0)  # 4 m bins


def test_depth_loss_targets_the_bin_of_the_depth_and_skips_unknown_pixels():
    logits = torch.zeros(1, 1, 8, 1, 3)
    logits[0, 0, 4, 0, 0] = math.log(7.0)  # p(bin 4) = 7 / 14 = 0.5 at pixel 0
    depth = torch.tensor([[[[21.0, 0.0, 255.0]]]])  # bin ⌊(21 − 2)/4⌋ = 4; unknown; beyond the last bin
    loss = depth_loss(logits, depth, torch.tensor([True]), LIFT)
    assert float(loss) == pytest.approx(-math.log(0.5))
    assert float(depth_loss(logits, depth, torch.tensor([False]), LIFT)) == 0.0


def test_masked_bce_ignores_invalid_steps():
    logits = torch.tensor([[[0.0, 0.0], [10.0, 10.0]]])  # (B=1, K=2, 2)
    target = torch.tensor([[[1.0, 0.0], [0.0, 0.0]]])
    valid = torch.tensor([[True, False]])
    assert float(masked_bce(logits, target, valid)) == pytest.approx(math.log(2.0))
    assert float(masked_bce(logits, target, valid, pos_weight=3.0)) == pytest.approx((3 * math.log(2) + math.log(2)) / 2)
