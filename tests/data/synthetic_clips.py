"""Tiny but complete Bench2Drive clips for the learning tests, written with the project's own ClipWriter.

The ego drives +x (east) at EGO_SPEED on a straight two-lane road stored as the clip's map.npz; a car ahead
drives at LEAD_SPEED in the ego lane, a walker crosses in front, a car is parked on the right and a red
light affects the ego. Cameras are the Bench2Drive front three at 128×64, each with a depth image (planar
depth 5 + 0.5·row + 3·camera metres); LiDAR points sit on the actors' boxes and the ground. Frames are 10 Hz.
"""
from __future__ import annotations

from pathlib import Path
from typing import List

import numpy as np

from data_helpers import route_info_ahead, scene_at, smooth_image
from wpt_core.data import rig
from wpt_core.data.annotation import build_annotation
from wpt_core.data.clip_layout import clip_name
from wpt_core.data.clip_writer import ClipWriter
from wpt_core.ground_map import GroundClass, GroundMap
from wpt_core.types import Actor, ActorKind, Control, LightState, TrafficLight

EGO_SPEED, LEAD_SPEED, WALKER_SPEED = 5.0, 3.0, 1.0
CAMERAS = ("CAM_FRONT", "CAM_FRONT_LEFT", "CAM_FRONT_RIGHT")
WIDTH, HEIGHT = 128, 64
LIGHT = TrafficLight("5", LightState.RED, "lane", ((40.0, 0.0), (40.0, 3.5)), 0.0, (41.0, 4.0, 5.0))


def road_map() -> GroundMap:
    classes = np.full((200, 800), GroundClass.OFF_ROAD, np.uint8)  # 0.5 m cells: x ∈ [−100, 300), y ∈ [−50, 50)
    classes[93:107, :] = GroundClass.ROAD  # y ∈ [−3.5, 3.5)
    classes[100, :] = GroundClass.LANE_MARKING
    return GroundMap(classes, (-100.0, -50.0), 0.5)


def actors_at(t_s: float) -> List[Actor]:
    lead = Actor("7", ActorKind.VEHICLE, 8.0 + LEAD_SPEED * t_s, 1.75, 0.0, LEAD_SPEED, 4.0, 2.0, 1.5)
    parked = Actor("8", ActorKind.STATIC, 14.0, 5.0, 0.0, 0.0, 4.0, 2.0, 1.5, type_id="vehicle.audi.a2")
    walker = Actor("9", ActorKind.WALKER, 10.0, -6.0 + WALKER_SPEED * t_s, 90.0, WALKER_SPEED, 1.2, 1.2, 1.8,
                   type_id="walker.pedestrian.0001")
    return [lead, parked, walker]


def lidar_points(actors: List[Actor], ego_x: float, rng: np.random.Generator) -> np.ndarray:
    """Ego-frame points: 300 on the ground, 40 on each actor box."""
    pts = [np.column_stack([rng.uniform(-30, 30, 300), rng.uniform(-30, 30, 300), np.zeros(300), np.ones(300)])]
    for a in actors:
        local = rng.uniform(-0.5, 0.5, (40, 3)) * [a.length_m, a.width_m, a.height_m] + [0, 0, a.height_m / 2]
        pts.append(np.column_stack([local[:, 0] + a.x_m - ego_x, local[:, 1] + a.y_m, local[:, 2], np.ones(40)]))
    return np.concatenate(pts).astype(np.float32)


def depth_image(camera_index: int) -> np.ndarray:
    rows = np.arange(HEIGHT, dtype=np.float32)[:, None]
    return np.repeat(5.0 + 0.5 * rows + 3.0 * camera_index, WIDTH, axis=1)


def write_learning_clip(root: Path, route_id: int, frames: int = 40, town: str = "Town01",
                        weather: int = 0, scenario: str = "ParkedObstacle", depth: bool = True) -> Path:
    clip_dir = Path(root) / clip_name(scenario, town, route_id, weather)
    writer = ClipWriter(clip_dir, {"route_id": str(route_id), "town": town, "scenario_type": scenario}, resume=False)
    writer.save_ground_map(road_map())
    cal = rig.calibration(WIDTH, HEIGHT)
    rng = np.random.default_rng(route_id)
    for i in range(frames):
        t = i * 0.1
        x = (EGO_SPEED + 0.1 * route_id) * t
        actors = actors_at(t)
        scene = scene_at(x, 1.75, 0.0, speed=EGO_SPEED, actors=actors, traffic_lights=[LIGHT])
        anno = build_annotation(scene, route_info_ahead(x, 1.75, 0.0), Control(throttle=0.4), cal, {}, False)
        images = {c: smooth_image(HEIGHT, WIDTH, i + k) for k, c in enumerate(CAMERAS)}
        depths = {c: depth_image(k) for k, c in enumerate(CAMERAS)} if depth else None
        writer.write_frame(i, anno, images, lidar_points(actors, x, rng), depths)
    writer.finish({"status": "Completed", "scores": {"score_composed": 100.0}})
    return clip_dir
