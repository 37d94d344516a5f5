"""The trainer: the world-model loss falls on a fixed batch, a killed and resumed run ends with the weights of
an uninterrupted one, and a two-process torchrun (gloo, CPU) keeps the replicas identical after a step."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from wpt_core.models.checkpoint import read_checkpoint
from wpt_core.training.datasets import open_datasets
from wpt_core.training.trainer import fit, lr_factor
from wpt_core.training.world_model_stage import WorldModelTraining

HERE = Path(__file__).parent
TINY_PROFILE = HERE.parent / "fixtures" / "training" / "tiny.yaml"


def test_world_model_loss_falls_on_a_fixed_batch(tiny_profile, tiny_batch):
    stage = WorldModelTraining(tiny_profile)
    torch.manual_seed(0)
    model = stage.build_model()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(25):
        loss, terms = stage.loss(model, tiny_batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    assert set(terms) == {"occupancy", "semantics", "light", "depth"}
    assert losses[-1] < 0.7 * losses[0], losses[::5]


def test_learning_rate_warms_up_then_decays():
    assert lr_factor(0, 100, 10, 0.1) == pytest.approx(0.1) and lr_factor(9, 100, 10, 0.1) == 1.0
    assert lr_factor(55, 100, 10, 0.1) == pytest.approx(0.55) and lr_factor(100, 100, 10, 0.1) == pytest.approx(0.1)


class Killed(RuntimeError):
    pass


class KilledAtStep(WorldModelTraining):
    """The stage of a run that dies during its third optimiser step."""

    calls = 0

    def loss(self, model, batch):
        KilledAtStep.calls += 1
        if KilledAtStep.calls == 3:
            raise Killed("killed")
        return super().loss(model, batch)


def test_a_killed_and_resumed_run_reaches_the_same_weights(tiny_profile, learning_clips, tmp_path):
    def run(out: Path, stage_cls=WorldModelTraining, resume=False):
        train_set, val_set, _ = open_datasets(tiny_profile.data, out, data_dir=learning_clips, resume=resume)
        return fit(stage_cls(tiny_profile), tiny_profile, train_set, val_set, out, resume=resume)

    straight, _ = run(tmp_path / "straight")
    with pytest.raises(Killed):
        run(tmp_path / "killed", KilledAtStep)
    assert read_checkpoint(tmp_path / "killed" / "last.pt")["step"] == 2
    resumed, _ = run(tmp_path / "killed", resume=True)
    a, b = read_checkpoint(straight), read_checkpoint(resumed)
    assert a["step"] == b["step"] == 4
    assert a["state_dict"].keys() == b["state_dict"].keys()
    different = [k for k in a["state_dict"] if not torch.equal(a["state_dict"][k], b["state_dict"][k])]
    assert different == []
    assert (tmp_path / "killed" / "train.csv").read_text().count("\n") == 5  # header + 2 rows + 2 rows after resume


def test_two_process_torchrun_keeps_replicas_identical(tiny_profile, learning_clips, tmp_path):
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           str(HERE / "ddp_step.py"), str(TINY_PROFILE), str(learning_clips), str(tmp_path)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    r0, r1 = torch.load(tmp_path / "rank0.pt"), torch.load(tmp_path / "rank1.pt")
    params = [k for k in r0 if "running" not in k and "num_batches" not in k]
    assert [k for k in params if not torch.equal(r0[k], r1[k])] == []
    saved = read_checkpoint(tmp_path / "last.pt")
    assert saved["step"] == 1 and all(torch.equal(saved["state_dict"][k], r0[k]) for k in params)
    torch.manual_seed(0)  # the initial weights (the trainer seeds with train.seed = 0): one step moved them
    initial = WorldModelTraining(tiny_profile).build_model().state_dict()
    assert not torch.equal(initial["world_model.cell.gates.weight"], r0["world_model.cell.gates.weight"])


def test_train_steps_caps_the_stage_epochs(tiny_profile):
    import dataclasses

    from wpt_core.training.trainer import total_steps

    stage = dataclasses.replace(tiny_profile.world_model, epochs=2.0)
    uncapped = dataclasses.replace(tiny_profile, train=dataclasses.replace(tiny_profile.train, steps=None))
    assert total_steps(uncapped, stage, num_samples=100, world_size=1) == 50  # 2 × ⌈100 / 4⌉
    assert total_steps(uncapped, stage, num_samples=100, world_size=2) == 26  # 2 × ⌈100 / 8⌉
    capped = dataclasses.replace(uncapped, train=dataclasses.replace(uncapped.train, steps=7))
    assert total_steps(capped, stage, 100, 1) == 7
    loose = dataclasses.replace(uncapped, train=dataclasses.replace(uncapped.train, steps=1000))
    assert total_steps(loose, stage, 100, 1) == 50
