"""Camera renderer against hand-computed pinhole geometry.

f = W / (2 tan(fov/2)), u = cx + f·y/x, v = cy − f·z/x in the camera frame (x forward, y right, z up).
"""
import math

import numpy as np
import pytest

from wpt_core.ground_map import GroundClass, GroundMap
from wpt_core.sim.sensors.ground_texture import CROSSING_LIGHT, GroundTexture
from wpt_core.sim.sensors.suite import SensorSuite
from wpt_core.types import Actor, ActorKind, EgoState, LightState, Scene, StopSign, TrafficLight

W, H, FOV = 200, 100, 90.0
F = W / (2 * math.tan(math.radians(FOV / 2)))     # = 100 px
CAM = {"type": "sensor.camera.rgb", "id": "front", "x": 0.8, "y": 0.0, "z": 1.6, "roll": 0.0, "pitch": 0.0,
       "yaw": 0.0, "width": W, "height": H, "fov": FOV}


def road_map(stripe_x=None, stripe_y=None):
    """All ROAD on ±60 m, with an optional STOP_LINE band x ∈ stripe_x or y ∈ stripe_y."""
    res = 0.25
    n = int(120 / res)
    c = (np.arange(n) + 0.5) * res - 60.0
    x, y = np.meshgrid(c, c)
    cls = np.full((n, n), GroundClass.ROAD, np.uint8)
    if stripe_x:
        cls[(x >= stripe_x[0]) & (x < stripe_x[1])] = GroundClass.STOP_LINE
    if stripe_y:
        cls[(y >= stripe_y[0]) & (y < stripe_y[1])] = GroundClass.STOP_LINE
    return GroundMap(cls, (-60.0, -60.0), res)


def render(actors=(), lights=(), signs=(), ego=None, ground=None, spec=CAM):
    ego = ego or EgoState(x_m=0.0, y_m=0.0, yaw_deg=0.0, speed_mps=0.0)
    scene = Scene(frame=3, time_s=0.15, ego=ego, actors=list(actors), traffic_lights=list(lights),
                  stop_signs=list(signs))
    return SensorSuite([spec], ground if ground is not None else road_map()).read(scene, 3)["front"][1]


def cone_box(x, y, size, height, actor_id="cone"):
    return Actor(actor_id, ActorKind.STATIC, x, y, 0.0, 0.0, size, size, height, type_id="static.prop.constructioncone")


def grey_box(x, y, size, height, actor_id="crate"):
    return Actor(actor_id, ActorKind.STATIC, x, y, 0.0, 0.0, size, size, height, type_id="static.prop.crate")


def is_orange(px):  # BGRA
    return int(px[2]) - int(px[0]) > 100


