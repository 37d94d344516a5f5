"""CARLA actors (real carla.Transform/BoundingBox/Vector3D, stand-in actors and map) → Scene."""
from __future__ import annotations

import math

import carla
import numpy as np
import pytest


from carla_standins import FakeActor, FakeWorld, bbox, transform
from wpt_core.leaderboard.global_plan import dense_route_from_plan
from wpt_core.carla_bridge.scene_provider import CarlaSceneProvider, light_state
from wpt_core.types import ActorKind, LightState, RoadOption


def _hero():
    return FakeActor(1, "vehicle.lincoln.mkz_2020", transform(0.0, 1.75, 0.2, 0.0), bbox(0.0, 0.0, 0.7, 2.45, 1.05, 0.75),
                     carla.Vector3D(3.0, 0.0, 0.0), {"role_name": "hero"}, acceleration=carla.Vector3D(1.0, 2.0, 0.0),
                     angular_velocity=carla.Vector3D(0.0, 0.0, 10.0),
                     control=carla.VehicleControl(throttle=0.4, steer=-0.2, brake=0.0))


def _light(actor_id=50, state=None):
    # pole at (48, 8) with yaw 90: its local x axis points along world +y, i.e. across both lanes;
    # the trigger volume sits at local (−4.5, 3) → world (48 − 3, 8 − 4.5) = (45, 3.5), half extent 3.5 m across
    volume = carla.BoundingBox(carla.Location(x=-4.5, y=3.0, z=0.0), carla.Vector3D(3.5, 1.5, 1.0))
    return FakeActor(actor_id, "traffic.traffic_light", transform(48.0, 8.0, 0.0, 90.0), trigger_volume=volume,
                     state=state if state is not None else carla.TrafficLightState.Red)


def _world(extra=()):
    actors = [
        _hero(),
        # vehicle origin (10, 20) yaw 90; its box sits 0.5 m ahead of the origin → centre (10, 20.5)
        FakeActor(2, "vehicle.audi.a2", transform(10.0, 20.0, 0.3, 90.0), bbox(0.5, 0.0, 0.7, 2.4, 1.0, 0.75),
                  carla.Vector3D(0.0, 5.0, 0.0), {"base_type": "car", "role_name": "autopilot"}),
        FakeActor(3, "walker.pedestrian.0001", transform(5.0, -3.0, 0.0, 45.0), bbox(0.0, 0.0, 0.9, 0.3, 0.3, 0.9),
                  carla.Vector3D(1.0, 1.0, 0.0)),
        FakeActor(4, "static.prop.trafficcone01", transform(30.0, 2.0), bbox(0.0, 0.0, 0.3, 0.2, 0.2, 0.3)),
        FakeActor(5, "static.prop.mesh", transform(25.0, 5.0), bbox(0.0, 0.0, 0.7, 2.2, 0.9, 0.7),
                  attributes={"mesh_path": "/Game/Carla/Static/Car/4Wheeled/ParkedVehicles/Mini/SM_Mini.SM_Mini"}),
        FakeActor(6, "static.prop.mesh", transform(26.0, 5.0), attributes={"mesh_path": "/Game/Carla/Static/Tree/T"}),
        FakeActor(7, "vehicle.tesla.model3", transform(300.0, 0.0), bbox(0.0, 0.0, 0.7, 2.4, 1.0, 0.75)),
        FakeActor(8, "vehicle.bh.crossbike", transform(15.0, 5.0), bbox(0.0, 0.0, 0.7, 0.8, 0.3, 0.7),
                  attributes={"base_type": "bicycle"}),
        FakeActor(9, "vehicle.ford.ambulance", transform(-20.0, 5.0), bbox(0.0, 0.0, 1.2, 3.0, 1.2, 1.2),
                  attributes={"special_type": "emergency"}),
        _light(),
        *extra,
    ]
    return FakeWorld(actors)


def _scene(extra=()):
    return CarlaSceneProvider(_world(extra), location_factory=lambda x, y, z: carla.Location(x=x, y=y, z=z)).scene()


def test_ego_state_from_hero():
    scene = _scene()
    ego = scene.ego
    assert (ego.x_m, ego.y_m, ego.z_m, ego.yaw_deg) == pytest.approx((0.0, 1.75, 0.2, 0.0))
    assert (ego.length_m, ego.width_m, ego.height_m) == pytest.approx((4.9, 2.1, 1.5))  # extent is half size
    assert ego.speed_mps == pytest.approx(3.0) and ego.accel_mps2 == pytest.approx(1.0)
    assert ego.lat_accel_mps2 == pytest.approx(2.0) and ego.yaw_rate_dps == pytest.approx(10.0)
    assert (ego.throttle, ego.steer) == pytest.approx((0.4, -0.2))
    assert scene.town == "Town03" and scene.frame == 120 and scene.time_s == pytest.approx(6.0)


