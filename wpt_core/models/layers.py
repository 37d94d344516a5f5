"""Small building blocks shared by every network here."""
from __future__ import annotations

import torch
from torch import nn


def conv_bn_relu(c_in: int, c_out: int, kernel: int = 3, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, bias=False), nn.BatchNorm2d(c_out),
                         nn.ReLU(inplace=True))


class ResidualBlock(nn.Module):
    """ResNet basic block; a 1x1 projection when the shape changes."""

    def __init__(self, c_in: int, c_out: int, stride: int = 1) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), nn.BatchNorm2d(c_out),
                                  nn.ReLU(inplace=True), nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False),
                                  nn.BatchNorm2d(c_out))
        self.skip = nn.Identity() if stride == 1 and c_in == c_out else nn.Sequential(
            nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.body(x) + self.skip(x))


def residual_stage(c_in: int, c_out: int, blocks: int, stride: int) -> nn.Sequential:
    layers = [ResidualBlock(c_in, c_out, stride)] + [ResidualBlock(c_out, c_out) for _ in range(blocks - 1)]
    return nn.Sequential(*layers)


def upsampling_head(c_in: int, c_out: int) -> nn.Sequential:
    """A dense head that predicts at twice the input resolution: a 3x3 conv at the input resolution, then
    a 1x1 conv to 4·c_out channels rearranged into 2x2 output pixels (4× cheaper than convolving at 2×)."""
    return nn.Sequential(conv_bn_relu(c_in, c_in // 2), nn.Conv2d(c_in // 2, 4 * c_out, 1), nn.PixelShuffle(2))
