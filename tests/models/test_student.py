"""The student / baseline policy: shapes, one trajectory only, encoder initialised from the world model's,
checkpoint round trip through load_policy for both kinds."""
from __future__ import annotations

import dataclasses

import pytest
import torch

from wpt_core.config import to_dict
from wpt_core.models.checkpoint import CheckpointError, save_checkpoint
from wpt_core.models.model_config import BackboneConfig
from wpt_core.models.policy import INPUT_KEYS, load_policy
from wpt_core.models.student import Student
from wpt_core.models.world_system import WorldModelSystem


def inputs(batch):
    return {k: batch[k] for k in INPUT_KEYS}


def test_student_plans_one_trajectory_from_inputs_only(tiny_profile, tiny_batch):
    torch.manual_seed(0)
    student = Student(tiny_profile.model, tiny_profile.data).eval()
    out = student.plan(inputs(tiny_batch))
    assert out.trajectory.shape == (4, tiny_profile.data.future_steps, 2)
    assert out.candidates is None and out.reward is None and out.selected is None
    assert student.data == tiny_profile.data


def test_encoder_copied_from_the_world_model(tiny_profile):
    torch.manual_seed(0)
    system = WorldModelSystem(tiny_profile.model, tiny_profile.data)
    torch.manual_seed(1)
    student = Student(tiny_profile.model, tiny_profile.data)
    copied = student.init_encoder_from(system.encoder)
    assert copied == len(system.encoder.state_dict())
    for k, v in system.encoder.state_dict().items():
        assert torch.equal(student.encoder.state_dict()[k], v), k
    # another backbone: the backbone starts fresh, the rest that fits is copied
    other = dataclasses.replace(tiny_profile.model, student=dataclasses.replace(
        tiny_profile.model.student, backbone=BackboneConfig(widths=(4, 8, 8, 16), blocks=(1, 1, 1, 1))))
    light = Student(other, tiny_profile.data)
    n = light.init_encoder_from(system.encoder)
    assert 0 < n < copied
    assert torch.equal(light.encoder.state_dict()["bev_net.0.body.0.weight"],
                       system.encoder.state_dict()["bev_net.0.body.0.weight"])


@pytest.mark.parametrize("kind", ["student", "baseline"])
def test_checkpoint_round_trip_through_load_policy(kind, tiny_profile, tiny_batch, tmp_path):
    torch.manual_seed(0)
    student = Student(tiny_profile.model, tiny_profile.data)
    student(inputs(tiny_batch))  # BatchNorm statistics move: they are part of the state
    path = tmp_path / f"{kind}.pt"
    save_checkpoint(path, kind, student, to_dict(tiny_profile), step=3)
    loaded, payload = load_policy(path)
    assert payload["kind"] == kind and isinstance(loaded, Student) and not loaded.training
    assert torch.equal(loaded.plan(inputs(tiny_batch)).trajectory, student.eval().plan(inputs(tiny_batch)).trajectory)


def test_world_model_checkpoint_is_not_a_policy(tiny_profile, tmp_path):
    path = tmp_path / "wm.pt"
    save_checkpoint(path, "world_model", WorldModelSystem(tiny_profile.model, tiny_profile.data),
                    to_dict(tiny_profile), step=1)
    with pytest.raises(CheckpointError, match="not a driving policy"):
        load_policy(path)


def test_speed_dropout_zeroes_the_speed_in_training_only():
    from wpt_core.config import ConfigError
    from wpt_core.models.plan_decoder import EgoEmbedding

    torch.manual_seed(0)
    ego = EgoEmbedding(8, speed_dropout=1.0)
    target, command = torch.tensor([[5.0, 1.0]]), torch.tensor([0])
    moving, standing = torch.tensor([[7.0]]), torch.tensor([[0.0]])
    ego.train()
    assert torch.equal(ego(moving, target, command), ego(standing, target, command))  # always dropped
    ego.eval()
    assert not torch.allclose(ego(moving, target, command), ego(standing, target, command))  # never dropped
    half = EgoEmbedding(8, speed_dropout=0.5).train()
    kept = half(torch.full((4000, 1), 7.0), target.expand(4000, 2), command.expand(4000))
    reference = half.eval()(torch.tensor([[0.0]]), target, command)
    dropped = torch.isclose(kept, reference).all(dim=1).float().mean()
    assert 0.45 < float(dropped) < 0.55
    with pytest.raises(ConfigError, match="speed_dropout"):
        EgoEmbedding(8, speed_dropout=1.5)
