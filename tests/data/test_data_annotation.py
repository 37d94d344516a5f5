"""Annotation keys, types and CARLA conventions, checked against hand-derived geometry."""
from __future__ import annotations

import gzip
import json
import math

import numpy as np
import pytest

from data_helpers import car, route_info_ahead, scene_at
from wpt_core.data import rig
from wpt_core.data.actor_ids import ActorIds
from wpt_core.data.annotation import build_annotation
from wpt_core.types import Actor, ActorKind, Control, EgoState, LightState, Scene, StopSign, TrafficLight

TOP_KEYS = {"x": float, "y": float, "theta": float, "speed": float, "throttle": float, "steer": float, "brake": float,
            "reverse": bool, "acceleration": list, "angular_velocity": list, "x_command_far": float,
            "y_command_far": float, "command_far": int, "x_command_near": float, "y_command_near": float,
            "command_near": int, "x_target": float, "y_target": float, "next_command": int, "should_brake": bool,
            "weather": dict, "sensors": dict, "bounding_boxes": list}


def _anno(yaw=0.0, actors=(), ids=None, **kwargs):
    scene = scene_at(10.0, 20.0, yaw, actors=list(actors), **kwargs)
    return build_annotation(scene, route_info_ahead(10.0, 20.0, yaw), Control(throttle=0.3, steer=-0.1),
                            rig.calibration(1600, 900), {"sun_altitude_angle": 45.0}, True, ids=ids)


def test_keys_types_and_json_round_trip():
    anno = _anno()
    for key, typ in TOP_KEYS.items():
        assert isinstance(anno[key], typ), key
    assert json.loads(gzip.decompress(gzip.compress(json.dumps(anno).encode()))) == anno
    assert set(anno["sensors"]) == set(rig.CAMERA_NAMES) | {"LIDAR_TOP"}
    cam = anno["sensors"]["CAM_FRONT"]
    assert {"location", "rotation", "intrinsic", "world2cam", "cam2ego", "fov", "image_size_x", "image_size_y"} <= set(cam)
    assert {"world2lidar", "lidar2ego"} <= set(anno["sensors"]["LIDAR_TOP"])


@pytest.mark.parametrize("yaw,compass", [(0.0, math.pi / 2), (90.0, math.pi), (-90.0, 0.0), (180.0, 1.5 * math.pi)])
def test_theta_is_compass_of_ego_yaw(yaw, compass):
    # compass: 0 = north = −y, clockwise; east (+x, yaw 0) = π/2; south (+y, yaw 90) = π
    assert _anno(yaw)["theta"] == pytest.approx(compass)


def test_ego_first_and_half_extents():
    anno = _anno(actors=[car("7", 30.0, 20.0), car("8", 300.0, 20.0)])
    boxes = anno["bounding_boxes"]
    assert boxes[0]["class"] == "ego_vehicle"
    assert boxes[0]["extent"] == pytest.approx([4.9 / 2, 2.1 / 2, 1.5 / 2])
    ids = [b["id"] for b in boxes]
    assert "7" in ids and "8" not in ids  # 290 m away: outside the 100 m radius (CARLA-style ids are kept)
    other = boxes[ids.index("7")]
    assert other["class"] == "vehicle" and other["state"] == "dynamic"
    assert other["extent"] == pytest.approx([2.0, 1.0, 0.75]) and other["center"] == pytest.approx([30.0, 20.0, 0.75])
    assert other["distance"] == pytest.approx(20.0)
    assert len(other["world_cord"]) == 8


def test_actor_classes():
    actors = [car("w", 15.0, 20.0, kind=ActorKind.WALKER), car("p", 16.0, 20.0, kind=ActorKind.STATIC),
              car("c", 17.0, 22.0, kind=ActorKind.STATIC)]
    actors[2].type_id = "static.prop.trafficcone01"
    ids = ActorIds()
    classes = {b["id"]: (b["class"], b.get("state"), b.get("brake")) for b in _anno(actors=actors, ids=ids)["bounding_boxes"]}
    assert classes[ids.of("w")][0] == "walker"
    assert classes[ids.of("p")] == ("vehicle", "static", 1.0)   # B2D: a parked vehicle brakes
    assert classes[ids.of("c")][0] == "traffic_sign"


