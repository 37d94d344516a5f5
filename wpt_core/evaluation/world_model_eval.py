"""`wpt eval world-model`: occupancy IoU of a world-model checkpoint on its validation routes, next to two
references computed in the same pass — the current occupancy copied forward, and the current boxes moved at
constant velocity — plus the BEV-semantics IoU of its encoder.

The world model is conditioned on the logged expert trajectory (what it was trained with); IoU is pooled
over all validation samples whose future step exists (intersection and union summed, then divided).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from wpt_core.config import from_dict
from wpt_core.data.data_config import DataConfig
from wpt_core.data.dataset import LearningDataset, raw_dataset
from wpt_core.data.labels import BEV_CHANNELS, OCCUPANCY_CHANNELS, constant_velocity_occupancy
from wpt_core.models.checkpoint import CheckpointError, load_model
from wpt_core.models.metrics import iou_counts

REFERENCES = ("model", "copy_current", "constant_velocity")


class WithReferences:
    """A dataset's samples plus `occupancy_cv` (K, 2, H, W): the constant-velocity extrapolation."""

    def __init__(self, dataset: LearningDataset) -> None:
        self.dataset = dataset
        self.config = dataset.config

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, i: int) -> Dict[str, Any]:
        sample = self.dataset[i]
        s, j = self.dataset.index[i]
        anno = self.dataset.sources[s].annos[j]
        sample["occupancy_cv"] = constant_velocity_occupancy(anno, self.config.future_steps,
                                                             1.0 / self.config.trajectory_hz, self.config.bev)
        return sample


def _as_logits(mask: torch.Tensor) -> torch.Tensor:
    return mask.float() * 2.0 - 1.0


def evaluate_world_model(checkpoint: Path, data_dir: Path, batch_size: int = 16, num_workers: int = 1,
                         max_samples: Optional[int] = None) -> Dict[str, Any]:
    model, payload = load_model(checkpoint, kind="world_model")
    config = from_dict(DataConfig, payload["config"]["data"], str(checkpoint))
    val = list(payload["extra"].get("split", {}).get("val", []))
    if not val:
        raise CheckpointError(f"{checkpoint}: no validation routes recorded in the checkpoint")
    dataset = WithReferences(raw_dataset(data_dir, config, val))
    indices = list(range(len(dataset)))
    if max_samples is not None and max_samples < len(indices):
        indices = np.linspace(0, len(indices) - 1, max_samples).round().astype(int).tolist()
    loader = DataLoader(torch.utils.data.Subset(dataset, indices), batch_size=batch_size, num_workers=num_workers)
    vehicle, pedestrian = BEV_CHANNELS.index("vehicle"), BEV_CHANNELS.index("pedestrian")
    sums: Dict[str, List[torch.Tensor]] = {}

    def add(name: str, counts: tuple) -> None:
        sums[name] = [c if name not in sums else sums[name][k] + c for k, c in enumerate(counts)]

    with torch.no_grad():
        for batch in tqdm(loader, desc="eval world model", unit="batch"):
            out = model(batch)
            valid = batch["occupancy_valid"][:, :, None, None, None]
            truth = batch["occupancy"] & valid
            current = batch["bev"][:, [vehicle, pedestrian]].unsqueeze(1).expand_as(truth)
            predictions = {"model": out["occupancy"], "copy_current": _as_logits(current),
                           "constant_velocity": _as_logits(batch["occupancy_cv"])}
            for name, logits in predictions.items():
                add(name, iou_counts(logits.masked_fill(~valid, -1.0), truth, (0, 3, 4)))
            add("semantics", iou_counts(out["bev"].semantics, batch["bev"], (0, 2, 3)))
    step_s = [round((k + 1) / config.trajectory_hz, 2) for k in range(config.future_steps)]
    occupancy = {name: {cls: [round(float(v), 4) for v in (sums[name][0] / sums[name][1].clamp(min=1))[:, c]]
                        for c, cls in enumerate(OCCUPANCY_CHANNELS)} for name in REFERENCES}
    semantics = sums["semantics"][0] / sums["semantics"][1].clamp(min=1)
    return {"checkpoint": str(checkpoint), "step": payload["step"], "validation_clips": val,
            "samples": len(indices), "future_s": step_s, "occupancy_iou": occupancy,
            "semantics_iou": {name: round(float(semantics[c]), 4) for c, name in enumerate(BEV_CHANNELS)}}


def format_world_model_report(report: Dict[str, Any]) -> str:
    lines = [f"world model {report['checkpoint']} (step {report['step']}), {report['samples']} validation samples "
             f"from {len(report['validation_clips'])} clips",
             "occupancy IoU   " + "".join(f"{t:>7.1f}s" for t in report["future_s"])]
    for cls in OCCUPANCY_CHANNELS:
        for name in REFERENCES:
            values = report["occupancy_iou"][name][cls]
            lines.append(f"{cls:<10} {name:<18}" + "".join(f"{v:8.3f}" for v in values))
    lines.append("BEV semantics IoU (encoder): " +
                 ", ".join(f"{k} {v:.3f}" for k, v in report["semantics_iou"].items()))
    return "\n".join(lines)
