"""Training profiles: one YAML per profile under `leaderboard_configs/training/` (quick, standard, full), a
frozen `Profile` with one section per stage. Later stages add their own section as a new field with defaults,
so older profile files keep loading strictly. `--set train.steps=N` caps the optimiser steps of any stage.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Optional

from wpt_core.config import ConfigError, load_config
from wpt_core.data.data_config import DataConfig
from wpt_core.models.model_config import ModelConfig
from wpt_core.paths import repo_configs_dir


@dataclass(frozen=True)
class OptimConfig:
    """AdamW with linear warm-up then cosine decay to `min_lr_ratio`·lr; gradients clipped at `grad_clip`."""

    lr: float = 1e-3
    weight_decay: float = 0.01
    warmup_steps: int = 50
    min_lr_ratio: float = 0.05
    grad_clip: float = 1.0


@dataclass(frozen=True)
class WorldModelLoss:
    occupancy: float = 1.0
    occupancy_pos_weight: float = 4.0
    semantics: float = 1.0
    light: float = 0.2
    depth: float = 0.5


@dataclass(frozen=True)
class WorldModelStage:
    """Stage 1: the BEV encoder and the world model, trained together on logged data."""

    epochs: float = 1.0
    optim: OptimConfig = field(default_factory=OptimConfig)
    loss: WorldModelLoss = field(default_factory=WorldModelLoss)
    condition_noise_m: float = 0.3


@dataclass(frozen=True)
class TrainConfig:
    """Trainer settings shared by every stage. steps: cap on any stage's optimiser steps (None: its epochs decide)."""

    steps: Optional[int] = None
    batch_size: int = 16
    num_workers: int = 1
    val_every: int = 200
    val_batches: int = 25
    log_every: int = 10
    seed: int = 0
    amp: bool = True  # bf16 autocast when CUDA is present; CPU runs stay fp32
    channels_last: bool = True
    threads: int = 0  # torch CPU threads (0: torch's default)


@dataclass(frozen=True)
class Profile:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    world_model: WorldModelStage = field(default_factory=WorldModelStage)
    train: TrainConfig = field(default_factory=TrainConfig)


def profiles_dir() -> Path:
    return repo_configs_dir() / "training"


def profile_names() -> List[str]:
    return sorted(p.stem for p in profiles_dir().glob("*.yaml"))


def profile_path(name: str) -> Path:
    path = profiles_dir() / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError(f"{path}: no training profile {name!r} (profiles: {', '.join(profile_names())})")
    return path


def load_profile(name: Optional[str] = None, config_file: Optional[str] = None,
                 overrides: Iterable[str] = ()) -> Profile:
    """`--profile NAME` or `--config FILE` (not both), then `--set` overrides on top."""
    if name and config_file:
        raise ConfigError("give --profile or --config, not both")
    path = Path(config_file) if config_file else profile_path(name or "quick")
    return load_config(Profile, path, overrides)
