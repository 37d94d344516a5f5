"""VehicleOpensDoorTwoWays (vehicle_opens_door.py): a parked car opens its door into the ego lane.

A car is parked `distance` m (default 50) after the trigger on the `direction` side, just outside the
ego lane and hugging it. When the ego is 3 s or 10 m from it, its door on the lane side opens
(`DOOR_OPEN_M` sideways into the ego lane, at the front of the car): the car's box widens to include it,
and the ego can no longer pass inside its lane. 5 s later an oncoming flow starts in the opposite lane
(`frequency` from/to, metres between cars, default 20–100) and the ego may use that lane, as the
TwoWays obstacles (`obstacles._TwoWays`: gap for a waiting ego, oncoming cars hold while it passes).
The scenario ends when the ego is 50 m past the car and times out after 240 s.
"""
from __future__ import annotations

from typing import Optional

from wpt_core.sim.scenarios.obstacles import END_DISTANCE_M, _Obstacle, _TwoWays
from wpt_core.sim.scenarios.props import CAR_TYPES, make_actor
from wpt_core.types import Actor, ActorKind

REACTION_TIME_S = 3.0
MIN_TRIGGER_DIST_M = 10.0
OPPOSITE_WAIT_S = 5.0
DOOR_OPEN_M = 1.2          # how far the open door sticks out of the car's side (a front door, open wide)
HUG_M = 0.3                # the parked car's lane-side edge is this far over the lane marking


class VehicleOpensDoorTwoWays(_TwoWays, _Obstacle):
    type_name = "VehicleOpensDoorTwoWays"
    default_distance = 50.0

    def setup(self) -> None:
        self.sign = 1.0 if self.direction == "right" else -1.0
        self.type_id = CAR_TYPES[0]
        car = make_actor(self.uid("parked"), self.type_id, ActorKind.STATIC, (0.0, 0.0, 0.0))
        self.car_lateral = self.sign * (self.geometry.lane_width_at(self.obstacle_s) / 2 + car.width_m / 2 - HUG_M)
        car.x_m, car.y_m, car.yaw_deg = self.geometry.path.pose_at(self.obstacle_s, self.car_lateral)
        self.car_id = self.add_static(car, block_lane=False)
        self.car = car
        self.end_s = self.obstacle_s + END_DISTANCE_M
        self.opened_at: Optional[float] = None
        self.flow = None

    def on_trigger(self) -> None:
        """The oncoming flow waits for the door (see `tick`)."""

    def door_due(self) -> bool:
        dist, tta = self.ego_time_to(self.geometry.path.pose_at(self.obstacle_s)[:2])
        return tta <= REACTION_TIME_S or dist <= MIN_TRIGGER_DIST_M

    def open_door(self) -> None:
        """The parked car's box grows by the door on its lane side (a vehicle box: hitting it is a
        vehicle collision, as hitting a CARLA car's open door is)."""
        self.world.remove(self.car_id)
        self.actor_ids.remove(self.car_id)
        lateral = self.car_lateral - self.sign * DOOR_OPEN_M / 2
        x, y, yaw = self.geometry.path.pose_at(self.obstacle_s, lateral)
        opened = Actor(id=self.uid("parked_open"), kind=ActorKind.STATIC, x_m=x, y_m=y, yaw_deg=yaw, speed_mps=0.0,
                       length_m=self.car.length_m, width_m=self.car.width_m + DOOR_OPEN_M,
                       height_m=self.car.height_m, type_id=self.type_id, role="scenario")
        self.car_id = self.add_static(opened, block_lane=True)
        self.opened_at = self.world.time_s

    def tick(self) -> None:
        if self.opened_at is None and self.door_due():
            self.open_door()
        if self.flow is None:
            if self.opened_at is not None and self.world.time_s - self.opened_at >= OPPOSITE_WAIT_S:
                _TwoWays.on_trigger(self)
            else:
                _Obstacle.tick(self)
                return
        _TwoWays.tick(self)
