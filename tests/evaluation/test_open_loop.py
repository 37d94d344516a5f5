"""Open-loop metrics: hand-computed L2, collisions and masking; `wpt eval open-loop` end to end on the synthetic
clips with hand-computable toy policies (raw clips and the feature cache agree); bad input is one line, exit 2."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch

from toy_policies import build_toy, save_toy
from wpt_core.cli import main
from wpt_core.config import to_dict
from wpt_core.data.cache import build_cache
from wpt_core.data.dataset import find_clips
from wpt_core.data.labels import BevConfig
from wpt_core.evaluation.reward_rows import ROWS
from wpt_core.evaluation.open_loop import (StartupTotals, StepTotals, collisions, ego_footprint, l2_per_step,
                                           oracle_index, report_seconds)
from wpt_core.models.startups import last_valid_point
from wpt_core.models.checkpoint import BUILDERS, build_model, save_checkpoint
from wpt_core.models.teacher import Teacher
from wpt_core.training.profile import load_profile

GRID = BevConfig(8.0, 1.0)  # 8 × 8 cells; row r ↔ x = 3.5 − r, column c ↔ y = c − 3.5


def occupied(*cells_xy):
    """(1, K, 2, 8, 8) vehicle occupancy with one cell per step at the given ego-frame (x, y) (None: empty)."""
    occ = torch.zeros(1, len(cells_xy), 2, 8, 8, dtype=torch.bool)
    for k, xy in enumerate(cells_xy):
        if xy is not None:
            occ[0, k, 0, int(3.5 - xy[0]), int(xy[1] + 3.5)] = True
    return occ


def test_a_plan_offset_by_one_metre_laterally_has_l2_exactly_one():
    expert = torch.tensor([[[2.0, 0.0], [4.5, 0.25], [7.0, -0.5]]])  # exact in binary: exactly 1
    assert torch.equal(l2_per_step(expert + torch.tensor([0.0, 1.0]), expert), torch.ones(1, 3))


def test_a_plan_through_an_occupied_cell_collides_only_at_that_step():
    plan = torch.tensor([[[1.0, 0.0], [3.0, 0.0]]])  # heading 0: the box spans x ± 2.45, y ± 1.05
    occ = occupied((-3.5, -3.5), (3.5, 0.5))          # far away at step 0; inside the box at step 1
    assert collisions(plan, occ, GRID).tolist() == [[False, True]]
    assert collisions(plan + torch.tensor([0.0, -2.0]), occ, GRID).tolist() == [[False, False]]  # 2 m left of it


def test_the_ego_box_turns_with_the_direction_of_travel():
    sideways = torch.tensor([[[0.0, 3.0]]])  # heading 90°: the box spans x ± 1.05, y 3 ± 2.45
    assert collisions(sideways, occupied((0.5, 3.5)), GRID).tolist() == [[True]]
    assert collisions(sideways, occupied((1.5, 3.5)), GRID).tolist() == [[False]]  # inside an unturned box
    cells = ego_footprint(sideways, GRID)[0, 0]
    assert int(cells.sum()) == 3 * 2  # columns y ∈ {1.5, 2.5, 3.5} (the grid ends at 4 m) × rows x ∈ {−0.5, 0.5}


def test_a_standing_plan_keeps_its_heading():
    plan = torch.tensor([[[0.0, 3.0], [0.0, 3.0]]])  # moves right, then stands: still turned 90°
    assert collisions(plan, occupied(None, (1.5, 3.5)), GRID).tolist() == [[False, False]]


def test_invalid_steps_count_for_nothing_in_either_convention():
    totals = StepTotals(2)
    l2 = torch.tensor([[1.0, 3.0], [2.0, 5.0]])
    hit = torch.tensor([[False, True], [True, True]])
    totals.add(l2, hit, torch.tensor([[True, True], [True, False]]))
    out = totals.summary([0, 1])
    assert out["valid_steps"] == [2, 1]
    assert out["l2_per_step"] == [1.5, 3.0] and out["l2_at"] == [1.5, 3.0]
    assert out["l2_mean_to"] == [1.5, 2.0]          # (1 + 2 + 3) / 3: the masked 5.0 is not in it
    assert out["l2_at_avg"] == 2.25 and out["l2_mean_to_avg"] == 1.75
    assert out["collision_at"] == [0.5, 1.0] and out["collision_mean_to"] == [0.5, round(2 / 3, 4)]


def test_last_valid_point_is_the_point_of_the_last_valid_step_or_the_origin():
    traj = torch.tensor([[[1.0, 0.0], [2.0, 0.0], [9.0, 9.0]], [[5.0, 1.0], [6.0, 1.0], [7.0, 1.0]]])
    valid = torch.tensor([[True, True, False], [False, False, False]])
    assert last_valid_point(traj, valid).tolist() == [[2.0, 0.0], [0.0, 0.0]]


def test_startups_are_standing_samples_whose_expert_moves_over_three_metres():
    # sample 0 stands and the expert leaves (4 m): a start-up; 1 stands and stays (1 m); 2 moves (speed 5)
    expert = torch.tensor([[[1.0, 0.0], [4.0, 0.0]], [[0.5, 0.0], [1.0, 0.0]], [[5.0, 0.0], [10.0, 0.0]]])
    valid = torch.ones(3, 2, dtype=torch.bool)
    totals = StartupTotals()
    startup = totals.select(torch.tensor([[0.0], [0.2], [5.0]]), expert, valid)
    assert startup.tolist() == [True, False, False]
    copycat = torch.zeros(3, 2, 2)                       # stays put everywhere: moved 0, L2 4 at the start-up
    totals.add("plan", copycat, expert, valid, startup)
    totals.add("expert", expert, expert, valid, startup)
    summary = totals.summary()
    assert (summary["standing_samples"], summary["samples"]) == (2, 1)
    assert summary["rows"]["plan"] == {"moved_median_m": 0.0, "moved_over_start_m": 0.0, "l2_m": 4.0}
    assert summary["rows"]["expert"] == {"moved_median_m": 4.0, "moved_over_start_m": 1.0, "l2_m": 0.0}


def test_oracle_is_the_candidate_nearest_the_expert_on_valid_steps():
    expert = torch.zeros(1, 2, 2)
    candidates = torch.tensor([[[[0.0, 2.0], [0.0, 2.0]], [[0.0, 0.5], [0.0, 9.0]], [[0.0, 1.0], [0.0, 1.0]]]])
    assert oracle_index(candidates, expert, torch.tensor([[True, True]])).tolist() == [2]
    assert oracle_index(candidates, expert, torch.tensor([[True, False]])).tolist() == [1]


def test_report_seconds_are_label_timestamps(tiny_profile):
    assert report_seconds(tiny_profile.data) == [1.0]  # 2 Hz × 1.5 s
    assert report_seconds(load_profile("quick").data) == [1.0, 2.0, 3.0]


# --- end to end: the validation clips are route 3's two weathers (ego at 5.3 m/s, speedometer 5.0) -----------
GAIN = 5.3 / 5.0


@pytest.fixture()
def toys(monkeypatch):
    for kind in ("teacher", "student", "baseline"):
        monkeypatch.setitem(BUILDERS, kind, build_toy)


@pytest.fixture(scope="module")
def route3(learning_clips):
    return [p.name for p in find_clips(learning_clips) if "_Route3_" in p.name]


def run_eval(args, tmp_path, capsys):
    out = tmp_path / "report.json"
    assert main(["eval", "open-loop", *args, "--json", str(out), "--workers", "0"]) == 0
    return json.loads(out.read_text()), capsys.readouterr().out


def test_student_report_hand_values_and_masking(toys, learning_clips, route3, tiny_profile, tmp_path, capsys):
    ckpt = save_toy(tmp_path / "student.pt", "student", tiny_profile, {"gain": 1.0, "offset_m": 1.0}, val=route3)
    report, printed = run_eval(["--checkpoint", str(ckpt), "--data", str(learning_clips)], tmp_path, capsys)
    # 2 clips × 35 samples (frames 5..39); step k (t = 0.5·(k+1) s) exists while frame + 5·(k+1) ≤ 39
    assert report["samples"] == 70 and report["future_s"] == [0.5, 1.0, 1.5] and report["seconds"] == [1.0]
    plan = report["rows"]["plan"]
    assert plan["valid_steps"] == [60, 50, 40]
    e = [math.hypot(0.3 * t, 1.0) for t in (0.5, 1.0, 1.5)]  # 0.3 m/s too slow, 1 m to the right
    assert plan["l2_per_step"] == pytest.approx(e, abs=1e-4)
    assert plan["l2_at"] == pytest.approx([e[1]], abs=1e-4)
    assert plan["l2_mean_to"] == pytest.approx([(60 * e[0] + 50 * e[1]) / 110], abs=1e-4)
    assert report["rows"]["expert"]["l2_per_step"] == [0.0, 0.0, 0.0]
    assert report["rows"]["constant_velocity"]["l2_per_step"] == pytest.approx([0.15, 0.3, 0.45], abs=1e-4)
    assert set(report["rows"]) == {"plan", "expert", "constant_velocity"}
    assert report["kind"] == "student" and report["step"] == 7
    assert "L2 (m)" in printed and "collision (%)" in printed and "mean_to 1s" in printed


def test_exact_plan_scores_as_the_expert_and_a_far_plan_never_collides(toys, learning_clips, route3,
                                                                        tiny_profile, tmp_path, capsys):
    exact = save_toy(tmp_path / "exact.pt", "baseline", tiny_profile, {"gain": GAIN, "offset_m": 0.0}, val=route3)
    report, _ = run_eval(["--checkpoint", str(exact), "--data", str(learning_clips)], tmp_path, capsys)
    rows = report["rows"]
    assert rows["plan"]["l2_per_step"] == pytest.approx([0.0] * 3, abs=1e-4)
    # the synthetic lead car (8 m ahead at 3 m/s, in the ego lane) is caught up with: the log itself overlaps it
    assert rows["expert"]["collision_per_step"][-1] > 0.0
    assert rows["plan"]["collision_per_step"] == rows["expert"]["collision_per_step"]
    far = save_toy(tmp_path / "far.pt", "baseline", tiny_profile, {"gain": GAIN, "offset_m": -12.0}, val=route3)
    report, _ = run_eval(["--checkpoint", str(far), "--data", str(learning_clips)], tmp_path, capsys)
    assert report["rows"]["plan"]["collision_per_step"] == [0.0, 0.0, 0.0]  # 12 m left: nothing ever there
    assert report["rows"]["plan"]["l2_per_step"] == pytest.approx([12.0] * 3, abs=1e-4)


def test_teacher_reports_selected_and_oracle_candidates(toys, learning_clips, route3, tiny_profile, tmp_path,
                                                        capsys):
    toy = {"gain": GAIN, "offsets_m": [2.0, -0.5, 1.0], "rewards": [0.0, 1.0, 5.0]}  # the reward picks +1 m
    ckpt = save_toy(tmp_path / "teacher.pt", "teacher", tiny_profile, toy, val=route3)
    report, printed = run_eval(["--checkpoint", str(ckpt), "--data", str(learning_clips)], tmp_path, capsys)
    assert report["rows"]["plan"]["l2_per_step"] == pytest.approx([1.0] * 3, abs=1e-4)
    assert report["rows"]["oracle"]["l2_per_step"] == pytest.approx([0.5] * 3, abs=1e-4)
    assert "\noracle " in printed and "\nselected " in printed and "\nplan " not in printed


def test_a_real_teacher_reports_its_choice_taken_apart(learning_clips, route3, tiny_profile, tmp_path, capsys):
    torch.manual_seed(0)
    teacher = Teacher(tiny_profile.model, tiny_profile.data)
    k = tiny_profile.data.future_steps
    teacher.set_vocabulary(torch.stack([torch.stack([torch.linspace(1, k, k) * s, torch.full((k,), lat)], -1)
                                        for s in (0.0, 1.0, 2.0, 3.0) for lat in (-1.0, 1.0)]))
    ckpt = tmp_path / "teacher.pt"
    save_checkpoint(ckpt, "teacher", teacher, to_dict(tiny_profile), step=3, extra={"split": {"val": route3}})
    report, printed = run_eval(["--checkpoint", str(ckpt), "--data", str(learning_clips), "--max-samples", "16"],
                               tmp_path, capsys)
    rows = report["rows"]
    assert set(rows) == {"plan", "oracle", "expert", "constant_velocity", *ROWS}
    total = {row: sum(v * n for v, n in zip(r["l2_per_step"], r["valid_steps"])) for row, r in rows.items()}
    for row in ("plan", *ROWS):  # the oracle is the least L2 over the same valid steps, sample by sample
        assert total[row] >= total["oracle"] - 1e-2, row
    assert "\nrules_true " in printed and "\nimitation_only " in printed


def test_cache_and_raw_clips_give_the_same_report(toys, learning_clips, route3, tiny_profile, tmp_path, capsys):
    cache = tmp_path / "cache"
    for name in route3:
        build_cache(learning_clips / name, cache, tiny_profile.data)
    ckpt = save_toy(tmp_path / "student.pt", "student", tiny_profile, {"gain": 1.0, "offset_m": 0.5}, val=route3)
    raw, _ = run_eval(["--checkpoint", str(ckpt), "--data", str(learning_clips)], tmp_path, capsys)
    cached, _ = run_eval(["--checkpoint", str(ckpt), "--cache", str(cache)], tmp_path, capsys)
    assert raw["rows"] == cached["rows"] and raw["samples"] == cached["samples"] == 70


@pytest.mark.parametrize("case,needle", [("no_split", "no validation split"), ("world_model", "not a driving policy"),
                                         ("missing", "checkpoint not found"), ("no_data", "no such data folder")])
def test_bad_input_is_one_line_and_exit_2(case, needle, toys, learning_clips, route3, tiny_profile, tmp_path,
                                          capsys):
    ckpt, data = tmp_path / "policy.pt", learning_clips
    if case == "no_split":
        save_toy(ckpt, "student", tiny_profile, {"gain": 1.0, "offset_m": 0.0})
    elif case == "world_model":
        config = to_dict(tiny_profile)
        save_checkpoint(ckpt, "world_model", build_model("world_model", config), config, step=1,
                        extra={"split": {"train": [], "val": route3}})
    elif case == "no_data":
        save_toy(ckpt, "student", tiny_profile, {"gain": 1.0, "offset_m": 0.0}, val=route3)
        data = tmp_path / "nowhere"
    assert main(["eval", "open-loop", "--checkpoint", str(ckpt), "--data", str(data)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and str(Path(ckpt if case != "no_data" else data)) in lines[0]
