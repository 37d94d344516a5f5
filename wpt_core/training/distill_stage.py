"""Stage 3 (`wpt train student --teacher CKPT`, online distillation) and the imitation baseline
(`wpt train baseline --world-model CKPT`): one stage class, the baseline being the student without a teacher.

Both build the Student from the same seed and copy the encoder of the same frozen stage-1 system (the
teacher checkpoint holds it), so initialisation, data, steps and seed are the same and only the losses differ.

Student losses (student.loss.*, each 0 = off):
- imitation: L1 to the expert trajectory over its valid waypoints (the baseline's only term);
- query: MSE between the student's plan query (projected to the teacher's width) and the teacher's decoded
  query of the candidate it selected;
- reward_imitation / reward_simulation: the student's trajectory is scored by the frozen reward model in
  the same predicted world, together with the teacher's candidates (the imitation part is a softmax over that
  set); each part of its reward is pulled up to the teacher's selected candidate's — a one-sided hinge, so a
  student scoring above the teacher is not pushed down. Gradients reach the student through the frozen
  reward model; the teacher, reward model and world model get none and stay in eval mode.
Validation loss (best.pt): the imitation L1 for both, so student and baseline are chosen the same way.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

from wpt_core.models.bev_encoder import BevEncoder
from wpt_core.models.reward_model import reward_parts
from wpt_core.models.student import Student
from wpt_core.models.teacher import Teacher
from wpt_core.training.plan_losses import TermsLoss, endpoint_l2, masked_l1, startup_weights
from wpt_core.training.profile import Profile
from wpt_core.training.trainer import to_device

DISTILL_TERMS = ("query", "reward_imitation", "reward_simulation")


class DistillTraining(TermsLoss):
    def __init__(self, profile: Profile, encoder: BevEncoder, teacher: Optional[Teacher] = None) -> None:
        self.profile, self.encoder = profile, encoder
        self.kind = "student" if teacher is not None else "baseline"
        self.epochs, self.optim = profile.student.epochs, profile.student.optim
        self.teacher = teacher
        if teacher is not None:
            teacher.requires_grad_(False)
            teacher.eval()

    def build_model(self) -> nn.Module:
        model = Student(self.profile.model, self.profile.data)
        model.init_encoder_from(self.encoder)
        return model

    def _terms(self, model: nn.Module, batch: Dict[str, Any]) -> Tuple[Dict[str, torch.Tensor], Dict[str, Any]]:
        w = self.profile.student.loss
        out = model(batch)
        expert, valid = batch["trajectory"], batch["trajectory_valid"]
        weights = startup_weights(w.startup_weight, batch["speed"], expert, valid)
        terms = {"imitation": masked_l1(out["trajectory"], expert, valid, weights)}
        active = [name for name in DISTILL_TERMS if getattr(w, name) > 0]
        if self.teacher is not None and active:
            teacher = self.teacher.to(expert.device)
            with torch.no_grad():
                t = teacher(batch)
            rows = torch.arange(expert.shape[0], device=expert.device)
            selected = t["reward"].argmax(dim=1)
            if "query" in active:
                terms["query"] = F.mse_loss(out["query"], t["queries"][rows, selected])
            if {"reward_imitation", "reward_simulation"} & set(active):
                scored = torch.cat([t["candidates"], out["trajectory"][:, None]], dim=1)
                im, sim = reward_parts(teacher.reward(t["world"], scored), teacher.config.teacher.reward.weights)
                n = t["candidates"].shape[1]
                terms["reward_imitation"] = F.relu(im[rows, selected].detach() - im[:, n]).mean()
                terms["reward_simulation"] = F.relu(sim[rows, selected].detach() - sim[:, n]).mean()
        terms["total"] = sum(getattr(w, name) * value for name, value in terms.items())
        return terms, out

    @torch.no_grad()
    def validate(self, model: nn.Module, loader: DataLoader, device: torch.device) -> Dict[str, float]:
        """loss: imitation L1 (the same selection rule for student and baseline); the other terms; final L2."""
        model.eval()
        sums: Dict[str, float] = {}
        l2 = torch.zeros(2, dtype=torch.float64)
        batches = 0
        for batch in loader:
            batch = to_device(batch, device)
            terms, out = self._terms(model, batch)
            for k, v in terms.items():
                sums[k] = sums.get(k, 0.0) + float(v)
            l2 += endpoint_l2(out["trajectory"], batch["trajectory"], batch["trajectory_valid"]).double().cpu()
            batches += 1
        if not batches:
            return {}
        metrics = {f"loss_{k}": v / batches for k, v in sums.items()}
        metrics["loss"] = metrics["loss_imitation"]
        metrics["l2_final"] = float(l2[0] / l2[1].clamp(min=1))
        return metrics
