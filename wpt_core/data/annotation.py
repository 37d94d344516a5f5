"""One Bench2Drive annotation (`anno/NNNNN.json.gz`) from a privileged Scene.

Keys, units and frames follow Bench2Drive's data collector: everything in CARLA's left-handed world
frame; `theta` is the IMU compass (rad, 0 = north = −y, clockwise); `extent` is HALF the box size;
`location` is the actor origin (box centre in x/y, ground height in z — how CARLA places vehicles) and
`center` the box centre; `rotation` is [pitch, roll, yaw] in degrees; `world2cam`/`world2lidar` map
world points into the sensor's own CARLA frame (x forward, y right, z up) and `cam2ego`/`lidar2ego`
are the mount matrices. `bounding_boxes[0]` is always the ego. Traffic-light `state` uses the integer
values of `carla.TrafficLightState` (Red 0, Yellow 1, Green 2, Off 3), which is what B2D's JSON holds.
Every box `id` is an integer as a string (`ActorIds`: CARLA's actor ids, numbered names elsewhere);
`road_id` / `section_id` / `lane_id` are the integers CARLA's `map.get_waypoint` gives for the box (from
a `RoadIdLookup`, when the collector has one); `base_type`, `color`, `gender` and `age` are copied from
the actor's blueprint attributes where the simulator knows them.
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Protocol, Tuple

import numpy as np

from wpt_core.data.actor_ids import ActorIds
from wpt_core.data.route_info import RouteInfo
from wpt_core.geometry import wrap_deg, yaw_deg_to_compass
from wpt_core.types import Actor, ActorKind, Control, EgoState, LightState, Scene, StopSign, TrafficLight

OBJECT_RADIUS_M = 100.0
GRAVITY_MPS2 = 9.81
TRIGGER_HALF_DEPTH_M = 1.0  # half length (along the lane) of the trigger volume we derive from a stop line
TRIGGER_HALF_HEIGHT_M = 1.0
X_BUCKET_M = 2.0  # a power of two: keys computed exactly
SURFACE_MARGIN_M = 0.01  # a ray-cast world's returns lie ON a box's faces (CARLA's land on the mesh inside it)
LIGHT_HEAD_EXTENT = (0.3, 0.3, 0.6)
STOP_SIGN_EXTENT = (0.05, 0.4, 1.2)
LIGHT_STATE_CODE = {LightState.RED: 0, LightState.YELLOW: 1, LightState.GREEN: 2, LightState.OFF: 3}
VEHICLE_MESH_WORDS = ("Car", "Truck", "Bus", "Motorcycle", "Bicycle")  # CARLA parked-vehicle mesh paths
CUBE_SIGNS = np.array([(1, 1, 1), (1, 1, -1), (1, -1, 1), (1, -1, -1), (-1, 1, 1), (-1, 1, -1), (-1, -1, 1),
                       (-1, -1, -1)], dtype=np.float64)
VEHICLE_ATTRIBUTES = ("color", "base_type")
WALKER_ATTRIBUTES = ("gender", "age")


class RoadIdLookup(Protocol):
    def of(self, lane_key: Optional[str], x: float, y: float, z: float) -> Optional[Tuple[int, int, int]]:
        """(road_id, section_id, lane_id) of the lane `lane_key` (the simulator's lane name, if the object
        has one) or of the lane under (x, y, z); None where there is none."""
        ...


def _yaw_matrix(x: float, y: float, z: float, yaw_deg: float) -> np.ndarray:
    """4x4 local→world of a level pose (what `transform_matrix` gives with pitch = roll = 0)."""
    c, s = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
    return np.array([[c, -s, 0.0, x], [s, c, 0.0, y], [0.0, 0.0, 1.0, z], [0.0, 0.0, 0.0, 1.0]])


def _rigid_inverse(m: np.ndarray) -> np.ndarray:
    out = np.eye(4)
    out[:3, :3] = m[:3, :3].T
    out[:3, 3] = -m[:3, :3].T @ m[:3, 3]
    return out


def _mat(m: np.ndarray) -> List[List[float]]:
    return [[float(v) for v in row] for row in np.asarray(m)]


def _vec(v: Any) -> List[float]:
    return [float(x) for x in v]


def _box(cls: str, actor_id: str, type_id: str, x: float, y: float, z: float, yaw_deg: float,
         size: Tuple[float, float, float], speed: float, ego_xy: Tuple[float, float],
         matrix_key: str) -> Dict[str, Any]:
    """Common box fields; `size` is the FULL (length, width, height); `actor_id` the integer id string."""
    extent = np.array(size, dtype=np.float64) / 2.0
    bbx_loc = np.array([0.0, 0.0, extent[2]])
    m = _yaw_matrix(x, y, z, yaw_deg)
    local = bbx_loc[None, :] + CUBE_SIGNS * extent[None, :]
    world = local @ m[:3, :3].T + m[:3, 3]
    center = m[:3, :3] @ bbx_loc + m[:3, 3]
    return {"class": cls, "id": actor_id, "type_id": type_id, "location": _vec((x, y, z)),
            "rotation": [0.0, 0.0, float(yaw_deg)], "bbx_loc": _vec(bbx_loc), "center": _vec(center),
            "extent": _vec(extent), "world_cord": world.tolist(), "speed": float(speed),
            "distance": float(math.hypot(x - ego_xy[0], y - ego_xy[1])), matrix_key: _rigid_inverse(m).tolist()}


class _PointsByX:
    """Ego-frame LiDAR points bucketed by x (`X_BUCKET_M` slabs), so each box only looks at the points in
    its x window: a stable radix sort of small integer keys costs a fraction of sorting the floats."""

    def __init__(self, lidar_ego: np.ndarray, ego: EgoState) -> None:
        pts = np.asarray(lidar_ego)[:, :3].astype(np.float32)
        # x / 2 is exact in float32, so a key is exactly floor(x / X_BUCKET_M): a window never misses a point
        keys = np.floor(pts[:, 0] / np.float32(X_BUCKET_M)).astype(np.int16)  # radix-sorted
        order = np.argsort(keys, kind="stable")
        self.points, self.keys = pts[order], keys[order]
        self.x = self.points[:, 0].astype(np.float64)
        self.ego = ego

    def hits(self, actor: Actor) -> int:
        """Points inside the actor's box (within SURFACE_MARGIN_M of its faces)."""
        ego = self.ego
        c, s = math.cos(math.radians(ego.yaw_deg)), math.sin(math.radians(ego.yaw_deg))
        dx, dy = actor.x_m - ego.x_m, actor.y_m - ego.y_m
        cx, cy = dx * c + dy * s, -dx * s + dy * c              # box centre in the ego frame
        half = np.array([actor.length_m, actor.width_m, actor.height_m]) / 2.0 + SURFACE_MARGIN_M
        radius = float(np.hypot(half[0], half[1]))
        x_lo, x_hi = cx - radius, cx + radius
        lo, hi = np.searchsorted(self.keys, [math.floor(x_lo / X_BUCKET_M), math.floor(x_hi / X_BUCKET_M) + 1])
        x = self.x[lo:hi]
        window = self.points[lo:hi][(x >= x_lo) & (x < x_hi)]   # the points with x in [x_lo, x_hi)
        if window.size == 0:
            return 0
        window = window[np.abs(window[:, 1] - cy) < radius]
        yaw = math.radians(actor.yaw_deg - ego.yaw_deg)
        rc, rs = math.cos(yaw), math.sin(yaw)
        px, py = window[:, 0] - cx, window[:, 1] - cy
        pz = window[:, 2] - (actor.z_m + actor.height_m / 2.0 - ego.z_m)
        inside = (np.abs(px * rc + py * rs) < half[0]) & (np.abs(py * rc - px * rs) < half[1]) & (np.abs(pz) < half[2])
        return int(inside.sum())


