"""Collisions that stop the ego: the contact model's rules by hand-made scenes, then on the real World.

Expected values come from the geometry of the boxes (hand computed) and from the rules the module
states (momentum of a plastic impact, 5 s stop of a hit car), never from the model's outputs.
"""
import numpy as np
import pytest

from wpt_core.geometry import OrientedBox
from wpt_core.ground_map import GroundClass, GroundMap
from wpt_core.sim.criteria.route_criteria import RouteCriteria
from wpt_core.sim.town.town import Town
from wpt_core.sim.world.contacts import SEPARATION_GAP_M, ContactModel, separation
from wpt_core.sim.world.world import World, WorldConfig
from wpt_core.types import Actor, ActorKind, Control, EgoState, Scene

EMPTY = WorldConfig(background_vehicles=0, background_pedestrians=0)
EAST_EDGES = ["A1B1", "B1C1", "C1D1"]      # EmbeddedGrid: a straight eastbound row


def ego(x=0.0, y=0.0, speed=5.0, yaw=0.0) -> EgoState:
    return EgoState(x_m=x, y_m=y, yaw_deg=yaw, speed_mps=speed, length_m=4.9, width_m=2.1)


def actor(aid, kind, x, y=0.0, length=4.9, width=2.1) -> Actor:
    return Actor(aid, kind, x, y, 0.0, 0.0, length, width, 1.5)


def scene(e, actors=(), frame=1) -> Scene:
    return Scene(frame=frame, time_s=0.05 * frame, ego=e, actors=list(actors))


def test_separation_is_the_least_penetration_axis():
    a = OrientedBox(0.0, 0.0, 0.0, 4.0, 2.0)
    # 0.5 m overlap along x, 1.5 m along y: pushed back along -x by the overlap plus the gap
    assert separation(a, OrientedBox(3.5, 0.5, 0.0, 4.0, 2.0)) == pytest.approx((-0.5 - SEPARATION_GAP_M, 0.0))
    # 0.25 m along y (side swipe from the right, CARLA y right): pushed left
    assert separation(a, OrientedBox(1.0, 1.75, 0.0, 4.0, 2.0)) == pytest.approx((0.0, -0.25 - SEPARATION_GAP_M))
    assert separation(a, OrientedBox(4.1, 0.0, 0.0, 4.0, 2.0)) == (0.0, 0.0)
    # rotated 90°: a 2 × 4 footprint ahead whose near face is at x = 1.5 overlaps by 0.5
    pushed = separation(a, OrientedBox(2.5, 0.0, 90.0, 4.0, 2.0))
    assert pushed == pytest.approx((-0.5 - SEPARATION_GAP_M, 0.0), abs=1e-9)


def test_vehicle_and_static_stop_the_ego_and_the_hit_car():
    model = ContactModel(None)
    out = model.resolve(scene(ego(), [actor("car", ActorKind.VEHICLE, 4.5)]))
    assert out.keep_speed == 0.0 and out.stopped == ("car",)
    assert (out.dx_m, out.dy_m) == pytest.approx((-(4.9 - 4.5) - SEPARATION_GAP_M, 0.0))
    out = model.resolve(scene(ego(), [actor("cone", ActorKind.STATIC, 2.6, length=0.4, width=0.4)]))
    assert out.keep_speed == 0.0 and out.stopped == ()          # a static obstacle does not move
    assert out.dx_m == pytest.approx(-(2.45 + 0.2 - 2.6) - SEPARATION_GAP_M)


def test_walker_falls_once_and_the_ego_loses_a_plastic_impacts_speed():
    model = ContactModel(None)
    walker = actor("w", ActorKind.WALKER, 2.5, length=0.5, width=0.5)
    out = model.resolve(scene(ego(), [walker]))
    assert out.fallen == ("w",) and (out.dx_m, out.dy_m) == (0.0, 0.0)
    assert out.keep_speed == pytest.approx(1800.0 / (1800.0 + 80.0))
    again = model.resolve(scene(ego(), [walker], frame=2))
    assert again.fallen == () and again.keep_speed == 1.0        # it lies there: hit once


