import math

import numpy as np
import pytest

from wpt_core import privileged, protocol
from wpt_core.protocol import (AutonomousAgent, SensorConfigurationInvalid, SensorInterface, SensorReceivedNoData,
                               Track, VehicleControl, downsample_route, make_transform)
from wpt_core.types import Control, RoadOption


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


# --- Bench2Drive's base-class state, the hero view and get_metric_info --------------------------------

def test_base_class_defaults_are_bench2drives():
    agent = AutonomousAgent("localhost", 2000, False)
    assert agent.track is Track.SENSORS                 # an agent need not set it
    assert isinstance(agent.sensor_interface, SensorInterface) and agent.wallclock_t0 is None
    assert agent.hero_actor is None                     # no simulation is running
    assert AutonomousAgent.get_ros_version() == -1
    control = agent.run_step({}, 0.0)
    assert (control.throttle, control.steer, control.brake) == (0.0, 0.0, 0.0)
    with pytest.raises(RuntimeError, match="no hero"):
        agent.get_metric_info()


def test_dense_gnss_plan_is_kept_under_bench2drives_name():
    agent = AutonomousAgent("localhost", 2000, False)
    route = straight_route(120)
    gps = [({"lat": 0.0, "lon": float(i), "z": 0.0}, o) for i, (_, o) in enumerate(route)]
    agent.set_global_plan(gps, route)
    assert agent._plan_gps_HACK == gps and len(agent._global_plan) < len(gps)


@pytest.fixture
def running_world():
    """A real EmbeddedGrid world registered the way the embedded runner registers it."""
    from wpt_core.sim.town.town import Town
    from wpt_core.sim.world.world import World, WorldConfig

    town = Town.load("EmbeddedGrid")
    lanes = town.lane_path(["A1B1", "B1C1", "C1D1"])
    world = World(town, seed=3, config=WorldConfig(background_vehicles=0, background_pedestrians=0))
    world.start(lanes, town.lanes[lanes[0]].pose_at(20.0))
    privileged.set_provider(world)
    try:
        yield world
    finally:
        privileged.set_provider(None)
        world.close()


def drive(world, ticks, control):
    for _ in range(ticks):
        world.tick(control)


def expected_metric_info(ego):
    """Bench2Drive's fields by hand from the true ego state (CARLA: forward (cos, sin), right (-sin, cos))."""
    yaw = math.radians(ego.yaw_deg)
    fwd, right = (math.cos(yaw), math.sin(yaw), 0.0), (-math.sin(yaw), math.cos(yaw), 0.0)
    acc = [ego.accel_mps2 * f + ego.lat_accel_mps2 * r for f, r in zip(fwd, right)]
    return {"acceleration": acc, "angular_velocity": [0.0, 0.0, ego.yaw_rate_dps], "forward_vector": list(fwd),
            "right_vector": list(right), "location": [ego.x_m, ego.y_m, ego.z_m], "rotation": [0.0, 0.0, ego.yaw_deg]}


def test_hero_view_follows_the_live_ego_and_feeds_get_metric_info(running_world):
    import carla

    agent = AutonomousAgent("localhost", 2000, False)   # constructed after the world, as on the leaderboard
    hero = agent.hero_actor
    assert hero.attributes == {"role_name": "hero"} and hero.is_alive
    drive(running_world, 40, Control(throttle=0.7))
    drive(running_world, 10, Control(throttle=0.7, steer=0.3))     # turning and speeding up: all terms non-zero
    ego = running_world.ego
    assert ego.speed_mps > 3.0 and ego.yaw_rate_dps > 1.0 and ego.lat_accel_mps2 > 0.1 and ego.accel_mps2 > 0.1
    transform = hero.get_transform()
    assert isinstance(transform, carla.Transform) and isinstance(hero.get_velocity(), carla.Vector3D)
    assert isinstance(hero.get_location(), carla.Location)
    assert (transform.location.x, transform.location.y) == pytest.approx((ego.x_m, ego.y_m), abs=1e-3)
    velocity = hero.get_velocity()
    yaw = math.radians(ego.yaw_deg)
    assert (velocity.x, velocity.y, velocity.z) == pytest.approx(
        (ego.speed_mps * math.cos(yaw), ego.speed_mps * math.sin(yaw), 0.0), abs=1e-4)
    info = agent.get_metric_info()
    expected = expected_metric_info(ego)
    assert set(info) == set(expected)
    for key, values in expected.items():
        assert info[key] == pytest.approx(values, abs=1e-4), key
    drive(running_world, 20, Control(throttle=0.7))
    assert agent.get_metric_info()["location"][0] == pytest.approx(running_world.ego.x_m, abs=1e-3)  # live


def test_without_carla_the_hero_view_returns_stand_ins_with_the_same_values(running_world, monkeypatch):
    drive(running_world, 30, Control(throttle=0.7, steer=0.2))
    agent = AutonomousAgent("localhost", 2000, False)
    with_carla = agent.get_metric_info()
    monkeypatch.setattr(protocol, "_carla", lambda: None)
    transform = agent.hero_actor.get_transform()
    assert type(transform).__module__ == "wpt_core.protocol"
    without = agent.get_metric_info()
    for key, values in with_carla.items():
        assert without[key] == pytest.approx(values, abs=1e-4), key


def test_stand_in_transform_axes_are_carlas():
    pitch, yaw, roll = 10.0, 30.0, 20.0
    t = protocol._Transform(protocol._Location(1.0, 2.0, 3.0), protocol._Rotation(pitch=pitch, yaw=yaw, roll=roll))
    cp, sp = math.cos(math.radians(pitch)), math.sin(math.radians(pitch))
    cy, sy = math.cos(math.radians(yaw)), math.sin(math.radians(yaw))
    cr, sr = math.cos(math.radians(roll)), math.sin(math.radians(roll))
    forward, right = t.get_forward_vector(), t.get_right_vector()   # LibCarla's geom::Math formulas
    assert (forward.x, forward.y, forward.z) == pytest.approx((cy * cp, sy * cp, sp))
    assert (right.x, right.y, right.z) == pytest.approx((cy * sp * sr - sy * cr, sy * sp * sr + cy * cr, -cp * sr))
    assert t.location.distance(protocol._Location(1.0, 2.0, 0.0)) == pytest.approx(3.0)


def test_sensor_interface_buffers_like_the_leaderboards():
    interface = SensorInterface()
    interface.register_sensor("rgb", "sensor.camera.rgb", None)
    interface.register_sensor("hd", "sensor.opendrive_map", None)
    with pytest.raises(SensorConfigurationInvalid, match=r"^Duplicated sensor tag \[rgb\]$"):
        interface.register_sensor("rgb", "sensor.camera.rgb", None)
    with pytest.raises(SensorConfigurationInvalid, match=r"\[lidar\] has not been created"):
        interface.update_sensor("lidar", None, 3)
    interface.update_sensor("rgb", "old", 2)
    interface.update_sensor("rgb", "image", 3)
    assert interface.get_data(3) == {"rgb": (3, "image")}    # other frames dropped; the map is not waited for
    with pytest.raises(SensorReceivedNoData):
        interface.get_data(4)
