"""The student (and the imitation baseline — the same class, trained differently): its own BEV encoder, built
from the world model's EncoderConfig (backbone replaceable by `model.student.backbone`), ONE plan query over
the current frame's BEV tokens, one trajectory. No world model and no reward at inference: that is what makes
it cheap (CPU_BUDGET.md: ≈ 19 ms on one thread with the light encoder and widths 16).

The encoder is initialised from the frozen world-model system's (`init_encoder_from`), identically for the
student and the baseline, so only their losses differ.
"""
from __future__ import annotations

import dataclasses
from typing import Dict

import torch
from torch import nn

from wpt_core.data.data_config import DataConfig
from wpt_core.models.bev_encoder import BevEncoder
from wpt_core.models.model_config import ModelConfig
from wpt_core.models.plan_decoder import BevTokens, EgoEmbedding, PlanDecoder
from wpt_core.models.policy import PlanOutput


class Student(nn.Module):
    def __init__(self, config: ModelConfig, data: DataConfig) -> None:
        super().__init__()
        self.config, self.data = config, data
        head = config.student.head
        encoder = config.encoder if config.student.backbone is None else dataclasses.replace(
            config.encoder, backbone=config.student.backbone)
        self.encoder = BevEncoder(encoder, data)
        self.tokens = BevTokens(encoder.bev_channels, head.dim, head.tokens, 1)
        self.ego = EgoEmbedding(head.dim, head.speed_dropout)
        self.query = nn.Parameter(torch.zeros(1, 1, head.dim))
        nn.init.normal_(self.query, std=0.02)
        self.decoder = PlanDecoder(head, data.future_steps)
        teacher_dim = config.teacher.head.dim  # plan-query distillation target width (unused by the baseline)
        self.projector = nn.Identity() if teacher_dim == head.dim else nn.Linear(head.dim, teacher_dim)

    def forward(self, batch: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """trajectory (B, K, 2) and query (B, teacher dim): the decoded plan query, projected to the teacher's
        query width when it differs (plan-query distillation)."""
        features = self.encoder.encode(batch).features
        memory = self.tokens([features])
        query = self.query + self.ego(batch["speed"], batch["target_point"], batch["command"])[:, None]
        decoded, trajectory = self.decoder(query, memory)
        return {"trajectory": trajectory[:, 0], "query": self.projector(decoded[:, 0])}

    @torch.no_grad()
    def plan(self, batch: Dict[str, torch.Tensor]) -> PlanOutput:
        return PlanOutput(trajectory=self(batch)["trajectory"])

    def init_encoder_from(self, encoder: BevEncoder) -> int:
        """Copy every encoder tensor whose name and shape match (all of them unless the backbone differs);
        returns how many were copied."""
        source, own = encoder.state_dict(), self.encoder.state_dict()
        matched = {k: v for k, v in source.items() if k in own and own[k].shape == v.shape}
        own.update(matched)
        self.encoder.load_state_dict(own)
        return len(matched)
