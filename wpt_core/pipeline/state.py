"""The run's state file: which stages finished, with their outputs and wall time, under one config hash.

A finished stage is never redone; an unfinished one is simply run again, and its command continues from its
own files (collect/eval `--resume`, train `--resume`, the idempotent cache). Resuming under another config
would mix two experiments in one report, so it is refused.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any, Dict, Mapping

import yaml

from wpt_core.config import ConfigError, to_dict

STATE_FILE = "pipeline_state.json"


def config_hash(config: Any) -> str:
    """sha256 of the resolved config (sorted YAML): equal configs, equal hashes, whatever the key order."""
    return hashlib.sha256(yaml.safe_dump(to_dict(config), sort_keys=True).encode()).hexdigest()[:16]


class PipelineState:
    """`<run>/pipeline_state.json`: {config_hash, stages: {name: {outputs, wall_s, finished}}}."""

    def __init__(self, path: Path, digest: str, stages: Dict[str, Dict[str, Any]]) -> None:
        self.path, self.config_hash, self.stages = path, digest, stages

    @classmethod
    def open(cls, run_dir: Path, config: Any, resume: bool) -> "PipelineState":
        """A new state, or the recorded one when resuming; a mismatch is a one-line `ConfigError`."""
        path = run_dir / STATE_FILE
        digest = config_hash(config)
        if not resume:
            if path.exists():
                raise ConfigError(f"{path}: this run already exists; pass --resume to continue it or choose "
                                  "another --run")
            state = cls(path, digest, {})
            state.save()
            return state
        if not path.is_file():
            raise ConfigError(f"{path}: nothing to resume (no state file)")
        try:
            data = json.loads(path.read_text())
            recorded, stages = str(data["config_hash"]), dict(data["stages"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path}: not a pipeline state file ({exc})") from None
        if recorded != digest:
            raise ConfigError(f"{path}: recorded with another config (hash {recorded}, now {digest}); resume with "
                              "the same profile and --set values, or start another --run")
        return cls(path, digest, stages)

    def done(self, name: str) -> bool:
        return name in self.stages

    def outputs(self) -> Dict[str, Dict[str, str]]:
        return {name: dict(record["outputs"]) for name, record in self.stages.items()}

    def wall_times(self) -> Dict[str, float]:
        return {name: float(record["wall_s"]) for name, record in self.stages.items()}

    def record(self, name: str, outputs: Mapping[str, str], wall_s: float) -> None:
        self.stages[name] = {"outputs": dict(outputs), "wall_s": round(wall_s, 2),
                             "finished": time.strftime("%Y-%m-%dT%H:%M:%S")}
        self.save()

    def save(self) -> None:
        """Atomic: a kill while writing leaves the previous state, never half a file."""
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"config_hash": self.config_hash, "stages": self.stages}, indent=2))
        os.replace(tmp, self.path)
