"""The one place that reads environment variables: locations and ports only, never behaviour."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent


def output_root() -> Path:
    """Root of every run's outputs (`WPT_OUTPUT_ROOT`, default `./outputs`)."""
    return Path(os.environ.get("WPT_OUTPUT_ROOT", "outputs"))


def run_dir(stage: str, run: str) -> Path:
    """`<output root>/<stage>/<run>/`, created on demand."""
    path = output_root() / stage / run
    path.mkdir(parents=True, exist_ok=True)
    return path


def towns_dir() -> Path:
    """The SUMO towns shipped as package data."""
    return PACKAGE_ROOT / "sim" / "towns"


def carla_root() -> Path | None:
    """`CARLA_ROOT`: a CARLA install whose OpenDRIVE maps (`CarlaUE4/Content/Carla/Maps/...`) serve as towns."""
    value = os.environ.get("CARLA_ROOT")
    return Path(value) if value else None


def town_cache_dir() -> Path:
    """`<output root>/towns/`: OpenDRIVE towns converted once, one folder per source file hash."""
    return output_root() / "towns"


def repo_configs_dir() -> Path:
    """`leaderboard_configs/` of a source checkout (routes, agent configs)."""
    return PACKAGE_ROOT.parent / "leaderboard_configs"


def save_path() -> Path | None:
    """`SAVE_PATH`: where leaderboard agents write their own outputs (e.g. `metric_info.json`)."""
    value = os.environ.get("SAVE_PATH")
    return Path(value) if value else None


def set_save_path(path: Path) -> None:
    """Export `SAVE_PATH` for agents (worker processes inherit it), as Bench2Drive's run scripts do."""
    path.mkdir(parents=True, exist_ok=True)
    os.environ["SAVE_PATH"] = str(path.resolve())
