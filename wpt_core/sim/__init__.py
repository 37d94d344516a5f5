"""The embedded simulator, grouped by what a newcomer looks for: `town/` (the static map and the SUMO↔CARLA
frames), `world/` (the running libsumo simulation), `routes/` (a route file's routes on a town, generation),
`scenarios/`, `criteria/`, `sensors/` and `runner/` (the leaderboard-protocol evaluator). `libsumo` is
imported lazily, never at package import.
"""
