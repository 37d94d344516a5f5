"""Leaderboard entry file of the privileged expert: `--agent data_collection/expert_agent.py`.

The agent is `wpt_core.privileged_agents.expert_agent.ExpertAgent` (setup string, sensors and behaviour
are documented there); this file only gives the leaderboard its `get_entry_point()`.
"""
from wpt_core.privileged_agents.expert_agent import ExpertAgent

__all__ = ["ExpertAgent", "get_entry_point"]


def get_entry_point() -> str:
    return "ExpertAgent"