def test_standing_ego_pushes_nothing():
    out = ContactModel(None).resolve(scene(ego(speed=0.0), [actor("car", ActorKind.VEHICLE, 4.5)]))
    assert (out.dx_m, out.dy_m, out.keep_speed, out.stopped) == (0.0, 0.0, 1.0, ())


def test_map_edge_puts_the_ego_back_where_it_was_clear():
    classes = np.full((40, 40), int(GroundClass.ROAD), dtype=np.uint8)
    classes[:, 20:] = int(GroundClass.OFF_ROAD)                 # off-road from x = 10 m (0.5 m cells)
    model = ContactModel(GroundMap(classes, (0.0, 0.0), 0.5))
    assert model.resolve(scene(ego(x=9.0, y=10.0))).back_to is None      # on the road
    assert model.resolve(scene(ego(x=11.0, y=10.0), frame=2)).back_to is None   # 1 m in: not yet the wall
    out = model.resolve(scene(ego(x=12.0, y=10.0), frame=3))                    # 2 m ≥ 1.5 m deep
    assert out.back_to == (11.0, 10.0, 0.0) and out.keep_speed == 0.0
    assert model.holds((11.0, 10.0), ego(x=11.45, y=10.0))      # on into the edge from there: held back
    assert not model.holds((11.0, 10.0), ego(x=10.9, y=10.0))   # backing out is free ...
    assert not model.holds((10.9, 10.0), ego(x=10.0, y=10.0))   # ... and once clear it is let go
    assert not model.holds((11.0, 10.0), ego(x=11.45, y=10.0))  # the next entry is a new contact


def test_pressed_against_a_car_until_the_step_clears_it():
    model = ContactModel(None)
    car = actor("car", ActorKind.VEHICLE, 4.5)
    model.resolve(scene(ego(), [car]))
    assert model.holds((-0.42, 0.0), ego(x=-0.41))              # pushed to x ≈ -0.42: any step towards it is held
    assert not model.holds((-0.42, 0.0), ego(x=-0.43))          # reversing is free
    model.resolve(scene(ego(x=-0.43, speed=0.0), [actor("car", ActorKind.VEHICLE, 6.0)], frame=2))
    assert not model.holds((-0.43, 0.0), ego(x=-0.41))          # the car moved on 1.5 m: let go


@pytest.fixture(scope="module")
def town():
    return Town.load("EmbeddedGrid")


def _drive_into(town, seed, place, ticks=200, script=None):
    """The ego at full throttle from 10 m along the route; `place(world, lanes)` puts the obstacle, `script(world,
    scene)` moves it every tick as a scenario would. Returns what `place` returned, the ego's x per tick, the
    last scene, and the record of the leaderboard's criteria."""
    lanes = town.lane_path(EAST_EDGES)
    world = World(town, seed=seed, config=EMPTY)
    world.start(lanes, town.lanes[lanes[0]].pose_at(10.0))
    dense = town.dense_route(lanes)
    criteria = RouteCriteria(dense, lanes, None, None, timeout_s=1e9)
    try:
        target = place(world, lanes)
        xs = []
        for _ in range(ticks):
            world.tick(Control(throttle=1.0))
            s = world.scene()
            if script is not None:
                script(world, s)
            criteria.count_tick()
            criteria.update(s)
            xs.append(s.ego.x_m)
        record = criteria.record(index=0, route_id="r", scenario_name="", weather_id="", save_name="", town_name="",
                                 duration_game=world.time_s, duration_system=0.0, crashed_status=None)
        return target, np.array(xs), s, record
    finally:
        world.close()


