"""`wpt bench sim`: how much the World (ego dynamics, moveToXY, scene building, traffic upkeep) costs
on top of bare libsumo stepping of the same town with the same background demand."""
from __future__ import annotations

import math
import time
from typing import Dict, List

import numpy as np

from wpt_core.leaderboard.tick import TICK_S
from wpt_core.sim.town.town import Town
from wpt_core.sim.world.sumo_session import SumoSession
from wpt_core.sim.world.traffic import BackgroundTraffic
from wpt_core.sim.world.world import MAINTAIN_EVERY_TICKS, World, WorldConfig, route_polyline
from wpt_core.types import Control

CRUISE_MPS = 6.0
STOP_BEFORE_END_M = 15.0


def straight_route(town: Town, max_edges: int = 6) -> List[str]:
    """The longest chain of 'straight' links (rightmost lanes) in the town, as a lane path."""
    best: List[str] = []
    for start in town.edges:
        edges = [start]
        while len(edges) < max_edges:
            lane = town.lanes[town.edges[edges[-1]][0]]
            nxt = [town.lanes[l.to_lane].edge_id for l in lane.links if l.direction == "s"]
            if not nxt or nxt[0] in edges or nxt[0] not in town.edges:
                break
            edges.append(nxt[0])
        length = sum(town.lanes[town.edges[e][0]].length_m for e in edges)
        if length > sum(town.lanes[town.edges[e][0]].length_m for e in best):
            best = edges
    return town.lane_path(best)


def _cruise(speed_mps: float, travelled_m: float, route_m: float) -> Control:
    """Hold CRUISE_MPS straight ahead, brake to a stop near the route end."""
    if travelled_m > route_m - STOP_BEFORE_END_M:
        return Control(brake=1.0)
    return Control(throttle=0.5) if speed_mps < CRUISE_MPS else Control()


def bench_sim(town_name: str, seconds: float, seed: int) -> Dict[str, object]:
    """Ticks/s of World.tick + World.scene next to raw libsumo steps/s, same town, demand and seed."""
    town = Town.load(town_name)
    config = WorldConfig()
    lanes = straight_route(town)
    route_m = float(sum(town.lanes[l].length_m for l in lanes))
    pose = town.lanes[lanes[0]].pose_at(5.0)
    ticks = max(1, int(round(seconds / TICK_S)))

    world = World(town, seed, config)
    world.start(lanes, pose)
    actors = 0
    try:
        t0 = time.perf_counter()
        for _ in range(ticks):
            ego = world.ego
            world.tick(_cruise(ego.speed_mps, math.hypot(ego.x_m - pose[0], ego.y_m - pose[1]), route_m))
            actors += len(world.scene().actors)
        world_s = time.perf_counter() - t0
    finally:
        world.close()

    session = SumoSession(town.net_path, seed)
    ls = session.start()
    try:
        traffic = BackgroundTraffic(ls, town, np.random.default_rng(seed), config.background_vehicles,
                                    config.background_pedestrians, config.spawn_radius_m)
        traffic.set_route(route_polyline(town, lanes))
        traffic.populate(pose[:2])
        raw_s = 0.0
        for i in range(1, ticks + 1):
            t0 = time.perf_counter()
            ls.simulationStep()
            raw_s += time.perf_counter() - t0
            if i % MAINTAIN_EVERY_TICKS == 0:      # same demand upkeep as the World, not timed
                traffic.maintain(pose[:2])
    finally:
        session.close()

    world_rate, raw_rate = ticks / world_s, ticks / raw_s
    return {"town": town.name, "ticks": ticks, "world_ticks_per_s": round(world_rate, 1),
            "raw_sumo_steps_per_s": round(raw_rate, 1), "ratio": round(world_rate / raw_rate, 3),
            "vehicles": config.background_vehicles, "pedestrians": config.background_pedestrians,
            "mean_scene_actors": round(actors / ticks, 1), "route_m": round(route_m, 1)}