def test_image_format_is_bgra_uint8_with_opaque_alpha():
    img = render()
    assert img.dtype == np.uint8 and img.shape == (H, W, 4)
    assert (img[..., 3] == 255).all()
    sky = img[5, W // 2]
    assert sky[0] > sky[2]            # blue sky: B > R in BGRA order


def test_box_projects_onto_the_hand_computed_pixel_region():
    # Box 1 m wide, 3.2 m tall (its middle at the camera height), centre 10 m ahead of and 2 m right of the camera.
    base = render()
    img = render([cone_box(10.8, 2.0, 1.0, 3.2)])
    changed = np.any(base[..., :3] != img[..., :3], axis=2)
    rows, cols = np.nonzero(changed)
    # front face x = 9.5 m: u ∈ [100 + 100·1.5/9.5, 100 + 100·2.5/9.5], v = 50 ∓ 100·1.6/9.5;
    # visible left side (y = 1.5) reaches back to x = 10.5 m: u = 100 + 100·1.5/10.5.
    assert abs(cols.min() - (100 + 100 * 1.5 / 10.5)) <= 1.5
    assert abs(cols.max() + 1 - (100 + 100 * 2.5 / 9.5)) <= 1.5
    assert abs(rows.min() - (50 - 100 * 1.6 / 9.5)) <= 1.5
    assert abs(rows.max() + 1 - (50 + 100 * 1.6 / 9.5)) <= 1.5
    assert is_orange(img[50, 120])                      # centre pixel u = 100 + 100·2/10


def test_near_box_occludes_far_box_whatever_the_actor_order():
    far, near = cone_box(20.8, 2.0, 1.0, 3.2), grey_box(8.8, 1.6, 1.5, 3.0)
    for actors in ([far, near], [near, far]):
        img = render(actors)
        # u = 100 + 100·2/20 = 110 is covered by the near box (its front face spans u ≈ 100 + 100·0.85/7.25 … 132)
        assert not is_orange(img[50, 110])
        assert abs(int(img[50, 110][2]) - int(img[50, 110][0])) < 40   # grey
    only_far = render([far])
    assert is_orange(only_far[50, 110])


def test_geometry_behind_the_camera_is_clipped_not_mirrored():
    # A 20 m long wall beside the camera, half of it behind: must not crash and must cover the right edge.
    wall = grey_box(0.8, 3.0, 1.0, 3.0)
    wall.length_m = 20.0
    img = render([wall])
    base = render()
    assert np.any(img[50, W - 5, :3] != base[50, W - 5, :3])
    assert np.all(img[:, :W // 2 - 5, :3] == base[:, :W // 2 - 5, :3])    # nothing leaks to the left


def test_ground_pixels_sample_the_raster_at_the_ray_ground_intersection():
    # Row 65 (v = 65.5): ground 1.6·100/15.5 = 10.32 m from the camera → ego x = 11.12 (stop line at 10..12).
    img = render(ground=road_map(stripe_x=(10.0, 12.0)))
    assert (img[65, 100, :3] > 200).all()
    assert (img[90, 100, :3] < 120).all()   # row 90: x = 0.8 + 1.6·100/40.5 = 4.75 m: asphalt
    # The same stripe placed along +y is seen when the ego faces south (yaw 90).
    img = render(ground=road_map(stripe_y=(10.0, 12.0)), ego=EgoState(x_m=0.0, y_m=0.0, yaw_deg=90.0, speed_mps=0.0))
    assert (img[65, 100, :3] > 200).all()


def test_crossing_stripes_run_along_the_crossings_long_axis():
    res, n = 0.25, 200
    cls = np.full((n, n), GroundClass.ROAD, np.uint8)
    cls[80:120, 20:180] = GroundClass.CROSSING      # 10 m thick along y, 40 m long along x
    tex = GroundTexture(GroundMap(cls, (0.0, 0.0), res))
    y = np.full(4, 25.0)
    x = np.array([10.1, 10.4, 10.6, 10.9])          # stripes every 0.5 m along x: light, light, dark, dark
    assert list(tex.sample(x, y) == CROSSING_LIGHT) == [True, True, False, False]
    assert tex.sample(np.array([-5.0]), np.array([-5.0]))[0] == GroundClass.OFF_ROAD   # off the raster


def red_mask(img):
    return (img[..., 2] > 200) & (img[..., 1] < 90) & (img[..., 0] < 90)


def green_mask(img):
    return (img[..., 1] > 200) & (img[..., 2] < 90) & (img[..., 0] < 120)


def light(state, yaw=0.0):
    # head 15 m ahead of the camera at camera height, controlling traffic driving +x (towards it)
    return TrafficLight("tl", state, "lane", ((15.0, -2.0), (15.0, 2.0)), yaw, (15.8, 0.0, 1.6))


def test_red_light_ahead_shows_red_pixels_where_the_top_lamp_projects():
    img = render(lights=[light(LightState.RED)])
    rows, cols = np.nonzero(red_mask(img))
    assert rows.size > 0 and not green_mask(img).any()
    # red lamp 0.4 m above the head centre, ~14.8 m from the camera: v = 50 − 100·0.4/14.8 ≈ 47.3, u = 100
    assert abs(rows.mean() - (50 - 100 * 0.4 / 14.77)) < 1.5
    assert abs(cols.mean() - 100) < 1.5


def test_green_light_shows_green_and_no_red():
    img = render(lights=[light(LightState.GREEN)])
    rows, _ = np.nonzero(green_mask(img))
    assert rows.size > 0 and not red_mask(img).any()
    assert rows.mean() > 50          # bottom lamp, below the head centre


def test_light_facing_away_shows_no_lamp():
    img = render(lights=[light(LightState.RED, yaw=180.0)])
    assert not red_mask(img).any()


def test_stop_sign_is_a_red_plate_from_the_front_and_grey_from_behind():
    sign = StopSign("s", "lane", ((9.0, 1.0), (9.0, 3.0)), 0.0, (10.8, 1.0, 2.0))
    front = render(signs=[sign])
    rows, cols = np.nonzero((front[..., 2] > 150) & (front[..., 1] < 60) & (front[..., 0] < 60))
    assert rows.size > 20
    assert abs(cols.mean() - (100 + 100 * 1.0 / 10.0)) < 1.5 and abs(rows.mean() - (50 - 100 * 0.4 / 10.0)) < 1.5
    sign.yaw_deg = 180.0
    back = render(signs=[sign])
    assert not ((back[..., 2] > 150) & (back[..., 1] < 60) & (back[..., 0] < 60)).any()


def test_vehicle_colours_are_stable_per_id_and_pedestrians_are_tall_and_thin():
    car = Actor("car42", ActorKind.VEHICLE, 12.8, 0.0, 0.0, 0.0, 4.6, 2.0, 1.5)
    a, b = render([car]), render([car])
    assert np.array_equal(a, b)
    walker = Actor("w", ActorKind.WALKER, 10.8, 0.0, 0.0, 0.0, 0.5, 0.5, 1.8, type_id="walker.pedestrian.0001")
    rows, cols = np.nonzero(np.any(render([walker])[..., :3] != render()[..., :3], axis=2))
    assert (rows.max() - rows.min()) > 2.5 * (cols.max() - cols.min())


def test_long_box_beside_the_road_hides_a_nearer_centred_box_behind_it():
    # A 40 m wall at y = −3 (centre 10.4 m from the camera) stands between the camera and a cone at
    # (8.8, −6) whose centre is only 10 m away: the ray to the cone crosses the wall's face y = −2.5 at
    # x = 0.8 + 8·2.5/6 = 4.1 m, inside the wall. The cone's centre pixel u = 100 − 100·6/8 = 25 stays grey.
    wall = grey_box(10.8, -3.0, 1.0, 3.0)
    wall.length_m = 40.0
    img = render([wall, cone_box(8.8, -6.0, 1.0, 3.2)])
    assert not is_orange(img[50, 25])
    assert is_orange(render([cone_box(8.8, -6.0, 1.0, 3.2)])[50, 25])


def test_rendered_object_sits_where_the_b2d_calibration_projects_it():
    # A camera of the B2D rig on a yawed ego: the object drawn must sit where K · UE→OpenCV · world2cam
    # (the recipe B2D-trained models use with the recorded calibration) puts it.
    from b2d_projection import project_to_image, world2cam

    from wpt_core.data.rig import bench2drive_rig_specs, intrinsics

    spec = dict({s["id"]: s for s in bench2drive_rig_specs(320, 180)}["CAM_FRONT_LEFT"], id="front")
    ego = EgoState(x_m=5.0, y_m=-3.0, yaw_deg=37.0, speed_mps=0.0)
    yaw = math.radians(37.0 - 55.0)                       # the camera's world heading
    centre = np.array([5.0 + 12.0 * math.cos(yaw), -3.0 + 12.0 * math.sin(yaw), 1.0])
    cone = Actor("c", ActorKind.STATIC, centre[0], centre[1], 0.0, 0.0, 0.6, 0.6, 2.0,
                 type_id="static.prop.constructioncone")
    img = render([cone], ego=ego, spec=spec)
    rows, cols = np.nonzero((img[..., 2].astype(int) - img[..., 0]) > 100)
    u, v, depth = project_to_image(centre[None], intrinsics(320, 180, 70.0), world2cam(spec, ego))[0]
    assert depth > 0 and rows.size > 10
    assert abs(cols.mean() + 0.5 - u) < 1.0 and abs(rows.mean() + 0.5 - v) < 1.5


def render_depth(actors=(), ego=None, spec=CAM):
    ego = ego or EgoState(x_m=0.0, y_m=0.0, yaw_deg=0.0, speed_mps=0.0)
    scene = Scene(frame=3, time_s=0.15, ego=ego, actors=list(actors))
    data = SensorSuite([spec], road_map(), depth=True).read(scene, 3)
    return data["front"][1], data["front_DEPTH"][1]


def test_depth_is_the_planar_distance_to_what_each_pixel_shows(tmp_path):
    from wpt_core.data.depth import decode_depth, encode_depth_png

    # a wall 8 m wide and 3.2 m tall whose near face is 10 m ahead of the camera (x = 0.8 + 10)
    wall = grey_box(11.3, 0.0, 1.0, 3.2)
    wall.width_m = 8.0
    img, depth = render_depth([wall])
    assert depth.shape == (H, W) and depth.dtype == np.float32
    assert np.array_equal(img, render([wall]))                       # the same image as without depth
    # centre pixel and one 30.5 px right (ray (1, 0.305, ·) meets the face at y = 3.05 m): planar depth is 10 m
    # in both, not the ray length 10·√(1 + 0.305²) = 10.45 m
    assert depth[50, 100] == pytest.approx(10.0, abs=1e-4) and depth[50, 130] == pytest.approx(10.0, abs=1e-4)
    # the ground at row 80 (v = 80.5 → 30.5 px below the centre): depth = 1.6 m · 100 / 30.5
    assert depth[80, 10] == pytest.approx(1.6 * 100 / 30.5, rel=1e-5)
    assert depth[5, 10] == 1000.0                                     # sky: CARLA's far plane
    # the wall's top edge: rows above v = 50 − 100·1.6/10 = 34 see the sky beyond it
    assert depth[30, 100] == 1000.0 and depth[40, 100] == pytest.approx(10.0, abs=1e-4)
    # Bench2Drive's PNG: whole metres, saturated at 255
    path = tmp_path / "00000.png"
    path.write_bytes(encode_depth_png(depth))
    png = decode_depth(path)
    assert (png[50, 100], png[80, 10], png[5, 10]) == (10.0, 5.0, 255.0)


def test_depth_of_a_yawed_camera_is_along_its_own_axis():
    # the ego at (5, 5) faces +y (yaw 90); a camera at its origin turned 90° right looks along world −x; the
    # wall's near face is at x = −1: 6 m along that axis, over y ∈ [1, 9] (the whole view at 40 px off-centre)
    spec = dict(CAM, x=0.0, y=0.0, yaw=90.0)
    ego = EgoState(x_m=5.0, y_m=5.0, yaw_deg=90.0, speed_mps=0.0)
    wall = Actor("w", ActorKind.STATIC, 5.0 - 6.5, 5.0, 0.0, 0.0, 1.0, 8.0, 3.2, type_id="static.prop.crate")
    _, depth = render_depth([wall], ego=ego, spec=spec)
    assert depth[50, 100] == pytest.approx(6.0, abs=1e-4) and depth[50, 60] == pytest.approx(6.0, abs=1e-4)
