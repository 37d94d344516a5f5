"""Teacher and reward model on the tiny config: vocabulary k-means (deterministic, save → load round trip),
the soft imitation target, the selection is the reward's argmax, frozen encoder + world model."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from wpt_core.config import to_dict
from wpt_core.models.checkpoint import save_checkpoint
from wpt_core.models.policy import INPUT_KEYS, load_policy
from wpt_core.models.reward_model import reward_parts, soft_imitation_target
from wpt_core.models.teacher import Teacher, future_indices
from wpt_core.models.vocabulary import kmeans_vocabulary


def inputs(batch):
    return {k: batch[k] for k in INPUT_KEYS}


def test_kmeans_finds_separated_clusters_and_is_deterministic():
    rng = np.random.default_rng(3)
    centres = np.array([[[2.0, 0.0], [4.0, 0.0]], [[2.0, 2.0], [3.0, 5.0]], [[0.0, 0.0], [0.0, 0.0]]])
    data = np.concatenate([c + rng.normal(0, 0.01, (20, 2, 2)) for c in centres])
    valid = np.ones(data.shape[:2], bool)
    valid[0, 1] = False  # a padded trajectory is left out
    vocab = kmeans_vocabulary(data, valid, 3, seed=0)
    found = sorted(vocab.reshape(3, -1).round(1).tolist())
    assert found == sorted(centres.reshape(3, -1).round(1).tolist())
    assert np.array_equal(vocab, kmeans_vocabulary(data, valid, 3, seed=0))
    with pytest.raises(ValueError, match="fewer than"):
        kmeans_vocabulary(data[:2], valid[:2], 3, seed=0)


def test_soft_imitation_target_favours_the_nearest_candidate():
    expert = torch.tensor([[[1.0, 0.0], [2.0, 0.0]]])
    cands = torch.tensor([[[[1.0, 3.0], [2.0, 3.0]], [[1.0, 0.5], [2.0, 0.5]], [[1.0, 1.0], [2.0, 1.0]]]])
    target = soft_imitation_target(cands, expert, torch.ones(1, 2, dtype=torch.bool), tau=1.0)
    expected = torch.softmax(torch.tensor([-3.0, -0.5, -1.0]), 0)  # d_i = 3, 0.5, 1 by hand
    assert torch.allclose(target[0], expected) and int(target.argmax()) == 1


def test_reward_parts_are_the_pdm_log_form():
    logits = {"imitation": torch.tensor([[0.0, 0.0]]),
              "simulation": torch.tensor([[[20.0, 20.0, 20.0, 20.0, 20.0], [20.0, -20.0, 0.0, 0.0, 0.0]]])}
    im, sim = reward_parts(logits, (1.0, 1.0, 1.0, 1.0))
    assert torch.allclose(im, torch.log(torch.tensor([[0.5, 0.5]])))
    assert abs(float(sim[0, 0])) < 1e-6  # every sub-score ≈ 1
    assert float(sim[0, 1]) < -19.0  # DAC ≈ 0 dominates


@pytest.fixture(scope="module")
def teacher(tiny_profile):
    torch.manual_seed(0)
    model = Teacher(tiny_profile.model, tiny_profile.data)
    k = tiny_profile.data.future_steps
    anchors = torch.stack([torch.stack([torch.linspace(1, k, k) * s, torch.full((k,), lat)], -1)
                           for s in (0.0, 1.0, 2.0, 3.0) for lat in (-1.0, 1.0)])
    model.set_vocabulary(anchors)
    return model


def test_selection_is_the_reward_argmax(teacher, tiny_batch, tiny_profile):
    out = teacher.eval().plan(inputs(tiny_batch))
    n, k = tiny_profile.model.teacher.anchors, tiny_profile.data.future_steps
    assert out.candidates.shape == (4, n, k, 2) and out.reward.shape == (4, n)
    assert torch.equal(out.selected, out.reward.argmax(dim=1))
    for b in range(4):
        assert torch.equal(out.trajectory[b], out.candidates[b, int(out.selected[b])])
    assert torch.allclose(out.reward, out.reward_imitation + out.reward_simulation)
    cells = int(tiny_profile.data.bev.size_m / tiny_profile.data.bev.resolution_m)
    assert out.world_occupancy.shape == (4, k, cells, cells) and out.world_occupancy.dtype == torch.bool
    assert out.world_drivable.shape == (4, cells, cells) and out.world_drivable.dtype == torch.bool


def test_encoder_and_world_model_are_frozen(teacher, tiny_batch):
    teacher.train()
    assert not teacher.system.training and not teacher.system.encoder.training
    assert all(not p.requires_grad for p in teacher.system.parameters())
    before = {k: v.clone() for k, v in teacher.system.state_dict().items()}
    out = teacher(inputs(tiny_batch))
    (out["candidates"].sum() + out["reward"].sum() + out["coarse"].sum()).backward()
    assert all(p.grad is None for p in teacher.system.parameters())
    assert teacher.decoder.trajectory[-1].weight.grad is not None
    assert teacher.reward.imitation_head.weight.grad is not None
    for k, v in teacher.system.state_dict().items():
        assert torch.equal(v, before[k]), k  # BatchNorm statistics did not move
    teacher.zero_grad(set_to_none=True)


def test_vocabulary_round_trip_and_the_ablation(teacher, tiny_profile, tiny_batch, tmp_path):
    path = tmp_path / "teacher.pt"
    save_checkpoint(path, "teacher", teacher, to_dict(tiny_profile), step=1)
    loaded, payload = load_policy(path)
    assert payload["kind"] == "teacher" and torch.equal(loaded.anchors, teacher.anchors)
    assert torch.equal(loaded.plan(inputs(tiny_batch)).reward, teacher.eval().plan(inputs(tiny_batch)).reward)
    ablation = dataclasses.replace(tiny_profile.model, teacher=dataclasses.replace(
        tiny_profile.model.teacher, use_world_model=False))
    out = Teacher(ablation, tiny_profile.data).eval()(inputs(tiny_batch))
    assert out["occupancy"] is None and out["candidates"].shape == (4, 8, tiny_profile.data.future_steps, 2)
    assert future_indices(6, 4) == [0, 2, 3, 5] and future_indices(3, 2) == [0, 2] and future_indices(6, 1) == [5]
