"""`bench_sensors`: ms per frame of each sensor type and of the whole Bench2Drive rig, on one core.

The scene is built here, without SUMO, to be realistic in what costs time: a 400 m road grid with lane
markings, sidewalks, crossings and stop lines (0.25 m raster), ~30 vehicles/walkers/bikes/cones around
the ego, four signalised approaches and two stop signs; the ego drives along a road between frames.
"""
from __future__ import annotations

import time
from typing import Dict, List

import numpy as np

from wpt_core.data.rig import bench2drive_rig_specs
from wpt_core.ground_map import GroundClass, GroundMap
from wpt_core.leaderboard.tick import TICK_S
from wpt_core.sim.sensors.spec import CAMERA, LIDAR
from wpt_core.sim.sensors.suite import SensorSuite
from wpt_core.types import Actor, ActorKind, EgoState, LightState, Scene, StopSign, TrafficLight

BLOCK_M = 100.0
ROAD_HALF_M = 7.0
SIDEWALK_M = 3.0


def demo_ground(size_m: float = 400.0, resolution_m: float = 0.25) -> GroundMap:
    """A Manhattan grid: 14 m two-way roads every 100 m, centre/lane lines, sidewalks, crossings, stop lines."""
    n = int(size_m / resolution_m)
    c = (np.arange(n) + 0.5) * resolution_m - size_m / 2.0
    x, y = np.meshgrid(c, c)
    dx = np.abs((x + BLOCK_M / 2) % BLOCK_M - BLOCK_M / 2)   # distance to the nearest N-S road axis
    dy = np.abs((y + BLOCK_M / 2) % BLOCK_M - BLOCK_M / 2)   # ... to the nearest E-W road axis
    cls = np.full((n, n), GroundClass.OFF_ROAD, np.uint8)
    cls[(dx < ROAD_HALF_M + SIDEWALK_M) | (dy < ROAD_HALF_M + SIDEWALK_M)] = GroundClass.SIDEWALK
    road_ns, road_ew = dx < ROAD_HALF_M, dy < ROAD_HALF_M
    cls[road_ns | road_ew] = GroundClass.ROAD
    junction = road_ns & road_ew
    dashed_x = (np.abs(x) % 6.0) < 3.0
    dashed_y = (np.abs(y) % 6.0) < 3.0
    cls[road_ew & ~junction & (np.abs(dy - 3.5) < 0.15) & dashed_x] = GroundClass.LANE_MARKING
    cls[road_ns & ~junction & (np.abs(dx - 3.5) < 0.15) & dashed_y] = GroundClass.LANE_MARKING
    cls[road_ew & ~junction & (dy < 0.15)] = GroundClass.LANE_MARKING
    cls[road_ns & ~junction & (dx < 0.15)] = GroundClass.LANE_MARKING
    crossing_ew = road_ew & (dx >= ROAD_HALF_M + 0.5) & (dx < ROAD_HALF_M + 4.5)
    crossing_ns = road_ns & (dy >= ROAD_HALF_M + 0.5) & (dy < ROAD_HALF_M + 4.5)
    cls[crossing_ew | crossing_ns] = GroundClass.CROSSING
    cls[road_ew & (np.abs(dx - ROAD_HALF_M - 5.0) < 0.25)] = GroundClass.STOP_LINE
    cls[road_ns & (np.abs(dy - ROAD_HALF_M - 5.0) < 0.25)] = GroundClass.STOP_LINE
    cls[junction] = GroundClass.JUNCTION
    return GroundMap(cls, (-size_m / 2.0, -size_m / 2.0), resolution_m)


