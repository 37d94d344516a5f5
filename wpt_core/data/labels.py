"""Training labels computed from annotations alone (so published B2D clips get them too).

BEV grid convention (ego-centred, CARLA ego frame x forward, y right): row r ↔ x = (H/2 − r − 0.5)·res
(forward is up, row 0 is the farthest ahead), column c ↔ y = (c − W/2 + 0.5)·res (right is right).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from wpt_core.geometry import compass_to_yaw_deg, ego_to_world, world_to_ego, wrap_deg
from wpt_core.ground_map import GroundClass, GroundMap

BEV_CHANNELS = ("drivable", "lane", "vehicle", "pedestrian", "obstacle", "route")
OCCUPANCY_CHANNELS = ("vehicle", "pedestrian")
ROUTE_HALF_WIDTH_M = 1.0
LANE_HALF_WIDTH_M = 1.75  # drivable corridor around the route when the clip has no map
LIGHT_STATES = ("red", "yellow", "green", "off")  # index = carla.TrafficLightState value
LIGHT_CLASSES = LIGHT_STATES + ("none",)  # what the traffic-light head predicts


@dataclass(frozen=True)
class BevConfig:
    size_m: float = 64.0
    resolution_m: float = 0.5

    @property
    def cells(self) -> int:
        return int(round(self.size_m / self.resolution_m))


def anno_pose(anno: Dict[str, Any]) -> Tuple[float, float, float]:
    """(x, y, yaw_deg) of the ego; `theta` is the compass (NaN on early CARLA frames → use the ego box)."""
    theta = anno.get("theta")
    if theta is None or not math.isfinite(float(theta)):
        return float(anno["x"]), float(anno["y"]), float(anno["bounding_boxes"][0]["rotation"][2])
    return float(anno["x"]), float(anno["y"]), compass_to_yaw_deg(float(theta))


def future_trajectory(annos: Sequence[Dict[str, Any]], index: int, rate_hz: float = 2.0, horizon_s: float = 2.0,
                      frame_rate_hz: float = 10.0) -> Tuple[np.ndarray, np.ndarray]:
    """Future ego positions in the ego frame of frame `index`: ((T, 2) x forward / y right, (T,) valid).

    T = horizon·rate points at t = 1/rate … horizon; a point past the clip end is (0, 0) and invalid.
    """
    step = frame_rate_hz / rate_hz
    if abs(step - round(step)) > 1e-6:
        raise ValueError(f"label rate {rate_hz} Hz does not divide the frame rate {frame_rate_hz} Hz")
    step_i, count = int(round(step)), int(round(horizon_s * rate_hz))
    x0, y0, yaw0 = anno_pose(annos[index])
    xy = np.zeros((count, 2))
    valid = np.zeros(count, dtype=bool)
    for k in range(count):
        j = index + (k + 1) * step_i
        if j < len(annos):
            xj, yj, _ = anno_pose(annos[j])
            xy[k] = world_to_ego(np.array([[xj, yj]]), (x0, y0), yaw0)[0]
            valid[k] = True
    return xy, valid


def cell_centres(config: BevConfig) -> np.ndarray:
    """(H, W, 2) ego-frame (x, y) of every cell centre."""
    n, res = config.cells, config.resolution_m
    x = (n / 2.0 - np.arange(n) - 0.5) * res
    y = (np.arange(n) - n / 2.0 + 0.5) * res
    return np.stack(np.meshgrid(x, y, indexing="ij"), axis=-1)


def _box_in_ego(box: Dict[str, Any], pose: Tuple[float, float, float]) -> Tuple[float, float, float, float, float]:
    """(cx, cy, yaw_rel_deg, half_length, half_width) of a box footprint in the ego frame."""
    c = world_to_ego(np.array([box["center"][:2]], dtype=np.float64), pose[:2], pose[2])[0]
    yaw_rel = float(box["rotation"][2]) - pose[2]
    return float(c[0]), float(c[1]), yaw_rel, float(box["extent"][0]), float(box["extent"][1])


def rasterize_box(mask: np.ndarray, centres: np.ndarray, box_ego: Tuple[float, float, float, float, float]) -> None:
    """Mark (in place) the cells whose centre lies inside an ego-frame footprint."""
    cx, cy, yaw, hl, hw = box_ego
    local = world_to_ego(centres.reshape(-1, 2), (cx, cy), yaw)
    inside = (np.abs(local[:, 0]) <= hl) & (np.abs(local[:, 1]) <= hw)
    mask |= inside.reshape(mask.shape)


def rasterize_polyline(mask: np.ndarray, centres: np.ndarray, xy_ego: np.ndarray, half_width_m: float) -> None:
    """Mark the cells within `half_width_m` of an ego-frame polyline."""
    pts = centres.reshape(-1, 2)
    best = np.full(len(pts), np.inf)
    for a, b in zip(xy_ego[:-1], xy_ego[1:]):
        ab = b - a
        t = np.clip(((pts - a) @ ab) / max(float(ab @ ab), 1e-12), 0.0, 1.0)
        best = np.minimum(best, np.linalg.norm(pts - (a + t[:, None] * ab), axis=1))
    mask |= (best <= half_width_m).reshape(mask.shape)


def _is_obstacle(box: Dict[str, Any]) -> bool:
    return (box["class"] == "vehicle" and box.get("state") == "static") or \
        (box["class"] == "traffic_sign" and str(box.get("type_id", "")).startswith("static."))


def _route_polyline(anno: Dict[str, Any], route_xy: Optional[np.ndarray]) -> np.ndarray:
    if route_xy is not None and len(route_xy) >= 2:
        return np.asarray(route_xy, dtype=np.float64)[:, :2]
    return np.array([[anno["x"], anno["y"]], [anno["x_command_near"], anno["y_command_near"]],
                     [anno["x_command_far"], anno["y_command_far"]]], dtype=np.float64)


def bev_semantics(anno: Dict[str, Any], config: Optional[BevConfig] = None, ground_map: Optional[GroundMap] = None,
                  route_xy: Optional[np.ndarray] = None) -> np.ndarray:
    """(C, H, W) bool rasters in BEV_CHANNELS order.

    Drivable area and lane lines come from the clip's GroundMap when there is one; otherwise drivable
    is a one-lane corridor around the route plus the vehicles' footprints, and lanes stay empty.
    """
    config = config if config is not None else BevConfig()
    pose = anno_pose(anno)
    centres = cell_centres(config)
    n = config.cells
    out = np.zeros((len(BEV_CHANNELS), n, n), dtype=bool)
    route_ego = world_to_ego(_route_polyline(anno, route_xy), pose[:2], pose[2])
    for box in anno["bounding_boxes"][1:]:
        cls = box["class"]
        target = []
        if cls == "vehicle":
            target.append(BEV_CHANNELS.index("vehicle"))
        if cls == "walker":
            target.append(BEV_CHANNELS.index("pedestrian"))
        if _is_obstacle(box):
            target.append(BEV_CHANNELS.index("obstacle"))
        for ch in target:
            rasterize_box(out[ch], centres, _box_in_ego(box, pose))
    if ground_map is not None:
        world = ego_to_world(centres.reshape(-1, 2), pose[:2], pose[2])
        out[BEV_CHANNELS.index("drivable")] = ground_map.is_drivable(world).reshape(n, n)
        out[BEV_CHANNELS.index("lane")] = (ground_map.lookup(world) == GroundClass.LANE_MARKING).reshape(n, n)
    else:
        drivable = out[BEV_CHANNELS.index("drivable")]
        rasterize_polyline(drivable, centres, route_ego, LANE_HALF_WIDTH_M)
        drivable |= out[BEV_CHANNELS.index("vehicle")]
    rasterize_polyline(out[BEV_CHANNELS.index("route")], centres, route_ego, ROUTE_HALF_WIDTH_M)
    return out


def traffic_light_state(anno: Dict[str, Any]) -> Optional[int]:
    """State (index into LIGHT_STATES) of the traffic light that affects the ego, None if none does."""
    for box in anno["bounding_boxes"]:
        if box["class"] == "traffic_light" and box.get("affects_ego"):
            state = box.get("state")
            if isinstance(state, (int, float)):
                return int(state) if 0 <= int(state) < len(LIGHT_STATES) else None
            name = str(state).lower()
            return LIGHT_STATES.index(name) if name in LIGHT_STATES else None
    return None


def occupancy(boxes: Sequence[Dict[str, Any]], pose: Tuple[float, float, float],
              config: BevConfig = BevConfig()) -> np.ndarray:
    """(2, H, W) vehicle/pedestrian occupancy of annotation boxes (ego box excluded) seen from ego `pose`."""
    centres = cell_centres(config)
    out = np.zeros((len(OCCUPANCY_CHANNELS), config.cells, config.cells), dtype=bool)
    for box in boxes:
        ch = {"vehicle": 0, "walker": 1}.get(box["class"])
        if ch is not None:
            rasterize_box(out[ch], centres, _box_in_ego(box, pose))
    return out


def future_occupancy(annos: Sequence[Dict[str, Any]], index: int, steps: int = 4, step_frames: int = 5,
                     config: Optional[BevConfig] = None) -> Tuple[np.ndarray, np.ndarray]:
    """(K, 2, H, W) vehicle/pedestrian occupancy at frames index + k·step_frames (k = 1..K), drawn in the
    CURRENT ego frame (the world model predicts the future as seen from now); (K,) valid."""
    config = config if config is not None else BevConfig()
    pose = anno_pose(annos[index])
    occ = np.zeros((steps, len(OCCUPANCY_CHANNELS), config.cells, config.cells), dtype=bool)
    valid = np.zeros(steps, dtype=bool)
    for k in range(steps):
        j = index + (k + 1) * step_frames
        if j < len(annos):
            valid[k] = True
            occ[k] = occupancy(annos[j]["bounding_boxes"][1:], pose, config)
    return occ, valid


def constant_velocity_occupancy(anno: Dict[str, Any], steps: int, step_s: float,
                                config: BevConfig = BevConfig()) -> np.ndarray:
    """(K, 2, H, W): every box of `anno` moved along its heading at its current speed for k·step_s (k = 1..K),
    in the frame's ego frame — the classic reference a learned occupancy forecast must beat."""
    pose = anno_pose(anno)
    out = np.zeros((steps, len(OCCUPANCY_CHANNELS), config.cells, config.cells), dtype=bool)
    for k in range(steps):
        moved = []
        for box in anno["bounding_boxes"][1:]:
            yaw = math.radians(float(box["rotation"][2]))
            d = float(box.get("speed", 0.0)) * (k + 1) * step_s
            centre = [float(box["center"][0]) + d * math.cos(yaw), float(box["center"][1]) + d * math.sin(yaw)]
            moved.append({**box, "center": centre})
        out[k] = occupancy(moved, pose, config)
    return out


