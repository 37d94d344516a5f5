"""The privileged agents under the real leaderboard's call order, on a CARLA world made of stand-in actors,
the `carla` client's real value types and a real `carla.Map` built offline from OpenDRIVE.

Nothing registers a privileged provider on CARLA: the agents must register the CARLA bridge themselves
(through scenario_runner's CarlaDataProvider, stood in here) and clear it in `destroy()`.
"""
from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

import carla
import numpy as np
import pytest


from carla_standins import FakeActor, FakeWorld, bbox, transform
from wpt_core import privileged
from wpt_core.data.clip_reader import ClipReader
from wpt_core.types import RoadOption

REPO = Path(__file__).resolve().parents[2]
SAVE_NAME = "RouteScenario_7_rep0_Town01_HardBreakRoute_1_5_12_01_10_00_00"
LANE_WIDTH = 3.2   # not the 3.5 m default: a route lane width of 3.2 can only come from the map
XODR = f"""<?xml version="1.0" standalone="yes"?>
<OpenDRIVE>
  <header revMajor="1" revMinor="4" name="Town01" version="1.00" north="0" south="0" east="0" west="0"/>
  <road name="r" length="300.0" id="7" junction="-1">
    <link/>
    <planView><geometry s="0.0" x="0.0" y="0.0" hdg="0.0" length="300.0"><line/></geometry></planView>
    <elevationProfile/><lateralProfile/>
    <lanes><laneSection s="0.0">
      <left><lane id="1" type="driving" level="false"><link/><width sOffset="0" a="{LANE_WIDTH}" b="0" c="0" d="0"/></lane></left>
      <center><lane id="0" type="none" level="false"><link/></lane></center>
      <right><lane id="-1" type="driving" level="false"><link/><width sOffset="0" a="{LANE_WIDTH}" b="0" c="0" d="0"/></lane></right>
    </laneSection></lanes>
  </road>
</OpenDRIVE>"""
LANE_Y = LANE_WIDTH / 2   # centre of lane −1 (CARLA's y points right of the road's direction)
W, H = 32, 18


def _load(name):
    path = REPO / "data_collection" / f"{name}.py"
    sys.path.insert(0, str(path.parent))
    try:
        sys.modules.pop(path.stem, None)
        return importlib.import_module(path.stem)
    finally:
        sys.path.remove(str(path.parent))


def _world():
    hero = FakeActor(1, "vehicle.lincoln.mkz_2020", transform(10.0, LANE_Y, 0.0, 0.0),
                     bbox(0.1, 0.0, 0.75, 2.45, 1.05, 0.75), carla.Vector3D(0.0, 0.0, 0.0),
                     {"role_name": "hero", "base_type": "car", "color": "10,20,30"})
    lead = FakeActor(42, "vehicle.audi.a2", transform(60.0, LANE_Y, 0.0, 0.0), bbox(0.2, 0.0, 0.7, 1.9, 0.9, 0.75),
                     carla.Vector3D(0.0, 0.0, 0.0), {"role_name": "autopilot", "base_type": "car", "color": "1,2,3"})
    return FakeWorld([hero, lead], frame=500, carla_map=carla.Map("Town01", XODR)), hero, lead


