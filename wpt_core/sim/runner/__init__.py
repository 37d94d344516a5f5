"""The leaderboard evaluator for the embedded simulator: agent loading, input checks, one route as the
leaderboard runs it, the process fan-out and the data-collection hook."""
