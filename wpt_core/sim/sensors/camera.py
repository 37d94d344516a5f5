"""`sensor.camera.rgb`: a pinhole renderer of the ground raster, boxes and signs, in CARLA's BGRA layout,
and the planar depth of every pixel (what CARLA's `sensor.camera.depth` at the same pose would see).

Why it is fast enough on one core: the ego never pitches or rolls, so where each below-horizon pixel's ray
meets the ground is fixed in the ego frame — computed once; a frame only rotates those points by the ego
yaw and samples the ground texture. Objects are drawn on top with PIL polygons, whole objects far-to-near
(painter's algorithm, parts of one object by layer) after back-face culling, clipped at a near plane.
Polygons are drawn as face numbers into one integer image; colour and depth are then looked up per
pixel: a face is planar, so its depth along the optical axis at a pixel is d / (n · ray) — exactly what
the image shows there, occlusions included.
"""
from __future__ import annotations

import math
from typing import List, Optional, Tuple

import numpy as np
from PIL import Image, ImageDraw

from wpt_core.data.rig import focal_length

from wpt_core.sim.sensors.ground_texture import GROUND_BGR, GroundTexture
from wpt_core.sim.sensors.scene_boxes import SceneBoxes, box_corners, closest_point_distance
from wpt_core.sim.sensors.spec import SensorSpec, ego_to_world, sensor_to_ego
from wpt_core.types import EgoState

NEAR_M = 0.1
FAR_M = 1000.0            # CARLA's depth far plane: the depth of the sky
MAX_GROUND_M = 250.0      # ground beyond this reads as haze (no raster that large matters at that range)
MAX_OBJECT_M = 150.0      # objects beyond this are not drawn
SKY_TOP_BGR = (225, 170, 120)
SKY_HORIZON_BGR = (235, 215, 200)
HAZE_BGR = (170, 175, 165)

def _as_bgra32(bgr: np.ndarray) -> np.ndarray:
    """(K,3) BGR → (K,) uint32 whose bytes are B, G, R, 255: one store per pixel instead of three."""
    bgra = np.concatenate([np.asarray(bgr, np.uint8).reshape(-1, 3), np.full((len(bgr), 1), 255, np.uint8)], 1)
    return np.ascontiguousarray(bgra).view(np.uint32).ravel()


GROUND_BGRA32 = _as_bgra32(GROUND_BGR)
# (group distance, layer, BGR, camera-frame plane (n_x, n_y, n_z, d, min depth, max depth), PIL vertices or None
# if the polygon must be clipped at the near plane first, camera-frame polygon (P, 3))
Item = Tuple[float, int, Tuple[int, int, int], Tuple[float, ...], Optional[List[Tuple[float, float]]], np.ndarray]
LIGHT_DIR_XY = np.array([0.6, -0.8])  # fixed "sun" for face shading

# Quads of a box (corner k has bits x, y, z = k) and their outward normals in the box frame.
FACES = np.array([[4, 6, 7, 5], [0, 1, 3, 2], [2, 3, 7, 6], [0, 4, 5, 1], [1, 5, 7, 3], [0, 2, 6, 4]])
FACE_LIST = FACES.tolist()
FACE_NORMALS = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], np.float64)


def _clip_near(poly: np.ndarray) -> np.ndarray:
    """Sutherland–Hodgman clip of a camera-frame polygon (K,3) against x ≥ NEAR_M."""
    out: List[np.ndarray] = []
    n = len(poly)
    for i in range(n):
        a, b = poly[i], poly[(i + 1) % n]
        a_in, b_in = a[0] >= NEAR_M, b[0] >= NEAR_M
        if a_in:
            out.append(a)
        if a_in != b_in:
            t = (NEAR_M - a[0]) / (b[0] - a[0])
            out.append(a + t * (b - a))
    return np.asarray(out).reshape(-1, 3)


