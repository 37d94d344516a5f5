"""Checkpoints: save → load gives bit-identical outputs; a missing or extra key fails naming it and the file."""
from __future__ import annotations

import pytest
import torch

from wpt_core.config import to_dict
from wpt_core.models.checkpoint import CheckpointError, load_model, read_checkpoint, save_checkpoint
from wpt_core.models.world_system import WorldModelSystem


@pytest.fixture()
def saved(tmp_path, tiny_profile, tiny_batch):
    torch.manual_seed(0)
    model = WorldModelSystem(tiny_profile.model, tiny_profile.data)
    model(tiny_batch)  # one training-mode pass: BatchNorm running statistics are part of the state
    path = tmp_path / "wm.pt"
    save_checkpoint(path, "world_model", model, to_dict(tiny_profile), step=7)
    return path, model.eval()


def test_save_load_gives_bit_identical_outputs(saved, tiny_batch):
    path, model = saved
    loaded, payload = load_model(path, kind="world_model")
    assert payload["step"] == 7 and payload["format_version"] == 1 and payload["kind"] == "world_model"
    assert payload["normalisation"]["image_mean"] == [0.485, 0.456, 0.406]
    assert loaded is not model and not loaded.training
    with torch.no_grad():
        a, b = model(tiny_batch), loaded(tiny_batch)
    assert torch.equal(a["occupancy"], b["occupancy"]) and torch.equal(a["bev"].semantics, b["bev"].semantics)
    assert torch.equal(a["future_features"], b["future_features"])


@pytest.mark.parametrize("change", ["missing", "extra"])
def test_a_missing_or_extra_key_is_named(saved, change):
    path, _ = saved
    payload = read_checkpoint(path)
    if change == "missing":
        del payload["state_dict"]["world_model.cell.gates.weight"]
        expected = "missing key 'world_model.cell.gates.weight'"
    else:
        payload["state_dict"]["encoder.extra_head.bias"] = torch.zeros(3)
        expected = "unexpected key 'encoder.extra_head.bias'"
    torch.save(payload, path)
    with pytest.raises(CheckpointError) as err:
        load_model(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_wrong_kind_and_foreign_files_are_refused(saved, tmp_path):
    path, _ = saved
    with pytest.raises(CheckpointError, match="expected 'teacher'"):
        load_model(path, kind="teacher")
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": 1}, foreign)
    with pytest.raises(CheckpointError, match="not a wpt checkpoint"):
        load_model(foreign)