def demo_scene(frame: int = 0, n_vehicles: int = 22, n_walkers: int = 6, seed: int = 0) -> Scene:
    """The ego eastbound on the E-W road y=0 (right lane, y=+1.75), traffic around it, lights at x=50."""
    rng = np.random.default_rng(seed)
    ego_x = -30.0 + 0.5 * frame
    ego = EgoState(x_m=ego_x, y_m=1.75, yaw_deg=0.0, speed_mps=10.0)
    actors: List[Actor] = []
    for i in range(n_vehicles):
        lane_y = float(rng.choice([1.75, 5.25, -1.75, -5.25]))
        yaw = 0.0 if lane_y > 0 else 180.0
        ax = ego_x + float(rng.uniform(-70.0, 70.0))
        if abs(ax - ego_x) < 8.0 and lane_y == 1.75:
            ax += 16.0
        actors.append(Actor(f"veh{i}", ActorKind.VEHICLE, ax, lane_y, yaw, 8.0, 4.6, 2.0, 1.5))
    for i in range(n_walkers):
        actors.append(Actor(f"walker{i}", ActorKind.WALKER, ego_x + float(rng.uniform(-40, 60)),
                            float(rng.choice([-8.5, 8.5])), 0.0, 1.3, 0.5, 0.5, 1.8, type_id="walker.pedestrian"))
    actors.append(Actor("bike0", ActorKind.BICYCLE, ego_x + 25.0, 6.5, 0.0, 4.0, 1.8, 0.7, 1.7,
                        type_id="vehicle.bh.crossbike"))
    for i in range(3):
        actors.append(Actor(f"cone{i}", ActorKind.STATIC, ego_x + 30.0 + 2 * i, 3.6, 0.0, 0.0, 0.4, 0.4, 0.7,
                            type_id="static.prop.constructioncone"))
    lights = [TrafficLight(f"tl{k}", state, f"lane{k}", ((0.0, 0.0), (0.0, 0.0)), yaw, head)
              for k, (state, yaw, head) in enumerate([
                  (LightState.RED, 0.0, (38.5, 8.0, 3.0)), (LightState.GREEN, 180.0, (61.5, -8.0, 3.0)),
                  (LightState.YELLOW, 90.0, (42.0, -5.0, 3.0)), (LightState.GREEN, -90.0, (58.0, 5.0, 3.0))])]
    signs = [StopSign("stop0", "laneS", ((0.0, 0.0), (0.0, 0.0)), 0.0, (-62.0, 8.5, 2.0)),
             StopSign("stop1", "laneS2", ((0.0, 0.0), (0.0, 0.0)), 180.0, (-38.0, -8.5, 2.0))]
    return Scene(frame=frame, time_s=TICK_S * frame, ego=ego, actors=actors, traffic_lights=lights, stop_signs=signs)


def _time_ms(suite: SensorSuite, frames: int) -> float:
    """CPU ms per `read` (process time: what one core spends, unaffected by other load on the machine)."""
    scenes = [demo_scene(f) for f in range(frames)]
    suite.read(scenes[0], 0)  # warm-up
    start = time.process_time()
    for f, scene in enumerate(scenes):
        suite.read(scene, f)
    return 1000.0 * (time.process_time() - start) / frames


def bench_sensors(width: int = 400, height: int = 225, frames: int = 20) -> Dict[str, float]:
    """CPU ms/frame (single-threaded numpy + PIL): one front camera, one LiDAR, GNSS+IMU+speedometer, and the
    B2D rig (6 cameras + LiDAR + IMU + GNSS + speedometer) at `width`×`height`; scene building excluded."""
    ground = demo_ground()
    rig = bench2drive_rig_specs(width, height)
    front = [s for s in rig if s["id"] == "CAM_FRONT"]
    lidar = [s for s in rig if s["type"] == LIDAR]
    state = [s for s in rig if s["type"] not in (CAMERA, LIDAR)]
    scene = demo_scene(0)
    return {
        "width": float(width), "height": float(height), "frames": float(frames),
        "actors": float(len(scene.actors)), "traffic_lights": float(len(scene.traffic_lights)),
        "camera_ms": _time_ms(SensorSuite(front, ground), frames),
        "lidar_ms": _time_ms(SensorSuite(lidar, None), frames),
        "gnss_imu_speed_ms": _time_ms(SensorSuite(state, None), frames),
        "rig_ms": _time_ms(SensorSuite(rig, ground), frames),
        "lidar_points": float(len(SensorSuite(lidar, None).read(scene, 0)["LIDAR_TOP"][1])),
    }
