"""The stage-1 model: BEV encoder + world model. Trained first, then frozen and reused by every later stage
(teacher, reward model, student), which read `encode` / `imagine` rather than the parts."""
from __future__ import annotations

from typing import Dict, Optional

import torch
from torch import nn

from wpt_core.data.data_config import DataConfig
from wpt_core.models.bev_encoder import BevEncoder, BevOutput
from wpt_core.models.model_config import ModelConfig
from wpt_core.models.world_model import WorldModel


class WorldModelSystem(nn.Module):
    def __init__(self, config: ModelConfig, data: DataConfig) -> None:
        super().__init__()
        self.config, self.data = config, data
        self.encoder = BevEncoder(config.encoder, data)
        self.world_model = WorldModel(config.world_model, data, config.encoder.bev_channels)

    def encode(self, batch: Dict[str, torch.Tensor], t: int = -1) -> BevOutput:
        """Encoder output of history frame `t` of a batch (−1: the current frame)."""
        return self.encoder.encode(batch, t)

    def forward(self, batch: Dict[str, torch.Tensor], action: Optional[torch.Tensor] = None) -> Dict[str, object]:
        """bev: the current frame's BevOutput; future_features (B, K, C, h, w); occupancy (B, K, 2, H, W) logits.

        Past frames are encoded without gradients: the encoder learns from the current frame, and the
        history costs a forward pass only. `action` defaults to the batch's (expert) trajectory.
        """
        current = self.encode(batch)
        t = batch["history_pose"].shape[1]
        with torch.no_grad():
            past = [self.encode(batch, i).features for i in range(t - 1)]
        history = torch.stack(past + [current.features], dim=1)
        action = batch["trajectory"] if action is None else action
        future, occupancy = self.world_model(history, batch["history_pose"], action)
        return {"bev": current, "future_features": future, "occupancy": occupancy}
