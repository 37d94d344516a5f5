"""`PipelineConfig`: one profile of the main job (`leaderboard_configs/pipelines/<profile>.yaml`).

Paths in a profile are relative to `leaderboard_configs/` (route files, agent configs) so a profile names
only files of the repository, except `collect.data` (the `full` profile's Bench2Drive clips), which the
user gives. Route subsets use the leaderboard's `--routes-subset` syntax ("0-18", "3,7").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence

from wpt_core.config import ConfigError, load_config
from wpt_core.paths import repo_configs_dir

PIPELINES_DIR = "pipelines"
LEARNED = ("baseline", "teacher", "student")
POLICIES = ("expert",) + LEARNED   # the report's rows, in this order (then the ablation students)
ABLATION_PREFIX = "student_"
ABLATION_OPEN_LOOP = "open_loop_ablations"   # the stage with the ablation students' open-loop JSONs
ABLATION_NAME = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")


@dataclass(frozen=True)
class CollectStage:
    """`source: embedded`: the expert records clips on `routes` (its `routes_subset`) with `wpt collect --set
    overrides`; `source: clips`: the clips in folder `data` (recorded elsewhere, e.g. Bench2Drive-base) are used."""

    source: str = "embedded"
    routes: str = "routes/embedded_train.xml"
    routes_subset: str = ""
    overrides: List[str] = field(default_factory=list)
    data: str = ""


@dataclass(frozen=True)
class TrainingStages:
    """Every learning stage (cache, world model, teacher, student, baseline) reads one training profile;
    `overrides` are its `--set`s, applied to every stage alike (e.g. `train.steps=3` for the smoke run)."""

    profile: str = "quick"
    overrides: List[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExpertEvalStage:
    """The privileged expert on a benchmark (`benchmarks/<benchmark>.yaml`) with an agent config
    (relative to `leaderboard_configs/`); `routes_subset` empty = the whole benchmark."""

    benchmark: str = "embedded_eval"
    agent_config: str = "agents/expert.yaml"
    routes_subset: str = ""


@dataclass(frozen=True)
class PolicyEvalStage:
    """Closed-loop `wpt eval` of the learned policies with `agent`: each gets a generated agent config, the
    template `agent_config` with its `checkpoint:` replaced; `teacher_routes_subset` empty = `routes_subset`.
    plan_every_ticks > 0 replaces the template's (2 = 10 Hz, the clips' rate; the teacher at 131 ms a plan makes
    its closed loop the longest stage at 20 Hz); `teacher_plan_every_ticks` 0 = `plan_every_ticks`."""

    benchmark: str = "embedded_eval"
    agent: str = "agents/wpt_agent.py"
    agent_config: str = "agents/wpt_student.yaml"
    routes_subset: str = ""
    teacher_routes_subset: str = ""
    plan_every_ticks: int = 0
    teacher_plan_every_ticks: int = 0


@dataclass(frozen=True)
class AblationStages:
    """Students trained exactly like `student` plus their own `--set`s (name → overrides, e.g. `no_query:
    [student.loss.query=0]`), stage and policy `student_<name>`; evaluated closed loop on `routes_subset` (empty =
    `policy_eval.routes_subset`) at the student's planning rate, open loop like every policy."""

    students: Dict[str, List[str]] = field(default_factory=dict)
    routes_subset: str = ""


@dataclass(frozen=True)
class ReportStage:
    """The rollout video: the student on route `video_route` of the policy benchmark, at most `video_frames`
    frames, every `video_stride`-th recorded step; the world-model table on `world_model_samples` evenly spaced
    validation samples (it decodes raw clips, ~20 samples/s on a CPU core)."""

    video_route: str = "0"
    video_frames: int = 120
    video_stride: int = 2
    world_model_samples: int = 600


@dataclass(frozen=True)
class PipelineConfig:
    collect: CollectStage = field(default_factory=CollectStage)
    training: TrainingStages = field(default_factory=TrainingStages)
    expert_eval: ExpertEvalStage = field(default_factory=ExpertEvalStage)
    policy_eval: PolicyEvalStage = field(default_factory=PolicyEvalStage)
    ablations: AblationStages = field(default_factory=AblationStages)
    report: ReportStage = field(default_factory=ReportStage)
    seed: int = 0


def ablation_policies(config: PipelineConfig) -> List[str]:
    """The ablation students' policy (and stage) names, in the profile's order."""
    return [f"{ABLATION_PREFIX}{name}" for name in config.ablations.students]


def learned_policies(config: PipelineConfig) -> List[str]:
    """Every policy a run trains: baseline, teacher, student, then the ablation students."""
    return [*LEARNED, *ablation_policies(config)]


def profile_names() -> List[str]:
    return sorted(p.stem for p in (repo_configs_dir() / PIPELINES_DIR).glob("*.yaml"))


def profile_path(name: str) -> Path:
    path = repo_configs_dir() / PIPELINES_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError(f"{path}: unknown pipeline profile {name!r} (known: {', '.join(profile_names())})")
    return path


COLLECT_SOURCES = ("embedded", "clips")


def load_pipeline_config(name: str, overrides: List[str]) -> PipelineConfig:
    """The profile with its `--set` overrides, checked before any stage runs."""
    path = profile_path(name)
    config = load_config(PipelineConfig, path, overrides)
    if config.collect.source not in COLLECT_SOURCES:
        raise ConfigError(f"{path}: collect.source {config.collect.source!r} is not one of {COLLECT_SOURCES}")
    if config.collect.source == "clips" and not config.collect.data:
        raise ConfigError(f"{path}: collect.source is 'clips' but collect.data is empty; give the clips' folder "
                          "with --set collect.data=DIR")
    bad = [name for name in config.ablations.students if not ABLATION_NAME.match(name)]
    if bad:
        raise ConfigError(f"{path}: ablation name {bad[0]!r} must be lower-case words joined by '_' (it names "
                          "a stage and a folder)")
    return config


def config_file(relative: str) -> Path:
    """A profile's file under `leaderboard_configs/`; absolute paths (user data) are kept."""
    path = Path(relative)
    return path if path.is_absolute() else repo_configs_dir() / path


def repo_file(relative: str) -> Path:
    """A file of the repository named relative to its root (the agent file); absolute paths are kept."""
    path = Path(relative)
    return path if path.is_absolute() else repo_configs_dir().parent / path


def required_files(config: PipelineConfig) -> Dict[str, List[Path]]:
    """Stage → the repository files it reads, so a missing one is reported before hours of earlier stages."""
    from wpt_core.leaderboard.benchmark import BENCHMARKS_DIR

    def bundle(name: str) -> Path:
        return repo_configs_dir() / BENCHMARKS_DIR / f"{name}.yaml"

    policy = config.policy_eval
    policy_files = [bundle(policy.benchmark), repo_file(policy.agent), config_file(policy.agent_config)]
    files = {"collect": [config_file(config.collect.routes)] if config.collect.source == "embedded" else [],
             "expert_eval": [bundle(config.expert_eval.benchmark), config_file(config.expert_eval.agent_config)],
             "video": policy_files}
    files.update({f"eval_{name}": policy_files for name in learned_policies(config)})
    return files


def check_files(config: PipelineConfig, stages: Sequence[str], profile: Path) -> None:
    """A one-line `ConfigError` naming the profile, the stage and the first missing file of `stages`."""
    for stage, paths in required_files(config).items():
        missing = [p for p in paths if stage in stages and not p.exists()]
        if missing:
            raise ConfigError(f"{profile}: stage {stage} needs {missing[0]}, which does not exist")