def test_actor_kinds_and_box_centres():
    actors = {a.id: a for a in _scene().actors}
    assert set(actors) == {"2", "3", "4", "5", "8", "9"}  # hero, far car (300 m), tree mesh, light excluded
    car = actors["2"]
    assert car.kind == ActorKind.VEHICLE and (car.x_m, car.y_m) == pytest.approx((10.0, 20.5))
    assert (car.length_m, car.width_m, car.height_m) == pytest.approx((4.8, 2.0, 1.5))
    assert car.speed_mps == pytest.approx(5.0) and car.yaw_deg == pytest.approx(90.0) and car.z_m == pytest.approx(0.3)
    assert actors["3"].kind == ActorKind.WALKER and actors["3"].speed_mps == pytest.approx(math.sqrt(2.0))
    assert actors["4"].kind == ActorKind.STATIC and actors["4"].type_id == "static.prop.trafficcone01"
    assert actors["5"].kind == ActorKind.STATIC and "ParkedVehicles" in actors["5"].type_id
    assert actors["8"].kind == ActorKind.BICYCLE
    assert actors["9"].is_emergency and not actors["2"].is_emergency


def test_traffic_light_trigger_volume_becomes_stop_lines():
    lights = sorted(_scene().traffic_lights, key=lambda light: light.lane_id)
    # two lanes under the volume; each followed forward to the junction (x = 50): last non-junction point x = 49.5
    assert [light.lane_id for light in lights] == ["1:-1", "1:-2"]
    assert np.array(lights[0].stop_line) == pytest.approx(np.array([[49.5, 0.0], [49.5, 3.5]]))  # (left, right) of the +x direction
    assert np.array(lights[1].stop_line) == pytest.approx(np.array([[49.5, 3.5], [49.5, 7.0]]))
    assert all(light.state == LightState.RED and light.yaw_deg == pytest.approx(0.0) for light in lights)
    assert lights[0].id == "50" and lights[1].id == "50_1"


def test_stop_sign_and_light_states():
    volume = carla.BoundingBox(carla.Location(x=0.0, y=0.0, z=0.0), carla.Vector3D(1.5, 1.0, 1.0))
    stop = FakeActor(60, "traffic.stop", transform(40.0, 1.75, 0.0, 90.0), trigger_volume=volume)
    signs = _scene([stop]).stop_signs
    assert len(signs) == 1 and np.array(signs[0].stop_line) == pytest.approx(np.array([[49.5, 0.0], [49.5, 3.5]]))
    assert light_state(carla.TrafficLightState.Green) == LightState.GREEN
    assert light_state(carla.TrafficLightState.Yellow) == LightState.YELLOW
    assert light_state(carla.TrafficLightState.Unknown) == LightState.OFF


def test_dense_route_from_global_plan():
    plan = [(transform(float(i), 0.0, 0.0, 0.0), RoadOption.LANEFOLLOW if i < 5 else RoadOption.LEFT) for i in range(8)]
    route = dense_route_from_plan(plan)
    assert route.xy_m[7] == pytest.approx([7.0, 0.0]) and route.commands.tolist() == [4] * 5 + [1] * 3
    assert route.in_junction.tolist() == [False] * 5 + [True] * 3 and route.lane_width_m[0] == pytest.approx(3.5)
    with pytest.raises(ValueError):
        dense_route_from_plan([])


def test_annotation_trigger_volume_maps_back_to_its_stop_line():
    """The trigger volume we write for a stop line is one CARLA's lane logic maps back onto that stop line."""
    from wpt_core.carla_bridge.traffic_rules import controlled_lanes
    from wpt_core.data.annotation import trigger_volume

    stop_line = ((49.5, 0.0), (49.5, 3.5))
    loc, rot, ext = trigger_volume(stop_line, 0.0)
    volume = carla.BoundingBox(carla.Location(), carla.Vector3D(*ext))
    actor = FakeActor(70, "traffic.traffic_light", transform(loc[0], loc[1], 0.0, rot[2]), trigger_volume=volume)
    lanes = controlled_lanes(actor, _world().get_map(), lambda x, y, z: carla.Location(x=x, y=y, z=z))
    assert len(lanes) == 1 and np.array(lanes[0].stop_line) == pytest.approx(np.array(stop_line))


def test_reading_the_scene_leaves_carlas_values_untouched():
    """`carla.Transform.transform(loc)` rewrites `loc`: the provider must never call it on an actor's box."""
    world = _world()
    before = [(a.bounding_box.location.x, a.bounding_box.location.y, a.bounding_box.location.z,
               a.get_transform().location.x) for a in world.get_actors()]
    provider = CarlaSceneProvider(world, location_factory=lambda x, y, z: carla.Location(x=x, y=y, z=z))
    provider.scene()
    provider.scene()
    assert [(a.bounding_box.location.x, a.bounding_box.location.y, a.bounding_box.location.z,
             a.get_transform().location.x) for a in world.get_actors()] == before
    assert {a.id: a.x_m for a in provider.scene().actors}["2"] == pytest.approx(10.0)   # still (10, 20.5)


def test_attributes_and_ids_bench2drive_records():
    scene = _scene()
    assert scene.ego.id == "1"
    car = {a.id: a for a in scene.actors}["2"]
    assert car.attributes == {"base_type": "car"}       # role_name is not a recorded attribute
