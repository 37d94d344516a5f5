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
from wpt_core.models.model_config import ModelConfig, RewardRulesConfig
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


OCCUPANCY_SOURCES = ("predicted", "ground_truth")


@dataclass(frozen=True)
class TeacherLoss:
    """coarse: L1 of the coarse plan; candidates: winner-take-all L1 of the nearest anchor's candidate;
    imitation: cross-entropy to softmax(−d_i/tau_m); simulation: BCE of the sub-scores to the rules."""

    coarse: float = 1.0
    candidates: float = 1.0
    imitation: float = 1.0
    simulation: float = 1.0
    tau_m: float = 1.0


@dataclass(frozen=True)
class TeacherStage:
    """Stage 2: planning head + reward model over the frozen encoder and world model. occupancy_source: where
    the rules' occupancy comes from (the world model's prediction, or the labels); vocabulary_samples: at most
    this many training samples (evenly spaced) feed the k-means."""

    epochs: float = 1.0
    optim: OptimConfig = field(default_factory=OptimConfig)
    loss: TeacherLoss = field(default_factory=TeacherLoss)
    rules: RewardRulesConfig = field(default_factory=RewardRulesConfig)
    occupancy_source: str = "predicted"
    vocabulary_samples: int = 5000


@dataclass(frozen=True)
class DistillLoss:
    """imitation: L1 to the expert; query: MSE of the (projected) student query to the selected teacher
    query; reward_imitation / reward_simulation: the student's shortfall below the teacher's selected
    candidate in each part of the frozen reward. 0 switches a term off (the baseline has only imitation).
    startup_weight: the imitation weight of a start-up sample (`models.startups`) relative to the others."""

    imitation: float = 1.0
    query: float = 0.5
    reward_imitation: float = 0.1
    reward_simulation: float = 0.1
    startup_weight: float = 1.0


@dataclass(frozen=True)
class StudentStage:
    """Stage 3 (online distillation) and the baseline: the same epochs, optimiser and imitation weight; the
    baseline ignores the distillation terms."""

    epochs: float = 1.0
    optim: OptimConfig = field(default_factory=OptimConfig)
    loss: DistillLoss = field(default_factory=DistillLoss)


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
    teacher: TeacherStage = field(default_factory=TeacherStage)
    student: StudentStage = field(default_factory=StudentStage)
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
