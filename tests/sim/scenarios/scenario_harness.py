"""A real libsumo World on a route with one scenario, driven by a plain pure-pursuit ego, and the
helpers the scenario tests measure with (route frame, polygon test, signal link indices)."""
from __future__ import annotations

import math
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np

from wpt_core.geometry import world_to_ego
from wpt_core.leaderboard.route_file import ScenarioSpec
from wpt_core.sim.criteria.collision import CollisionTest
from wpt_core.sim.scenarios.base import ScenarioContext
from wpt_core.sim.scenarios.manager import ScenarioManager, ego_start_pose
from wpt_core.sim.town.town import Town
from wpt_core.sim.world.world import World, WorldConfig
from wpt_core.types import Actor, Control, Scene

EMPTY = WorldConfig(background_vehicles=0, background_pedestrians=0)
WIDE = WorldConfig(background_vehicles=0, background_pedestrians=0, scene_radius_m=300.0)  # sees a whole flow


class Run:
    """A world on a route with one scenario, an ego driver and the infractions the scenario reported."""

    def __init__(self, town_name: str, edges: List[str], scenario_type: str, trigger_s: float,
                 params: Optional[Dict[str, Dict[str, str]]] = None, cruise_mps: float = 8.0,
                 config: WorldConfig = EMPTY) -> None:
        self.town = Town.load(town_name)
        self.lanes = self.town.lane_path(edges)
        self.route = self.town.dense_route(self.lanes)
        self.s = self.route.cumulative_length_m()
        i = int(np.searchsorted(self.s, trigger_s))
        trigger = (float(self.route.xy_m[i, 0]), float(self.route.xy_m[i, 1]), 0.0, float(self.route.yaw_deg[i]))
        self.spec = ScenarioSpec(name=f"{scenario_type}_1", type=scenario_type, trigger=trigger, params=params or {})
        self.world = World(self.town, seed=3, config=config)
        self.world.start(self.lanes, ego_start_pose([self.spec], self.town, self.route))
        self.events: List[Tuple[str, str]] = []
        self.invasion: List[bool] = []
        self.blocked_test: List[bool] = []
        self.ctx = ScenarioContext(self.world, self.town, self.route, self.lanes, np.random.default_rng(0),
                                   lambda kind, msg, x, y: self.events.append((kind, msg)),
                                   self.invasion.append, self.blocked_test.append)
        self.manager = ScenarioManager([self.spec], self.ctx)
        self.manager.setup()
        self.scenario = self.manager.scenarios[0]
        self.cruise_mps = cruise_mps
        self.lateral_m = 0.0  # where the driver keeps the ego: + right of the route
        self.collisions = CollisionTest()  # the leaderboard's collision criterion (actors only)

    def control(self, target_mps: Optional[float] = None) -> Control:
        """Pure pursuit on the route (shifted by `lateral_m`) and a P speed loop."""
        ego = self.world.ego
        d = np.hypot(self.route.xy_m[:, 0] - ego.x_m, self.route.xy_m[:, 1] - ego.y_m)
        i = min(int(np.argmin(d)) + 6, len(self.route) - 1)
        yaw = math.radians(self.route.yaw_deg[i])
        aim = self.route.xy_m[i] + self.lateral_m * np.array([-math.sin(yaw), math.cos(yaw)])
        local = world_to_ego(aim[None], (ego.x_m, ego.y_m), ego.yaw_deg)[0]
        curvature = 2.0 * local[1] / max(float(local @ local), 1.0)
        steer = float(np.clip(math.atan(2.9 * curvature) / 1.22, -1, 1))
        err = (self.cruise_mps if target_mps is None else target_mps) - ego.speed_mps
        return Control(throttle=float(np.clip(0.3 * err, 0, 0.8)), steer=steer, brake=float(np.clip(-0.4 * err, 0, 1)))

    def tick(self, target_mps: Optional[float] = None) -> Scene:
        self.world.tick(self.manager.perturb(self.control(target_mps)))
        self.manager.tick()
        scene = self.world.scene()
        self.collisions.update(scene)
        return scene

    def until(self, condition: Callable[[Scene], bool], max_ticks: int = 600,
              target_mps: Optional[float] = None) -> Scene:
        for _ in range(max_ticks):
            scene = self.tick(target_mps)
            if condition(scene):
                return scene
        raise AssertionError("condition not reached")

    def ego_s(self) -> float:
        ego = self.world.ego
        return float(self.s[int(np.argmin(np.hypot(self.route.xy_m[:, 0] - ego.x_m, self.route.xy_m[:, 1] - ego.y_m)))])

    def scenario_actors(self, scene: Scene) -> List[Actor]:
        return [a for a in scene.actors if a.role == "scenario"]

    def close(self) -> None:
        self.world.close()


def route_frame(run: Run, actor: Actor) -> Tuple[float, float]:
    """(route s, lateral + right) of an actor, by brute force over the dense route points."""
    d = np.hypot(run.route.xy_m[:, 0] - actor.x_m, run.route.xy_m[:, 1] - actor.y_m)
    i = int(np.argmin(d))
    yaw = math.radians(run.route.yaw_deg[i])
    dx, dy = actor.x_m - run.route.xy_m[i, 0], actor.y_m - run.route.xy_m[i, 1]
    return float(run.s[i]), float(-dx * math.sin(yaw) + dy * math.cos(yaw))


def point_on(town: Town, edge: str, from_end_m: Optional[float] = None, at_m: Optional[float] = None,
             lane: int = 0) -> Dict[str, str]:
    """A route-XML point on lane `lane` (0: rightmost) of `edge`, `at_m` along it or `from_end_m` before its end."""
    shape = town.lanes[town.edges[edge][lane]]
    s = shape.length_m - from_end_m if from_end_m is not None else at_m
    x, y, _ = shape.pose_at(s)
    return {"x": f"{x:.2f}", "y": f"{y:.2f}", "z": "0"}


def inside(polygon: np.ndarray, x: float, y: float) -> bool:
    """Ray-casting point-in-polygon."""
    hit = False
    for (x1, y1), (x2, y2) in zip(polygon, np.roll(polygon, -1, axis=0)):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def link_indices(town: Town, lane_id: str) -> List[int]:
    edge = town.lanes[lane_id].edge_id
    return sorted({lk.tls_index for lid in town.edges[edge] for lk in town.lanes[lid].links if lk.tls_id})
