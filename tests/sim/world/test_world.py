"""The embedded World on a real shipped town with real libsumo.

Expected values come from the town geometry (lane shapes) and from SUMO's own getters, never from
the World's outputs.
"""
import math

import numpy as np
import pytest

from wpt_core.sim.town.town import Town
from wpt_core.sim.world.world import World, WorldConfig
from wpt_core.types import Actor, ActorKind, Control, LightState

# SUMO's signal characters (sumo.dlr.de, "Traffic Lights"): red, red+yellow (about to turn green), yellow,
# green (minor: yield), green (priority), green right-turn arrow that must stop first, off (blinking), off.
SUMO_SIGNAL = {"r": LightState.RED, "u": LightState.RED, "y": LightState.YELLOW, "g": LightState.GREEN,
               "G": LightState.GREEN, "s": LightState.RED, "o": LightState.OFF, "O": LightState.OFF}

EAST_EDGES = ["A1B1", "B1C1", "C1D1"]      # EmbeddedGrid: a straight eastbound row
NORTH_LANE = "A1A2_1"                       # EmbeddedGrid: heading north (CARLA yaw -90)
EMPTY = WorldConfig(background_vehicles=0, background_pedestrians=0)


@pytest.fixture(scope="module")
def town():
    return Town.load("EmbeddedGrid")


def east_route(town):
    lanes = town.lane_path(EAST_EDGES)
    x, y, yaw = town.lanes[lanes[0]].pose_at(20.0)
    return lanes, (x, y, yaw)


def run(world, ticks, control=Control()):
    for _ in range(ticks):
        world.tick(control)
    return world.scene()


def test_ego_east_carla_conventions(town):
    lanes, pose = east_route(town)
    assert abs(pose[2]) < 1.0                    # the lane itself runs east
    world = World(town, seed=1, config=EMPTY)
    world.start(lanes, pose)
    try:
        scene = run(world, 40, Control(throttle=0.6))
        assert scene.frame == 40 and scene.time_s == pytest.approx(40 * 0.05)
        assert scene.town == "EmbeddedGrid"
        assert scene.ego.x_m > pose[0] + 2.0         # moving east = increasing x
        assert scene.ego.y_m == pytest.approx(pose[1], abs=0.05)
        assert scene.ego.yaw_deg == pytest.approx(0.0, abs=0.5)
        assert scene.ego.speed_mps > 1.0 and scene.ego.throttle == pytest.approx(0.6)
        import libsumo
        sx, sy = libsumo.vehicle.getPosition("hero")   # SUMO's front bumper of the ego
        assert sx == pytest.approx(scene.ego.x_m + 2.45, abs=0.1)
        assert -sy == pytest.approx(scene.ego.y_m, abs=0.1)
    finally:
        world.close()


def test_stopped_npc_box_centre_and_north_yaw(town):
    lanes, pose = east_route(town)
    world = World(town, seed=1, config=EMPTY)
    world.start(lanes, pose)
    try:
        lane = town.lanes[NORTH_LANE]
        vid = world.spawn_vehicle(NORTH_LANE, 40.0, 0.0)
        world.set_speed(vid, 0.0)
        scene = run(world, 5)
        actor = next(a for a in scene.actors if a.id == vid)
        import libsumo
        front_x, front_y = libsumo.vehicle.getPosition(vid)
        length = libsumo.vehicle.getLength(vid)
        # the lane heads north (SUMO +y, CARLA -y): the box centre is length/2 south of the front bumper
        assert actor.x_m == pytest.approx(front_x, abs=0.01)
        assert actor.y_m == pytest.approx(-front_y + length / 2.0, abs=0.01)
        cx, cy, _ = lane.pose_at(40.0)
        assert math.hypot(actor.x_m - cx, actor.y_m - cy) < 0.05
        assert actor.yaw_deg == pytest.approx(-90.0, abs=0.5)
        assert actor.kind == ActorKind.VEHICLE and actor.role == "scenario" and actor.speed_mps == 0.0
    finally:
        world.close()


