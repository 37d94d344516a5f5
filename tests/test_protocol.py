import numpy as np

from wpt_core.protocol import AutonomousAgent, Track, VehicleControl, downsample_route, make_transform
from wpt_core.types import RoadOption


def straight_route(n, option=RoadOption.LANEFOLLOW):
    return [(make_transform(float(i), 0.0, 0.0, 0.0), option) for i in range(n)]


def test_base_class_keeps_downsampled_plan_every_50m():
    agent = AutonomousAgent("localhost", 2000, False)
    route = straight_route(301)
    gps = [({"lat": 0.0, "lon": float(i), "z": 0.0}, o) for i, (_, o) in enumerate(route)]
    agent.set_global_plan(gps, route)
    xs = [t.location.x for t, _ in agent._global_plan_world_coord]
    assert xs[0] == 0.0 and xs[-1] == 300.0
    gaps = np.diff(xs)
    assert gaps.max() <= 52.0 and 5 <= len(xs) <= 7   # one point every ~50 m of a 300 m route
    assert len(agent._global_plan) == len(xs)


def test_downsample_keeps_command_changes():
    route = straight_route(20) + [(make_transform(20.0 + i, 0, 0, 0), RoadOption.LEFT) for i in range(5)]
    ids = downsample_route(route, 50.0)
    assert 20 in ids and 0 in ids and 24 in ids


def test_vehicle_control_fields_and_no_clamping():
    control = VehicleControl(throttle=2.0, steer=-3.0, brake=0.5)
    assert (control.throttle, control.steer, control.brake) == (2.0, -3.0, 0.5)  # like carla: no clamp
    assert control.hand_brake is False and control.reverse is False


def test_track_values_match_leaderboard():
    assert Track.SENSORS.value == "SENSORS" and Track.MAP.value == "MAP"
