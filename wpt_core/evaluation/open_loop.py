"""`wpt eval open-loop`: L2 to the logged expert trajectory and collision rate with the recorded boxes, for any
driving-policy checkpoint, on the validation routes of its split.

Two conventions, both reported, because published tables mix them:
  * `at`      — the value at the step t itself (UniAD's L2 / collision at 1, 2, 3 s);
  * `mean_to` — the mean over every step from the first one up to t (ST-P3 / VAD's "avg" protocol);
and for each the plain mean of its 1 / 2 / 3 s columns (the tables' "Avg." column).

Collision: the planned ego box (the Bench2Drive ego, `EgoState`'s 4.9 × 2.1 m, as the recorder writes it into
every annotation; centred on the plan point, heading along the plan's direction of travel) rasterised on the
BEV grid like the labels' boxes (a cell counts when its centre lies inside), overlapping a vehicle or
pedestrian cell of the future occupancy label at the same timestamp (current ego frame). Every step is masked
by `trajectory_valid & occupancy_valid`: a step past the clip end counts for nothing. The recorded trajectory
itself is scored too (row `expert`: L2 0, its collision rate is the floor this rasterisation gives), and so is
the trivial reference a learned planner must beat (row `constant_velocity`: straight ahead at the current speed,
the open-loop "ego status" baseline). A teacher adds the oracle-best candidate (least mean L2 to the expert
over the valid steps), next to the one its reward selected (row `plan`, the executed trajectory of every
policy), and the rows of `reward_rows` — its choice taken apart into reward head, rules and world model.

Start-ups (`startups`, `models.startups`): the samples where the ego stands and the expert has driven off by
its last valid step — the moments a copycat policy ("standing → stay") gets wrong while its average L2 hardly
notices, since most standing samples do stay. Per row: how far the plan has moved at that
step (median and the share beyond START_M) and the L2 there.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch.utils.data import DataLoader, Subset
from tqdm import tqdm

from wpt_core.config import from_dict
from wpt_core.data.cache import cached_dataset
from wpt_core.data.data_config import DataConfig
from wpt_core.data.dataset import LearningDataset, raw_dataset
from wpt_core.data.labels import BevConfig, cell_centres
from wpt_core.evaluation.reward_rows import reward_choices
from wpt_core.models.checkpoint import CheckpointError
from wpt_core.models.model_config import ModelConfig, RewardRulesConfig
from wpt_core.models.policy import load_policy, policy_inputs
from wpt_core.models.startups import START_M, STANDING_MPS, last_valid_point, standing, startup_mask
from wpt_core.models.teacher import DRIVABLE
from wpt_core.types import EgoState

SECONDS = (1.0, 2.0, 3.0)
EGO_LENGTH_M, EGO_WIDTH_M = EgoState.length_m, EgoState.width_m
MIN_MOVE_M = 0.05  # a shorter step keeps the previous heading (a standing plan has no direction of its own)
METRICS = ("l2", "collision")
CONVENTIONS = {"at": "value at t (UniAD)", "mean_to": "mean over the steps up to t (ST-P3 / VAD 'avg')"}


def l2_per_step(plan: torch.Tensor, expert: torch.Tensor) -> torch.Tensor:
    """(..., K, 2) × (..., K, 2) → (..., K) Euclidean distance per step."""
    return torch.linalg.vector_norm(plan - expert, dim=-1)


def plan_headings(plan: torch.Tensor) -> torch.Tensor:
    """(B, K, 2) → (B, K) yaw (rad, ego frame) along the direction of travel; the ego starts at the origin
    heading 0, and a step under MIN_MOVE_M keeps the previous heading."""
    previous = torch.zeros_like(plan[:, 0])
    yaw = torch.zeros(plan.shape[:2], dtype=plan.dtype, device=plan.device)
    heading = yaw[:, 0]
    for k in range(plan.shape[1]):
        step = plan[:, k] - previous
        moved = torch.linalg.vector_norm(step, dim=-1) >= MIN_MOVE_M
        heading = torch.where(moved, torch.atan2(step[:, 1], step[:, 0]), heading)
        yaw[:, k] = heading
        previous = plan[:, k]
    return yaw


def ego_footprint(plan: torch.Tensor, bev: BevConfig, length_m: float = EGO_LENGTH_M,
                  width_m: float = EGO_WIDTH_M) -> torch.Tensor:
    """(B, K, 2) plan → (B, K, H, W) bool: the cells whose centre lies inside the ego box at each step."""
    centres = torch.as_tensor(cell_centres(bev), dtype=plan.dtype, device=plan.device)  # (H, W, 2)
    yaw = plan_headings(plan)[..., None, None]
    d = centres[None, None] - plan[:, :, None, None, :]
    c, s = torch.cos(yaw), torch.sin(yaw)
    along = d[..., 0] * c + d[..., 1] * s
    across = -d[..., 0] * s + d[..., 1] * c
    return (along.abs() <= length_m / 2.0) & (across.abs() <= width_m / 2.0)


def collisions(plan: torch.Tensor, occupancy: torch.Tensor, bev: BevConfig) -> torch.Tensor:
    """(B, K, 2) plan, (B, K, 2, H, W) occupancy → (B, K) bool: the ego box overlaps an occupied cell."""
    hit = ego_footprint(plan, bev) & occupancy.any(dim=2)
    return hit.flatten(2).any(dim=-1)


def constant_velocity_plan(speed: torch.Tensor, config: DataConfig) -> torch.Tensor:
    """(B, 1) speed → (B, K, 2): straight ahead at that speed, at the label timestamps."""
    t = torch.arange(1, config.future_steps + 1, dtype=speed.dtype, device=speed.device) / config.trajectory_hz
    x = speed * t
    return torch.stack([x, torch.zeros_like(x)], dim=-1)


def oracle_index(candidates: torch.Tensor, expert: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """(B, N, K, 2) candidates → (B,) the candidate of least mean L2 to the expert over the valid steps."""
    errors = l2_per_step(candidates, expert[:, None]) * valid[:, None].to(candidates.dtype)
    return errors.sum(-1).argmin(dim=1)  # the same valid steps for every candidate: the sum ranks as the mean


class StepTotals:
    """Sums of L2 and collisions per future step over the valid (sample, step) pairs."""

    def __init__(self, steps: int) -> None:
        self.sums = {m: torch.zeros(steps, dtype=torch.float64) for m in METRICS}
        self.count = torch.zeros(steps, dtype=torch.float64)

    def add(self, l2: torch.Tensor, collided: torch.Tensor, valid: torch.Tensor) -> None:
        mask = valid.to(torch.float64).cpu()
        for name, value in (("l2", l2), ("collision", collided)):
            self.sums[name] += (value.to(torch.float64).cpu() * mask).sum(0)
        self.count += mask.sum(0)

    def summary(self, step_index: Sequence[int]) -> Dict[str, Any]:
        """Per step, and the `at` / `mean_to` columns at the step indices (None where no step was valid)."""
        def ratio(num: torch.Tensor, den: torch.Tensor) -> Optional[float]:
            return round(float(num / den), 4) if float(den) > 0 else None

        def mean(values: List[Optional[float]]) -> Optional[float]:
            return round(float(np.mean(values)), 4) if values and None not in values else None

        out: Dict[str, Any] = {"valid_steps": [int(c) for c in self.count]}
        for m in METRICS:
            out[f"{m}_per_step"] = [ratio(s, c) for s, c in zip(self.sums[m], self.count)]
            at = [ratio(self.sums[m][k], self.count[k]) for k in step_index]
            to = [ratio(self.sums[m][:k + 1].sum(), self.count[:k + 1].sum()) for k in step_index]
            out.update({f"{m}_at": at, f"{m}_at_avg": mean(at), f"{m}_mean_to": to, f"{m}_mean_to_avg": mean(to)})
        return out


class StartupTotals:
    """Per row, the plan's distance from the ego and its L2 at the expert's last valid step, over start-ups."""

    def __init__(self) -> None:
        self.standing_count = 0
        self.moved: Dict[str, List[float]] = {}
        self.l2: Dict[str, List[float]] = {}

    def select(self, speed: torch.Tensor, expert: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        """(B,) bool: the start-ups of a batch (counting its standing samples on the way)."""
        self.standing_count += int(standing(speed).sum())
        return startup_mask(speed, expert, valid)

    def add(self, row: str, plan: torch.Tensor, expert: torch.Tensor, valid: torch.Tensor,
            startup: torch.Tensor) -> None:
        end, target = last_valid_point(plan, valid)[startup], last_valid_point(expert, valid)[startup]
        self.moved.setdefault(row, []).extend(torch.linalg.vector_norm(end, dim=-1).tolist())
        self.l2.setdefault(row, []).extend(torch.linalg.vector_norm(end - target, dim=-1).tolist())

    def summary(self) -> Dict[str, Any]:
        def stats(moved: List[float], l2: List[float]) -> Dict[str, Optional[float]]:
            if not moved:
                return {"moved_median_m": None, "moved_over_start_m": None, "l2_m": None}
            return {"moved_median_m": round(float(np.median(moved)), 3),
                    "moved_over_start_m": round(float(np.mean(np.asarray(moved) > START_M)), 4),
                    "l2_m": round(float(np.mean(l2)), 3)}

        count = len(next(iter(self.moved.values()), []))
        return {"standing_mps": STANDING_MPS, "start_m": START_M, "standing_samples": self.standing_count,
                "samples": count, "rows": {row: stats(self.moved[row], self.l2[row]) for row in self.moved}}


def report_seconds(config: DataConfig, seconds: Sequence[float] = SECONDS) -> List[float]:
    """The seconds of `seconds` that are label timestamps of `config` (t·rate an integer, t ≤ horizon)."""
    return [t for t in seconds if abs(t * config.trajectory_hz - round(t * config.trajectory_hz)) < 1e-6
            and 1 <= round(t * config.trajectory_hz) <= config.future_steps]


def validation_set(checkpoint: Path, payload: Dict[str, Any], config: DataConfig, data_dir: Optional[Path],
                   cache_dir: Optional[Path]) -> LearningDataset:
    """The checkpoint's validation clips from raw `data_dir` or from `cache_dir` (which must match `config`)."""
    val = list(payload["extra"].get("split", {}).get("val", []))
    if not val:
        raise CheckpointError(f"{checkpoint}: no validation split recorded in the checkpoint (extra 'split')")
    if (data_dir is None) == (cache_dir is None):
        raise ValueError("give exactly one of --data and --cache")
    return cached_dataset(cache_dir, config, val) if cache_dir is not None else raw_dataset(data_dir, config, val)


