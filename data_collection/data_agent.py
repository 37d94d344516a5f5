"""Leaderboard entry file of the CARLA data agent: `--agent data_collection/data_agent.py` (collect_carla.sh).

The agent is `wpt_core.privileged_agents.data_agent.DataAgent` (setup string, config and recording are
documented there); this file only gives the leaderboard its `get_entry_point()`.
"""
from wpt_core.privileged_agents.data_agent import DataAgent

__all__ = ["DataAgent", "get_entry_point"]


def get_entry_point() -> str:
    return "DataAgent"
