import sys
from pathlib import Path

import pytest

from wpt_core.protocol import Track
from wpt_core.sim.runner.agent_loader import AgentLoadError, instantiate_agent, load_agent_class

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "agents"


def test_loads_by_basename_from_its_folder_and_constructs_with_leaderboard_signature():
    cls = load_agent_class(FIXTURES / "standstill_agent.py")
    assert cls.__name__ == "StandstillAgent"
    agent = instantiate_agent(cls)
    # Bench2Drive's base-class state before setup(): SENSORS track, no plan; no simulation, so no hero
    assert agent.track is Track.SENSORS and agent._global_plan is None and agent.hero_actor is None


def test_missing_entry_point_and_missing_file(tmp_path):
    bad = tmp_path / "no_entry_agent.py"
    bad.write_text("class A: pass\n")
    with pytest.raises(AgentLoadError, match="get_entry_point"):
        load_agent_class(bad)
    with pytest.raises(AgentLoadError, match="not found"):
        load_agent_class(tmp_path / "absent.py")


def test_entry_point_naming_a_non_class(tmp_path):
    bad = tmp_path / "wrong_name_agent.py"
    bad.write_text("def get_entry_point():\n    return 'Nope'\n")
    with pytest.raises(AgentLoadError, match="Nope"):
        load_agent_class(bad)


def test_generic_basename_that_clashes_with_an_installed_module_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))   # the loader prepends the folder, like the leaderboard
    clash = tmp_path / "json.py"   # `import json` finds the stdlib module first
    clash.write_text("def get_entry_point():\n    return 'A'\nclass A: pass\n")
    with pytest.raises(AgentLoadError, match="rename"):
        load_agent_class(clash)


def test_loads_an_importable_module_by_name_and_the_entry_file_gives_the_same_class():
    by_module = load_agent_class("wpt_core.privileged_agents.expert_agent")
    by_file = load_agent_class(FIXTURES.parents[2] / "data_collection" / "expert_agent.py")
    assert by_module.__name__ == "ExpertAgent" and by_module is by_file


def test_unimportable_module_name_is_one_line_naming_it():
    with pytest.raises(AgentLoadError, match=r"^wpt_core\.no_such_agent: import failed: ModuleNotFoundError"):
        load_agent_class("wpt_core.no_such_agent")
