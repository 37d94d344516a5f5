from dataclasses import dataclass, field
from typing import List, Optional

import pytest

from wpt_core.config import ConfigError, load_config, save_config


@dataclass
class Optim:
    lr: float = 1e-3
    steps: int = 10


@dataclass
class Cfg:
    name: str = "a"
    optim: Optim = field(default_factory=Optim)
    towns: List[str] = field(default_factory=lambda: ["EmbeddedGrid"])
    note: Optional[str] = None
    enabled: bool = True


def test_yaml_and_dotted_overrides(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("optim:\n  lr: 0.5\ntowns: [X, Y]\n")
    cfg = load_config(Cfg, path, ["optim.steps=7", "note=hello"])
    assert cfg.optim.lr == 0.5 and cfg.optim.steps == 7
    assert cfg.towns == ["X", "Y"] and cfg.note == "hello" and cfg.name == "a"


def test_unknown_key_names_key_and_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("optim:\n  learning_rate: 0.5\n")
    with pytest.raises(ConfigError) as err:
        load_config(Cfg, path)
    assert "learning_rate" in str(err.value) and "bad.yaml" in str(err.value)


def test_unknown_override_and_wrong_type_rejected():
    with pytest.raises(ConfigError, match="nope"):
        load_config(Cfg, None, ["optim.nope=1"])
    with pytest.raises(ConfigError, match="steps"):
        load_config(Cfg, None, ["optim.steps=abc"])
    with pytest.raises(ConfigError, match="enabled"):
        load_config(Cfg, None, ["enabled=3"])


def test_an_integer_given_for_a_string_is_that_string_but_a_boolean_is_not():
    """`--set routes_subset=3` reaches the config as the YAML integer 3: a route id, meant as "3"."""
    assert load_config(Cfg, None, ["name=3"]).name == "3" and load_config(Cfg, None, ["note=0"]).note == "0"
    with pytest.raises(ConfigError, match="name: expected a string"):
        load_config(Cfg, None, ["name=true"])
    with pytest.raises(ConfigError, match="name: expected a string"):
        load_config(Cfg, None, ["name=0.5"])


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(Cfg, tmp_path / "missing.yaml")
    bad = tmp_path / "broken.yaml"
    bad.write_text("optim: [unclosed\n")
    with pytest.raises(ConfigError, match="broken.yaml"):
        load_config(Cfg, bad)


def test_saved_config_loads_back_identically(tmp_path):
    cfg = load_config(Cfg, None, ["optim.lr=0.25", "towns=[A]"])
    save_config(cfg, tmp_path / "resolved.yaml")
    assert load_config(Cfg, tmp_path / "resolved.yaml") == cfg
