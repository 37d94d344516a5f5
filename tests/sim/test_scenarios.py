"""Scenario types in a real libsumo World on the shipped towns.

Each test builds a route through a site of the kind the type needs, drives the ego along it with a
plain pure-pursuit controller, and checks that after the trigger the scene holds the situation the
type must create, measured against the town's own geometry (lane shapes, junction links, SUMO's light
states), never against the scenario's internal numbers.
"""
from __future__ import annotations

import math
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np
import pytest

from wpt_core.geometry import world_to_ego
from wpt_core.sim.routes import ScenarioSpec
from wpt_core.sim.scenarios.base import ScenarioContext, ScenarioManager
from wpt_core.sim.scenarios.registry import SCENARIO_TYPES, UnknownScenarioType, build_scenario
from wpt_core.types import Actor, Control, Scene

libsumo = pytest.importorskip("libsumo")

from wpt_core.sim.town import Town  # noqa: E402
from wpt_core.sim.world import World, WorldConfig  # noqa: E402

EMPTY = WorldConfig(background_vehicles=0, background_pedestrians=0)


class Run:
    """A world on a route with one scenario, an ego driver and the infractions the scenario reported."""

    def __init__(self, town_name: str, edges: List[str], scenario_type: str, trigger_s: float,
                 params: Optional[Dict[str, Dict[str, str]]] = None, cruise_mps: float = 8.0) -> None:
        self.town = Town.load(town_name)
        self.lanes = self.town.lane_path(edges)
        self.route = self.town.dense_route(self.lanes)
        self.s = self.route.cumulative_length_m()
        i = int(np.searchsorted(self.s, trigger_s))
        trigger = (float(self.route.xy_m[i, 0]), float(self.route.xy_m[i, 1]), 0.0, float(self.route.yaw_deg[i]))
        self.spec = ScenarioSpec(name=f"{scenario_type}_1", type=scenario_type, trigger=trigger, params=params or {})
        self.world = World(self.town, seed=3, config=EMPTY)
        self.world.start(self.lanes, (float(self.route.xy_m[0, 0]), float(self.route.xy_m[0, 1]),
                                      float(self.route.yaw_deg[0])))
        self.events: List[Tuple[str, str]] = []
        self.invasion: List[bool] = []
        self.ctx = ScenarioContext(self.world, self.town, self.route, self.lanes, np.random.default_rng(0),
                                   lambda kind, msg, x, y: self.events.append((kind, msg)),
                                   self.invasion.append)
        self.manager = ScenarioManager([self.spec], self.ctx)
        self.manager.setup()
        self.scenario = self.manager.scenarios[0]
        self.cruise_mps = cruise_mps
        self.lateral_m = 0.0  # where the driver keeps the ego: + right of the route

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
        self.world.tick(self.control(target_mps))
        self.manager.tick()
        return self.world.scene()

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


@pytest.fixture
def make_run():
    runs: List[Run] = []

    def factory(*args, **kwargs) -> Run:
        run = Run(*args, **kwargs)
        runs.append(run)
        return run
    yield factory
    for run in runs:
        run.close()


def test_unknown_type_is_a_clear_error():
    town = Town.load("EmbeddedGrid")
    lanes = town.lane_path(["A1B1", "B1C1"])
    route = town.dense_route(lanes)
    ctx = ScenarioContext(None, town, route, lanes, np.random.default_rng(0), lambda *a: None, lambda a: None)
    spec = ScenarioSpec("X_1", "HazardAtSideLaneNope", (float(route.xy_m[5, 0]), float(route.xy_m[5, 1]), 0.0, 0.0))
    with pytest.raises(UnknownScenarioType) as err:
        build_scenario(spec, ctx)
    assert "HazardAtSideLaneNope" in str(err.value) and "ParkedObstacle" in str(err.value)
    assert len(SCENARIO_TYPES) >= 16


def test_parked_obstacle_blocks_ego_lane_at_distance(make_run):
    run = make_run("EmbeddedArterial", ["A1B1", "B1C1"], "ParkedObstacle", 20.0, {"distance": {"value": "60"}})
    scene = run.world.scene()
    parked = [a for a in run.scenario_actors(scene) if a.type_id.startswith("vehicle")]
    assert len(parked) == 1
    s, lateral = route_frame(run, parked[0])
    assert s == pytest.approx(80.0, abs=2.0)
    lane_w = run.route.lane_width_m[0]
    assert 0.0 < lateral < lane_w / 2          # shifted right but still in the ego lane
    free_left = (lateral - parked[0].width_m / 2) + lane_w / 2
    assert free_left < run.world.ego.width_m   # the ego cannot squeeze past inside its lane
