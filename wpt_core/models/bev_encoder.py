"""The BEV encoder: cameras (backbone → Lift-Splat) and/or LiDAR histogram → fused BEV features, with the
auxiliary heads (BEV semantics, traffic-light state). In `bev_gt` mode the ground-truth BEV rasters replace
the sensors (the Roach / PlanT setting for studying planning without perception error); never the default.

Output features are at half the label grid (e.g. 32×32 for a 64×64 grid): the world model and the planning
heads work there; the semantics head upsamples back to the label grid.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from torch import nn

from wpt_core.data.data_config import DataConfig
from wpt_core.data.features import camera_geometry
from wpt_core.data.labels import BEV_CHANNELS, LIGHT_CLASSES
from wpt_core.models.backbone import Backbone
from wpt_core.models.layers import conv_bn_relu, residual_stage, upsampling_head
from wpt_core.models.lift import LiftSplat
from wpt_core.models.model_config import INPUT_MODES, EncoderConfig


@dataclass
class BevOutput:
    """features (B, C, H/2, W/2); semantics (B, len(BEV_CHANNELS), H, W) logits; light (B, len(LIGHT_CLASSES))
    logits; depth (B, V, D, h, w) logits of the lift (None without cameras)."""

    features: torch.Tensor
    semantics: torch.Tensor
    light: torch.Tensor
    depth: Optional[torch.Tensor]


class BevEncoder(nn.Module):
    def __init__(self, config: EncoderConfig, data: DataConfig) -> None:
        super().__init__()
        if config.input_mode not in INPUT_MODES:
            raise ValueError(f"encoder.input_mode {config.input_mode!r}: expected one of {INPUT_MODES}")
        self.config, self.data = config, data
        sensors = data.sensors
        self.bev_gt = config.input_mode == "bev_gt"
        self.use_cameras = not self.bev_gt and bool(sensors.cameras)
        self.use_lidar = not self.bev_gt and sensors.lidar
        if not (self.bev_gt or self.use_cameras or self.use_lidar):
            raise ValueError("encoder: the data config has neither cameras nor LiDAR (use input_mode bev_gt)")
        c_out, half = config.bev_channels, data.bev.cells // 2
        fused = 0
        if self.use_cameras:
            stride = config.backbone.stride
            if data.depth_stride != stride:
                raise ValueError(f"data.depth_stride {data.depth_stride} must equal the backbone stride {stride}")
            self.backbone = Backbone(config.backbone)
            intrinsics, cam2ego = camera_geometry(sensors)
            self.lift = LiftSplat(self.backbone.out_channels, config.lift, intrinsics, cam2ego,
                                  (sensors.image_height // stride, sensors.image_width // stride), stride, data.bev)
            self.camera_down = conv_bn_relu(config.lift.channels, c_out // 2, 3, 2)
            self.register_buffer("mean", torch.tensor(config.image_mean).view(1, 3, 1, 1), persistent=False)
            self.register_buffer("std", torch.tensor(config.image_std).view(1, 3, 1, 1), persistent=False)
            fused += c_out // 2
        if self.use_lidar:
            self.lidar = nn.Sequential(conv_bn_relu(2, config.lidar_channels // 2),
                                       conv_bn_relu(config.lidar_channels // 2, config.lidar_channels, 3, 2))
            fused += config.lidar_channels
        if self.bev_gt:
            self.gt = nn.Sequential(conv_bn_relu(len(BEV_CHANNELS), c_out // 2), conv_bn_relu(c_out // 2, c_out, 3, 2))
            fused = c_out
        self.half = half
        self.fuse = conv_bn_relu(fused, c_out, 1)
        self.bev_net = residual_stage(c_out, c_out, config.bev_blocks, 1)
        self.semantics_head = upsampling_head(c_out, len(BEV_CHANNELS))
        light_in = c_out + (self.backbone.out_channels if self.use_cameras else 0)
        self.light_head = nn.Sequential(nn.Linear(light_in, 64), nn.ReLU(inplace=True), nn.Linear(64, len(LIGHT_CLASSES)))

    def encode(self, batch: Dict[str, torch.Tensor], t: int = -1) -> BevOutput:
        """Encoder output of history frame `t` of a learning batch (−1: the current frame)."""
        return self(images=batch["images"][:, t] if self.use_cameras else None,
                    lidar=batch["lidar"][:, t] if self.use_lidar else None,
                    bev_gt=batch["bev_history"][:, t] if self.bev_gt else None)

    def forward(self, images: Optional[torch.Tensor] = None, lidar: Optional[torch.Tensor] = None,
                bev_gt: Optional[torch.Tensor] = None) -> BevOutput:
        """images (B, V, 3, h, w) uint8; lidar (B, 2, L, L) uint8 counts; bev_gt (B, C, H, W) bool rasters."""
        parts, pooled, depth = [], [], None
        if self.use_cameras:
            b, v = images.shape[:2]
            x = (images.flatten(0, 1).float() / 255.0 - self.mean) / self.std
            feats = self.backbone(x)
            pooled.append(feats.mean(dim=(2, 3)).unflatten(0, (b, v)).mean(dim=1))
            depth, cam_bev = self.lift(feats.unflatten(0, (b, v)))
            parts.append(self.camera_down(cam_bev))
        if self.use_lidar:
            x = self.lidar(lidar.float() / self.data.sensors.lidar_grid.max_count)
            parts.append(x if x.shape[-1] == self.half else F.interpolate(x, size=(self.half, self.half),
                                                                          mode="bilinear", align_corners=False))
        if self.bev_gt:
            parts.append(self.gt(bev_gt.float()))
        features = self.bev_net(self.fuse(torch.cat(parts, dim=1)))
        light = self.light_head(torch.cat([features.mean(dim=(2, 3))] + pooled, dim=1))
        return BevOutput(features=features, semantics=self.semantics_head(features), light=light, depth=depth)
