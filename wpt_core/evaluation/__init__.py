"""Scoring and reporting: Bench2Drive metrics (driving score, success rate, abilities, efficiency, comfort) from leaderboard results files."""
