"""Lift-Splat geometry: a feature seen at a known pixel and depth lands in the hand-computed BEV cell."""
from __future__ import annotations

import torch

from wpt_core.data.data_config import SensorConfig
from wpt_core.data.features import camera_geometry
from wpt_core.data.labels import BevConfig
from wpt_core.models.lift import LiftSplat
from wpt_core.models.model_config import LiftConfig

# 256×144 images, stride 16 → 9×16 features; 24 depth bins of 2 m over [2, 50] m: bin b is centred at 3 + 2b.
CONFIG = LiftConfig(channels=3, depth_bins=24, depth_min_m=2.0, depth_max_m=50.0, z_min_m=-2.0, z_max_m=6.0)


def _lift() -> LiftSplat:
    sensors = SensorConfig(cameras=("CAM_FRONT", "CAM_BACK"), image_width=256, image_height=144, lidar=False)
    intrinsics, cam2ego = camera_geometry(sensors)
    return LiftSplat(4, CONFIG, intrinsics, cam2ego, (9, 16), 16, BevConfig(64.0, 1.0))


def _one_point(camera: int, depth_bin: int, row: int, col: int, value=(1.0, 2.0, 3.0)):
    probs = torch.zeros(1, 2, 24, 9, 16)
    context = torch.zeros(1, 2, 3, 9, 16)
    probs[0, camera, depth_bin, row, col] = 1.0
    context[0, camera, :, row, col] = torch.tensor(value)
    return probs, context


def test_front_camera_feature_lands_in_the_hand_computed_cell():
    # feature (row 4, col 9) = pixel (u, v) = (152, 72); CAM_FRONT fov 70: f = 128 / tan 35° = 182.80, c = (128, 72).
    # bin 8 → d = 19 m: camera (19, 24/182.80·19, 0) = (19, 2.494, 0); mount (0.8, 0, 1.6) → ego (19.8, 2.494, 1.6)
    # 64×64 grid at 1 m: row ⌊32 − 19.8⌋ = 12, column ⌊2.494 + 32⌋ = 34
    bev = _lift().splat(*_one_point(0, 8, 4, 9))
    assert bev.shape == (1, 3, 64, 64)
    assert bev[0, :, 12, 34].tolist() == [1.0, 2.0, 3.0]
    assert float(bev.abs().sum()) == 6.0


def test_back_camera_feature_lands_behind_and_mirrored():
    # CAM_BACK fov 110: f = 128 / tan 55° = 89.63; same pixel, bin 3 → d = 9 m: camera (9, 24/89.63·9, 0) = (9, 2.410, 0);
    # yaw 180° at (−2, 0, 1.6): ego (−11, −2.410, 1.6) → row ⌊32 + 11⌋ = 43, column ⌊−2.410 + 32⌋ = 29
    bev = _lift().splat(*_one_point(1, 3, 4, 9))
    assert bev[0, :, 43, 29].tolist() == [1.0, 2.0, 3.0] and float(bev.abs().sum()) == 6.0


def test_points_outside_the_grid_or_height_range_are_dropped_and_depth_weights_split_a_feature():
    lift = _lift()
    far = lift.splat(*_one_point(0, 23, 4, 9))  # 49 m ahead: outside the ±32 m grid
    assert float(far.abs().sum()) == 0.0
    high = lift.splat(*_one_point(0, 23, 0, 9))  # top feature row, 49 m away: z = 1.6 + 64/182.8·49 > 6 m
    assert float(high.abs().sum()) == 0.0
    # one feature spread over bins 8 (19 m) and 9 (21 m → ego (21.8, 2.757): row 10, column 34) by its depth probabilities
    probs, context = _one_point(0, 8, 4, 9)
    probs[0, 0, 8, 4, 9], probs[0, 0, 9, 4, 9] = 0.25, 0.75
    spread = lift.splat(probs, context)
    assert spread[0, :, 12, 34].tolist() == [0.25, 0.5, 0.75] and spread[0, :, 10, 34].tolist() == [0.75, 1.5, 2.25]


def test_forward_gives_depth_logits_and_a_differentiable_bev():
    lift = _lift()
    features = torch.randn(2, 2, 4, 9, 16, requires_grad=True)
    depth, bev = lift(features)
    assert depth.shape == (2, 2, 24, 9, 16) and bev.shape == (2, 3, 64, 64)
    bev.sum().backward()
    assert features.grad is not None and lift.head.weight.grad.abs().sum() > 0
