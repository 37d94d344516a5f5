"""Run one route of a leaderboard route file in the embedded simulator, the way the leaderboard does.

Protocol order per route (a new agent instance each time): `set_global_plan` → `setup` → `sensors`
(validated) → `run_step` every 20 Hz tick → `destroy`. Exceptions inside the agent end the route as
"Failed - Agent crashed"; the run goes on with the next route.
"""
from __future__ import annotations

import logging
import time
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Protocol, Tuple

import numpy as np

from wpt_core import privileged
from wpt_core.data.weather import weather_id as route_weather_id
from wpt_core.ground_map import GroundMap
from wpt_core.leaderboard.statuses import AGENT_CRASHED, SENSORS_INVALID, SETUP_FAILED, SIMULATION_CRASHED
from wpt_core.sim.runner.agent_loader import instantiate_agent, load_agent_class
from wpt_core.sim.criteria.route_criteria import RouteCriteria
from wpt_core.leaderboard.global_plan import global_plan
from wpt_core.leaderboard.route_file import RouteSpec
from wpt_core.leaderboard.route_record import route_key, save_name as route_save_name
from wpt_core.sim.routes.route_plan import route_plan
from wpt_core.sim.scenarios.base import ScenarioContext
from wpt_core.sim.scenarios.manager import ScenarioManager, ego_start_pose
from wpt_core.sim.sensors.spec import SensorConfigurationInvalid
from wpt_core.sim.sensors.suite import SensorSuite
from wpt_core.sim.town.town import Town
from wpt_core.sim.town.town_ground import grown_box
from wpt_core.sim.world.world import World, WorldConfig
from wpt_core.types import Control, DenseRoute, Scene

LOG = logging.getLogger(__name__)

# Leaderboard 2.0 route timeout: 300 s, extended as the route advances at 10 % of the speed limit
# (srunner RouteTimeoutBehavior). With B2D's 4000-tick limit it rarely decides anything.
ROUTE_TIMEOUT_MIN_S = 300.0
ROUTE_TIMEOUT_SPEED_FRACTION = 0.1
ROUTE_SPEED_LIMIT_MPS = 13.9
# The ground raster reaches this far around the route's box (a large town's whole raster is gigabytes):
# the collector saves the 400 m around the start (CollectConfig.map_half_size_m), sensors see ≤ 100 m.
ROUTE_GROUND_MARGIN_M = 400.0


@dataclass
class RouteTask:
    """Everything a worker process needs to run one route (picklable)."""

    index: int
    route: RouteSpec
    repetition: int
    agent: str
    agent_config: str
    seed: int
    track: str = "SENSORS"
    world_config: Optional[WorldConfig] = None  # None: the defaults
    save_name: str = ""  # fixed once per route: the agent's '+<save_name>' and the record must agree
    town_path: str = ""  # the route's network as `town_lookup` found it ("": look the name up as a shipped town)

    @property
    def route_key(self) -> str:
        return route_key(str(self.route.id), self.repetition)


def route_seed(seed: int, route_id: str, repetition: int) -> int:
    """A per-route seed that does not depend on which worker runs the route or in which order."""
    return zlib.crc32(f"{seed}:{route_id}:{repetition}".encode()) & 0x7FFFFFFF


@dataclass
class RouteRun:
    """The live state of one route, handed to hooks (e.g. the data collector, which reads what the driving
    `agent` decided)."""

    task: RouteTask
    town: Any
    world: Any
    route: DenseRoute
    route_lanes: List[str]
    ground: Optional[GroundMap] = None   # the town's raster around this route
    scene: Optional[Scene] = None
    extra: Dict[str, Any] = field(default_factory=dict)
    agent: Any = None


class RouteHooks(Protocol):
    def on_start(self, run: RouteRun) -> None: ...
    def on_tick(self, run: RouteRun, control: Control) -> None: ...
    def on_end(self, run: RouteRun, record: Dict[str, Any]) -> None: ...


HooksFactory = Callable[[RouteTask], RouteHooks]


class StopRoute(Exception):
    """Raised by a hook's `on_tick` to end the route on this tick: not a crash, nothing logged (a benchmark
    that has measured what it came for)."""


@dataclass
class RouteOutcome:
    """A finished route: its leaderboard record and the sensor spec the agent asked for."""

    record: Dict[str, Any]
    sensors: List[Dict[str, Any]] = field(default_factory=list)


def to_control(control: Any) -> Control:
    """`carla.VehicleControl` (or the stand-in) → our Control, clamped like the vehicle physics would."""
    return Control(throttle=float(getattr(control, "throttle", 0.0)), steer=float(getattr(control, "steer", 0.0)),
                   brake=float(getattr(control, "brake", 0.0)), hand_brake=bool(getattr(control, "hand_brake", False)),
                   reverse=bool(getattr(control, "reverse", False))).clamped()


def route_timeout_s(route_length_m: float) -> float:
    return ROUTE_TIMEOUT_MIN_S + route_length_m / (ROUTE_SPEED_LIMIT_MPS * ROUTE_TIMEOUT_SPEED_FRACTION)


def save_name(task: RouteTask) -> str:
    """Bench2Drive's per-route save name, stamped now (the route's start)."""
    scenario = task.route.scenarios[0].name if task.route.scenarios else ""
    return route_save_name(task.route_key, task.route.town, scenario, weather_id(task), time.strftime("%m_%d_%H_%M_%S"))


def weather_id(task: RouteTask) -> str:
    """Bench2Drive's weather id of the route's weather (`wpt_core.data.weather`)."""
    return route_weather_id(task.route.weathers)


