"""`sample_batch` builds exactly the batch of 1 a DataLoader collates from the same sample (what a policy reads)."""
from __future__ import annotations

import torch
from torch.utils.data import DataLoader, Subset

from wpt_core.data.dataset import find_clips, raw_dataset
from wpt_core.models.policy import INPUT_KEYS, policy_inputs, sample_batch


def test_sample_batch_equals_the_dataloader_batch_of_one(learning_clips, tiny_profile):
    dataset = raw_dataset(learning_clips, tiny_profile.data, [find_clips(learning_clips)[0].name])
    loaded = next(iter(DataLoader(Subset(dataset, [3]), batch_size=1)))
    built = sample_batch(dataset[3], "cpu")
    assert set(built) == set(INPUT_KEYS)  # labels stay behind
    for key in INPUT_KEYS:
        assert built[key].dtype == loaded[key].dtype and torch.equal(built[key], loaded[key]), key
    assert built["command"].shape == (1,) and built["speed"].shape == (1, 1)
    assert set(policy_inputs(loaded, "cpu")) == set(INPUT_KEYS)
