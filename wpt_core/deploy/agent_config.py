"""The agent config (`leaderboard_configs/agents/wpt_*.yaml`): which checkpoint drives, and how.

The checkpoint path is relative to the config file's folder (or absolute), so a config travels with the run
folder it names. The camera section says how the policy's training clips were recorded (size, JPEG quality):
the agent asks the simulator for that size and compresses like the recorder did, so the shared feature
function sees the images it was trained on.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from wpt_core.config import ConfigError, load_config
from wpt_core.control.vehicle_controller import ControllerConfig
from wpt_core.data import rig
from wpt_core.data.clip_writer import JPEG_QUALITY


@dataclass(frozen=True)
class CameraConfig:
    """Recording size of the training clips (the agent's camera size) and their JPEG quality (0: no JPEG)."""

    width: int = rig.B2D_IMAGE_SIZE[0]
    height: int = rig.B2D_IMAGE_SIZE[1]
    jpeg_quality: int = JPEG_QUALITY


@dataclass(frozen=True)
class LocalisationConfig:
    """GNSS filter: blend weight of a GNSS fix against the dead-reckoned position (1 = raw GNSS), the jump that
    re-initialises the filter, and the motion needed before heading-from-motion replaces a NaN compass."""

    gnss_gain: float = 0.25
    reset_jump_m: float = 8.0
    heading_min_motion_m: float = 0.5


@dataclass(frozen=True)
class ClearAheadConfig:
    """The creep rule's "nothing in front": fewer than `max_points` LiDAR returns above the ground in a box
    (ego frame) from `x_min_m` to `x_max_m` ahead and `half_width_m` to each side."""

    x_min_m: float = 2.5
    x_max_m: float = 12.0
    half_width_m: float = 1.5
    max_points: int = 3


@dataclass(frozen=True)
class AgentConfig:
    checkpoint: str = ""
    device: str = "cpu"
    torch_threads: int = 1
    plan_every_ticks: int = 1         # > 1: between plans, follow the last plan re-expressed in the new ego frame
    #                                   (features are made on planning ticks only: it must divide the history stride)
    fault_brake: float = 1.0          # brake sent on a frame that fails the checks
    camera: CameraConfig = field(default_factory=CameraConfig)
    localisation: LocalisationConfig = field(default_factory=LocalisationConfig)
    clear_ahead: ClearAheadConfig = field(default_factory=ClearAheadConfig)
    controller: ControllerConfig = field(default_factory=ControllerConfig)


def load_agent_config(path: str, overrides: Optional[list] = None) -> AgentConfig:
    """The config of `path` with its checkpoint resolved against the file's folder; one-line ConfigError."""
    config = load_config(AgentConfig, path, overrides or ())
    if not config.checkpoint:
        raise ConfigError(f"{path}: 'checkpoint' is required (a policy checkpoint, relative to this file)")
    if config.plan_every_ticks < 1 or config.torch_threads < 1:
        raise ConfigError(f"{path}: plan_every_ticks and torch_threads must be >= 1")
    if not 0.0 <= config.fault_brake <= 1.0 or not 0 <= config.camera.jpeg_quality <= 95:
        raise ConfigError(f"{path}: fault_brake must be in [0, 1] and camera.jpeg_quality in [0, 95]")
    checkpoint = Path(config.checkpoint).expanduser()
    if not checkpoint.is_absolute():
        checkpoint = Path(path).resolve().parent / checkpoint
    return replace(config, checkpoint=str(checkpoint))


def check_agent_config(path: str) -> AgentConfig:
    """`load_agent_config` plus: the checkpoint file exists (what `wpt eval` and the multi-server script check
    before any route starts, so a typo is one line instead of a run of failed setups)."""
    config = load_agent_config(path)
    if not Path(config.checkpoint).is_file():
        raise ConfigError(f"{path}: checkpoint {config.checkpoint} not found")
    return config
