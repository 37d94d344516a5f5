"""Stage 2 (`wpt train teacher --world-model CKPT`): the teacher's planning head and reward model over the
frozen encoder + world model of a stage-1 checkpoint.

Losses: the coarse plan's L1 to the expert; winner-take-all L1 of the candidate whose ANCHOR is nearest the
expert (the anchor decides, so a candidate is never pulled towards an expert its anchor does not resemble);
the reward model's imitation cross-entropy to softmax(−d_i/τ); its simulation BCE to the rule sub-scores of
every candidate, evaluated on the world model's predicted occupancy and the encoder's predicted drivable area
(or on the labels: `teacher.occupancy_source: ground_truth`; the `use_world_model: false` ablation has no
prediction and always uses the labels). The vocabulary is k-means over the training split's trajectories.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Tuple

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader

from wpt_core.config import ConfigError, from_dict
from wpt_core.models.checkpoint import load_model
from wpt_core.models.model_config import ModelConfig
from wpt_core.models.reward_model import soft_imitation_target, trajectory_distance
from wpt_core.models.reward_rules import SUB_SCORES, sub_scores
from wpt_core.models.teacher import DRIVABLE, Teacher, predicted_world
from wpt_core.models.vocabulary import kmeans_vocabulary
from wpt_core.models.world_system import WorldModelSystem
from wpt_core.training.losses import masked_bce
from wpt_core.training.plan_losses import TermsLoss, endpoint_l2, masked_l1
from wpt_core.training.profile import OCCUPANCY_SOURCES, Profile
from wpt_core.training.trainer import to_device

def load_world_model(path: Path, profile: Profile) -> Tuple[WorldModelSystem, Dict[str, Any]]:
    """The stage-1 system of `path`; the profile's data and encoder/world-model sizes must be the checkpoint's."""
    system, payload = load_model(path, kind="world_model")
    saved = from_dict(ModelConfig, payload["config"]["model"], str(path))
    if system.data != profile.data:
        raise ConfigError(f"{path}: the world model was trained with another data config than the profile's")
    for part in ("encoder", "world_model"):
        if getattr(saved, part) != getattr(profile.model, part):
            raise ConfigError(f"{path}: the world model's model.{part} differs from the profile's")
    return system, payload


def expert_trajectories(dataset: Any, limit: int) -> Tuple[np.ndarray, np.ndarray]:
    """(trajectories (M, K, 2), valid (M, K)) of at most `limit` samples spread evenly over the dataset."""
    n = len(dataset)
    indices = np.unique(np.linspace(0, n - 1, min(n, limit)).round().astype(int)) if n else []
    samples = [dataset[int(i)] for i in indices]
    return (np.stack([s["trajectory"] for s in samples]), np.stack([s["trajectory_valid"] for s in samples]))


def unwrap(model: nn.Module) -> nn.Module:
    return model.module if hasattr(model, "module") else model


class TeacherTraining(TermsLoss):
    kind = "teacher"

    def __init__(self, profile: Profile, world_model: WorldModelSystem, train_set: Any) -> None:
        if profile.teacher.occupancy_source not in OCCUPANCY_SOURCES:
            raise ConfigError(f"teacher.occupancy_source {profile.teacher.occupancy_source!r}: expected one of "
                              f"{OCCUPANCY_SOURCES}")
        self.profile, self.world_model = profile, world_model
        self.epochs, self.optim = profile.teacher.epochs, profile.teacher.optim
        trajectories, valid = expert_trajectories(train_set, profile.teacher.vocabulary_samples)
        try:
            self.vocabulary = kmeans_vocabulary(trajectories, valid, profile.model.teacher.anchors, profile.train.seed)
        except ValueError as exc:
            raise ConfigError(f"model.teacher.anchors: {exc}") from None

    def build_model(self) -> nn.Module:
        model = Teacher(self.profile.model, self.profile.data)
        model.load_world_model(self.world_model)
        model.set_vocabulary(torch.from_numpy(self.vocabulary))
        return model

    def rule_targets(self, out: Dict[str, Any], batch: Dict[str, Any]) -> torch.Tensor:
        """(B, N, 5) rule sub-scores of the candidates (detached), in SUB_SCORES order."""
        predicted = predicted_world(out) if self.profile.teacher.occupancy_source == "predicted" else None
        if predicted is not None:
            occupancy, drivable = predicted
        else:
            occupancy = batch["occupancy"].bool().any(dim=2)
            drivable = batch["bev"][:, DRIVABLE].bool()
        data = self.profile.data
        scores = sub_scores(out["candidates"].detach(), occupancy, drivable, batch["speed"], 1.0 / data.trajectory_hz,
                            data.bev.resolution_m, self.profile.teacher.rules)
        return torch.stack([scores[name] for name in SUB_SCORES], dim=-1)

    def _terms(self, model: nn.Module, batch: Dict[str, Any]) -> Tuple[Dict[str, torch.Tensor], Dict[str, Any]]:
        w = self.profile.teacher.loss
        out = model(batch)
        expert, valid = batch["trajectory"], batch["trajectory_valid"]
        anchors = unwrap(model).anchors
        b = expert.shape[0]
        nearest = trajectory_distance(anchors[None].expand(b, -1, -1, -1), expert, valid).argmin(dim=1)
        rows = torch.arange(b, device=expert.device)
        target = soft_imitation_target(out["candidates"].detach(), expert, valid, w.tau_m)
        log_p = torch.log_softmax(out["logits"]["imitation"], dim=1)
        terms = {"coarse": masked_l1(out["coarse"], expert, valid),
                 "candidates": masked_l1(out["candidates"][rows, nearest], expert, valid),
                 "imitation": -(target * log_p).sum(dim=1).mean(),
                 "simulation": masked_bce(out["logits"]["simulation"], self.rule_targets(out, batch))}
        terms["total"] = sum(getattr(w, name) * value for name, value in terms.items())
        return terms, out

    @torch.no_grad()
    def validate(self, model: nn.Module, loader: DataLoader, device: torch.device) -> Dict[str, float]:
        """Mean losses; final-waypoint L2 of the selected (reward argmax) and the oracle (nearest) candidate."""
        model.eval()
        sums: Dict[str, float] = {}
        selected_l2, oracle_l2 = torch.zeros(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
        batches = 0
        for batch in loader:
            batch = to_device(batch, device)
            terms, out = self._terms(model, batch)
            for k, v in terms.items():
                sums[k] = sums.get(k, 0.0) + float(v)
            expert, valid = batch["trajectory"], batch["trajectory_valid"]
            rows = torch.arange(expert.shape[0], device=device)
            chosen = out["candidates"][rows, out["reward"].argmax(dim=1)]
            best = out["candidates"][rows, trajectory_distance(out["candidates"], expert, valid).argmin(dim=1)]
            selected_l2 += endpoint_l2(chosen, expert, valid).double().cpu()
            oracle_l2 += endpoint_l2(best, expert, valid).double().cpu()
            batches += 1
        if not batches:
            return {}
        metrics = {("loss" if k == "total" else f"loss_{k}"): v / batches for k, v in sums.items()}
        metrics["l2_final_selected"] = float(selected_l2[0] / selected_l2[1].clamp(min=1))
        metrics["l2_final_oracle"] = float(oracle_l2[0] / oracle_l2[1].clamp(min=1))
        return metrics
