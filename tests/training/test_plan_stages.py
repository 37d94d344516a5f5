"""The planning stages on a fixed tiny batch: the student's gradients reach it through the frozen reward
model while the frozen modules get none; every loss term falls in a few steps; student and baseline start
from identical weights; the teacher's rule targets come from the chosen occupancy source."""
from __future__ import annotations

import dataclasses

import pytest
import torch

from wpt_core.models.teacher import Teacher
from wpt_core.models.world_system import WorldModelSystem
from wpt_core.training.distill_stage import DistillTraining
from wpt_core.training.plan_losses import masked_l1
from wpt_core.training.teacher_stage import TeacherTraining


class Samples:
    """A dataset view of the fixed batch (the vocabulary reads samples)."""

    def __init__(self, batch):
        self.batch = batch

    def __len__(self):
        return len(self.batch["trajectory"]) * 4

    def __getitem__(self, i):
        j = i % len(self.batch["trajectory"])
        noise = 0.1 * (i // len(self.batch["trajectory"]))
        return {"trajectory": self.batch["trajectory"][j].numpy() + noise,
                "trajectory_valid": torch.ones_like(self.batch["trajectory_valid"][j]).numpy()}


def profile_with(tiny_profile, **loss):
    student = dataclasses.replace(tiny_profile.student, loss=dataclasses.replace(tiny_profile.student.loss, **loss))
    return dataclasses.replace(tiny_profile, student=student)


@pytest.fixture(scope="module")
def teacher_setup(tiny_profile, tiny_batch):
    torch.manual_seed(0)
    system = WorldModelSystem(tiny_profile.model, tiny_profile.data).eval()
    stage = TeacherTraining(tiny_profile, system, Samples(tiny_batch))
    torch.manual_seed(0)
    return stage, stage.build_model(), system


def steps(stage, model, batch, n, lr=3e-3):
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr)
    history = []
    for _ in range(n):
        model.train()
        loss, metrics = stage.loss(model, batch)
        history.append(metrics)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return history


def test_teacher_losses_fall_on_a_fixed_batch(teacher_setup, tiny_batch):
    stage, model, _ = teacher_setup
    history = steps(stage, model, tiny_batch, 10, lr=5e-3)
    for name in ("coarse", "candidates", "imitation", "simulation"):
        assert history[-1][name] < history[0][name], (name, history[0][name], history[-1][name])


def test_rule_targets_follow_the_occupancy_source(teacher_setup, tiny_batch, tiny_profile):
    stage, model, _ = teacher_setup
    out = model.eval()(tiny_batch)
    gt = TeacherTraining.__new__(TeacherTraining)
    gt.profile = dataclasses.replace(tiny_profile, teacher=dataclasses.replace(tiny_profile.teacher,
                                                                               occupancy_source="ground_truth"))
    predicted, labels = stage.rule_targets(out, tiny_batch), gt.rule_targets(out, tiny_batch)
    assert predicted.shape == labels.shape == out["candidates"].shape[:2] + (5,)
    assert ((predicted == 0) | (predicted == 1))[..., [0, 1, 2, 4]].all()
    assert not torch.equal(predicted, labels)  # an untrained world model predicts another world than the labels


def test_student_gets_gradients_through_the_frozen_reward_model(teacher_setup, tiny_batch, tiny_profile):
    _, teacher, system = teacher_setup
    frozen = Teacher(tiny_profile.model, tiny_profile.data)
    frozen.load_state_dict(teacher.state_dict())
    only_reward = profile_with(tiny_profile, imitation=0.0, query=0.0, reward_imitation=1.0, reward_simulation=1.0)
    stage = DistillTraining(only_reward, system.encoder, frozen)
    student = stage.build_model().train()
    loss, _ = stage.loss(student, tiny_batch)
    loss.backward()
    assert student.decoder.trajectory[-1].weight.grad is not None
    assert float(student.decoder.trajectory[-1].weight.grad.abs().sum()) > 0
    assert all(p.grad is None for p in frozen.parameters()) and not frozen.training
    assert student.query.grad is not None  # through the trajectory, not the (switched-off) query term


def test_every_student_loss_falls_and_the_baseline_starts_identical(teacher_setup, tiny_batch, tiny_profile):
    _, teacher, system = teacher_setup
    stage = DistillTraining(profile_with(tiny_profile, reward_imitation=1.0, reward_simulation=1.0),
                            system.encoder, teacher)
    torch.manual_seed(0)
    student = stage.build_model()
    baseline_stage = DistillTraining(tiny_profile, system.encoder)
    torch.manual_seed(0)
    baseline = baseline_stage.build_model()
    assert stage.kind == "student" and baseline_stage.kind == "baseline"
    for k, v in student.state_dict().items():
        assert torch.equal(v, baseline.state_dict()[k]), k
    history = steps(stage, student, tiny_batch, 8, lr=5e-3)
    for name in ("imitation", "query"):
        assert history[-1][name] < history[0][name], (name, history[0][name], history[-1][name])
    for name in ("reward_imitation", "reward_simulation"):  # hinge terms: fall, or are already at zero
        assert history[-1][name] < history[0][name] or history[0][name] == 0.0, name
    base_history = steps(baseline_stage, baseline, tiny_batch, 3)
    assert set(base_history[0]) == {"imitation"}
    assert base_history[-1]["imitation"] < base_history[0]["imitation"]


def test_masked_l1_ignores_invalid_waypoints():
    a = torch.tensor([[[1.0, 1.0], [9.0, 9.0]]])
    b = torch.zeros(1, 2, 2)
    assert float(masked_l1(a, b, torch.tensor([[True, False]]))) == 1.0


def test_startup_weight_weighs_only_standing_samples_whose_expert_drives_off():
    from wpt_core.training.plan_losses import startup_weights
    # sample 0 stands and the expert leaves (5 m): a start-up; sample 1 drives (speed 6 m/s)
    expert = torch.tensor([[[1.0, 0.0], [5.0, 0.0]], [[3.0, 0.0], [6.0, 0.0]]])
    valid = torch.ones(2, 2, dtype=torch.bool)
    speed = torch.tensor([[0.0], [6.0]])
    weights = startup_weights(4.0, speed, expert, valid)
    assert weights.tolist() == [4.0, 1.0]
    assert startup_weights(1.0, speed, expert, valid) is None
    plan = expert.clone()
    plan[0] += 1.0          # error 1 per coordinate on the start-up, 0 on the other sample
    # weighted mean over 2 samples x 4 coordinates: (4 * 4 * 1) / (4 * 4 + 1 * 4) = 0.8 (unweighted: 0.5)
    assert float(masked_l1(plan, expert, valid, weights)) == pytest.approx(0.8)
    assert float(masked_l1(plan, expert, valid)) == pytest.approx(0.5)