def reward_config(checkpoint: Path, payload: Dict[str, Any]) -> Tuple[RewardRulesConfig, Tuple[float, ...]]:
    """A teacher checkpoint's rules and reward weights, as its training used them (for `reward_rows`)."""
    config = payload["config"]
    rules = from_dict(RewardRulesConfig, config.get("teacher", {}).get("rules", {}), str(checkpoint))
    return rules, from_dict(ModelConfig, config["model"], str(checkpoint)).teacher.reward.weights


def evaluate_open_loop(checkpoint: Path, data_dir: Optional[Path] = None, cache_dir: Optional[Path] = None,
                       batch_size: int = 8, num_workers: int = 1, max_samples: Optional[int] = None,
                       device: str = "cpu") -> Dict[str, Any]:
    policy, payload = load_policy(checkpoint)
    config = from_dict(DataConfig, payload["config"]["data"], str(checkpoint))
    dataset = validation_set(checkpoint, payload, config, data_dir, cache_dir)
    indices = list(range(len(dataset)))
    if max_samples is not None and max_samples < len(indices):
        indices = np.linspace(0, len(indices) - 1, max_samples).round().astype(int).tolist()
    loader = DataLoader(Subset(dataset, indices), batch_size=batch_size, num_workers=num_workers)
    policy = policy.to(device)
    totals: Dict[str, StepTotals] = {}
    startups = StartupTotals()

    def add(row: str, plan: torch.Tensor, batch: Dict[str, torch.Tensor], valid: torch.Tensor,
            startup: torch.Tensor) -> None:
        totals.setdefault(row, StepTotals(config.future_steps)).add(
            l2_per_step(plan, batch["trajectory"]), collisions(plan, batch["occupancy"], config.bev), valid)
        startups.add(row, plan, batch["trajectory"], valid, startup)

    with torch.inference_mode():
        for batch in tqdm(loader, desc="eval open loop", unit="batch"):
            labels = {k: batch[k].to(device) for k in ("trajectory", "trajectory_valid", "occupancy",
                                                       "occupancy_valid")}
            valid = labels["trajectory_valid"] & labels["occupancy_valid"]
            speed = batch["speed"].to(device).float()
            startup = startups.select(speed, labels["trajectory"], valid)
            out = policy.plan(policy_inputs(batch, device))
            if out.trajectory.shape[1:] != labels["trajectory"].shape[1:]:
                raise CheckpointError(f"{checkpoint}: plans of shape {tuple(out.trajectory.shape[1:])}, the labels "
                                      f"are {tuple(labels['trajectory'].shape[1:])}")
            add("plan", out.trajectory.float(), labels, valid, startup)
            if out.candidates is not None:
                rows = torch.arange(len(speed), device=speed.device)
                best = oracle_index(out.candidates.float(), labels["trajectory"], valid)
                add("oracle", out.candidates.float()[rows, best], labels, valid, startup)
            if out.reward_imitation is not None:
                drivable = batch["bev"][:, DRIVABLE].to(device).bool()
                for row, chosen in reward_choices(out, labels["occupancy"].bool(), drivable, speed, config,
                                                  *reward_config(checkpoint, payload)).items():
                    add(row, out.candidates.float()[rows, chosen], labels, valid, startup)
            add("expert", labels["trajectory"], labels, valid, startup)
            add("constant_velocity", constant_velocity_plan(speed, config), labels, valid, startup)
    seconds = report_seconds(config)
    step_index = [int(round(t * config.trajectory_hz)) - 1 for t in seconds]
    return {"checkpoint": str(checkpoint), "kind": payload["kind"], "step": payload["step"],
            "validation_clips": list(payload["extra"]["split"]["val"]), "samples": len(indices),
            "future_s": [round((k + 1) / config.trajectory_hz, 2) for k in range(config.future_steps)],
            "seconds": seconds, "conventions": CONVENTIONS, "ego_box_m": [EGO_LENGTH_M, EGO_WIDTH_M],
            "rows": {row: t.summary(step_index) for row, t in totals.items()}, "startups": startups.summary()}