class CameraRenderer:
    """One RGB camera: `render(ego, boxes) -> (H, W, 4) uint8 BGRA` with alpha 255."""

    def __init__(self, spec: SensorSpec, texture: Optional[GroundTexture]) -> None:
        self.width, self.height = int(spec["width"]), int(spec["height"])
        self.fov_deg = float(spec["fov"])
        self.f = focal_length(self.width, self.fov_deg)
        self.cx, self.cy = self.width / 2.0, self.height / 2.0
        self.mount = sensor_to_ego(spec)
        self.texture = texture
        u = (np.arange(self.width) + 0.5 - self.cx) / self.f
        v = (np.arange(self.height) + 0.5 - self.cy) / self.f
        uu, vv = np.meshgrid(u, v)
        rays_cam = np.stack([np.ones_like(uu), uu, -vv], axis=-1).reshape(-1, 3)
        rays_ego = rays_cam @ self.mount[:3, :3].T
        origin = self.mount[:3, 3]
        down = rays_ego[:, 2] < -1e-9
        g = np.zeros((rays_ego.shape[0], 2))
        g[down] = rays_ego[down, :2] / -rays_ego[down, 2:3]
        reach = origin[2] * np.hypot(g[:, 0], g[:, 1])
        ground = down & (reach < MAX_GROUND_M)
        self.ground_idx = np.nonzero(ground)[0]
        # rows well below the horizon are ground across the full width: written as one slice, not scattered
        gaps = np.flatnonzero(np.diff(self.ground_idx) != 1)
        self.ground_tail = int(gaps[-1]) + 1 if gaps.size else 0
        if self.ground_idx.size and self.ground_idx[-1] != ground.size - 1:
            self.ground_tail = self.ground_idx.size
        # ground point (ego frame) = origin_xy + (origin_z + ego_z) * g
        self.ground_g = g[ground].astype(np.float32)
        self.ground_base = (origin[:2] + origin[2] * g[ground]).astype(np.float32)
        self.background = self._background(rays_ego, down & ~ground)
        self.tan_h, self.tan_v = self.cx / self.f, self.cy / self.f
        # planar depth of the ground (haze included) = (camera height) / −ray_z, the ray's forward part being 1
        inv_down = np.where(down, 1.0 / np.where(down, -rays_ego[:, 2], 1.0), 0.0)
        self.depth_per_height = inv_down.astype(np.float32)
        self.depth_sky = ~down
        self.depth_level = self._background_depth(0.0)   # the ego on the ground plane: the usual case
        self.pixel_u, self.pixel_v = uu.ravel().astype(np.float32), vv.ravel().astype(np.float32)

    def _background(self, rays_ego: np.ndarray, haze: np.ndarray) -> np.ndarray:
        """Sky gradient by ray elevation, haze where the ground is too far; alpha 255 everywhere."""
        elev = np.arctan2(rays_ego[:, 2], np.hypot(rays_ego[:, 0], rays_ego[:, 1]))
        w = np.clip(elev / math.radians(40.0), 0.0, 1.0)[:, None]
        sky = (1 - w) * np.asarray(SKY_HORIZON_BGR, np.float64) + w * np.asarray(SKY_TOP_BGR, np.float64)
        img = np.empty((rays_ego.shape[0], 4), np.uint8)
        img[:, :3] = sky.astype(np.uint8)
        img[haze, :3] = HAZE_BGR
        img[:, 3] = 255
        return img.reshape(self.height, self.width, 4)

    def render(self, ego: EgoState, boxes: SceneBoxes) -> np.ndarray:
        """(H, W, 4) uint8 BGRA."""
        return self.render_with_depth(ego, boxes, depth=False)[0]

    def render_with_depth(self, ego: EgoState, boxes: SceneBoxes,
                          depth: bool = True) -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """(H, W, 4) uint8 BGRA and, if asked, (H, W) float32 planar depth in metres (sky: FAR_M)."""
        flat = self.background.view(np.uint32).ravel().copy()
        self._draw_ground(flat, ego)
        depth_m = None if not depth else self.depth_level.copy() if ego.z_m == 0.0 else self._background_depth(ego.z_m)
        cam_to_world = ego_to_world(ego) @ self.mount
        items = self._visible_items(np.linalg.inv(cam_to_world), cam_to_world[:3, 3], boxes)
        if items:
            faces = self._draw_faces(sorted(items, key=lambda it: (-it[0], it[1])))
            if faces is not None:
                face_id, colours, planes = faces
                drawn = np.flatnonzero(face_id)
                k = face_id[drawn]
                flat[drawn] = colours[k]
                if depth_m is not None:
                    a, b, c, d, lo, hi = planes[:, k]
                    with np.errstate(divide="ignore", invalid="ignore"):
                        t = d / (a + b * self.pixel_u[drawn] - c * self.pixel_v[drawn])
                    # a pixel PIL fills at a polygon's rim may lie just off the face: stay within its vertices
                    depth_m[drawn] = np.clip(np.nan_to_num(t, nan=hi), lo, hi)
        img = flat.view(np.uint8).reshape(self.height, self.width, 4)
        return img, (depth_m.reshape(self.height, self.width) if depth_m is not None else None)

    def _background_depth(self, ego_z_m: float) -> np.ndarray:
        depth = self.depth_per_height * np.float32(self.mount[2, 3] + ego_z_m)
        depth[self.depth_sky] = FAR_M
        return np.minimum(depth, np.float32(FAR_M))

    def _draw_faces(self, items: List[Item]) -> Optional[Tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Draw the polygons (painter's order) as face numbers 1…K into an int image.

        Returns (face number per pixel (H·W,), BGRA uint32 colour per face number (K+1,), plane rows
        [n_x, n_y, n_z, d, min depth, max depth] per face number (6, K+1)) or None if nothing was drawn.
        """
        ids = Image.new("I", (self.width, self.height), 0)
        draw = ImageDraw.Draw(ids)
        colours: List[Tuple[int, int, int]] = [(0, 0, 0)]
        planes: List[Tuple[float, ...]] = [(1.0, 0.0, 0.0, FAR_M, FAR_M, FAR_M)]
        for _, _, colour, plane, uv, poly in items:
            if uv is None:  # crosses the near plane: clip, then project
                pts = _clip_near(poly)
                if len(pts) < 3:
                    continue
                uv = self._project(pts)
                plane = plane[:4] + (NEAR_M, plane[5])
            draw.polygon(uv, fill=len(colours))
            planes.append(plane)
            colours.append(colour)
        if len(colours) == 1:
            return None
        face_id = np.asarray(ids, dtype=np.int32).ravel()
        return face_id, _as_bgra32(np.array(colours, np.uint8)), np.array(planes, np.float32).T

    def _project(self, pts: np.ndarray) -> List[Tuple[float, float]]:
        """Camera-frame points (P, 3), all in front of the near plane → PIL polygon vertices.

        PIL puts pixel centres at integers; image coordinates (K) put them at i + 0.5.
        """
        u = self.cx - 0.5 + self.f * pts[..., 1] / pts[..., 0]
        v = self.cy - 0.5 - self.f * pts[..., 2] / pts[..., 0]
        return list(zip(u.tolist(), v.tolist()))

    def _draw_ground(self, flat: np.ndarray, ego: EgoState) -> None:
        if self.ground_idx.size == 0:
            return
        if self.texture is None:
            flat[self.ground_idx] = GROUND_BGRA32[0]
            return
        p = self.ground_base if ego.z_m == 0.0 else self.ground_base + np.float32(ego.z_m) * self.ground_g
        yaw = math.radians(ego.yaw_deg)
        colours = GROUND_BGRA32[self.texture.sample_rigid(p, math.cos(yaw), math.sin(yaw), ego.x_m, ego.y_m)]
        tail = self.ground_tail
        flat[self.ground_idx[:tail]] = colours[:tail]
        if tail < colours.size:
            flat[self.ground_idx[tail]:] = colours[tail:]

    def _visible_items(self, world_to_cam: np.ndarray, cam_pos: np.ndarray, boxes: SceneBoxes) -> List[Item]:
        """(group distance, layer, BGR fill, camera-frame plane [n, d, min depth, max depth], projected
        vertices or None when the polygon crosses the near plane, camera-frame polygon) of every face
        that may be seen."""
        items: List[Item] = []
        R, t = world_to_cam[:3, :3], world_to_cam[:3, 3]
        to_cam_centre = cam_pos - boxes.center
        decal_hidden = np.einsum("ij,ij->i", boxes.decal_normal, to_cam_centre) < 0
        idx = np.nonzero(boxes.camera & ~decal_hidden)[0]
        if idx.size:
            near = np.linalg.norm(boxes.center[idx, :2] - cam_pos[:2], axis=1) < MAX_OBJECT_M
            idx = idx[near]
        if idx.size:
            corners = box_corners(boxes, idx)
            cc = corners @ R.T + t
            keep = self._in_frustum(cc)
            idx, corners, cc = idx[keep], corners[keep], cc[keep]
        if idx.size:
            yaw = np.radians(boxes.yaw_deg[idx])
            c, s = np.cos(yaw)[:, None], np.sin(yaw)[:, None]
            nx = FACE_NORMALS[None, :, 0] * c - FACE_NORMALS[None, :, 1] * s
            ny = FACE_NORMALS[None, :, 0] * s + FACE_NORMALS[None, :, 1] * c
            nz = np.broadcast_to(FACE_NORMALS[None, :, 2], nx.shape)
            centres = corners[:, FACES].mean(axis=2)  # (K, 6, 3)
            to_cam = cam_pos[None, None, :] - centres
            facing = nx * to_cam[..., 0] + ny * to_cam[..., 1] + nz * to_cam[..., 2] > 0
            shade = np.where(nz > 0.5, 1.0, np.where(nz < -0.5, 0.45,
                             0.62 + 0.33 * np.clip(nx * LIGHT_DIR_XY[0] + ny * LIGHT_DIR_XY[1], 0, 1)))
            shade[boxes.emissive[idx]] = 1.0
            bgr = np.clip(boxes.color[idx][:, None, ::-1] * shade[..., None], 0, 255).astype(int)  # (K, 6, 3)
            n_cam = np.stack([nx, ny, nz], axis=-1) @ R.T                                         # (K, 6, 3)
            face_pts = cc[:, FACES]                                                              # (K, 6, 4, 3)
            offset = np.einsum("kfj,kfj->kf", n_cam, face_pts[:, :, 0])
            depth_lo, depth_hi = face_pts[..., 0].min(axis=2), face_pts[..., 0].max(axis=2)
            dist = closest_point_distance(cam_pos, boxes.group_box[idx]).tolist()
            layer = boxes.layer[idx].tolist()
            with np.errstate(divide="ignore", invalid="ignore"):   # corners behind the camera: never used
                u = (self.cx - 0.5 + self.f * cc[..., 1] / cc[..., 0]).tolist()
                v = (self.cy - 0.5 - self.f * cc[..., 2] / cc[..., 0]).tolist()
            planes = np.concatenate([n_cam, offset[..., None], depth_lo[..., None], depth_hi[..., None]], axis=-1)
            planes, bgr, in_front = planes.tolist(), bgr.tolist(), (depth_lo >= NEAR_M).tolist()
            for k, f in zip(*np.nonzero(facing)):
                uk, vk = u[k], v[k]
                uv = [(uk[i], vk[i]) for i in FACE_LIST[f]] if in_front[k][f] else None
                items.append((dist[k], layer[k], tuple(bgr[k][f]), tuple(planes[k][f]), uv, face_pts[k, f]))
        for m in range(len(boxes.plate_corners)):
            pc = boxes.plate_corners[m] @ R.T + t
            if not self._in_frustum(pc[None])[0]:
                continue
            front = float(np.dot(boxes.plate_normal[m], cam_pos - boxes.plate_corners[m].mean(axis=0))) > 0
            rgb = boxes.plate_front[m] if front else boxes.plate_back[m]
            dist = float(closest_point_distance(cam_pos, boxes.plate_group_box[m:m + 1])[0])
            n_cam = R @ boxes.plate_normal[m]
            lo, hi = float(pc[:, 0].min()), float(pc[:, 0].max())
            plane = (*n_cam.tolist(), float(n_cam @ pc[0]), lo, hi)
            items.append((dist, int(boxes.plate_layer[m]), (int(rgb[2]), int(rgb[1]), int(rgb[0])), plane,
                          self._project(pc) if lo >= NEAR_M else None, pc))
        return items

    def _in_frustum(self, cc: np.ndarray) -> np.ndarray:
        """(K,) False for point sets (K, P, 3) entirely outside one frustum plane (or behind the near plane)."""
        x, y, z = cc[..., 0], cc[..., 1], cc[..., 2]
        outside = ((x < NEAR_M).all(axis=1) | (y > x * self.tan_h).all(axis=1) | (y < -x * self.tan_h).all(axis=1)
                   | (z > x * self.tan_v).all(axis=1) | (z < -x * self.tan_v).all(axis=1))
        return ~outside
