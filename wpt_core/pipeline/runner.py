"""Run the stages in order against the state file: finished stages are skipped, the rest run and are recorded."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence

from tqdm import tqdm

from wpt_core.errors import InputError
from wpt_core.pipeline.pipeline_config import PipelineConfig
from wpt_core.pipeline.state import PipelineState

LOG = logging.getLogger(__name__)


class StageError(InputError):
    """A stage's command failed or a stage it needs has not run; the message names the stage."""


@dataclass(frozen=True)
class StageContext:
    """What a stage reads: the profile name and its config, its run folder, the worker count, and the finished
    stages' outputs and wall times."""

    profile: str
    config: PipelineConfig
    run_dir: Path
    workers: int
    outputs: Mapping[str, Mapping[str, str]]
    wall_s: Mapping[str, float]

    def output(self, stage: str, key: str) -> str:
        if stage not in self.outputs:
            raise StageError(f"{self.run_dir}: stage {stage!r} has not finished, run it first")
        return self.outputs[stage][key]


@dataclass(frozen=True)
class Stage:
    """One step of the main job; `run` returns its outputs (paths, as strings) for later stages and the state."""

    name: str
    run: Callable[[StageContext], Dict[str, str]]
    recorded: bool = True   # False: rebuilt on every run, --only or not (the report: a function of the run folder)


def format_seconds(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def pending_stages(stages: Sequence[Stage], state: PipelineState, only: Optional[Sequence[str]] = None) -> List[str]:
    """The stages this call will run: not finished, and selected by `only` (the unrecorded report always)."""
    names = [s.name for s in stages]
    unknown = sorted(set(only or ()) - set(names))
    if unknown:
        raise StageError(f"--only: unknown stage(s) {unknown} (stages: {', '.join(names)})")
    return [s.name for s in stages if not (s.recorded and state.done(s.name))
            and (not only or s.name in only or not s.recorded)]


def run_stages(stages: Sequence[Stage], state: PipelineState, profile: str, config: PipelineConfig, run_dir: Path,
               workers: int, only: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Stages not in `only` (when given) are left for a later `--resume` (the unrecorded report always runs);
    returns this call's wall times."""
    pending = pending_stages(stages, state, only)
    walls: Dict[str, float] = {}
    for stage in tqdm(stages, desc="pipeline", unit="stage"):
        if stage.name not in pending and state.done(stage.name):
            LOG.info("stage %s: finished earlier (%s), skipped", stage.name,
                     format_seconds(state.wall_times()[stage.name]))
            continue
        if stage.name not in pending:
            LOG.info("stage %s: not selected (--only), left for later", stage.name)
            continue
        LOG.info("stage %s: started", stage.name)
        start = time.monotonic()
        outputs = stage.run(StageContext(profile, config, run_dir, workers, state.outputs(), state.wall_times()))
        walls[stage.name] = time.monotonic() - start
        if stage.recorded:
            state.record(stage.name, outputs, walls[stage.name])
        LOG.info("stage %s: finished in %s", stage.name, format_seconds(walls[stage.name]))
    return walls

