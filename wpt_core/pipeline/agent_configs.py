"""Agent configs generated for a run: the profile's template with `checkpoint:` pointing at this run's policy
(and its planning rate when the profile sets one)."""
from __future__ import annotations

from pathlib import Path

import yaml

from wpt_core.config import ConfigError, read_yaml
from wpt_core.pipeline.pipeline_config import config_file
from wpt_core.pipeline.runner import StageContext


def agent_config_for(ctx: StageContext, policy: str) -> Path:
    """`<run>/agents/<policy>.yaml`: the template `policy_eval.agent_config` with an absolute `checkpoint:` and
    the profile's planning rate for this policy."""
    template = config_file(ctx.config.policy_eval.agent_config)
    data = read_yaml(template) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{template}: an agent config must be a mapping")
    data["checkpoint"] = str(Path(ctx.output(policy, "checkpoint")).resolve())
    stage = ctx.config.policy_eval
    every = stage.teacher_plan_every_ticks if policy == "teacher" and stage.teacher_plan_every_ticks \
        else stage.plan_every_ticks
    if every > 0:
        data["plan_every_ticks"] = every
    path = ctx.run_dir / "agents" / f"{policy}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path
