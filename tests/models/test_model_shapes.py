"""Forward / backward shapes of every model, for camera-only, LiDAR-only, fused and bev_gt suites."""
from __future__ import annotations

import math

import pytest
import torch

from suites import with_sensors
from wpt_core.data.labels import BEV_CHANNELS, LIGHT_CLASSES
from wpt_core.models.backbone import Backbone
from wpt_core.models.bev_encoder import BevEncoder
from wpt_core.models.model_config import BackboneConfig
from wpt_core.models.world_model import warp_to_current
from wpt_core.models.world_system import WorldModelSystem

SUITES = {"fused": {}, "camera_only": {"lidar": False}, "lidar_only": {"cameras": ()},
          "bev_gt": {"cameras": (), "lidar": False, "input_mode": "bev_gt"}}


def test_backbone_depth_and_width_by_config():
    net = Backbone(BackboneConfig(widths=(8, 16, 24), blocks=(2, 1, 1)))
    assert net.stride == 8 and net(torch.zeros(2, 3, 64, 128)).shape == (2, 24, 8, 16)


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_world_model_system_forward_backward(suite, tiny_profile, tiny_batch):
    profile = with_sensors(tiny_profile, **SUITES[suite])
    model = WorldModelSystem(profile.model, profile.data)
    out = model(tiny_batch)
    bev, k = out["bev"], profile.data.future_steps
    assert bev.features.shape == (4, 16, 16, 16)
    assert bev.semantics.shape == (4, len(BEV_CHANNELS), 32, 32) and bev.light.shape == (4, len(LIGHT_CLASSES))
    assert (bev.depth is None) == (suite in ("lidar_only", "bev_gt"))
    if bev.depth is not None:
        assert bev.depth.shape == (4, 3, 8, 2, 4)
    assert out["future_features"].shape == (4, k, 16, 16, 16) and out["occupancy"].shape == (4, k, 2, 32, 32)
    (out["occupancy"].mean() + bev.semantics.mean() + bev.light.mean()).backward()
    without_grad = [n for n, p in model.named_parameters() if p.grad is None]
    assert without_grad == []


def test_encoder_refuses_a_suite_without_sensors(tiny_profile):
    profile = with_sensors(tiny_profile, cameras=(), lidar=False)
    with pytest.raises(ValueError, match="neither cameras nor LiDAR"):
        BevEncoder(profile.model.encoder, profile.data)


def _hot(row: int, col: int) -> torch.Tensor:
    x = torch.zeros(1, 1, 32, 32)
    x[0, 0, row, col] = 1.0
    return x


def test_past_features_are_warped_into_the_current_frame():
    # 32 m grid at 1 m (half size 16 m): cell (6, 16) is ego (9.5, 0.5) of the past frame
    behind = warp_to_current(_hot(6, 16), torch.tensor([[-4.0, 0.0, 0.0]]), 16.0)  # past ego 4 m behind
    assert torch.nonzero(behind > 0.99).tolist() == [[0, 0, 10, 16]]  # x 5.5 → row ⌊16 − 5.5⌋
    turned = warp_to_current(_hot(6, 16), torch.tensor([[0.0, 0.0, math.pi / 2]]), 16.0)  # past ego faced right
    # past (9.5, 0.5) rotated by +90°: (−0.5, 9.5) → row ⌊16 + 0.5⌋ = 16, column ⌊9.5 + 16⌋ = 25
    assert torch.nonzero(turned > 0.99).tolist() == [[0, 0, 16, 25]]