def test_npc_stops_behind_stopped_ego(town):
    lanes, _ = east_route(town)
    ego_pose = town.lanes[lanes[0]].pose_at(90.0)
    world = World(town, seed=2, config=EMPTY)
    world.start(lanes, ego_pose)
    try:
        npc = world.spawn_vehicle(lanes[0], 15.0, 10.0)
        gaps = []
        for _ in range(300):
            world.tick(Control(brake=1.0))
            a = next(a for a in world.scene().actors if a.id == npc)
            gaps.append((ego_pose[0] - 4.9 / 2.0) - (a.x_m + a.length_m / 2.0))   # ego rear − NPC front
        assert min(gaps) > 0.0                      # never overlapped the ego
        assert gaps[-1] < 10.0                      # and actually closed up behind it
        assert a.speed_mps < 0.1
    finally:
        world.close()


def test_traffic_light_states_match_sumo_and_force(town):
    lanes, _ = east_route(town)
    ego_pose = town.lanes[lanes[0]].pose_at(town.lanes[lanes[0]].length_m - 30.0)
    world = World(town, seed=3, config=EMPTY)
    world.start(lanes, ego_pose)
    import libsumo
    try:
        seen = set()
        for _ in range(60):
            scene = run(world, 20)
            assert scene.traffic_lights, "a signalised junction is within 80 m"
            for light in scene.traffic_lights:
                tls, index = light.id.rsplit(":", 1)
                assert light.state == SUMO_SIGNAL[libsumo.trafficlight.getRedYellowGreenState(tls)[int(index)]]
                seen.add(light.state)
                (lx, ly), (rx, ry) = light.stop_line
                across = np.array([rx - lx, ry - ly]) / math.hypot(rx - lx, ry - ly)
                offset = np.array(light.head_xyz[:2]) - [rx, ry]       # 1 m further right, at 3 m height
                assert offset == pytest.approx(across, abs=0.05) and light.head_xyz[2] == pytest.approx(3.0)
        assert {LightState.RED, LightState.GREEN} <= seen
        tls = scene.traffic_lights[0].id.rsplit(":", 1)[0]
        assert world.traffic_light_state(tls) == libsumo.trafficlight.getRedYellowGreenState(tls)
        n = len(libsumo.trafficlight.getRedYellowGreenState(tls))
        world.force_traffic_light(tls, "G" * n, 2.0)
        scene = run(world, 5)
        assert all(l.state == LightState.GREEN for l in scene.traffic_lights if l.id.startswith(tls + ":"))
        assert libsumo.trafficlight.getRedYellowGreenState(tls) == "G" * n
        run(world, 60)
        assert libsumo.trafficlight.getProgram(tls) != "online"   # its own program again
    finally:
        world.close()


def _trace(town, seed, ticks=200):
    lanes, pose = east_route(town)
    world = World(town, seed=seed)
    world.start(lanes, pose)
    try:
        out = []
        for i in range(ticks):
            world.tick(Control(throttle=0.5 if world.ego.speed_mps < 5.0 else 0.0, steer=0.0))
            scene = world.scene()
            out.append([(a.id, round(a.x_m, 6), round(a.y_m, 6), round(a.speed_mps, 6)) for a in scene.actors])
        return out
    finally:
        world.close()


def test_determinism_and_restart_in_one_process(town):
    a, b, c = _trace(town, 7), _trace(town, 7), _trace(town, 8)
    assert sum(len(x) for x in a) > 0
    assert a == b          # same seed (and a restart of libsumo in this process) → identical scenes
    assert a != c