def test_every_box_id_is_an_integer_and_stable_across_frames():
    lights = [TrafficLight(id="J3:2", state=LightState.RED, lane_id="a", stop_line=((40.0, 18.0), (40.0, 22.0)),
                           yaw_deg=0.0, head_xyz=(42.0, 23.0, 5.0))]
    ids = ActorIds()
    first = _anno(actors=[car("bg_v12", 30.0, 20.0), car("sc_p3", 20.0, 25.0, kind=ActorKind.WALKER)], ids=ids,
                  traffic_lights=lights)["bounding_boxes"]
    second = _anno(actors=[car("sc_p3", 21.0, 25.0, kind=ActorKind.WALKER)], ids=ids, traffic_lights=lights)["bounding_boxes"]
    assert all(str(int(b["id"])) == b["id"] for b in first + second)          # what prepare_B2D's int(id) needs
    assert len({b["id"] for b in first}) == len(first)
    by_class = {b["class"]: b["id"] for b in second}
    assert by_class == {b["class"]: b["id"] for b in first if b["class"] in by_class}


def test_integer_ids_from_carla_are_kept_and_names_never_take_them():
    ids = ActorIds()
    assert [ids.of("17"), ids.of("J1:0"), ids.of("1"), ids.of("J1:0"), ids.of("hero")] == ["17", "1", "2", "1", "3"]


def test_blueprint_attributes_and_road_ids_are_recorded():
    class Roads:
        def of(self, lane_key, x, y, z):
            return (7, 0, -1) if lane_key is None else (int(x), 0, 2)

    ego = EgoState(x_m=10.0, y_m=20.0, yaw_deg=0.0, speed_mps=5.0, id="240",
                   attributes={"base_type": "car", "color": "10,20,30", "role_name": "hero"})
    walker = Actor("55", ActorKind.WALKER, 15.0, 20.0, 0.0, 1.0, 0.5, 0.5, 1.8, type_id="walker.pedestrian.0001",
                   lane_id="s", attributes={"gender": "female", "age": "adult"})
    van = Actor("56", ActorKind.VEHICLE, 30.0, 20.0, 0.0, 1.0, 5.0, 2.0, 2.0, type_id="vehicle.ford.ambulance",
                lane_id="e_0", attributes={"base_type": "van", "color": "1,2,3"})
    scene = Scene(frame=0, time_s=0.0, ego=ego, actors=[walker, van])
    boxes = build_annotation(scene, route_info_ahead(10.0, 20.0, 0.0), Control(), rig.calibration(16, 9), {}, False,
                             roads=Roads())["bounding_boxes"]
    assert boxes[0]["id"] == "240" and (boxes[0]["base_type"], boxes[0]["color"]) == ("car", "10,20,30")
    assert "role_name" not in boxes[0]
    assert (boxes[0]["road_id"], boxes[0]["section_id"], boxes[0]["lane_id"]) == (7, 0, -1)
    assert (boxes[1]["gender"], boxes[1]["age"], boxes[1]["road_id"], boxes[1]["lane_id"]) == ("female", "adult", 15, 2)
    assert (boxes[2]["base_type"], boxes[2]["color"], boxes[2]["road_id"]) == ("van", "1,2,3", 30)
    assert all(isinstance(b[k], int) for b in boxes for k in ("road_id", "section_id", "lane_id"))


@pytest.mark.parametrize("ego_yaw", [0.0, 90.0, -135.0])
@pytest.mark.parametrize("name", rig.CAMERA_NAMES)
def test_world2cam_puts_a_point_10m_ahead_of_the_camera_at_depth_10(name, ego_yaw):
    anno = _anno(ego_yaw)
    spec = rig.camera(name)
    c, s = math.cos(math.radians(ego_yaw)), math.sin(math.radians(ego_yaw))
    # camera position in the world: ego position + mount rotated by the ego yaw (x fwd, y right, left-handed)
    cam_x = 10.0 + spec.mount.x * c - spec.mount.y * s
    cam_y = 20.0 + spec.mount.x * s + spec.mount.y * c
    heading = math.radians(ego_yaw + spec.mount.yaw)
    point = np.array([cam_x + 10.0 * math.cos(heading), cam_y + 10.0 * math.sin(heading), spec.mount.z, 1.0])
    in_cam = np.array(anno["sensors"][name]["world2cam"]) @ point
    assert in_cam[:3] == pytest.approx([10.0, 0.0, 0.0], abs=1e-6)  # CARLA camera frame: x is depth
    assert anno["sensors"][name]["location"] == pytest.approx([cam_x, cam_y, 1.6])


