"""ControlLoss (control_loss.py): the ego's control is disturbed at three spots after the trigger.

Debris lies on the route 14, 48 and 74 m after the trigger; while the ego is within 2 m of one, its
control gets noise added every tick (AddNoiseToRouteEgo): throttle + N(±0.03, 0.01) and steer +
N(±0.055, 0.015), each mean's sign drawn once per spot, clamped to the control ranges. The scenario
ends 110 m after the trigger; no scenario timeout. The debris itself is flat (CARLA's dirt debris has
no collision the leaderboard counts), so it is not added as an actor: only its effect is.
"""
from __future__ import annotations

import math
from typing import List, Optional, Tuple

from wpt_core.sim.scenarios.base import Scenario
from wpt_core.types import Control

SPOTS_M = (14.0, 48.0, 74.0)
END_DISTANCE_M = 110.0
NEAR_M = 2.0
THROTTLE_MEAN, THROTTLE_STD = 0.03, 0.01
STEER_MEAN, STEER_STD = 0.055, 0.015


class ControlLoss(Scenario):
    type_name = "ControlLoss"

    def setup(self) -> None:
        if self.trigger_s + SPOTS_M[-1] > self.route_length_m:
            raise ValueError(f"{self.spec.name}: route too short after the trigger for ControlLoss")
        self.spots: List[Tuple[float, float]] = [tuple(self.geometry.path.pose_at(self.trigger_s + d)[:2])
                                                 for d in SPOTS_M]
        rng = self.ctx.rng
        self.means = [(float(rng.choice([THROTTLE_MEAN, -THROTTLE_MEAN])), float(rng.choice([STEER_MEAN, -STEER_MEAN])))
                      for _ in SPOTS_M]
        self.end_s = self.trigger_s + END_DISTANCE_M
        self.noisy_ticks = 0

    def active_spot(self) -> Optional[int]:
        ego = self.world.ego
        return next((k for k, (x, y) in enumerate(self.spots) if math.hypot(ego.x_m - x, ego.y_m - y) <= NEAR_M), None)

    def perturb(self, control: Control) -> Control:
        k = self.active_spot()
        if k is None:
            return control
        throttle_mean, steer_mean = self.means[k]
        rng = self.ctx.rng
        self.noisy_ticks += 1
        return Control(throttle=min(1.0, max(0.0, control.throttle + float(rng.normal(throttle_mean, THROTTLE_STD)))),
                       steer=min(1.0, max(-1.0, control.steer + float(rng.normal(steer_mean, STEER_STD)))),
                       brake=control.brake, hand_brake=control.hand_brake, reverse=control.reverse)