def test_background_traffic_near_route_and_clear_start(town):
    lanes, pose = east_route(town)
    world = World(town, seed=4)
    world.start(lanes, pose)
    try:
        scene = run(world, 1)
        kinds = {a.kind for a in scene.actors}
        assert ActorKind.VEHICLE in kinds and ActorKind.WALKER in kinds
        assert all(a.role == "background" for a in scene.actors)
        first = np.array([town.lanes[lanes[0]].pose_at(s)[:2] for s in np.arange(20.0, 50.0, 1.0)])
        for a in scene.actors:
            if a.kind == ActorKind.VEHICLE:
                assert np.min(np.linalg.norm(first - [a.x_m, a.y_m], axis=1)) > 3.0
        import libsumo
        assert len(libsumo.vehicle.getIDList()) + len(libsumo.simulation.getPendingVehicles()) == 31
        assert len(libsumo.person.getIDList()) == 30
    finally:
        world.close()


def test_static_blocks_lane_and_scripted_moves(town):
    lanes, _ = east_route(town)
    ego_pose = town.lanes[lanes[0]].pose_at(10.0)
    world = World(town, seed=5, config=EMPTY)
    world.start(lanes, ego_pose)
    try:
        sx, sy, syaw = town.lanes[lanes[0]].pose_at(110.0)
        static = world.add_static(Actor("", ActorKind.STATIC, sx, sy, syaw, 0.0, 4.9, 2.1, 1.5,
                                        type_id="vehicle.audi.a2", role="scenario"))
        npc = world.spawn_vehicle(lanes[0], 40.0, 8.0)
        px, py, pyaw = town.lanes[NORTH_LANE].pose_at(20.0)
        walker = world.add_scripted(Actor("", ActorKind.WALKER, px, py, pyaw, 1.0, 0.5, 0.5, 1.8,
                                          type_id="walker.pedestrian.0001", role="scenario"))
        scene = run(world, 400, Control(brake=1.0))
        by_id = {a.id: a for a in scene.actors}
        assert by_id[static].x_m == sx and by_id[static].kind == ActorKind.STATIC
        import libsumo
        mx, my = libsumo.vehicle.getPosition(static)        # its SUMO stand-in stayed put: front bumper
        assert (mx, -my) == pytest.approx((sx + 4.9 / 2.0, sy), abs=0.05)
        assert by_id[npc].speed_mps < 0.1
        assert by_id[npc].x_m + by_id[npc].length_m / 2.0 < sx - 4.9 / 2.0      # queued behind the static
        world.move_scripted(walker, px + 1.0, py, 0.0, 1.0)
        moved = next(a for a in world.scene().actors if a.id == walker)
        assert (moved.x_m, moved.yaw_deg) == (px + 1.0, 0.0)
        world.remove(walker)
        world.remove(npc)
        for scene in (world.scene(), run(world, 1)):       # gone at once, not only after the next step
            assert walker not in {a.id for a in scene.actors} and npc not in {a.id for a in scene.actors}
    finally:
        world.close()


def test_spawned_pedestrian_bicycle_and_emergency(town):
    lanes, pose = east_route(town)
    world = World(town, seed=6, config=EMPTY)
    world.start(lanes, pose)
    try:
        sidewalk = next(l for l in town.lanes.values() if l.edge_id == EAST_EDGES[0] and l.kind == "sidewalk")
        ped = world.spawn_pedestrian([EAST_EDGES[0]], 40.0, speed_mps=1.2)
        bike = world.spawn_vehicle(lanes[0], 60.0, 3.0, kind=ActorKind.BICYCLE)
        amb = world.spawn_vehicle("A1A2_1", 30.0, 0.0, type_id="vehicle.ford.ambulance")
        police = world.spawn_vehicle("A1A2_1", 60.0, 0.0, is_emergency=True)
        start = next(a for a in run(world, 2).actors if a.id == ped)
        by_id = {a.id: a for a in run(world, 40).actors}
        walked = by_id[ped].x_m - start.x_m                 # the sidewalk runs east like its edge
        assert 40 * 0.05 * 1.2 * 0.7 < walked < 40 * 0.05 * 1.2 * 1.1
        assert by_id[ped].kind == ActorKind.WALKER and by_id[ped].type_id.startswith("walker.pedestrian.")
        assert abs(by_id[ped].y_m - sidewalk.pose_at(40.0)[1]) < sidewalk.width_m
        assert by_id[bike].kind == ActorKind.BICYCLE and by_id[bike].type_id == "vehicle.bh.crossbike"
        assert by_id[bike].length_m < 2.0
        assert by_id[amb].is_emergency and by_id[police].is_emergency
        assert not by_id[bike].is_emergency
        world.set_speed(ped, 0.0)
        still = next(a for a in run(world, 1).actors if a.id == ped)
        assert next(a for a in run(world, 20).actors if a.id == ped).x_m == pytest.approx(still.x_m, abs=0.05)
    finally:
        world.close()


