"""The image backbone, defined here (torchvision does not load with the CPU torch build): ResNet-style,
depth and width by config, output at stride 2^len(widths) (16 for four stages)."""
from __future__ import annotations

import torch
from torch import nn

from wpt_core.models.layers import conv_bn_relu, residual_stage
from wpt_core.models.model_config import BackboneConfig


class Backbone(nn.Module):
    """(N, 3, H, W) normalised images → (N, widths[-1], H/stride, W/stride)."""

    def __init__(self, config: BackboneConfig) -> None:
        super().__init__()
        if len(config.widths) != len(config.blocks) or not config.widths:
            raise ValueError(f"backbone: widths {config.widths} and blocks {config.blocks} must be non-empty "
                             "and of equal length")
        self.stem = conv_bn_relu(3, config.widths[0], 3, 2)
        stages, c_in = [], config.widths[0]
        for i, (width, blocks) in enumerate(zip(config.widths, config.blocks)):
            stages.append(residual_stage(c_in, width, blocks, 1 if i == 0 else 2))
            c_in = width
        self.stages = nn.Sequential(*stages)
        self.out_channels = c_in
        self.stride = config.stride

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.stages(self.stem(images))