def light_class(anno: Dict[str, Any]) -> int:
    """Index into LIGHT_CLASSES: the state of the light affecting the ego, or 'none'."""
    state = traffic_light_state(anno)
    return LIGHT_CLASSES.index("none") if state is None else state


def relative_pose(pose: Tuple[float, float, float], reference: Tuple[float, float, float]) -> np.ndarray:
    """(3,) float32 (x, y, yaw_rad) of world pose (x, y, yaw_deg) in the ego frame of pose `reference`."""
    xy = world_to_ego(np.array([pose[:2]]), reference[:2], reference[2])[0]
    return np.array([xy[0], xy[1], math.radians(float(wrap_deg(pose[2] - reference[2])))], dtype=np.float32)


def depth_target(depth_m: np.ndarray, height: int, width: int) -> np.ndarray:
    """(height, width) float32: the nearest valid depth (> 0) inside each patch of a depth image, 0 where none
    (BEVDepth's rule: a patch's depth is what its closest surface shows). The image must tile the grid."""
    h, w = depth_m.shape
    if h % height or w % width:
        raise ValueError(f"depth image {w}x{h} does not tile a {width}x{height} grid")
    patches = np.where(depth_m > 0, depth_m, np.inf).reshape(height, h // height, width, w // width)
    best = patches.min(axis=(1, 3)).astype(np.float32)
    best[~np.isfinite(best)] = 0.0
    return best