def format_open_loop_report(report: Dict[str, Any]) -> str:
    """Two tables (L2 in m, collision in %), one column per second and convention, one row per plan."""
    secs = report["seconds"]
    lines = [f"open loop {report['checkpoint']} ({report['kind']}, step {report['step']}): {report['samples']} "
             f"validation samples from {len(report['validation_clips'])} clips, ego box "
             f"{report['ego_box_m'][0]} x {report['ego_box_m'][1]} m",
             "conventions: " + "; ".join(f"{k} = {v}" for k, v in CONVENTIONS.items())]
    header = "".join(f"{f'{c} {t:g}s':>12}" for c in CONVENTIONS for t in secs) + \
        "".join(f"{f'{c} avg':>12}" for c in CONVENTIONS)
    for metric, unit, scale in (("l2", "L2 (m)", 1.0), ("collision", "collision (%)", 100.0)):
        lines.append(f"{unit:<18}" + header)
        for row, values in report["rows"].items():
            label = "selected" if row == "plan" and "oracle" in report["rows"] else row  # a teacher's plan
            cells = [v for c in CONVENTIONS for v in values[f"{metric}_{c}"]] + \
                [values[f"{metric}_{c}_avg"] for c in CONVENTIONS]
            lines.append(f"{label:<18}" + "".join(f"{'-':>12}" if v is None else f"{v * scale:12.3f}" for v in cells))
    up = report["startups"]
    lines.append(f"start-ups: {up['samples']} of {up['standing_samples']} standing samples (speed < "
                 f"{up['standing_mps']} m/s) where the expert moves > {up['start_m']} m; the plan at that step:")
    lines.append(f"{'':<18}{'moved median m':>16}{'moved > start %':>17}{'L2 m':>8}")
    for row, v in up["rows"].items():
        label = "selected" if row == "plan" and "oracle" in up["rows"] else row
        cells = [v["moved_median_m"], None if v["moved_over_start_m"] is None else 100 * v["moved_over_start_m"],
                 v["l2_m"]]
        lines.append(f"{label:<18}" + "".join(f"{'-':>{w}}" if c is None else f"{c:{w}.2f}"
                                              for c, w in zip(cells, (16, 17, 8))))
    return "\n".join(lines)