def run_route(task: RouteTask, hooks_factory: Optional[HooksFactory] = None) -> RouteOutcome:
    """Run `task` to its end: the leaderboard record and the agent's sensors."""
    wall_start = time.time()
    town = Town.load(task.town_path or task.route.town)
    lanes, dense = route_plan(town, task.route)
    length_m = float(dense.cumulative_length_m()[-1])
    world = World(town, seed=task.seed, config=task.world_config or WorldConfig())
    ground = town.ground_map(bounds=grown_box(dense.xy_m, ROUTE_GROUND_MARGIN_M))
    crashed: Optional[str] = None
    hooks = hooks_factory(task) if hooks_factory is not None else None
    try:
        world.start(lanes, ego_start_pose(task.route.scenarios, town, dense), ground)
        privileged.set_provider(world)
        criteria = RouteCriteria(route=dense, route_lane_ids=lanes, ground=ground, lane_of=_lane_of(town),
                                 timeout_s=route_timeout_s(length_m))
        scenarios = ScenarioManager(task.route.scenarios, ScenarioContext(
            world=world, town=town, route=dense, route_lanes=lanes,
            rng=np.random.default_rng(task.seed), report_infraction=criteria.add_event,
            set_lane_invasion_allowed=lambda allowed: setattr(criteria, "allow_lane_invasion", allowed),
            set_blocked_test_active=criteria.set_blocked_test_active))
        scenarios.setup()
        run = RouteRun(task, town, world, dense, lanes, ground=ground, scene=world.scene())
        agent, specs, suite, crashed = _setup_agent(task, town, dense, ground)
        run.agent = agent
        if hooks is not None:
            hooks.on_start(run)
        control = Control()  # the ego stands until the agent's first answer
        while crashed is None:
            # The leaderboard's order: tick the world, count the tick (past 4000 the route ends before the
            # agent is asked), call the agent on this tick's state (the first call at game time 0.05 s),
            # then evaluate the criteria on the same state.
            try:
                world.tick(scenarios.perturb(control))
                scenarios.tick()
                run.scene = world.scene()
            except Exception:  # the simulator failed, not the agent: keep what was scored
                LOG.exception("simulation crashed on %s", task.route_key)
                crashed = SIMULATION_CRASHED
                break
            if not criteria.count_tick():
                break
            try:
                control = to_control(agent.run_step(suite.frame(run.scene, world.frame), world.time_s))
            except Exception:  # any agent error ends the route, as on the leaderboard
                LOG.exception("agent crashed on %s", task.route_key)
                crashed = AGENT_CRASHED
                break
            try:
                criteria.update(run.scene)
                if hooks is not None:
                    hooks.on_tick(run, control)
            except StopRoute:
                break
            except Exception:  # a criterion or a recorder failed: keep what was scored
                LOG.exception("simulation crashed on %s", task.route_key)
                crashed = SIMULATION_CRASHED
                break
            if criteria.terminated or criteria.completed:
                break
        _destroy(agent)
    finally:
        privileged.set_provider(None)
        world.close()
    record = criteria.record(index=task.index, route_id=task.route_key,
                             scenario_name=task.route.scenarios[0].name if task.route.scenarios else "",
                             weather_id=weather_id(task), save_name=task.save_name or save_name(task), town_name=task.route.town,
                             duration_game=world.time_s, duration_system=time.time() - wall_start,
                             crashed_status=crashed)
    if hooks is not None:
        hooks.on_end(run, record)
    return RouteOutcome(record, specs)


def _setup_agent(task: RouteTask, town: Town, dense: DenseRoute, ground: GroundMap
                 ) -> Tuple[Any, List[Dict[str, Any]], Optional[SensorSuite], Optional[str]]:
    """Construct, plan, set up and query the agent, in the leaderboard's order and with its failure statuses."""
    specs: List[Dict[str, Any]] = []
    try:
        agent = instantiate_agent(load_agent_class(task.agent))
        gps, world_route = global_plan(dense, town.lat_ref, town.lon_ref)
        agent.set_global_plan(gps, world_route)
        agent.setup(task.agent_config)
        specs = list(agent.sensors())
    except Exception:
        LOG.exception("agent could not be set up on %s", task.route_key)
        return None, specs, None, SETUP_FAILED
    try:
        track = getattr(getattr(agent, "track", None), "value", getattr(agent, "track", None))
        if str(track) != task.track:
            raise SensorConfigurationInvalid(f"You are submitting to the wrong track [{track}]!")
        suite = SensorSuite(specs, ground=ground, track=task.track, lat_ref=town.lat_ref,
                                 lon_ref=town.lon_ref, seed=task.seed)
    except SensorConfigurationInvalid as exc:
        LOG.error("invalid sensor configuration on %s: %s", task.route_key, exc)
        return agent, specs, None, SENSORS_INVALID
    return agent, specs, suite, None


def _destroy(agent: Any) -> None:
    if agent is None:
        return
    try:
        agent.destroy()
    except Exception:
        LOG.exception("agent.destroy() raised")


def _lane_of(town: Any) -> Callable[[float, float], Any]:
    """(x, y) → (lane_id, lane yaw at that point) for the outside-route-lanes check."""
    def lane_of(x: float, y: float):
        match = town.nearest_lane(np.array([x, y]), max_distance_m=3.0)
        if match is None:
            return None
        return match.lane_id, town.lanes[match.lane_id].pose_at(match.s_m)[2]
    return lane_of
