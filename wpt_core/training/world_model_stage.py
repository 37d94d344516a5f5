"""Stage 1: train the BEV encoder + world model (`wpt train world-model`); the result is frozen afterwards.

Loss: occupancy BCE at every future step (masked where the clip has ended) + the encoder's auxiliary terms:
BEV semantics BCE, traffic-light cross-entropy, and the lift's depth cross-entropy where depth images exist.
The world model is conditioned on the logged expert trajectory, jittered (`condition_noise_m`).
"""
from __future__ import annotations

from typing import Any, Dict, Tuple

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

from wpt_core.data.labels import BEV_CHANNELS, OCCUPANCY_CHANNELS
from wpt_core.models.metrics import iou_counts
from wpt_core.models.world_model import action_noise
from wpt_core.models.world_system import WorldModelSystem
from wpt_core.training.losses import depth_loss, masked_bce
from wpt_core.training.profile import Profile
from wpt_core.training.trainer import to_device


class WorldModelTraining:
    kind = "world_model"

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.epochs = profile.world_model.epochs
        self.optim = profile.world_model.optim

    def build_model(self) -> nn.Module:
        return WorldModelSystem(self.profile.model, self.profile.data)

    def _terms(self, model: nn.Module, batch: Dict[str, Any],
               noise_m: float) -> Tuple[Dict[str, torch.Tensor], Dict[str, Any]]:
        w = self.profile.world_model.loss
        out = model(batch, action=action_noise(batch["trajectory"], noise_m))
        bev = out["bev"]
        terms = {"occupancy": masked_bce(out["occupancy"], batch["occupancy"], batch["occupancy_valid"],
                                         w.occupancy_pos_weight),
                 "semantics": masked_bce(bev.semantics, batch["bev"]),
                 "light": F.cross_entropy(bev.light, batch["light"])}
        if bev.depth is not None:
            terms["depth"] = depth_loss(bev.depth, batch["depth"], batch["has_depth"], self.profile.model.encoder.lift)
        terms["total"] = sum(getattr(w, name) * value for name, value in terms.items())
        return terms, out

    def loss(self, model: nn.Module, batch: Dict[str, Any]) -> Tuple[torch.Tensor, Dict[str, float]]:
        terms, _ = self._terms(model, batch, self.profile.world_model.condition_noise_m)
        return terms["total"], {k: float(v.detach()) for k, v in terms.items() if k != "total"}

    @torch.no_grad()
    def validate(self, model: nn.Module, loader: DataLoader, device: torch.device) -> Dict[str, float]:
        """Mean losses and IoUs: occupancy per class at the last step and averaged over steps; semantics per class."""
        model.eval()
        sums: Dict[str, float] = {}
        occ_i = occ_u = sem_i = sem_u = None
        batches = 0
        for batch in loader:
            batch = to_device(batch, device)
            terms, out = self._terms(model, batch, 0.0)
            for k, v in terms.items():
                sums[k] = sums.get(k, 0.0) + float(v)
            valid = batch["occupancy_valid"][:, :, None, None, None]
            i, u = iou_counts(out["occupancy"].masked_fill(~valid, -1.0), batch["occupancy"] & valid, (0, 3, 4))
            si, su = iou_counts(out["bev"].semantics, batch["bev"], (0, 2, 3))
            occ_i, occ_u = (i, u) if occ_i is None else (occ_i + i, occ_u + u)
            sem_i, sem_u = (si, su) if sem_i is None else (sem_i + si, sem_u + su)
            batches += 1
        if not batches:
            return {}
        metrics = {("loss" if k == "total" else f"loss_{k}"): v / batches for k, v in sums.items()}
        occ = (occ_i / occ_u.clamp(min=1)).cpu()
        for c, name in enumerate(OCCUPANCY_CHANNELS):
            metrics[f"occ_iou_{name}_mean"] = float(occ[:, c].mean())
            metrics[f"occ_iou_{name}_last"] = float(occ[-1, c])
        sem = (sem_i / sem_u.clamp(min=1)).cpu()
        for c, name in enumerate(BEV_CHANNELS):
            metrics[f"sem_iou_{name}"] = float(sem[c])
        return metrics
