"""Run under `torchrun --nproc_per_node 2`: one optimiser step of the world-model stage on CPU (gloo); every
rank saves its replica's parameters to OUT/rank<RANK>.pt for the test to compare."""
import os
import sys
from pathlib import Path

import torch

from wpt_core.training.datasets import open_datasets
from wpt_core.training.profile import load_profile
from wpt_core.training.trainer import fit
from wpt_core.training.world_model_stage import WorldModelTraining

if __name__ == "__main__":
    profile_file, data_dir, out_dir = sys.argv[1:4]
    profile = load_profile(config_file=profile_file, overrides=["train.steps=1", "train.val_batches=1"])
    train_set, val_set, _ = open_datasets(profile.data, Path(out_dir), data_dir=Path(data_dir))
    _, model = fit(WorldModelTraining(profile), profile, train_set, val_set, Path(out_dir))
    torch.save(model.state_dict(), Path(out_dir) / f"rank{os.environ['RANK']}.pt")