def test_background_density_follows_the_ego_on_a_long_route(town):
    from wpt_core.sim.world.throughput_bench import straight_route
    lanes = straight_route(town)
    pose = town.lanes[lanes[0]].pose_at(5.0)
    world = World(town, seed=9)
    world.start(lanes, pose)
    try:
        near = []
        for tick in range(1, 1201):                   # 60 s at ~8 m/s: the ego leaves its start area
            world.tick(Control(throttle=0.5) if world.ego.speed_mps < 8.0 else Control())
            if tick % 200 == 0:
                near.append(sum(a.kind == ActorKind.VEHICLE for a in world.scene().actors))
        ego = world.ego
        assert math.hypot(ego.x_m - pose[0], ego.y_m - pose[1]) > 350.0
        import libsumo
        ids = [v for v in libsumo.vehicle.getIDList() if v.startswith("bg_v")]
        assert len(ids) + len(libsumo.simulation.getPendingVehicles()) >= 25    # the pool is kept full
        for vid in ids:                                 # and nobody is left far behind
            x, y = libsumo.vehicle.getPosition(vid)
            assert math.hypot(x - ego.x_m, -y - ego.y_m) < 1.2 * 250.0 + 30.0
        assert min(near[2:]) >= 2                        # still traffic around the ego late in the route
    finally:
        world.close()


_TRACE_SCRIPT = """
import hashlib, sys
sys.path.insert(0, {tests!r})
from test_world import _trace
from wpt_core.sim.town.town import Town
print(hashlib.sha256(repr(_trace(Town.load("EmbeddedGrid"), 7, 100)).encode()).hexdigest())
"""


def test_determinism_across_processes(town):
    """Evaluation fans routes out over processes: a route must not depend on which process runs it
    (hash seeds differ per process)."""
    import hashlib
    import os
    import subprocess
    import sys
    script = _TRACE_SCRIPT.format(tests=os.path.dirname(__file__))
    digests = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip() for seed in ("1", "2")}
    assert digests == {hashlib.sha256(repr(_trace(town, 7, 100)).encode()).hexdigest()}


def test_background_kept_off_edges(town):
    lanes, pose = east_route(town)
    world = World(town, seed=4)
    world.start(lanes, pose)
    closed = list(town.edges)[::2]                   # half of the town's driving edges
    try:
        world.keep_background_off(closed)
        import libsumo
        waiting = libsumo.simulation.getPendingVehicles()
        for vid in [v for v in libsumo.vehicle.getIDList() + waiting if v.startswith("bg_v")]:
            libsumo.vehicle.remove(vid)             # every background car must be replaced
        run(world, 21)                               # one upkeep round
        fresh = [v for v in libsumo.vehicle.getIDList() + libsumo.simulation.getPendingVehicles()
                 if v.startswith("bg_v")]
        assert len(fresh) >= 20
        for vid in fresh:
            route = libsumo.vehicle.getRoute(vid)
            assert route[0] not in closed and route[-1] not in closed
    finally:
        world.close()


def test_speed_capped_vehicle_keeps_its_catalogue_type(town):
    """SUMO gives a vehicle a private `<type>@<id>` copy when its max speed changes; the scene must not
    leak that name or fail once the copy is gone."""
    lanes, pose = east_route(town)
    world = World(town, seed=1, config=EMPTY)
    world.start(lanes, pose)
    try:
        vid = world.spawn_vehicle(lanes[0], 60.0, 5.0, type_id="vehicle.lincoln.mkz_2020", max_speed_mps=6.0)
        scene = run(world, 20)
        actor = next(a for a in scene.actors if a.id == vid)
        assert actor.type_id == "vehicle.lincoln.mkz_2020" and actor.length_m == pytest.approx(4.9, abs=0.1)
        world.remove(vid)
        assert all(a.id != vid for a in run(world, 2).actors)
    finally:
        world.close()


