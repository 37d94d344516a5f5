"""A Scene as oriented 3-D boxes and flat plates: what the camera draws and the LiDAR/radar hit.

One builder serves every sensor so that what a camera shows and what the LiDAR returns never disagree.
Actors are split into a few coloured parts for the camera (a car body and cabin, a walker's legs, torso
and head) while the LiDAR sees the actor's full bounding box, the box the labels record.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np

from wpt_core.data.annotation import LIGHT_HEAD_EXTENT, STOP_SIGN_EXTENT
from wpt_core.sim.world.actor_attributes import RGB, body_colour, pick
from wpt_core.types import Actor, ActorKind, LightState, Scene

Group = Tuple[float, float, float, float, float, float, float]  # x, y, z, yaw_deg, half l, w, h

CLOTHES_COLOURS: Tuple[RGB, ...] = (
    (180, 40, 40), (40, 80, 170), (230, 200, 60), (60, 140, 70), (200, 200, 200), (120, 60, 150), (230, 120, 40),
)
LAMP_ON = {"red": (255, 25, 25), "yellow": (255, 200, 0), "green": (20, 255, 60)}
LAMP_OFF = {"red": (70, 20, 20), "yellow": (70, 60, 15), "green": (15, 60, 25)}
STOP_RED: RGB = (200, 20, 25)
SIGN_BACK: RGB = (120, 120, 125)
POLE: RGB = (90, 90, 95)
HEAD: RGB = (30, 30, 32)


@dataclass
class SceneBoxes:
    """Boxes (N) and plates (M) in world coordinates.

    center (N,3) box centre; yaw_deg (N,); half (N,3) half length/width/height; color (N,3) RGB uint8;
    emissive (N,) lamps (drawn unshaded); decal_normal (N,3) non-zero for parts seen only from that side
    (a lamp on the face of a signal head); camera / lidar (N,) which sensors see the box; velocity (N,2)
    world xy m/s; group_box (N,7) [x, y, z, yaw_deg, half l, w, h] of the whole object the part belongs to,
    and layer (N,): the painter's order — whole objects far-to-near by the distance from the camera to the
    closest point of their box (right for long vehicles beside short ones, where centre distance is not),
    stacked parts of one object by layer. Plates: corners (M,K,3), normal (M,3), front/back colours (M,3),
    group_box, layer.
    """

    center: np.ndarray
    yaw_deg: np.ndarray
    half: np.ndarray
    color: np.ndarray
    emissive: np.ndarray
    decal_normal: np.ndarray
    camera: np.ndarray
    lidar: np.ndarray
    velocity: np.ndarray
    group_box: np.ndarray
    layer: np.ndarray
    plate_corners: np.ndarray = field(default_factory=lambda: np.zeros((0, 8, 3)))
    plate_normal: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    plate_front: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.uint8))
    plate_back: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.uint8))
    plate_group_box: np.ndarray = field(default_factory=lambda: np.zeros((0, 7)))
    plate_layer: np.ndarray = field(default_factory=lambda: np.zeros((0,), np.int64))
    _corners: Optional[np.ndarray] = field(default=None, init=False, repr=False)  # every sensor reuses them

    def __len__(self) -> int:
        return int(self.center.shape[0])

    def corners(self) -> np.ndarray:
        """(N, 8, 3) world corners of every box, computed once (see `box_corners`)."""
        if self._corners is None:
            self._corners = _corners_of(self.center, self.half, self.yaw_deg)
        return self._corners


class _Builder:
    """Accumulates boxes/plates as python lists, then packs them into arrays once."""

    def __init__(self) -> None:
        self.rows: List[tuple] = []
        self.plates: List[tuple] = []

    def box(self, xy: Tuple[float, float], yaw_deg: float, length: float, width: float, z0: float, z1: float,
            color: RGB, group: Group, layer: int, *, camera: bool = True,
            lidar: bool = True, emissive: bool = False, velocity: Tuple[float, float] = (0.0, 0.0),
            decal_normal: Tuple[float, float, float] = (0.0, 0.0, 0.0)) -> None:
        self.rows.append((xy[0], xy[1], (z0 + z1) / 2.0, yaw_deg, length / 2.0, width / 2.0, (z1 - z0) / 2.0,
                          color, emissive, camera, lidar, velocity, group, layer, decal_normal))

    def plate(self, corners: np.ndarray, normal: np.ndarray, front: RGB, back: RGB,
              group: Group, layer: int) -> None:
        self.plates.append((corners, normal, front, back, group, layer))

    def pack(self) -> SceneBoxes:
        n = len(self.rows)
        cols = list(zip(*self.rows)) if n else [()] * 15
        def arr(i: int, dtype=np.float64, width: int = 0) -> np.ndarray:
            shape = (n, width) if width else (n,)
            return np.asarray(cols[i], dtype=dtype).reshape(shape)
        boxes = SceneBoxes(
            center=np.stack([arr(0), arr(1), arr(2)], axis=1), yaw_deg=arr(3),
            half=np.stack([arr(4), arr(5), arr(6)], axis=1), color=arr(7, np.uint8, 3),
            emissive=arr(8, bool), decal_normal=arr(14, np.float64, 3), camera=arr(9, bool), lidar=arr(10, bool),
            velocity=arr(11, np.float64, 2), group_box=arr(12, np.float64, 7), layer=arr(13, np.int64))
        if self.plates:
            pc = list(zip(*self.plates))
            boxes.plate_corners = np.stack(pc[0]).astype(np.float64)
            boxes.plate_normal = np.stack(pc[1]).astype(np.float64)
            boxes.plate_front = np.asarray(pc[2], np.uint8).reshape(-1, 3)
            boxes.plate_back = np.asarray(pc[3], np.uint8).reshape(-1, 3)
            boxes.plate_group_box = np.asarray(pc[4], np.float64).reshape(-1, 7)
            boxes.plate_layer = np.asarray(pc[5], np.int64)
        return boxes


def _offset(x: float, y: float, yaw_deg: float, forward: float, right: float = 0.0) -> Tuple[float, float]:
    c, s = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
    return x + forward * c - right * s, y + forward * s + right * c


def _add_actor(b: _Builder, a: Actor) -> None:
    xy, yaw, z0, h, L, W = (a.x_m, a.y_m), a.yaw_deg, a.z_m, a.height_m, a.length_m, a.width_m
    vel = (a.speed_mps * math.cos(math.radians(yaw)), a.speed_mps * math.sin(math.radians(yaw)))
    group = (a.x_m, a.y_m, z0 + h / 2.0, yaw, L / 2.0, W / 2.0, h / 2.0)
    b.box(xy, yaw, L, W, z0, z0 + h, (0, 0, 0), group, 0, camera=False, velocity=vel)  # LiDAR/radar box
    type_id = a.type_id.lower()
    kw = {"lidar": False}  # the camera's parts; the LiDAR sees the full box above
    if a.kind == ActorKind.WALKER:
        shirt = pick(CLOTHES_COLOURS, a.id)
        b.box(xy, yaw, L * 0.6, W * 0.7, z0, z0 + 0.47 * h, (45, 50, 70), group, 0, **kw)
        b.box(xy, yaw, L * 0.7, W * 0.9, z0 + 0.47 * h, z0 + 0.84 * h, shirt, group, 1, **kw)
        b.box(xy, yaw, L * 0.45, W * 0.45, z0 + 0.84 * h, z0 + h, (225, 180, 150), group, 2, **kw)
    elif a.kind == ActorKind.BICYCLE:
        b.box(xy, yaw, L, min(W, 0.35), z0, z0 + 0.55 * h, (35, 35, 38), group, 0, **kw)
        b.box(_offset(a.x_m, a.y_m, yaw, -0.1 * L), yaw, 0.45 * L, W, z0 + 0.55 * h, z0 + h,
              pick(CLOTHES_COLOURS, a.id), group, 1, **kw)
    elif a.kind == ActorKind.STATIC and not type_id.startswith("vehicle."):
        colour = (255, 110, 0) if "cone" in type_id else (235, 190, 20) if "warning" in type_id else (110, 100, 90)
        b.box(xy, yaw, L, W, z0, z0 + h, colour, group, 0, **kw)
    else:
        body = body_colour(a)
        tint = [int(0.25 * c + 30) for c in body]
        glass: RGB = (200, 30, 30) if a.is_emergency else (tint[0], tint[1], tint[2])
        b.box(xy, yaw, L, W, z0, z0 + 0.58 * h, body, group, 0, **kw)
        b.box(_offset(a.x_m, a.y_m, yaw, -0.06 * L), yaw, 0.58 * L, 0.88 * W, z0 + 0.58 * h, z0 + h,
              glass, group, 1, **kw)


def _add_traffic_light(b: _Builder, x: float, y: float, z: float, yaw_deg: float, state: LightState) -> None:
    """Pole, dark head and three lamps facing the approaching traffic (opposite to `yaw_deg`).

    The head is the box the annotations record (`LIGHT_HEAD_EXTENT` around `head_xyz`). Pole and head are
    separate painter's groups (ordered by distance, so either may hide the other); the lamps are decals on
    the head's front face, red on top.
    """
    face = yaw_deg + 180.0
    hl, hw, hh = LIGHT_HEAD_EXTENT
    group = (x, y, z, face, hl, hw, hh)
    px, py = _offset(x, y, face, -hl - 0.08)
    top = z + hh
    b.box((px, py), face, 0.16, 0.16, 0.0, top, POLE, (px, py, top / 2.0, face, 0.08, 0.08, top / 2.0), 0)
    b.box((x, y), face, 2 * hl, 2 * hw, z - hh, z + hh, HEAD, group, 0)
    normal = (math.cos(math.radians(face)), math.sin(math.radians(face)), 0.0)
    lit = {LightState.RED: "red", LightState.YELLOW: "yellow", LightState.GREEN: "green"}.get(state)
    lx, ly = _offset(x, y, face, hl + 0.05)
    lamp = min(1.5 * hw, 0.55 * hh)  # lamp size; centres 2/3 of the half height apart
    for name, dz in (("red", 2 * hh / 3), ("yellow", 0.0), ("green", -2 * hh / 3)):
        colour = LAMP_ON[name] if name == lit else LAMP_OFF[name]
        b.box((lx, ly), face, 0.1, lamp, z + dz - lamp / 2, z + dz + lamp / 2, colour, group, 1,
              lidar=False, emissive=name == lit, decal_normal=normal)


def _add_stop_sign(b: _Builder, x: float, y: float, z: float, yaw_deg: float) -> None:
    """Pole and a red octagon facing the approaching traffic; grey from behind."""
    face = yaw_deg + 180.0
    r = STOP_SIGN_EXTENT[1]  # plate radius = the annotated half width
    group = (x, y, z, face, 0.02, r, r)
    px, py = _offset(x, y, face, -0.05)
    b.box((px, py), face, 0.08, 0.08, 0.0, z, POLE, (px, py, z / 2.0, face, 0.04, 0.04, z / 2.0), 0)
    b.box((x, y), face, 0.04, 2 * r, z - r, z + r, STOP_RED, group, 0, camera=False)  # LiDAR plate
    c, s = math.cos(math.radians(face)), math.sin(math.radians(face))
    normal = np.array([c, s, 0.0])
    right = np.array([-s, c, 0.0])
    theta = np.radians(22.5 + 45.0 * np.arange(8))
    centre = np.array([x, y, z]) + 0.01 * normal
    corners = centre + r * (np.cos(theta)[:, None] * right + np.sin(theta)[:, None] * np.array([0, 0, 1.0]))
    b.plate(corners, normal, STOP_RED, SIGN_BACK, group, 0)


def build_scene_boxes(scene: Scene) -> SceneBoxes:
    """Every drawable/hittable thing in the scene except the ego."""
    b = _Builder()
    for actor in scene.actors:
        _add_actor(b, actor)
    for light in scene.traffic_lights:
        _add_traffic_light(b, *light.head_xyz, light.yaw_deg, light.state)
    for sign in scene.stop_signs:
        _add_stop_sign(b, *sign.sign_xyz, sign.yaw_deg)
    return b.pack()


_CORNER_SIGNS = np.array([[(k >> 2) & 1, (k >> 1) & 1, k & 1] for k in range(8)], np.float64) * 2.0 - 1.0


def _corners_of(center: np.ndarray, half: np.ndarray, yaw_deg: np.ndarray) -> np.ndarray:
    local = _CORNER_SIGNS[None, :, :] * half[:, None, :]
    yaw = np.radians(yaw_deg)
    c, s = np.cos(yaw)[:, None], np.sin(yaw)[:, None]
    x = local[..., 0] * c - local[..., 1] * s
    y = local[..., 0] * s + local[..., 1] * c
    return np.stack([x, y, local[..., 2]], axis=-1) + center[:, None, :]


def box_corners(boxes: SceneBoxes, index: np.ndarray) -> np.ndarray:
    """(K, 8, 3) world corners of the selected boxes; corner k = (±l, ±w, ±h) with bits (x, y, z) = k."""
    return boxes.corners()[index]


def closest_point_distance(point: np.ndarray, group_box: np.ndarray) -> np.ndarray:
    """(K,) distance from a world point (3,) to the nearest point of each box [x, y, z, yaw, hl, hw, hh] (K, 7)."""
    d = point[None, :] - group_box[:, :3]
    yaw = np.radians(group_box[:, 3])
    c, s = np.cos(yaw), np.sin(yaw)
    local = np.stack([d[:, 0] * c + d[:, 1] * s, -d[:, 0] * s + d[:, 1] * c, d[:, 2]], axis=1)
    outside = np.maximum(np.abs(local) - group_box[:, 4:7], 0.0)
    return np.linalg.norm(outside, axis=1)
