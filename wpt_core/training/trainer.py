"""The one trainer loop for every stage.

AdamW with warm-up + cosine schedule, gradient clipping, bf16 autocast on CUDA, DDP under torchrun, tqdm on
rank 0, CSV + TensorBoard metrics, validation every `val_every` steps, `best.pt` (lowest validation loss)
and `last.pt` (self-describing checkpoints), and `--resume` restoring model, optimiser, scheduler, step and
RNG state — a run killed and resumed ends with the same weights as one that was never interrupted
(on CPU, with a deterministic data pipeline). A stage supplies the model and its loss (`Stage`).
"""
from __future__ import annotations

import contextlib
import logging
import math
import random
import time
from pathlib import Path
from typing import Any, Dict, Optional, Protocol, Tuple

import numpy as np
import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader
from tqdm import tqdm

from wpt_core.config import to_dict
from wpt_core.models.checkpoint import CheckpointError, load_state_strict, read_checkpoint, save_checkpoint
from wpt_core.training import distributed
from wpt_core.training.metrics_log import MetricsLog
from wpt_core.training.profile import OptimConfig, Profile
from wpt_core.training.sampler import StepSampler

log = logging.getLogger(__name__)
LAST, BEST = "last.pt", "best.pt"


class Stage(Protocol):
    kind: str
    epochs: float
    optim: OptimConfig

    def build_model(self) -> nn.Module: ...

    def loss(self, model: nn.Module, batch: Dict[str, Any]) -> Tuple[torch.Tensor, Dict[str, float]]: ...

    def validate(self, model: nn.Module, loader: DataLoader, device: torch.device) -> Dict[str, float]:
        """Metrics over the validation loader; must include 'loss' (best.pt has the lowest)."""
        ...


def lr_factor(step: int, total: int, warmup: int, min_ratio: float) -> float:
    """Linear warm-up over `warmup` steps, then cosine from 1 to `min_ratio` at `total`."""
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return min_ratio + (1.0 - min_ratio) * 0.5 * (1.0 + math.cos(math.pi * progress))


def to_device(batch: Dict[str, Any], device: torch.device) -> Dict[str, Any]:
    return {k: v.to(device, non_blocking=True) if torch.is_tensor(v) else v for k, v in batch.items()}


def _rng_state() -> Dict[str, Any]:
    return {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}


def _set_rng_state(state: Dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])


def _seed(seed: int) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed % 2 ** 32)
    random.seed(seed)


def total_steps(profile: Profile, stage: Stage, num_samples: int, world_size: int) -> int:
    """The stage's epochs over the training set, capped at `train.steps` when set."""
    per_epoch = math.ceil(num_samples / (profile.train.batch_size * world_size))
    steps = max(1, int(round(stage.epochs * per_epoch)))
    return steps if profile.train.steps is None else min(steps, int(profile.train.steps))


def validation_loader(dataset: Any, profile: Profile) -> DataLoader:
    """A fixed subset spread evenly over the validation set (every validation route is seen)."""
    n = min(len(dataset), profile.train.val_batches * profile.train.batch_size)
    indices = np.linspace(0, len(dataset) - 1, n).round().astype(int).tolist() if n else []
    return DataLoader(torch.utils.data.Subset(dataset, indices), batch_size=profile.train.batch_size,
                      num_workers=profile.train.num_workers)


