"""`wpt train world-model`: train a stage from a profile on clips or a feature cache.

Multi-process training: `torchrun --nproc_per_node N $(which wpt) train world-model …` (NCCL on GPUs, gloo on CPU).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from wpt_core.config import ConfigError, save_config
from wpt_core.training.profile import load_profile, profile_names, profiles_dir


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
    wm = sub.add_parser("world-model", help="stage 1: BEV encoder + action-conditioned world model",
                        epilog=f"profiles: {', '.join(profile_names())}; multi-process: "
                               "torchrun --nproc_per_node N $(which wpt) train world-model …")
    add_profile_arguments(wm)
    source = wm.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", help="folder of Bench2Drive-layout clips (decoded on the fly)")
    source.add_argument("--cache", help="feature cache from `wpt data cache` (same profile)")
    wm.add_argument("--out", required=True, help="run folder: last.pt, best.pt, split.json, metrics, config.yaml")
    wm.add_argument("--resume", action="store_true", help="continue from OUT/last.pt (same config)")
    wm.set_defaults(func=run_world_model)


def run_world_model(args: argparse.Namespace) -> int:
    try:
        import torch  # noqa: F401  (only to report a missing install in one line)
    except ImportError:
        print("wpt train: PyTorch is missing; install the train extra (bash scripts/setup_env.sh)")
        return 2
    from wpt_core.data.cache import CacheMismatchError
    from wpt_core.models.checkpoint import CheckpointError
    from wpt_core.training.datasets import open_datasets
    from wpt_core.training.trainer import LAST, fit
    from wpt_core.training.world_model_stage import WorldModelTraining

    out = Path(args.out)
    try:
        profile = load_profile(args.profile, args.config, args.overrides)
        if args.resume and not (out / LAST).is_file():
            raise CheckpointError(f"{out / LAST}: nothing to resume")
        train_set, val_set, split = open_datasets(profile.data, out, Path(args.data) if args.data else None,
                                                  Path(args.cache) if args.cache else None, args.resume)
        save_config(profile, out / "config.yaml")
        last, _ = fit(WorldModelTraining(profile), profile, train_set, val_set, out, args.resume,
                   extra={"split": split.to_json(), "source": "cache" if args.cache else "raw"})
    except (ConfigError, CacheMismatchError, CheckpointError, FileNotFoundError) as exc:
        print(f"wpt train world-model: {exc}")
        return 2
    print(f"world model: {last} ({len(train_set)} training samples, {len(val_set)} validation samples)")
    return 0