@pytest.fixture()
def leaderboard(monkeypatch):
    """scenario_runner's CarlaDataProvider (the leaderboard's world/hero registry), standing in for a server."""
    world, hero, lead = _world()
    provider = types.SimpleNamespace(get_world=lambda: world, get_hero_actor=lambda: hero)
    for name in ("srunner", "srunner.scenariomanager"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    module = types.ModuleType("srunner.scenariomanager.carla_data_provider")
    module.CarlaDataProvider = provider
    monkeypatch.setitem(sys.modules, module.__name__, module)
    yield world, hero, lead
    privileged.set_provider(None)


def _plans():
    world_plan = [(carla.Transform(carla.Location(x=float(x), y=LANE_Y, z=0.0), carla.Rotation(yaw=0.0)),
                   RoadOption.LANEFOLLOW) for x in range(10, 290)]
    gps_plan = [({"lat": 0.0, "lon": 1e-5 * x, "z": 0.0}, RoadOption.LANEFOLLOW) for x in range(10, 290)]
    return gps_plan, world_plan


def _drive(agent, world, hero, steps, input_data=lambda frame: {}, measure=None):
    """The leaderboard's loop: run_step on the current frame, apply the control, tick the world."""
    controls = []
    for _ in range(steps):
        frame = world.get_snapshot().frame
        control = agent.run_step(input_data(frame), world.get_snapshot().timestamp.elapsed_seconds)
        controls.append(control)
        loc = hero.get_transform().location
        hero._transform = transform(loc.x + 0.5 * control.throttle, loc.y, 0.0, 0.0)
        world.tick(measure or (lambda sensor, f: None))
    return controls


def test_expert_agent_registers_the_carla_bridge_and_drives(leaderboard):
    world, hero, lead = leaderboard
    box_locations = [(a.bounding_box.location.x, a.bounding_box.location.y, a.bounding_box.location.z)
                     for a in (hero, lead)]
    module = _load("expert_agent")
    agent = getattr(module, module.get_entry_point())("localhost", 2000)
    agent.set_global_plan(*_plans())
    agent.setup(f"+{SAVE_NAME}")
    assert privileged.registered_provider() is None          # nobody registers one under the leaderboard
    agent.sensors()
    controls = _drive(agent, world, hero, 10)
    assert all(isinstance(c, carla.VehicleControl) for c in controls)
    assert controls[0].throttle > 0.0 and controls[0].brake == 0.0   # an open lane ahead: it pulls away
    assert privileged.registered_provider() is agent.scene_provider()
    route = agent.dense_route()
    assert len(route) == 280 and np.allclose(route.lane_width_m, LANE_WIDTH)   # widths from the carla.Map
    assert agent.last_output.trajectory.xy_ego_m[-1, 0] > agent.last_output.trajectory.xy_ego_m[0, 0]
    agent.destroy()
    assert privileged.registered_provider() is None
    # the scene provider read every actor's box without moving it (Transform.transform works in place)
    assert [(a.bounding_box.location.x, a.bounding_box.location.y, a.bounding_box.location.z)
            for a in (hero, lead)] == box_locations


def test_expert_agent_leaves_a_registered_provider_alone(leaderboard):
    world, hero, _ = leaderboard
    from wpt_core.carla_bridge.scene_provider import CarlaSceneProvider

    registered = CarlaSceneProvider(world, hero)
    privileged.set_provider(registered)
    module = _load("expert_agent")
    agent = getattr(module, module.get_entry_point())("localhost", 2000)
    agent.set_global_plan(*_plans())
    agent.setup("")
    _drive(agent, world, hero, 2)
    agent.destroy()
    assert privileged.registered_provider() is registered   # the simulator's own provider is not cleared


def _carla_depth_image(depth_m):
    """CARLA's depth camera encoding: code = round(d / 1000 · (2²⁴ − 1)) in R + 256 G + 65536 B, BGRA bytes."""
    code = int(round(depth_m / 1000.0 * (256 ** 3 - 1)))
    r, g, b = code % 256, (code // 256) % 256, code // 65536
    return np.tile(np.array([b, g, r, 255], np.uint8), (H, W, 1))


def test_data_agent_records_a_clip_with_its_own_depth_cameras_and_full_sweep_lidar(leaderboard, tmp_path,
                                                                                    monkeypatch):
    world, hero, lead = leaderboard
    monkeypatch.setenv("SAVE_PATH", str(tmp_path))
    config = tmp_path / "agent.yaml"
    config.write_text(f"recording:\n  camera_width: {W}\n  camera_height: {H}\n")
    points = np.array([[5.0, -2.0, -1.84, 0.9], [-5.0, 2.0, -1.84, 0.9]], np.float32)   # in the sensor frame

    def measure(sensor, frame):
        if sensor.blueprint.id == "sensor.camera.depth":
            return types.SimpleNamespace(frame=frame, width=W, height=H, raw_data=_carla_depth_image(12.2).tobytes())
        return types.SimpleNamespace(frame=frame, raw_data=points.tobytes())

    def input_data(frame):   # what the leaderboard's sensor interface hands the agent: cameras, IMU, GPS, speed
        data = {name: (frame, np.full((H, W, 4), 90, np.uint8)) for name in
                ("CAM_FRONT", "CAM_FRONT_LEFT", "CAM_FRONT_RIGHT", "CAM_BACK", "CAM_BACK_LEFT", "CAM_BACK_RIGHT")}
        data["IMU"] = (frame, np.array([0.2, 0.0, 9.81, 0.0, 0.0, 0.0, np.pi / 2]))
        data["GPS"] = (frame, np.array([0.0, 0.0, 0.0]))
        data["SPEED"] = (frame, {"speed": 0.0})
        return data

    module = _load("data_agent")
    agent = getattr(module, module.get_entry_point())("localhost", 2000)
    agent.set_global_plan(*_plans())
    agent.setup(f"{config}+{SAVE_NAME}")
    assert len(world.sensors) == 7              # setup() attached the recording sensors to the hero
    agent.sensors()
    world.tick(measure)                         # the leaderboard ticks once after attaching its own sensors
    _drive(agent, world, hero, 6, input_data, measure)
    assert privileged.registered_provider() is not None
    spawned = list(world.sensors)
    agent.destroy()
    assert privileged.registered_provider() is None and all(s.destroyed for s in spawned)

    depth_cams = [s for s in spawned if s.blueprint.id == "sensor.camera.depth"]
    assert len(depth_cams) == 6 and all(s.parent is hero for s in spawned)
    assert {(s.blueprint.attributes["image_size_x"], s.blueprint.attributes["image_size_y"]) for s in depth_cams} \
        == {(str(W), str(H))}
    lidar = next(s for s in spawned if s.blueprint.id == "sensor.lidar.ray_cast").blueprint.attributes
    # one full turn per 0.05 s tick holding Bench2Drive's 64 × 938 rays (its 10 Hz frame), nothing dropped
    assert float(lidar["rotation_frequency"]) * 0.05 == pytest.approx(1.0)
    assert float(lidar["points_per_second"]) * 0.05 / 64 == pytest.approx(938.0)
    assert float(lidar["dropoff_general_rate"]) == 0.0 and float(lidar["dropoff_intensity_limit"]) == 0.0

    reader = ClipReader(tmp_path / "HardBreakRoute_Town01_Route7_Weather5")
    assert reader.indices == [0, 1, 2]                       # 6 ticks at 20 Hz → 3 frames at 10 Hz
    frame = reader.frame(1, depth=True)
    assert set(frame.depth) == {"CAM_FRONT", "CAM_FRONT_LEFT", "CAM_FRONT_RIGHT", "CAM_BACK", "CAM_BACK_LEFT",
                                "CAM_BACK_RIGHT"}
    assert np.all(frame.depth["CAM_FRONT"] == 12.0)          # CARLA's 12.2 m → whole metres in the PNG
    assert frame.lidar[:, :3] == pytest.approx(points[:, :3] + np.array([-0.39, 0.0, 1.84]), abs=1e-3)  # ego frame
    boxes = frame.anno["bounding_boxes"]
    assert [b["id"] for b in boxes] == ["1", "42"]             # CARLA's actor ids, as integers
    assert (boxes[0]["base_type"], boxes[0]["color"]) == ("car", "10,20,30") and boxes[1]["color"] == "1,2,3"
    assert (boxes[0]["road_id"], boxes[0]["section_id"], boxes[0]["lane_id"]) == (7, 0, -1)   # from the carla.Map
    assert (frame.anno["weather"]["cloudiness"], frame.anno["weather"]["sun_altitude_angle"]) == (20.0, 45.0)
    assert reader.meta["rate_hz"] == 10 and reader.meta["simulator"] == "carla"
