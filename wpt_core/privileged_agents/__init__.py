"""The privileged leaderboard agents: the expert driving from the true world state (`expert_agent`) and the
CARLA data agent that records Bench2Drive clips while it drives (`data_agent`). They run on either
simulator: the embedded runner registers its world as the privileged provider; on CARLA they register the
CARLA bridge themselves. `data_collection/` holds their leaderboard entry files.
"""

EXPERT_AGENT = "wpt_core.privileged_agents.expert_agent"   # what `wpt eval/collect --agent` load it by