def fit(stage: Stage, profile: Profile, train_set: Any, val_set: Any, out_dir: Path, resume: bool = False,
        extra: Optional[Dict[str, Any]] = None) -> Tuple[Path, nn.Module]:
    """Train `stage`; returns (path of `last.pt`, this rank's trained model)."""
    ctx = distributed.setup()
    tc, out_dir = profile.train, Path(out_dir)
    config = to_dict(profile)
    if tc.threads:
        torch.set_num_threads(tc.threads)
    _seed(tc.seed)  # identical initial weights on every rank
    model = stage.build_model().to(ctx.device)
    if tc.channels_last:
        model = model.to(memory_format=torch.channels_last)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=stage.optim.lr, weight_decay=stage.optim.weight_decay)
    total = total_steps(profile, stage, len(train_set), ctx.world_size)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: lr_factor(s, total, stage.optim.warmup_steps, stage.optim.min_lr_ratio))
    start, best = 0, math.inf
    if resume:
        start, best = _restore(out_dir / LAST, model, optimizer, scheduler, config, ctx.rank)
    else:
        _seed(tc.seed + 1000 * ctx.rank + 1)  # training randomness (noise, dropout) differs per rank
    net = DistributedDataParallel(model) if ctx.world_size > 1 else model
    loader = DataLoader(train_set, batch_size=tc.batch_size, num_workers=tc.num_workers,
                        sampler=StepSampler(len(train_set), tc.batch_size, tc.seed, ctx.rank, ctx.world_size, start),
                        pin_memory=ctx.device.type == "cuda", persistent_workers=tc.num_workers > 0,
                        generator=torch.Generator().manual_seed(tc.seed))  # never draws on the global RNG
    val_loader = validation_loader(val_set, profile) if ctx.is_main and len(val_set) else None
    metrics_log = MetricsLog(out_dir, enabled=ctx.is_main)
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if tc.amp and ctx.device.type == "cuda" \
        else contextlib.nullcontext()
    extra = dict(extra or {}, total_steps=total)
    batches = iter(loader)
    bar = tqdm(total=total, initial=start, desc=stage.kind, unit="step", disable=not ctx.is_main)
    step_time = data_time = 0.0
    for step in range(start, total):
        t0 = time.perf_counter()
        batch = to_device(next(batches), ctx.device)
        t1 = time.perf_counter()
        net.train()
        with autocast:
            loss, metrics = stage.loss(net, batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = float(torch.nn.utils.clip_grad_norm_(params, stage.optim.grad_clip))
        optimizer.step()
        scheduler.step()
        done = step + 1
        data_time += t1 - t0
        step_time += time.perf_counter() - t1
        bar.update(1)
        if ctx.is_main and (done % tc.log_every == 0 or done == total):
            n = tc.log_every if done % tc.log_every == 0 else done % tc.log_every
            metrics_log.write("train", done, {"loss": float(loss.detach()), **metrics, "lr": scheduler.get_last_lr()[0],
                                              "grad_norm": grad_norm, "data_s": data_time / n,
                                              "step_s": step_time / n,
                                              "samples_per_s": n * tc.batch_size * ctx.world_size /
                                              max(data_time + step_time, 1e-9)})
            bar.set_postfix(loss=f"{float(loss.detach()):.4f}")
            data_time = step_time = 0.0
        if done % tc.val_every == 0 or done == total:
            if ctx.is_main:
                val = stage.validate(model, val_loader, ctx.device) if val_loader is not None else {}
                if val:
                    metrics_log.write("val", done, val)
                improved = bool(val) and val["loss"] < best
                best = val["loss"] if improved else best
                state = {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                         "rng": _rng_state(), "best": best}
                save_checkpoint(out_dir / LAST, stage.kind, model, config, done, state, extra)
                if improved or not (out_dir / BEST).exists():
                    save_checkpoint(out_dir / BEST, stage.kind, model, config, done, None, dict(extra, val=val))
            distributed.barrier()
    bar.close()
    metrics_log.close()
    distributed.teardown()
    return out_dir / LAST, model


def _restore(path: Path, model: nn.Module, optimizer: torch.optim.Optimizer, scheduler: Any,
             config: Dict[str, Any], rank: int) -> Tuple[int, float]:
    payload = read_checkpoint(path)
    if payload["config"] != config:
        diff = _first_difference(payload["config"], config)
        raise CheckpointError(f"{path}: was trained with another config ({diff}); resume with the same one")
    load_state_strict(model, payload["state_dict"], str(path))
    state = payload["training_state"]
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    if rank == 0:
        _set_rng_state(state["rng"])
    else:
        _seed(hash((rank, payload["step"])) % 2 ** 31)
    log.info("resumed %s at step %d", path, payload["step"])
    return int(payload["step"]), float(state["best"])


def _first_difference(a: Any, b: Any, where: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{where}.{key}" if where else key)
    return f"{where}: {a!r} there, {b!r} now"
