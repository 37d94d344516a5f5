"""The reward model: scores candidate trajectories in the predicted world.

A world encoder (transformer over the chosen future BEV feature maps pooled to tokens², CPU_BUDGET.md's
d 128 over 4×8² tokens), a trajectory encoder per candidate (MLP of the waypoints), one cross-attention layer
from each candidate to the world tokens, and two heads: imitation (one logit per candidate; r_im = softmax
over the candidate set) and simulation (one logit per sub-score of reward_rules.SUB_SCORES; r = sigmoid).

Combined reward, PDM-score log form: a1·log r_im + a2·log r_NC + a3·log r_DAC + a4·log((5 r_TTC + 5 r_EP +
2 r_Comf)/12). It is returned as its imitation part (a1·log r_im) and simulation part (the rest), because
world-reward distillation weights them separately.
"""
from __future__ import annotations

from typing import Dict, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from wpt_core.models.model_config import RewardModelConfig
from wpt_core.models.plan_decoder import POSITION_SCALE_M, BevTokens
from wpt_core.models.reward_rules import SUB_SCORES


class RewardModel(nn.Module):
    def __init__(self, config: RewardModelConfig, channels: int, steps: int, frames: int) -> None:
        super().__init__()
        self.config = config
        d = config.dim
        self.tokens = BevTokens(channels, d, config.tokens, frames)
        layer = nn.TransformerEncoderLayer(d, config.heads, 2 * d, dropout=0.0, batch_first=True, norm_first=True)
        self.world_encoder = nn.TransformerEncoder(layer, config.layers, enable_nested_tensor=False)
        self.trajectory_encoder = nn.Sequential(nn.Linear(steps * 2, d), nn.ReLU(inplace=True), nn.Linear(d, d))
        self.cross = nn.TransformerDecoderLayer(d, config.heads, 2 * d, dropout=0.0, batch_first=True, norm_first=True)
        self.imitation_head = nn.Linear(d, 1)
        self.simulation_head = nn.Linear(d, len(SUB_SCORES))

    def world(self, maps: Sequence[torch.Tensor]) -> torch.Tensor:
        """BEV feature maps (each (B, C, h, w)) → world tokens (B, M, dim)."""
        return self.world_encoder(self.tokens(maps))

    def forward(self, world: torch.Tensor, candidates: torch.Tensor) -> Dict[str, torch.Tensor]:
        """world (B, M, dim), candidates (B, N, K, 2) → imitation logits (B, N), simulation logits (B, N, 5)."""
        queries = self.trajectory_encoder(candidates.flatten(2) / POSITION_SCALE_M)
        scored = self.cross(queries, world)
        return {"imitation": self.imitation_head(scored)[..., 0], "simulation": self.simulation_head(scored)}


def reward_parts(logits: Dict[str, torch.Tensor],
                 weights: Tuple[float, float, float, float]) -> Tuple[torch.Tensor, torch.Tensor]:
    """(imitation part, simulation part) of the combined reward, each (B, N); the reward is their sum."""
    log_im = F.log_softmax(logits["imitation"], dim=1)
    sim = logits["simulation"]
    r = {name: torch.sigmoid(sim[..., i]) for i, name in enumerate(SUB_SCORES)}
    log_nc, log_dac = F.logsigmoid(sim[..., SUB_SCORES.index("nc")]), F.logsigmoid(sim[..., SUB_SCORES.index("dac")])
    return weights[0] * log_im, simulation_part(log_nc, log_dac, r, weights)


def simulation_part(log_nc: torch.Tensor, log_dac: torch.Tensor, scores: Dict[str, torch.Tensor],
                    weights: Tuple[float, float, float, float]) -> torch.Tensor:
    """a2·log NC + a3·log DAC + a4·log((5 TTC + 5 EP + 2 Comf)/12), each (B, N): the same formula for the
    simulation head's probabilities and for the rules' exact sub-scores (evaluation compares the two)."""
    _, a2, a3, a4 = weights
    weighted = (5 * scores["ttc"] + 5 * scores["ep"] + 2 * scores["comf"]) / 12
    return a2 * log_nc + a3 * log_dac + a4 * torch.log(weighted.clamp(min=1e-6))


def soft_imitation_target(candidates: torch.Tensor, expert: torch.Tensor, valid: torch.Tensor,
                          tau: float) -> torch.Tensor:
    """softmax(−d_i/τ) over the candidates, d_i the mean L2 distance of candidate i to the expert over the
    valid waypoints. candidates (B, N, K, 2), expert (B, K, 2), valid (B, K) → (B, N)."""
    return F.softmax(-trajectory_distance(candidates, expert, valid) / tau, dim=1)


def trajectory_distance(candidates: torch.Tensor, expert: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """(B, N) mean over valid waypoints of the L2 distance between each candidate and the expert."""
    d = (candidates - expert[:, None]).norm(dim=-1)
    mask = valid[:, None].float()
    return (d * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)
