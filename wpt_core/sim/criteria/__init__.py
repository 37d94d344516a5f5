"""Leaderboard / Bench2Drive route criteria on simulator-agnostic Scenes (no SUMO needed).

One module per criterion family; `route_criteria.RouteCriteria` runs them all for a route and
writes the leaderboard record.
"""