def trigger_volume(stop_line: Tuple[Tuple[float, float], Tuple[float, float]], yaw_deg: float,
                   z: float = 0.0) -> Tuple[List[float], List[float], List[float]]:
    """A CARLA-style trigger volume just before a stop line: (location, [pitch, roll, yaw], extent).

    As in CARLA, the volume's local x axis runs ACROSS the lane(s) (the stop line direction), so the
    leaderboard's "sample along x, then follow each lane to the junction" recovers the stop line.
    """
    a, b = np.asarray(stop_line[0], float), np.asarray(stop_line[1], float)
    across = b - a
    forward = np.array([math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))])
    centre = (a + b) / 2.0 - forward * TRIGGER_HALF_DEPTH_M
    yaw_volume = float(wrap_deg(math.degrees(math.atan2(across[1], across[0]))))
    extent = [float(np.linalg.norm(across) / 2.0), TRIGGER_HALF_DEPTH_M, TRIGGER_HALF_HEIGHT_M]
    return [float(centre[0]), float(centre[1]), float(z + TRIGGER_HALF_HEIGHT_M)], [0.0, 0.0, yaw_volume], extent


def _along_route_crossing(stop_line: Tuple[Tuple[float, float], Tuple[float, float]],
                          route_xy: np.ndarray) -> Optional[float]:
    """Distance along `route_xy` at which it crosses the stop line, None if it does not."""
    if route_xy is None or len(route_xy) < 2:
        return None
    a, b = np.asarray(stop_line[0], float), np.asarray(stop_line[1], float)
    p, q = route_xy[:-1], route_xy[1:]

    def side(u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        return (v[..., 0] - u[..., 0]) * (w[..., 1] - u[..., 1]) - (v[..., 1] - u[..., 1]) * (w[..., 0] - u[..., 0])

    # half-open: p strictly before the line, q on or past it (a route point may lie on the line)
    sp, sq = side(a, b, p), side(a, b, q)
    crossing = np.flatnonzero((sp != 0.0) & (sp * sq <= 0.0) & (side(p, q, a) * side(p, q, b) <= 0.0))
    if crossing.size == 0:
        return None
    k = int(crossing[0])
    return float(np.linalg.norm(q[:k] - p[:k], axis=1).sum())


def _affecting(rules: List[Any], route_xy: np.ndarray) -> Optional[str]:
    """Id of the light/stop whose stop line the route ahead crosses first."""
    best: Tuple[float, Optional[str]] = (math.inf, None)
    for rule in rules:
        d = _along_route_crossing(rule.stop_line, route_xy)
        if d is not None and d < best[0]:
            best = (d, rule.id)
    return best[1]


def _light_box(light: TrafficLight, affects: bool, ego_xy: Tuple[float, float], actor_id: str) -> Dict[str, Any]:
    hx, hy, hz = light.head_xyz
    loc, rot, ext = trigger_volume(light.stop_line, light.yaw_deg)
    return {"class": "traffic_light", "id": actor_id, "type_id": "traffic.traffic_light",
            "location": _vec(light.head_xyz), "rotation": [0.0, 0.0, float(light.yaw_deg)],
            "center": _vec(light.head_xyz),
            "extent": list(LIGHT_HEAD_EXTENT), "distance": float(math.hypot(hx - ego_xy[0], hy - ego_xy[1])),
            "state": LIGHT_STATE_CODE[LightState(light.state)], "affects_ego": bool(affects),
            "trigger_volume_location": loc, "trigger_volume_rotation": rot, "trigger_volume_extent": ext}


def _sign_box(sign: StopSign, affects: bool, ego_xy: Tuple[float, float], actor_id: str) -> Dict[str, Any]:
    sx, sy, sz = sign.sign_xyz
    box = _box("traffic_sign", actor_id, "traffic.stop", sx, sy, sz, sign.yaw_deg,
               tuple(2.0 * e for e in STOP_SIGN_EXTENT), 0.0, ego_xy, "world2sign")
    loc, rot, ext = trigger_volume(sign.stop_line, sign.yaw_deg)
    box.update({"affects_ego": bool(affects), "trigger_volume_location": loc, "trigger_volume_rotation": rot,
                "trigger_volume_extent": ext})
    return box


def _add_road(box: Dict[str, Any], roads: Optional[RoadIdLookup], lane_key: Optional[str],
              xyz: Tuple[float, float, float]) -> None:
    ids = roads.of(lane_key, *xyz) if roads is not None else None
    if ids is not None:
        box["road_id"], box["section_id"], box["lane_id"] = (int(v) for v in ids)


def _add_attributes(box: Dict[str, Any], attributes: Dict[str, str], keys: Tuple[str, ...]) -> None:
    box.update({key: str(attributes[key]) for key in keys if key in attributes})


def is_vehicle_type(type_id: str) -> bool:
    """A vehicle blueprint, or a parked-vehicle static mesh (B2D records those as class 'vehicle', state 'static')."""
    if type_id.startswith("vehicle."):
        return True
    tail = type_id.split("/Game/Carla/", 1)[1] if type_id.startswith("/Game/Carla/") else ""  # 'Carla' has 'Car' in it
    return any(word in tail for word in VEHICLE_MESH_WORDS)


def _actor_box(actor: Actor, ego_xy: Tuple[float, float], actor_id: str) -> Dict[str, Any]:
    size = (actor.length_m, actor.width_m, actor.height_m)
    if actor.kind == ActorKind.WALKER:
        box = _box("walker", actor_id, actor.type_id, actor.x_m, actor.y_m, actor.z_m, actor.yaw_deg, size,
                   actor.speed_mps, ego_xy, "world2ped")
        _add_attributes(box, actor.attributes, WALKER_ATTRIBUTES)
        return box
    if actor.kind == ActorKind.STATIC and not is_vehicle_type(actor.type_id):
        # cones, warning signs, debris: B2D files these props under traffic_sign without a trigger volume
        box = _box("traffic_sign", actor_id, actor.type_id, actor.x_m, actor.y_m, actor.z_m, actor.yaw_deg, size,
                   0.0, ego_xy, "world2sign")
        box["affects_ego"] = False
        return box
    box = _box("vehicle", actor_id, actor.type_id, actor.x_m, actor.y_m, actor.z_m, actor.yaw_deg, size,
               actor.speed_mps, ego_xy, "world2vehicle")
    static = actor.kind == ActorKind.STATIC
    # B2D: a parked vehicle is braking (1.0); a moving one's brake is not observable here (0.0)
    box.update({"state": "static" if static else "dynamic", "brake": 1.0 if static else 0.0,
                "light_state": "NONE", "is_emergency": bool(actor.is_emergency), "role": actor.role})
    _add_attributes(box, actor.attributes, VEHICLE_ATTRIBUTES)
    return box


def _sensors(calibration: Dict[str, Dict[str, Any]], ego_matrix: np.ndarray, ego_yaw_deg: float) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for name, cal in calibration.items():
        mount = cal["mount"]
        to_ego = np.asarray(cal["cam2ego"] if "cam2ego" in cal else cal["lidar2ego"])
        to_world = ego_matrix @ to_ego
        entry: Dict[str, Any] = {"location": _vec(to_world[:3, 3]),
                                 "rotation": [float(mount.pitch), float(mount.roll),
                                              float(wrap_deg(ego_yaw_deg + mount.yaw))]}
        if "cam2ego" in cal:
            entry.update({"intrinsic": _mat(cal["intrinsic"]), "world2cam": _mat(_rigid_inverse(to_world)),
                          "cam2ego": _mat(to_ego), "fov": float(cal["fov"]), "image_size_x": int(cal["width"]),
                          "image_size_y": int(cal["height"])})
        else:
            entry.update({"world2lidar": _mat(_rigid_inverse(to_world)), "lidar2ego": _mat(to_ego)})
        out[name] = entry
    return out


def build_annotation(scene: Scene, route_info: RouteInfo, control: Control, calibration: Dict[str, Dict[str, Any]],
                     weather: Dict[str, Any], should_brake: bool, *, imu: Optional[np.ndarray] = None,
                     lidar_ego: Optional[np.ndarray] = None, radius_m: float = OBJECT_RADIUS_M,
                     only_ap_brake: bool = False, ids: Optional[ActorIds] = None,
                     roads: Optional[RoadIdLookup] = None) -> Dict[str, Any]:
    """The B2D annotation dict of one frame (JSON-ready: plain floats, lists, strings).

    calibration: `wpt_core.data.rig.calibration(w, h)` (sensor mounts on the ego); imu: the leaderboard IMU
    reading [acc xyz, gyro xyz, compass] if recorded (else acceleration/angular velocity come from the
    ego state); lidar_ego: (N, ≥3) points in the ego frame, used only for the per-box `num_points`;
    ids: the clip's integer ids (one `ActorIds` per clip keeps them stable across frames; a fresh one
    if not given); roads: where the integer road/section/lane ids come from (omitted without one).
    """
    ids = ids if ids is not None else ActorIds()
    ego = scene.ego
    ego_xy = (float(ego.x_m), float(ego.y_m))
    ego_matrix = _yaw_matrix(ego.x_m, ego.y_m, ego.z_m, ego.yaw_deg)
    if imu is not None and np.all(np.isfinite(np.asarray(imu[:6], dtype=float))):
        acceleration, angular_velocity = _vec(imu[:3]), _vec(imu[3:6])
    else:
        acceleration = [float(ego.accel_mps2), float(ego.lat_accel_mps2), GRAVITY_MPS2]
        angular_velocity = [0.0, 0.0, math.radians(ego.yaw_rate_dps)]

    ego_box = _box("ego_vehicle", ids.of(ego.id), "vehicle.lincoln.mkz_2020", ego.x_m, ego.y_m, ego.z_m,
                   ego.yaw_deg, (ego.length_m, ego.width_m, ego.height_m), ego.speed_mps, ego_xy, "world2ego")
    ego_box["brake"] = float(control.brake)
    _add_attributes(ego_box, ego.attributes, VEHICLE_ATTRIBUTES)
    _add_road(ego_box, roads, None, (ego.x_m, ego.y_m, ego.z_m))
    boxes = [ego_box]
    points = _PointsByX(lidar_ego, ego) if lidar_ego is not None else None
    for actor in scene.actors:
        if math.hypot(actor.x_m - ego_xy[0], actor.y_m - ego_xy[1]) < radius_m:
            box = _actor_box(actor, ego_xy, ids.of(actor.id))
            if box["class"] in ("vehicle", "walker"):
                box["num_points"] = points.hits(actor) if points is not None else -1
            _add_road(box, roads, actor.lane_id, (actor.x_m, actor.y_m, actor.z_m))
            boxes.append(box)
    for rules, make_box, position in ((scene.traffic_lights, _light_box, lambda r: r.head_xyz),
                                      (scene.stop_signs, _sign_box, lambda r: r.sign_xyz)):
        affecting = _affecting(rules, route_info.route_ahead_xy)
        for rule in rules:
            xyz = position(rule)
            if math.hypot(xyz[0] - ego_xy[0], xyz[1] - ego_xy[1]) < radius_m:
                box = make_box(rule, rule.id == affecting, ego_xy, ids.of(rule.id))
                _add_road(box, roads, rule.lane_id, xyz)
                boxes.append(box)

    return {
        "x": ego_xy[0], "y": ego_xy[1], "throttle": float(control.throttle), "steer": float(control.steer),
        "brake": float(control.brake), "reverse": bool(control.reverse),
        "theta": float(yaw_deg_to_compass(ego.yaw_deg)),
        "speed": float(ego.speed_mps),
        "x_command_far": route_info.far_xy[0], "y_command_far": route_info.far_xy[1],
        "command_far": int(route_info.far_command),
        "x_command_near": route_info.near_xy[0], "y_command_near": route_info.near_xy[1],
        "command_near": int(route_info.near_command),
        "should_brake": bool(should_brake), "only_ap_brake": bool(only_ap_brake),
        "x_target": route_info.target_xy[0], "y_target": route_info.target_xy[1],
        "next_command": int(route_info.next_command), "weather": dict(weather),
        "acceleration": acceleration, "angular_velocity": angular_velocity,
        "sensors": _sensors(calibration, ego_matrix, ego.yaw_deg), "bounding_boxes": boxes,
    }
