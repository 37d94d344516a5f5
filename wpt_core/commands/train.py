"""`wpt train world-model | teacher | student | baseline`: train a stage from a profile on clips or a feature
cache. Every later stage starts from a checkpoint (`--world-model` or `--teacher`) and trains on that
checkpoint's train/validation split (its extra "split"), so no stage ever trains on another's validation routes.

Multi-process training: `torchrun --nproc_per_node N $(which wpt) train world-model …` (NCCL on GPUs, gloo on CPU).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Tuple

from wpt_core.config import ConfigError, save_config
from wpt_core.training.profile import load_profile, profile_names, profiles_dir

# stage → (help, checkpoint flag or None, what that checkpoint is)
STAGES: Dict[str, Tuple[str, Optional[str], str]] = {
    "world-model": ("stage 1: BEV encoder + action-conditioned world model", None, ""),
    "teacher": ("stage 2: teacher planning head + reward model (encoder and world model frozen)", "--world-model",
                "stage-1 checkpoint (world_model kind)"),
    "student": ("stage 3: online distillation of the student (teacher, reward and world model frozen)", "--teacher",
                "stage-2 checkpoint (teacher kind)"),
    "baseline": ("the student architecture trained by imitation only (same init, data, steps, seed)", "--world-model",
                 "stage-1 checkpoint (world_model kind)"),
}


def add_profile_arguments(parser: argparse.ArgumentParser) -> None:
    """--profile / --config / --set, shared by every command that reads a training profile."""
    names = profile_names()
    parser.add_argument("--profile", default=None,
                        help=f"training profile: {', '.join(names)} (default quick; YAML in {profiles_dir()})")
    parser.add_argument("--config", default=None, help="a profile YAML file instead of --profile")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        help="override, e.g. train.steps=100 (caps the stage's optimiser steps)")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("train", help="train a learning stage (needs the `train` extra: PyTorch)",
                              epilog=f"profiles: {', '.join(profile_names())}")
    sub = p.add_subparsers(dest="stage", required=True)
    for name, (help_text, flag, what) in STAGES.items():
        sp = sub.add_parser(name, help=help_text,
                            epilog=f"profiles: {', '.join(profile_names())}; multi-process: "
                                   f"torchrun --nproc_per_node N $(which wpt) train {name} …")
        add_profile_arguments(sp)
        if flag is not None:
            sp.add_argument(flag, dest="checkpoint", required=True, help=what)
        source = sp.add_mutually_exclusive_group(required=True)
        source.add_argument("--data", help="folder of Bench2Drive-layout clips (decoded on the fly)")
        source.add_argument("--cache", help="feature cache from `wpt data cache` (same profile)")
        sp.add_argument("--out", required=True, help="run folder: last.pt, best.pt, split.json, metrics, config.yaml")
        sp.add_argument("--resume", action="store_true", help="continue from OUT/last.pt (same config)")
        sp.set_defaults(func=run_stage)


def _make_stage(name: str, profile: Any, checkpoint: Optional[Path], open_sets: Callable) -> Tuple[Any, Any, Any, Any]:
    """(stage, train set, val set, split) of `name`; later stages read the split from their checkpoint."""
    from wpt_core.data.split import Split
    from wpt_core.models.checkpoint import load_model
    from wpt_core.training.distill_stage import DistillTraining
    from wpt_core.training.teacher_stage import TeacherTraining, load_world_model
    from wpt_core.training.world_model_stage import WorldModelTraining

    if name == "world-model":
        train_set, val_set, split = open_sets(None)
        return WorldModelTraining(profile), train_set, val_set, split
    if name == "student":
        teacher, payload = load_model(checkpoint, kind="teacher")
        if teacher.data != profile.data or any(getattr(teacher.config, part) != getattr(profile.model, part)
                                               for part in ("encoder", "world_model", "teacher")):
            raise ConfigError(f"{checkpoint}: the teacher was trained with another data or model config than the "
                              "profile's (data, model.encoder, model.world_model, model.teacher must agree)")
        stage_args: Tuple[Any, ...] = (teacher.system.encoder, teacher)
    else:
        system, payload = load_world_model(checkpoint, profile)
        stage_args = (system,) if name == "teacher" else (system.encoder,)
    saved = payload["extra"].get("split")
    if saved is None:
        raise ConfigError(f"{checkpoint}: the checkpoint records no train/validation split")
    train_set, val_set, split = open_sets(Split(train=tuple(saved["train"]), val=tuple(saved["val"])))
    stage = TeacherTraining(profile, stage_args[0], train_set) if name == "teacher" else DistillTraining(profile, *stage_args)
    return stage, train_set, val_set, split


def run_stage(args: argparse.Namespace) -> int:
    try:
        import torch  # noqa: F401  (only to report a missing install in one line)
    except ImportError:
        print(f"wpt train {args.stage}: PyTorch is missing; install the train extra (bash scripts/setup_env.sh)",
              file=sys.stderr)
        return 2
    from wpt_core.data.cache import CacheMismatchError
    from wpt_core.models.checkpoint import CheckpointError
    from wpt_core.training.datasets import open_datasets
    from wpt_core.training.trainer import LAST, fit

    out = Path(args.out)
    checkpoint = Path(args.checkpoint) if getattr(args, "checkpoint", None) else None
    try:
        profile = load_profile(args.profile, args.config, args.overrides)
        if args.resume and not (out / LAST).is_file():
            raise CheckpointError(f"{out / LAST}: nothing to resume")

        def open_sets(split):
            return open_datasets(profile.data, out, Path(args.data) if args.data else None,
                                 Path(args.cache) if args.cache else None, args.resume, split)

        stage, train_set, val_set, split = _make_stage(args.stage, profile, checkpoint, open_sets)
        save_config(profile, out / "config.yaml")
        extra = {"split": split.to_json(), "source": "cache" if args.cache else "raw"}
        if checkpoint is not None:
            extra["from"] = str(checkpoint)
        last, _ = fit(stage, profile, train_set, val_set, out, args.resume, extra=extra)
    except (ConfigError, CacheMismatchError, CheckpointError, FileNotFoundError) as exc:
        print(f"wpt train {args.stage}: {exc}", file=sys.stderr)
        return 2
    print(f"{args.stage}: {last} ({len(train_set)} training samples, {len(val_set)} validation samples)")
    return 0