def test_a_parked_car_stops_the_ego_and_counts_once(town):
    def place(world, lanes):
        x, y, yaw = town.lanes[lanes[0]].pose_at(40.0)
        world.add_static(Actor("", ActorKind.STATIC, x, y, yaw, 0.0, 4.9, 2.1, 1.5, type_id="vehicle.audi.a2"))
        return x
    rear, xs, last, record = _drive_into(town, 11, place)
    front = xs + 4.9 / 2.0
    assert front.max() < rear - 4.9 / 2.0 + 1.0                  # never through it (≤ one tick's travel into it)
    contact = int(np.argmax(front > rear - 4.9 / 2.0))
    # pressed against it at full throttle: standing still from the tick after the contact (blocked, as in CARLA)
    assert last.ego.speed_mps == 0.0 and np.ptp(xs[contact + 2:]) == 0.0
    assert len(record["infractions"]["collisions_vehicle"]) == 1  # a parked vehicle.* counts as a vehicle


def test_a_hit_car_stops_for_five_seconds_then_drives_on(town):
    lanes = town.lane_path(EAST_EDGES)
    world = World(town, seed=12, config=EMPTY)
    world.start(lanes, town.lanes[lanes[0]].pose_at(10.0))
    try:
        lead = world.spawn_vehicle(lanes[0], 30.0, 2.0, max_speed_mps=2.0)
        speeds, hit_at, control = [], None, Control(throttle=1.0)
        for k in range(260):
            world.tick(control)
            s = world.scene()
            car = next(a for a in s.actors if a.id == lead)
            speeds.append(car.speed_mps)
            if hit_at is None and OrientedBox(s.ego.x_m, s.ego.y_m, s.ego.yaw_deg, 4.9, 2.1).overlaps(
                    OrientedBox(car.x_m, car.y_m, car.yaw_deg, car.length_m, car.width_m)):
                hit_at, control = k, Control(brake=1.0)      # one contact, then the ego keeps off
        assert hit_at is not None
        stop_ticks = int(5.0 / 0.05)
        assert max(speeds[hit_at + 20:hit_at + stop_ticks]) < 0.05  # stood (after braking from 2 m/s) ...
        assert speeds[-1] > 1.0                                      # ... and drove on once released
    finally:
        world.close()


def test_a_hit_pedestrian_stays_where_it_fell(town):
    """A walker crossing the road (its scenario moves it north every tick) is hit: it lies there from then
    on, whatever its script asks, and the ego goes on."""
    trace = []

    def place(world, lanes):
        x, y, _ = town.lanes[lanes[0]].pose_at(30.0)
        return world.add_scripted(Actor("", ActorKind.WALKER, x, y + 3.5, -90.0, 1.0, 0.5, 0.5, 1.8,
                                        type_id="walker.pedestrian.0001", role="scenario"))

    def script(world, s):
        me = next(a for a in s.actors if a.kind == ActorKind.WALKER)
        trace.append((me.x_m, me.y_m, me.speed_mps, OrientedBox(s.ego.x_m, s.ego.y_m, s.ego.yaw_deg, 4.9, 2.1)
                      .overlaps(OrientedBox(me.x_m, me.y_m, me.yaw_deg, 0.5, 0.5))))
        world.move_scripted(me.id, me.x_m, me.y_m - 0.05, -90.0, 1.0)    # 1 m/s north (CARLA y up = -y)
        world.set_speed(me.id, 1.0)
    walker, xs, last, record = _drive_into(town, 13, place, ticks=120, script=script)
    assert len(record["infractions"]["collisions_pedestrian"]) == 1
    hit = next(k for k, (*_, touching) in enumerate(trace) if touching)
    assert trace[hit - 1][1] > trace[hit][1]                      # it was walking until the contact ...
    lying = {(x, y, v) for x, y, v, _ in trace[hit + 1:]}
    assert lying == {(trace[hit + 1][0], trace[hit + 1][1], 0.0)}  # ... and lies still from the next tick on
    assert xs[-1] > trace[hit][0] + 10.0                          # the car, 20 times heavier, went on
