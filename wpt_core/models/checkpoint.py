"""Self-describing checkpoints: one file with the format version, kind, resolved config, normalisation,
weights and step (plus, in a training run's files, the optimiser/scheduler/RNG state for `--resume`).

The model is rebuilt from the checkpoint's own config and loaded strictly: a missing or unexpected key is
an error naming the key and the file. Files are written atomically (a killed run never leaves half a file).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Tuple

import torch
from torch import nn

from wpt_core.config import from_dict
from wpt_core.data.data_config import DataConfig
from wpt_core.models.model_config import ModelConfig
from wpt_core.models.student import Student
from wpt_core.models.teacher import Teacher
from wpt_core.models.world_system import WorldModelSystem

FORMAT_VERSION = 1


class CheckpointError(ValueError):
    """A checkpoint that cannot be loaded as asked (wrong format or kind, missing or extra keys)."""


def _configs(config: Dict[str, Any], where: str) -> Tuple[ModelConfig, DataConfig]:
    return from_dict(ModelConfig, config["model"], where), from_dict(DataConfig, config["data"], where)


def _world_model(config: Dict[str, Any], where: str) -> nn.Module:
    return WorldModelSystem(*_configs(config, where))


def _teacher(config: Dict[str, Any], where: str) -> nn.Module:
    return Teacher(*_configs(config, where))


def _student(config: Dict[str, Any], where: str) -> nn.Module:
    return Student(*_configs(config, where))


# "baseline" is the student class trained by imitation only: the kind says how it was trained
BUILDERS: Dict[str, Callable[[Dict[str, Any], str], nn.Module]] = {
    "world_model": _world_model, "teacher": _teacher, "student": _student, "baseline": _student}


def build_model(kind: str, config: Dict[str, Any], where: str = "<config>") -> nn.Module:
    if kind not in BUILDERS:
        raise CheckpointError(f"{where}: unknown model kind {kind!r} (known: {sorted(BUILDERS)})")
    return BUILDERS[kind](config, where)


def normalisation(config: Dict[str, Any]) -> Dict[str, Any]:
    """What the model assumes about its inputs, stated in the file for tools that feed it."""
    encoder, sensors = config["model"]["encoder"], config["data"]["sensors"]
    return {"image": "uint8 RGB, (x/255 − mean)/std", "image_mean": list(encoder["image_mean"]),
            "image_std": list(encoder["image_std"]), "lidar": "counts / max_count",
            "lidar_max_count": sensors["lidar_grid"]["max_count"]}


def save_checkpoint(path: Path, kind: str, model: nn.Module, config: Dict[str, Any], step: int,
                    training_state: Optional[Dict[str, Any]] = None, extra: Optional[Dict[str, Any]] = None) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"format_version": FORMAT_VERSION, "kind": kind, "config": config,
               "normalisation": normalisation(config), "state_dict": model.state_dict(), "step": int(step),
               "extra": extra or {}}
    if training_state is not None:
        payload["training_state"] = training_state
    tmp = path.with_name(path.name + ".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)


def read_checkpoint(path: Path) -> Dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: checkpoint not found")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is reported the same way
        raise CheckpointError(f"{path}: not a readable checkpoint ({exc.__class__.__name__})") from None
    if not isinstance(payload, dict) or payload.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(f"{path}: not a wpt checkpoint of format {FORMAT_VERSION}")
    return payload


def load_state_strict(model: nn.Module, state: Dict[str, torch.Tensor], where: str) -> None:
    expected, given = set(model.state_dict()), set(state)
    missing, extra = sorted(expected - given), sorted(given - expected)
    if missing:
        raise CheckpointError(f"{where}: missing key {missing[0]!r}" + (f" (+{len(missing) - 1} more)" if len(missing) > 1 else ""))
    if extra:
        raise CheckpointError(f"{where}: unexpected key {extra[0]!r}" + (f" (+{len(extra) - 1} more)" if len(extra) > 1 else ""))
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        raise CheckpointError(f"{where}: {str(exc).splitlines()[-1].strip()}") from None


def load_model(path: Path, kind: Optional[str] = None) -> Tuple[nn.Module, Dict[str, Any]]:
    """(model rebuilt from the file's config with its weights, the checkpoint dict); eval mode."""
    payload = read_checkpoint(path)
    if kind is not None and payload["kind"] != kind:
        raise CheckpointError(f"{path}: a {payload['kind']!r} checkpoint, expected {kind!r}")
    model = build_model(payload["kind"], payload["config"], str(path))
    load_state_strict(model, payload["state_dict"], str(path))
    return model.eval(), payload