def test_intrinsics_and_cam2ego():
    cam = _anno()["sensors"]["CAM_FRONT_LEFT"]
    f = 1600 / (2 * math.tan(math.radians(35)))
    assert np.array(cam["intrinsic"]) == pytest.approx(np.array([[f, 0, 800], [0, f, 450], [0, 0, 1]]))
    m = np.array(cam["cam2ego"])
    # a point 1 m along the camera axis (yaw −55°: forward-left) in the ego frame
    assert (m @ [1, 0, 0, 1])[:3] == pytest.approx([0.27 + math.cos(math.radians(55)), -0.55 - math.sin(math.radians(55)), 1.6])
    assert np.array(_anno()["sensors"]["LIDAR_TOP"]["lidar2ego"])[:3, 3] == pytest.approx([-0.39, 0.0, 1.84])


def test_traffic_light_state_affects_ego_and_trigger_volume():
    # ego at (10, 20) heading +x; the route ahead crosses x = 40; another light controls a crossing road
    ahead = TrafficLight(id="tl1", state=LightState.RED, lane_id="a", stop_line=((40.0, 18.25), (40.0, 21.75)),
                         yaw_deg=0.0, head_xyz=(42.0, 23.0, 5.0))
    side = TrafficLight(id="tl2", state=LightState.GREEN, lane_id="b", stop_line=((45.0, 30.0), (48.5, 30.0)),
                        yaw_deg=-90.0, head_xyz=(44.0, 31.0, 5.0))
    stop = StopSign(id="st", lane_id="a", stop_line=((55.0, 18.25), (55.0, 21.75)), yaw_deg=0.0, sign_xyz=(56.0, 23.0, 0.0))
    ids = ActorIds()
    boxes = {b["id"]: b for b in _anno(traffic_lights=[ahead, side], stop_signs=[stop], ids=ids)["bounding_boxes"]}
    tl1, tl2, st = boxes[ids.of("tl1")], boxes[ids.of("tl2")], boxes[ids.of("st")]
    assert tl1["class"] == "traffic_light" and tl1["state"] == 0 and tl1["affects_ego"]
    assert tl2["state"] == 2 and not tl2["affects_ego"]
    # the trigger volume lies on the lane just before the stop line and spans it
    loc = tl1["trigger_volume_location"]
    assert loc[0] < 40.0 and loc[0] > 37.0 and loc[1] == pytest.approx(20.0)
    assert tl1["trigger_volume_extent"][0] == pytest.approx(1.75)
    assert st["class"] == "traffic_sign" and st["affects_ego"]
    assert "trigger_volume_extent" in st


def test_num_points_counts_lidar_hits_inside_each_box():
    # ego at (10, 20) heading +y (yaw 90): the car at world (10, 30) is 10 m ahead, i.e. ego-frame (10, 0)
    scene = scene_at(10.0, 20.0, 90.0, actors=[car("a", 10.0, 30.0, 90.0)])
    lidar = np.array([[10.0, 0.0, 0.5, 1.0], [11.5, 0.8, 1.0, 1.0], [10.0, 3.0, 0.5, 1.0], [-10.0, 0.0, 0.5, 1.0]])
    anno = build_annotation(scene, route_info_ahead(10.0, 20.0, 90.0), Control(), rig.calibration(16, 9), {}, False,
                            lidar_ego=lidar)
    box = anno["bounding_boxes"][1]
    assert box["class"] == "vehicle" and box["num_points"] == 2
    assert build_annotation(scene, route_info_ahead(10.0, 20.0, 90.0), Control(), rig.calibration(16, 9), {},
                            False)["bounding_boxes"][1]["num_points"] == -1
