"""Every file, script, command and flag the Dockerfiles and docker/README.md name exists in the repository."""
from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import pytest

from wpt_core.cli import build_parser

REPO = Path(__file__).resolve().parents[1]
DOCKERFILES = sorted((REPO / "docker").glob("Dockerfile.*"))
REPO_PATH = re.compile(r"(?<![\w/.-])((?:agents|data_collection|docker|leaderboard_configs|scripts|wpt_core)/[\w./-]*\w)")


def _instructions(path: Path):
    """(instruction, argument text) per Dockerfile line, comments dropped, continuations joined."""
    text = re.sub(r"\\\n", " ", "\n".join(l for l in path.read_text().splitlines() if not l.lstrip().startswith("#")))
    return [tuple(line.strip().split(None, 1)) for line in text.splitlines() if line.strip()]


def _exec_form(path: Path, instruction: str):
    found = [json.loads(arg) for ins, arg in _instructions(path) if ins == instruction]
    return found[-1] if found else []


def _script_flags(script: Path):
    """The options a script's case arms accept, its own and those of the parser it calls from b2d_parts.sh."""
    text = script.read_text()
    if "b2d_parse_args" in text:
        text += (REPO / "scripts" / "b2d_parts.sh").read_text()
    return set(re.findall(r"^\s+(--[\w-]+)\)", text, re.MULTILINE))


def test_there_are_two_images():
    assert [p.name for p in DOCKERFILES] == ["Dockerfile.carla", "Dockerfile.cpu"]


@pytest.mark.parametrize("path", DOCKERFILES + [REPO / "docker" / "README.md"], ids=lambda p: p.name)
def test_every_repository_path_named_exists(path):
    named = set(REPO_PATH.findall(path.read_text()))
    assert named, "names no repository file?"
    missing = sorted(n for n in named if not (REPO / n).exists())
    assert not missing, f"{path.name} names {missing}"


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: p.name)
def test_pip_extras_exist(path):
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "setup.cfg")
    extras = set(cfg["options.extras_require"])
    for _, arg in _instructions(path):
        for group in re.findall(r'-e "\.\[([\w,]+)\]"', arg):
            assert set(group.split(",")) <= extras, group


def test_cpu_image_runs_the_pipeline_with_a_known_profile():
    path = REPO / "docker" / "Dockerfile.cpu"
    argv = _exec_form(path, "ENTRYPOINT") + _exec_form(path, "CMD")
    assert argv[:2] == ["wpt", "pipeline"]
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "setup.cfg")
    assert cfg["options.entry_points"]["console_scripts"].strip() == "wpt = wpt_core.cli:main"
    args = build_parser().parse_args(argv[1:])         # the flags parse as `wpt` parses them
    assert (REPO / "leaderboard_configs" / "pipelines" / f"{args.profile}.yaml").is_file()


def test_carla_image_runs_the_evaluation_script_with_flags_it_accepts():
    path = REPO / "docker" / "Dockerfile.carla"
    argv = _exec_form(path, "ENTRYPOINT") + _exec_form(path, "CMD")
    assert argv[0] == "bash" and (REPO / argv[1]).is_file()
    flags = {a for a in argv[2:] if a.startswith("--")}
    assert flags <= _script_flags(REPO / argv[1]), flags - _script_flags(REPO / argv[1])
    script = (REPO / argv[1]).read_text()
    assert "agents/wpt_agent.py" in script and "leaderboard_evaluator.py" in (REPO / "scripts" / "b2d_parts.sh").read_text()
    env = " ".join(arg for ins, arg in _instructions(path) if ins == "ENV")
    assert "CARLA_ROOT=" in env and "BENCH2DRIVE_ROOT=" in env   # what b2d_check_setup reads
