"""A teacher's choice taken apart: the candidate each part of its reward, and the exact rules, would select.

The teacher executes argmax(imitation part + simulation part). When its plans are poor while its candidate set
holds a good one (the `oracle` row), the fault is in the choice; these rows say whose:

  * `imitation_only`  — argmax of the imitation part alone (how well the head imitates the expert);
  * `simulation_only` — argmax of the simulation part alone (what the learned safety / progress scores prefer);
  * `rules_predicted` — the imitation part + the rules' exact sub-scores on the world model's predicted future:
    the simulation head's own training target, so the gap to the `plan` row is the head's fitting error;
  * `rules_true`      — the same on the true future (the occupancy and drivable labels): a perfect world model,
    so the gap to `rules_predicted` is the world model's error.

The rules' 0/1 sub-scores enter the same PDM log form as the head's probabilities (`simulation_part`), 0 as
log 1e-6: a candidate that collides loses against any that does not, whatever its imitation score.
"""
from __future__ import annotations

from typing import Dict, Tuple

import torch

from wpt_core.data.data_config import DataConfig
from wpt_core.models.model_config import RewardRulesConfig
from wpt_core.models.policy import PlanOutput
from wpt_core.models.reward_model import simulation_part
from wpt_core.models.reward_rules import sub_scores

ROWS = {"imitation_only": "imitation head alone", "simulation_only": "simulation head alone",
        "rules_predicted": "imitation head + exact rules on the predicted future",
        "rules_true": "imitation head + exact rules on the true future"}
LOG_FLOOR = 1e-6


def rule_reward(imitation: torch.Tensor, candidates: torch.Tensor, occupancy: torch.Tensor, drivable: torch.Tensor,
                speed: torch.Tensor, data: DataConfig, rules: RewardRulesConfig,
                weights: Tuple[float, float, float, float]) -> torch.Tensor:
    """(B, N): the imitation part plus the PDM log form of the rules' sub-scores in the given world."""
    scores = sub_scores(candidates, occupancy, drivable, speed, 1.0 / data.trajectory_hz, data.bev.resolution_m, rules)
    log = {name: torch.log(scores[name].clamp(min=LOG_FLOOR)) for name in ("nc", "dac")}
    return imitation + simulation_part(log["nc"], log["dac"], scores, weights)


def reward_choices(out: PlanOutput, true_occupancy: torch.Tensor, true_drivable: torch.Tensor, speed: torch.Tensor,
                   data: DataConfig, rules: RewardRulesConfig,
                   weights: Tuple[float, float, float, float]) -> Dict[str, torch.Tensor]:
    """The (B,) candidate index of each row of ROWS (`rules_predicted` only where the teacher has a world model).
    true_occupancy (B, K, 2, H, W) bool labels, true_drivable (B, H, W) bool, speed (B, 1)."""
    if out.candidates is None or out.reward_imitation is None or out.reward_simulation is None:
        raise ValueError("reward_choices needs a teacher's plan (candidates and both reward parts)")
    worlds = {"rules_true": (true_occupancy.any(dim=2), true_drivable)}
    if out.world_occupancy is not None and out.world_drivable is not None:
        worlds = {"rules_predicted": (out.world_occupancy, out.world_drivable), **worlds}
    choices = {"imitation_only": out.reward_imitation.argmax(dim=1),
               "simulation_only": out.reward_simulation.argmax(dim=1)}
    for row, (occupancy, drivable) in worlds.items():
        choices[row] = rule_reward(out.reward_imitation, out.candidates, occupancy, drivable, speed, data, rules,
                                   weights).argmax(dim=1)
    return choices
