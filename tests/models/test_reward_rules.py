"""Reward rules on hand-built scenes: 32×32 grid at 1 m (row r ↔ x = 16 − r − 0.5, column c ↔ y = c − 16 + 0.5),
two steps 0.5 s apart, a 4.5 × 2 m ego box; expected values worked out by hand from the rules."""
from __future__ import annotations

import math

import torch

from wpt_core.models.model_config import RewardRulesConfig
from wpt_core.models.reward_rules import comfort, progress, sub_scores

RULES = RewardRulesConfig()
DT, RES = 0.5, 1.0


def grid() -> torch.Tensor:
    return torch.zeros(1, 32, 32, dtype=torch.bool)


def cells(raster: torch.Tensor, x: tuple, y: tuple) -> torch.Tensor:
    """Mark the cells whose centres lie in x × y (metres, ego frame)."""
    for r in range(32):
        for c in range(32):
            cx, cy = 16 - r - 0.5, c - 16 + 0.5
            if x[0] <= cx <= x[1] and y[0] <= cy <= y[1]:
                raster[..., r, c] = True
    return raster


def scores(cands, occupancy=None, drivable=None, speed=0.0):
    occupancy = torch.zeros(1, 2, 32, 32, dtype=torch.bool) if occupancy is None else occupancy
    drivable = torch.ones(1, 32, 32, dtype=torch.bool) if drivable is None else drivable
    return sub_scores(torch.tensor([cands], dtype=torch.float32), occupancy, drivable, torch.tensor([[speed]]),
                      DT, RES, RULES)


def test_a_candidate_through_a_box_collides_one_beside_it_does_not():
    box = cells(torch.zeros(1, 2, 32, 32, dtype=torch.bool), (9.0, 11.0), (-1.0, 1.0))  # both steps
    s = scores([[[5.0, 0.0], [10.0, 0.0]],      # ends inside the box
                [[5.0, 6.0], [10.0, 8.0]]], box)  # passes 5 m to the right: its box spans y 7..9
    assert s["nc"].tolist() == [[0.0, 1.0]]


def test_leaving_the_drivable_area():
    road = cells(grid(), (-16.0, 16.0), (-3.0, 3.0))  # |y| <= 2.5 centres: the band y in [-3, 3)
    s = scores([[[5.0, 0.0], [10.0, 0.0]], [[5.0, 2.0], [10.0, 5.0]]], drivable=road)
    assert s["dac"].tolist() == [[1.0, 0.0]]


def test_ttc_of_a_closing_pair_and_an_opening_one():
    ahead = cells(torch.zeros(1, 2, 32, 32, dtype=torch.bool), (11.0, 13.0), (-1.0, 1.0))
    behind = cells(torch.zeros(1, 2, 32, 32, dtype=torch.bool), (-13.0, -11.0), (-1.0, 1.0))
    # 8 m/s towards a box whose cells cover x in [10.5, 13.5): at step 2 the centre is at 8, the front at
    # 10.25 — no contact (NC 1); extended 0.5 s at 8 m/s the centre is at 12, inside the box → TTC 0
    fast = [[4.0, 0.0], [8.0, 0.0]]
    s = scores([fast], ahead)
    assert s["nc"].tolist() == [[1.0]] and s["ttc"].tolist() == [[0.0]]
    s = scores([fast], behind)  # driving away from the box behind: no collision now or ahead
    assert s["nc"].tolist() == [[1.0]] and s["ttc"].tolist() == [[1.0]]
    slow = [[1.0, 0.0], [2.0, 0.0]]  # 2 m/s: extended 1 s, the front reaches 4 + 2.25 = 6.25 < 10.5: TTC 1
    assert scores([slow], ahead)["ttc"].tolist() == [[1.0]]


def test_progress_is_normalised_by_the_best_candidate_above_five_metres():
    two = torch.tensor([[[[5.0, 0.0], [10.0, 0.0]], [[2.5, 0.0], [5.0, 0.0]]]])
    assert progress(two, RULES).tolist() == [[1.0, 0.5]]
    short = torch.tensor([[[[2.0, 0.0], [4.0, 0.0]], [[1.0, 0.0], [2.0, 0.0]]]])
    assert progress(short, RULES).tolist() == [[1.0, 1.0]]  # best 4 m < 5 m: no normalisation


def test_comfort_thresholds():
    def comf(cands, speed):
        return comfort(torch.tensor([cands]), torch.tensor([[speed]]), DT, RULES).tolist()[0]

    assert comf([[[2.5, 0.0], [5.0, 0.0]]], 5.0) == [1.0]  # constant 5 m/s
    assert comf([[[0.5, 0.0], [1.5, 0.0]]], 0.0) == [1.0]  # +2 m/s² from rest (limit 2.40)
    assert comf([[[0.75, 0.0], [2.25, 0.0]]], 0.0) == [0.0]  # +3 m/s²
    assert comf([[[2.5, 0.0], [5.0, 0.0]]], 10.0) == [0.0]  # 10 → 5 m/s in 0.5 s: −10 m/s² (limit −4.05)
    r = 2.0  # a quarter circle in two steps: headings 22.5° then 67.5°, the second yaw rate 1.57 rad/s > 0.95
    turn = [[r * math.sin(math.pi / 4), r * (1 - math.cos(math.pi / 4))], [r, r]]
    assert comf([turn], 0.0) == [0.0]