def test_stalled_background_actors_do_not_stand_forever(town):
    """SUMO's junction deadlocks (a car in a junction waiting for walkers who wait for that car) never
    resolve on their own and block the ego for good: background walkers and cars standing far longer than
    any red phase or gap wait are taken out; scenario actors, which scenarios hold on purpose, are not."""
    from wpt_core.sim.world.traffic import PEDESTRIAN_STALL_S, RED_LIGHT_QUEUE_M, VEHICLE_STALL_S
    lanes, pose = east_route(town)
    world = World(town, seed=3, config=WorldConfig(background_vehicles=6, background_pedestrians=6))
    world.start(lanes, pose)
    try:
        import libsumo
        run(world, 2)
        walker = next(p for p in libsumo.person.getIDList() if p.startswith("bg_p"))
        car = next(v for v in libsumo.vehicle.getIDList() if v.startswith("bg_v") and all(
            tls[2] > RED_LIGHT_QUEUE_M + 20.0 for tls in libsumo.vehicle.getNextTLS(v)))   # no light excuses it
        held = world.spawn_vehicle(lanes[0], 60.0, 0.0)
        for actor_id in (car, held):
            libsumo.vehicle.setSpeed(actor_id, 0.0)
        libsumo.person.setSpeed(walker, 0.0)
        run(world, int(20 * (PEDESTRIAN_STALL_S - 5.0)), Control(brake=1.0))
        assert walker in libsumo.person.getIDList()           # a short wait is not a stall
        run(world, int(20 * (max(PEDESTRIAN_STALL_S, VEHICLE_STALL_S) - PEDESTRIAN_STALL_S + 7.0)),
            Control(brake=1.0))
        assert walker not in libsumo.person.getIDList() and car not in libsumo.vehicle.getIDList()
        scene_ids = {a.id for a in world.scene().actors}
        assert walker not in scene_ids and car not in scene_ids
        assert held in scene_ids and libsumo.vehicle.getWaitingTime(held) > VEHICLE_STALL_S
    finally:
        world.close()



def test_no_background_car_starts_on_the_ego_tail(town):
    """Cars are inserted at their lane's speed: one started behind the standing ego, heading its way, closer
    than it needs to stop (13.9 m/s at 4.5 m/s²: 21.4 m, plus 10 m) runs into it before it moves off. The ego
    starts 4 m into B1C1; the lane into it, A1B1, has a spawn point 2 m before its end, 26 m behind the ego (the
    8 m band around the route's first 30 m does not reach it): not a start point. The oncoming lane's point
    beside it, heading away, is."""
    lanes = town.lane_path(EAST_EDGES[1:])
    pose = town.lanes[lanes[0]].pose_at(4.0)
    world = World(town, seed=1, config=WorldConfig(background_vehicles=30, background_pedestrians=0))
    world.start(lanes, pose)
    try:
        traffic = world._traffic
        ego = np.array(pose[:2])
        starts = set(traffic._candidates(traffic._v_xy, traffic._v_near, ego, initial=True, vehicles=True))
        point = {(lane, float(s)): i for i, (lane, s) in enumerate(zip(traffic._v_lanes, traffic._v_s))}
        tail, away = point[("A1B1_1", 128.0)], point[("B1A1_1", 8.0)]
        assert town.lanes["A1B1_1"].speed_mps == pytest.approx(13.89)
        assert np.hypot(*(traffic._v_xy[tail] - ego)) < 13.89 ** 2 / (2 * 4.5) + 10.0 and traffic._v_near[tail]
        assert tail not in starts and away in starts
    finally:
        world.close()
