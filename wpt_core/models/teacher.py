"""The teacher: plans against the frozen world model's predicted future and executes the reward's argmax.

Flow per scene (batch row):
1. The frozen encoder encodes the current and past frames (no gradients: stage 1 is frozen).
2. A coarse plan: one plan query over the current BEV tokens → one trajectory (trained by imitation).
3. The frozen world model is rolled out ONCE, conditioned on that coarse plan. The expert's trajectory does
   not exist when driving, and one rollout per candidate would cost ~64× (CPU_BUDGET.md: 2.4 s for 64).
   The predicted future therefore is "the world if the ego roughly does what it intends"; every candidate is
   scored in that one world.
4. The vocabulary anchors (k-means centres of the training trajectories, the `anchors` buffer — saved with
   the checkpoint) are the plan queries; they attend to the current tokens and `reward.steps` predicted
   future maps; each decodes an offset: candidate i = anchor i + offset i.
5. The reward model scores every candidate over the same predicted future maps; `plan()` returns the argmax.

`use_world_model: false` is the ablation: no rollout, the queries and the reward read the current features only.
The encoder and the world model stay frozen: requires_grad False and eval mode whatever `train()` asks.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import torch
from torch import nn

from wpt_core.data.data_config import DataConfig
from wpt_core.data.labels import BEV_CHANNELS
from wpt_core.models.model_config import ModelConfig
from wpt_core.models.plan_decoder import POSITION_SCALE_M, BevTokens, EgoEmbedding, PlanDecoder
from wpt_core.models.policy import PlanOutput
from wpt_core.models.reward_model import RewardModel, reward_parts
from wpt_core.models.world_system import WorldModelSystem

DRIVABLE = BEV_CHANNELS.index("drivable")


def future_indices(steps: int, chosen: int) -> List[int]:
    """`chosen` future steps spread evenly over 0 … steps−1, the last one included."""
    chosen = min(chosen, steps)
    return sorted({int(round(i * (steps - 1) / max(1, chosen - 1))) for i in range(chosen)}) if chosen > 1 \
        else [steps - 1]


class Teacher(nn.Module):
    def __init__(self, config: ModelConfig, data: DataConfig) -> None:
        super().__init__()
        self.config, self.data = config, data
        tc, head, k = config.teacher, config.teacher.head, data.future_steps
        c = config.encoder.bev_channels
        self.system = WorldModelSystem(config, data)
        self.system.requires_grad_(False)
        self.use_world_model = tc.use_world_model
        self.future = future_indices(k, tc.reward.steps) if tc.use_world_model else []
        self.register_buffer("anchors", torch.zeros(tc.anchors, k, 2))
        self.ego = EgoEmbedding(head.dim, head.speed_dropout)
        self.current_tokens = BevTokens(c, head.dim, head.tokens, 1)
        self.future_tokens = BevTokens(c, head.dim, tc.reward.tokens, len(self.future)) if self.future else None
        self.coarse_query = nn.Parameter(torch.zeros(1, 1, head.dim))
        nn.init.normal_(self.coarse_query, std=0.02)
        self.coarse = PlanDecoder(head, k)
        self.anchor_embedding = nn.Sequential(nn.Linear(k * 2, head.dim), nn.ReLU(inplace=True),
                                              nn.Linear(head.dim, head.dim))
        self.decoder = PlanDecoder(head, k)
        self.reward = RewardModel(tc.reward, c, k, max(1, len(self.future)))

    def train(self, mode: bool = True) -> "Teacher":
        super().train(mode)
        self.system.eval()  # frozen: its BatchNorm statistics never move
        return self

    def load_world_model(self, system: WorldModelSystem) -> None:
        self.system.load_state_dict(system.state_dict())

    def set_vocabulary(self, anchors: torch.Tensor) -> None:
        self.anchors.copy_(torch.as_tensor(anchors, dtype=self.anchors.dtype))

    def forward(self, batch: Dict[str, torch.Tensor]) -> Dict[str, Any]:
        """bev (the current BevOutput), occupancy (B, K, 2, H, W) logits or None, world (B, M, d) reward tokens,
        coarse (B, K, 2), queries (B, N, d), candidates (B, N, K, 2), logits (imitation, simulation),
        reward_imitation / reward_simulation / reward (B, N)."""
        with torch.no_grad():
            t = batch["history_pose"].shape[1]
            encoded = [self.system.encode(batch, i) for i in range(t)]
            current = encoded[-1].features
        ego = self.ego(batch["speed"], batch["target_point"], batch["command"])
        memory = self.current_tokens([current])
        _, coarse = self.coarse(self.coarse_query + ego[:, None], memory)
        coarse = coarse[:, 0]
        occupancy = None
        if self.use_world_model:
            with torch.no_grad():
                history = torch.stack([e.features for e in encoded], dim=1)
                future, occupancy = self.system.world_model(history, batch["history_pose"], coarse.detach())
            maps = [future[:, i] for i in self.future]
            memory = torch.cat([memory, self.future_tokens(maps)], dim=1)
        else:
            maps = [current]
        queries = self.anchor_embedding(self.anchors.flatten(1) / POSITION_SCALE_M)[None] + ego[:, None]
        decoded, offsets = self.decoder(queries, memory)
        candidates = self.anchors[None] + offsets
        world = self.reward.world(maps)
        logits = self.reward(world, candidates.detach())
        im, sim = reward_parts(logits, self.config.teacher.reward.weights)
        return {"bev": encoded[-1], "occupancy": occupancy, "world": world, "coarse": coarse, "queries": decoded,
                "candidates": candidates, "logits": logits, "reward_imitation": im, "reward_simulation": sim,
                "reward": im + sim}

    @torch.no_grad()
    def plan(self, batch: Dict[str, torch.Tensor]) -> PlanOutput:
        out = self(batch)
        selected = out["reward"].argmax(dim=1)
        trajectory = out["candidates"][torch.arange(len(selected), device=selected.device), selected]
        world = predicted_world(out)
        return PlanOutput(trajectory=trajectory, candidates=out["candidates"], reward=out["reward"], selected=selected,
                          reward_imitation=out["reward_imitation"], reward_simulation=out["reward_simulation"],
                          world_occupancy=None if world is None else world[0],
                          world_drivable=None if world is None else world[1])


def predicted_world(out: Dict[str, Any]) -> Optional[Tuple[torch.Tensor, torch.Tensor]]:
    """The rules' view of a forward pass: (future occupancy (B, K, H, W) bool — a vehicle or pedestrian
    predicted in the cell, drivable area (B, H, W) bool from the encoder's semantics); None without a world model."""
    if out["occupancy"] is None:
        return None
    return (out["occupancy"] > 0).any(dim=2), out["bev"].semantics[:, DRIVABLE] > 0
