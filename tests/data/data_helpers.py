"""Small hand-made scenes, routes and clips for the data tests."""
from __future__ import annotations

from pathlib import Path
from typing import List

import numpy as np

from wpt_core.data import rig
from wpt_core.data.annotation import build_annotation
from wpt_core.data.clip_writer import ClipWriter
from wpt_core.data.route_info import RouteInfo
from wpt_core.types import Actor, ActorKind, Control, DenseRoute, EgoState, RoadOption, Scene


def straight_route(length_m: int = 200, yaw_deg: float = 0.0) -> DenseRoute:
    s = np.arange(length_m + 1, dtype=float)
    c, si = np.cos(np.radians(yaw_deg)), np.sin(np.radians(yaw_deg))
    xy = np.stack([s * c, s * si], axis=1)
    return DenseRoute(xy_m=xy, yaw_deg=np.full(len(s), yaw_deg), commands=np.full(len(s), int(RoadOption.LANEFOLLOW)),
                      in_junction=np.zeros(len(s), bool), lane_width_m=np.full(len(s), 3.5))


def route_info_ahead(x: float, y: float, yaw_deg: float, length_m: float = 50.0) -> RouteInfo:
    d = np.array([np.cos(np.radians(yaw_deg)), np.sin(np.radians(yaw_deg))])
    ahead = np.array([x, y]) + np.arange(0.0, length_m + 1.0)[:, None] * d
    return RouteInfo(near_xy=tuple(ahead[5]), near_command=4, far_xy=tuple(ahead[40]), far_command=4,
                     target_xy=tuple(ahead[40]), next_command=4, route_ahead_xy=ahead)


def scene_at(x: float, y: float, yaw_deg: float, speed: float = 5.0, actors: List[Actor] | None = None,
             frame: int = 0, **kwargs) -> Scene:
    return Scene(frame=frame, time_s=frame * 0.05, ego=EgoState(x_m=x, y_m=y, yaw_deg=yaw_deg, speed_mps=speed),
                 actors=list(actors or []), **kwargs)


def car(actor_id: str, x: float, y: float, yaw: float = 0.0, kind: ActorKind = ActorKind.VEHICLE) -> Actor:
    return Actor(id=actor_id, kind=kind, x_m=x, y_m=y, yaw_deg=yaw, speed_mps=0.0, length_m=4.0, width_m=2.0,
                 height_m=1.5)


def smooth_image(h: int, w: int, seed: int) -> np.ndarray:
    """A smooth BGRA gradient (JPEG reproduces it closely)."""
    yy, xx = np.mgrid[0:h, 0:w]
    b = (xx * 255 // max(w - 1, 1)).astype(np.uint8)
    g = (yy * 255 // max(h - 1, 1)).astype(np.uint8)
    r = np.full((h, w), (40 * seed) % 256, np.uint8)
    return np.stack([b, g, r, np.full((h, w), 255, np.uint8)], axis=-1)


def write_clip(clip_dir: Path, frames: int, width: int = 64, height: int = 36, finish: bool = True,
               score: float = 80.0, scenario_type: str = "ParkedObstacle") -> ClipWriter:
    """A straight constant-speed clip (5 m/s along +x, 10 Hz) with two cameras and LiDAR."""
    meta = {"route_id": "1", "town": "Town01", "scenario_type": scenario_type, "rig": "b2d", "collection_fps": 12.5,
            "cpu_s_per_frame": 0.04}
    writer = ClipWriter(clip_dir, meta, resume=False)
    cal = rig.calibration(width, height)
    for i in range(frames):
        x = 0.5 * i
        anno = build_annotation(scene_at(x, 0.0, 0.0), route_info_ahead(x, 0.0, 0.0), Control(throttle=0.5), cal,
                                {"cloudiness": 10.0}, False)
        images = {"CAM_FRONT": smooth_image(height, width, i), "CAM_BACK": smooth_image(height, width, i + 1)}
        writer.write_frame(i, anno, images, np.random.default_rng(i).uniform(-20, 20, (100, 4)).clip(0, 1))
    if not finish:
        writer.close()       # frames on disk, clip left incomplete (as a killed collector leaves it)
    else:
        writer.finish({"scores": {"score_composed": score, "score_route": 100.0, "score_penalty": score / 100.0},
                       "status": "Completed"})
    return writer
