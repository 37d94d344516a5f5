"""A teacher's choice taken apart (`reward_rows`), on a hand-built scene: a 32 × 32 grid at 1 m (row r ↔
x = 16 − r − 0.5, column c ↔ y = c − 16 + 0.5), two steps 0.5 s apart, the ego at 10 m/s. Three candidates:
straight ahead (c0), 5 m right (c1), 5 m left (c2), with imitation probabilities 0.7 / 0.2 / 0.1 — gaps
(0.36 and 1.25 in log) larger than anything TTC, EP and Comf can add once NC holds (log(8.75/12) = −0.32 at
worst with TTC 1 and EP ≥ 0.75), and a truck 9–11 m ahead in the lane of c0 only."""
from __future__ import annotations

import math

import pytest
import torch

from wpt_core.data.data_config import DataConfig
from wpt_core.data.labels import BevConfig
from wpt_core.evaluation.reward_rows import ROWS, reward_choices
from wpt_core.models.model_config import RewardRulesConfig
from wpt_core.models.policy import PlanOutput

DATA = DataConfig(bev=BevConfig(32.0, 1.0), trajectory_hz=2.0, horizon_s=1.0)
WEIGHTS = (1.0, 1.0, 1.0, 1.0)
CANDIDATES = torch.tensor([[[[5.0, 0.0], [10.0, 0.0]], [[5.0, 5.0], [10.0, 5.0]], [[5.0, -5.0], [10.0, -5.0]]]])
IMITATION = torch.log(torch.tensor([[0.7, 0.2, 0.1]]))
SIMULATION = torch.tensor([[0.0, -1.0, 0.5]])  # the learned head prefers c2
SPEED = torch.tensor([[10.0]])


def truck() -> torch.Tensor:
    """(1, 2, 32, 32) bool: the cells with centres at x ∈ [9, 11], y ∈ [−1, 1], at both steps."""
    raster = torch.zeros(1, 2, 32, 32, dtype=torch.bool)
    for r in range(32):
        for c in range(32):
            if 9.0 <= 16 - r - 0.5 <= 11.0 and -1.0 <= c - 16 + 0.5 <= 1.0:
                raster[:, :, r, c] = True
    return raster


def empty() -> torch.Tensor:
    return torch.zeros(1, 2, 32, 32, dtype=torch.bool)


def plan(world_occupancy) -> PlanOutput:
    reward = IMITATION + SIMULATION
    return PlanOutput(trajectory=CANDIDATES[:, 0], candidates=CANDIDATES, reward=reward, selected=reward.argmax(1),
                      reward_imitation=IMITATION, reward_simulation=SIMULATION, world_occupancy=world_occupancy,
                      world_drivable=None if world_occupancy is None else torch.ones(1, 32, 32, dtype=torch.bool))


def labels(occupancy: torch.Tensor) -> torch.Tensor:
    """(1, K, 2, H, W): the truck as a vehicle (channel 0)."""
    return torch.stack([occupancy, torch.zeros_like(occupancy)], dim=2)


def choices(world_occupancy, true_occupancy):
    out = reward_choices(plan(world_occupancy), labels(true_occupancy), torch.ones(1, 32, 32, dtype=torch.bool),
                         SPEED, DATA, RewardRulesConfig(), WEIGHTS)
    return {row: int(index) for row, index in out.items()}


def test_each_part_of_the_reward_picks_its_own_favourite():
    got = choices(empty(), truck())
    assert got["imitation_only"] == 0 and got["simulation_only"] == 2


def test_the_true_future_steers_the_rules_round_the_truck_the_prediction_missed():
    got = choices(empty(), truck())
    assert got["rules_predicted"] == 0  # nothing predicted: imitation's favourite, straight into the truck
    assert got["rules_true"] == 1        # c0 collides (log 1e-6 ≈ −13.8); c1 beats c2 on imitation


def test_a_truck_only_the_world_model_predicts_moves_only_the_predicted_row():
    got = choices(truck(), empty())
    assert got["rules_predicted"] == 1 and got["rules_true"] == 0


def test_without_a_world_model_there_is_no_predicted_row():
    got = choices(None, truck())
    assert set(got) == set(ROWS) - {"rules_predicted"} and got["rules_true"] == 1


def test_a_plan_without_reward_parts_is_refused():
    with pytest.raises(ValueError, match="teacher"):
        reward_choices(PlanOutput(CANDIDATES[:, 0]), labels(truck()), torch.ones(1, 32, 32, dtype=torch.bool),
                       SPEED, DATA, RewardRulesConfig(), WEIGHTS)

