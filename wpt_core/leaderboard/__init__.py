"""The CARLA leaderboard's formats and rules, shared by both simulators: route files, results files,
infraction keys and penalties, status strings, the tick, the global plan and `metric_info.json`."""
