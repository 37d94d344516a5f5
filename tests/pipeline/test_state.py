"""Resumable stages: a finished stage is skipped, a killed one runs again and continues, another config is refused."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Dict, List

import pytest

from wpt_core.config import ConfigError
from wpt_core.pipeline.pipeline_config import PipelineConfig, TrainingStages
from wpt_core.pipeline.runner import Stage, StageContext, StageError, run_stages
from wpt_core.pipeline.state import STATE_FILE, PipelineState, config_hash

CONFIG = PipelineConfig()


class Killed(RuntimeError):
    pass


def counting_stages(calls: List[str], kill_at: str = "", items: int = 3) -> List[Stage]:
    """Three stages; `second` works through `items` steps in a file, and dies after one when `kill_at` names it."""
    def first(ctx: StageContext) -> Dict[str, str]:
        calls.append("first")
        return {"value": "a"}

    def second(ctx: StageContext) -> Dict[str, str]:
        calls.append("second")
        progress = ctx.run_dir / "progress.txt"
        done = progress.read_text().split() if progress.exists() else []
        for i in range(len(done), items):
            done.append(str(i))
            progress.write_text(" ".join(done))
            if kill_at == "second":
                raise Killed()
        return {"value": ctx.output("first", "value") + "b", "items": progress.read_text()}

    def third(ctx: StageContext) -> Dict[str, str]:
        calls.append("third")
        return {"value": ctx.output("second", "value") + "c"}

    return [Stage("first", first), Stage("second", second), Stage("third", third)]


def test_finished_stages_are_skipped_on_resume(tmp_path: Path) -> None:
    calls: List[str] = []
    run_stages(counting_stages(calls), PipelineState.open(tmp_path, CONFIG, False), "p", CONFIG, tmp_path, 1)
    assert calls == ["first", "second", "third"]
    run_stages(counting_stages(calls), PipelineState.open(tmp_path, CONFIG, True), "p", CONFIG, tmp_path, 1)
    assert calls == ["first", "second", "third"]      # nothing redone
    recorded = json.loads((tmp_path / STATE_FILE).read_text())
    assert recorded["stages"]["third"]["outputs"] == {"value": "abc"}
    assert set(recorded["stages"]) == {"first", "second", "third"}
    assert all(record["wall_s"] >= 0 for record in recorded["stages"].values())


def test_a_killed_stage_continues_where_it_stopped(tmp_path: Path) -> None:
    calls: List[str] = []
    with pytest.raises(Killed):
        run_stages(counting_stages(calls, kill_at="second"), PipelineState.open(tmp_path, CONFIG, False), "p",
                   CONFIG, tmp_path, 1)
    state = PipelineState.open(tmp_path, CONFIG, True)
    assert state.done("first") and not state.done("second")
    run_stages(counting_stages(calls), state, "p", CONFIG, tmp_path, 1)
    assert calls == ["first", "second", "second", "third"]
    # the item written before the kill is kept, none is written twice
    assert state.outputs()["second"]["items"] == "0 1 2"


def test_resume_with_another_config_is_refused_naming_the_file(tmp_path: Path) -> None:
    PipelineState.open(tmp_path, CONFIG, False)
    other = replace(CONFIG, training=TrainingStages(profile="standard"))
    with pytest.raises(ConfigError, match=str(tmp_path / STATE_FILE)):
        PipelineState.open(tmp_path, other, True)


def test_a_new_run_over_an_existing_one_is_refused(tmp_path: Path) -> None:
    PipelineState.open(tmp_path, CONFIG, False)
    with pytest.raises(ConfigError, match="--resume"):
        PipelineState.open(tmp_path, CONFIG, False)


def test_resume_without_a_state_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nothing to resume"):
        PipelineState.open(tmp_path, CONFIG, True)


def test_config_hash_follows_the_values_only() -> None:
    assert config_hash(PipelineConfig()) == config_hash(PipelineConfig())
    assert config_hash(replace(CONFIG, seed=1)) != config_hash(CONFIG)


def test_only_runs_the_named_stages_and_leaves_the_rest_for_later(tmp_path: Path) -> None:
    calls: List[str] = []
    state = PipelineState.open(tmp_path, CONFIG, False)
    run_stages(counting_stages(calls), state, "p", CONFIG, tmp_path, 1, only=["first"])
    assert calls == ["first"] and state.done("first") and not state.done("second")
    with pytest.raises(StageError, match="unknown stage"):
        run_stages(counting_stages(calls), state, "p", CONFIG, tmp_path, 1, only=["fourth"])


def test_a_stage_whose_input_stage_has_not_run_names_it(tmp_path: Path) -> None:
    calls: List[str] = []
    state = PipelineState.open(tmp_path, CONFIG, False)
    with pytest.raises(StageError, match="'first' has not finished"):
        run_stages(counting_stages(calls), state, "p", CONFIG, tmp_path, 1, only=["second"])


def test_a_missing_file_of_a_pending_stage_is_named_before_anything_runs(tmp_path: Path) -> None:
    from wpt_core.pipeline.pipeline_config import check_files, load_pipeline_config

    agent = tmp_path / "agent.py"
    agent.write_text("")
    config = load_pipeline_config("smoke", [f"policy_eval.agent={agent}",
                                            f"policy_eval.agent_config={tmp_path / 'absent.yaml'}"])
    check_files(config, ["collect", "expert_eval"], Path("smoke.yaml"))   # their files exist
    with pytest.raises(ConfigError, match=r"smoke.yaml: stage eval_student needs .*absent.yaml"):
        check_files(config, ["collect", "eval_student"], Path("smoke.yaml"))


def test_the_clips_source_needs_a_data_folder() -> None:
    from wpt_core.pipeline.pipeline_config import load_pipeline_config

    with pytest.raises(ConfigError, match="full.yaml: collect.source is 'clips' but collect.data is empty"):
        load_pipeline_config("full", [])
    assert load_pipeline_config("full", ["collect.data=/clips"]).collect.data == "/clips"
