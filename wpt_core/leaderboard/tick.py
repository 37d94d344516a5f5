"""The leaderboard's clock: a synchronous world ticking at 20 Hz, at most 4000 ticks a route.

The evaluator sets `fixed_delta_seconds = 1 / 20`; CARLA hands each tick's `delta_seconds` back as a
float32 (0.05 → 0.05000000074505806) and the leaderboard's `GameTime` sums those, so the timestamps an
agent sees are sums of `DELTA_SECONDS`, while a simulator that steps its own physics steps `TICK_S`.
Bench2Drive's scenario manager raises its TickRuntimeError on tick 4001 (`TICK_LIMIT`).
"""
from __future__ import annotations

import numpy as np

TICK_HZ = 20
TICK_S = 1.0 / TICK_HZ
DELTA_SECONDS = float(np.float32(TICK_S))
TICK_LIMIT = 4000
