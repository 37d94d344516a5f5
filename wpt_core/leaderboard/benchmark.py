"""A benchmark bundle (`leaderboard_configs/benchmarks/<name>.yaml`): which routes, how often, with which seed,
and how many routes the scores divide by (Bench2Drive's merge tool: missing routes count 0)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from wpt_core.config import ConfigError, load_config
from wpt_core.paths import repo_configs_dir

BENCHMARKS_DIR = "benchmarks"


@dataclass(frozen=True)
class BenchmarkConfig:
    """`routes` is relative to `leaderboard_configs/`; empty for a benchmark whose route file is not in this
    repository (Bench2Drive's own, run on CARLA)."""

    routes: str = ""
    repetitions: int = 1
    seed: int = 0
    expected_routes: int = 0

    def routes_path(self) -> Optional[Path]:
        return repo_configs_dir() / self.routes if self.routes else None


def benchmark_names() -> List[str]:
    return sorted(p.stem for p in (repo_configs_dir() / BENCHMARKS_DIR).glob("*.yaml"))


def load_benchmark(name: str) -> BenchmarkConfig:
    """The bundle `name`; an unknown name is a one-line `ConfigError` listing the known ones."""
    path = repo_configs_dir() / BENCHMARKS_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError(f"{path}: unknown benchmark {name!r} (known: {', '.join(benchmark_names())})")
    return load_config(BenchmarkConfig, path)
