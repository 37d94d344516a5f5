"""A learned driving policy as a leaderboard agent: localisation, route, history batch, frame checks, control.

`agents/wpt_agent.py` is the leaderboard entry file; everything it does lives here so that the same logic runs
under `wpt eval` (embedded simulator) and under Bench2Drive's `leaderboard_evaluator.py` (CARLA).
"""
