"""Frozen configs of the learned models (no torch here: profiles load without the `train` extra).

Every model is built from (ModelConfig, DataConfig): the data config says which sensors exist (cameras,
LiDAR), the image size and the BEV grid; the model config says how big the networks are.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Tuple

INPUT_MODES = ("sensors", "bev_gt")


@dataclass(frozen=True)
class BackboneConfig:
    """ResNet-style: a stride-2 stem, then one stage per width (the first at stride 1, the others at stride 2)."""

    widths: Tuple[int, ...] = (16, 32, 64, 128)
    blocks: Tuple[int, ...] = (1, 1, 1, 1)

    @property
    def stride(self) -> int:
        return 2 ** len(self.widths)


@dataclass(frozen=True)
class LiftConfig:
    """Lift-Splat: a depth distribution over `depth_bins` uniform bins in [depth_min_m, depth_max_m]."""

    channels: int = 64
    depth_bins: int = 32
    depth_min_m: float = 2.0
    depth_max_m: float = 50.0
    z_min_m: float = -2.0  # ego-frame heights kept when splatting
    z_max_m: float = 6.0


@dataclass(frozen=True)
class EncoderConfig:
    """Sensors (cameras and/or LiDAR, as the data config has them) or ground-truth BEV rasters → BEV features."""

    input_mode: str = "sensors"
    backbone: BackboneConfig = field(default_factory=BackboneConfig)
    lift: LiftConfig = field(default_factory=LiftConfig)
    lidar_channels: int = 32
    bev_channels: int = 64  # output features, at half the BEV label grid
    bev_blocks: int = 2
    image_mean: Tuple[float, float, float] = (0.485, 0.456, 0.406)
    image_std: Tuple[float, float, float] = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class WorldModelConfig:
    """ConvGRU over BEV features, conditioned on the ego's future trajectory, K = data.future_steps steps."""

    hidden: int = 32
    action_channels: int = 16
    action_scale_m: float = 10.0  # waypoints are divided by this before the action MLP


@dataclass(frozen=True)
class PlanHeadConfig:
    """Plan queries cross-attending BEV tokens: features average-pooled to tokens×tokens, width `dim`.
    speed_dropout: in training, the probability that a sample's speed input reads 0. Half the expert's frames
    stand still and few of those start within the horizon, so "speed 0 → stay" is a shortcut a policy learns
    instead of reading the scene (the copycat / inertia problem); a dropped speed makes the scene decide."""

    dim: int = 128
    tokens: int = 16
    layers: int = 2
    heads: int = 4
    speed_dropout: float = 0.0


@dataclass(frozen=True)
class StudentConfig:
    """The student (and the baseline, the same class): its own encoder from model.encoder, with another
    backbone when `backbone` is set (the "lightweight" knob), and one plan query."""

    head: PlanHeadConfig = field(default_factory=PlanHeadConfig)
    backbone: Optional[BackboneConfig] = None


@dataclass(frozen=True)
class RewardModelConfig:
    """World encoder over `steps` predicted future BEV feature maps pooled to tokens×tokens (CPU_BUDGET: d 128
    over 4×8² tokens), a trajectory encoder per candidate, and the imitation / simulation heads.
    weights: (a1, a2, a3, a4) of the combined reward a1·log r_im + a2·log r_NC + a3·log r_DAC
    + a4·log((5 r_TTC + 5 r_EP + 2 r_Comf)/12)."""

    dim: int = 128
    tokens: int = 8
    steps: int = 4
    layers: int = 1
    heads: int = 4
    weights: Tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)


@dataclass(frozen=True)
class RewardRulesConfig:
    """NAVSIM's comfort limits (m/s², m/s³, rad/s, rad/s²); the ego box; TTC probe times; EP normalisation."""

    ego_length_m: float = 4.5
    ego_width_m: float = 2.0
    box_points: Tuple[int, int] = (3, 2)  # samples along the length and the width
    ttc_probe_s: Tuple[float, ...] = (0.5, 1.0)
    ep_min_progress_m: float = 5.0
    max_lon_accel: float = 2.40
    min_lon_accel: float = -4.05
    max_lat_accel: float = 4.89
    max_jerk: float = 8.37
    max_lon_jerk: float = 4.13
    max_yaw_rate: float = 0.95
    max_yaw_accel: float = 1.93


@dataclass(frozen=True)
class TeacherConfig:
    """anchors: the vocabulary size (k-means centres) = the number of candidates N.
    use_world_model false: the ablation — plans and scores on the current BEV features only."""

    anchors: int = 64
    head: PlanHeadConfig = field(default_factory=PlanHeadConfig)
    reward: RewardModelConfig = field(default_factory=RewardModelConfig)
    use_world_model: bool = True


@dataclass(frozen=True)
class ModelConfig:
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    world_model: WorldModelConfig = field(default_factory=WorldModelConfig)
    teacher: TeacherConfig = field(default_factory=TeacherConfig)
    student: StudentConfig = field(default_factory=StudentConfig)
