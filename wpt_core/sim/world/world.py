"""The embedded simulator's world: SUMO traffic around an ego driven by our own vehicle dynamics.

Each tick the ego's box-centre pose (EgoDynamics) is pushed into SUMO as a front-bumper position
(`moveToXY`) so NPCs queue behind and yield to it, SUMO steps, and `scene()` reads everything back
in CARLA's frame. Scenarios add actors through the methods below; actors SUMO cannot move the way a
scenario wants (scripted, static) are held here and only mirrored into SUMO so NPCs see them.
Contacts have consequences (`contacts`): each tick first resolves the last tick's contacts of the ego.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import ModuleType
from typing import Dict, List, Optional, Tuple

import numpy as np

from wpt_core.ground_map import GroundMap
from wpt_core.sim.world.contacts import HIT_VEHICLE_STOP_S, ContactModel
from wpt_core.sim.world.ego_dynamics import EgoDynamics
from wpt_core.sim.world.scene_builder import SceneBuilder
from wpt_core.leaderboard.tick import DELTA_SECONDS, TICK_HZ, TICK_S
from wpt_core.polyline import densify
from wpt_core.sim.town.frames import carla_centre_to_sumo_front
from wpt_core.sim.town.town import Town
from wpt_core.sim.world.sumo_session import SumoSession
from wpt_core.sim.world.actor_types import EGO_TYPE, WALKER_TYPE, ActorType, actor_type, define_vtype
from wpt_core.sim.world.traffic import BackgroundTraffic, spawn_region
from wpt_core.types import Actor, ActorKind, Control, EgoState, Scene

EGO_ID = "hero"
MAINTAIN_EVERY_TICKS = TICK_HZ            # background upkeep once per simulated second
IGNORE_RULES_SPEED_MODE = 0b100111        # keep safe gaps and accel limits; ignore lights and right of way
KEEP_LANE_CHANGE_MODE = 0                  # no lane changes of its own (CARLA TM's auto_lane_change False)
WALKER_SPEED_MPS = 1.3                    # what set_speed(-1) restores for a pedestrian


@dataclass(frozen=True)
class WorldConfig:
    background_vehicles: int = 30
    background_pedestrians: int = 30
    spawn_radius_m: float = 250.0
    scene_radius_m: float = 100.0


def route_polyline(town: Town, lane_ids: List[str], spacing_m: float = 5.0) -> np.ndarray:
    """(M,2) CARLA points along the route lanes, at most `spacing_m` apart."""
    pts = [densify(np.asarray(town.lanes[lane_id].shape_xy, dtype=np.float64), spacing_m) for lane_id in lane_ids]
    return np.vstack(pts) if pts else np.zeros((0, 2))


class World:
    """One per process (libsumo is a singleton); CARLA conventions at every public boundary."""

    def __init__(self, town: Town, seed: int, config: Optional[WorldConfig] = None) -> None:
        self.town, self.seed, self.config = town, int(seed), config if config is not None else WorldConfig()
        self.frame = 0
        self.time_s = 0.0
        self._session: Optional[SumoSession] = None
        self._scene: Optional[Scene] = None
        self._count = 0
        self._roles: Dict[str, str] = {}
        self._emergency: Dict[str, None] = {}
        self._held: Dict[str, Actor] = {}         # scripted + static actors: their pose is ours, not SUMO's
        self._mirrored: Dict[str, bool] = {}      # held actors mirrored into SUMO -> pushed every tick (scripted)
        self._forced: Dict[str, Tuple[str, float]] = {}   # tls id -> (program to restore, until time)
        self._frozen: Dict[str, None] = {}        # pushed vehicles SUMO could not map: held still
        self._gone: Dict[str, None] = {}          # removed since the last step: still in SUMO's subscription
        self._contacts = ContactModel(None)
        self._hit: Dict[str, float] = {}          # SUMO vehicles the ego hit -> time they may drive on
        # set by `start`, for the route being driven
        self._ls: Optional[ModuleType] = None     # the libsumo module of the open session
        self._ego: Optional[EgoDynamics] = None
        self._traffic: Optional[BackgroundTraffic] = None
        self._builder: Optional[SceneBuilder] = None

    # --- lifecycle ---------------------------------------------------------------------------------

    def start(self, route_lanes: List[str], ego_pose: Tuple[float, float, float],
              ground: Optional[GroundMap] = None) -> None:
        """Start SUMO, put the ego (box centre, yaw) standing still, and background traffic near the route;
        `ground` (the route's raster) gives the map's edges that stop the ego (`contacts`)."""
        self.close()
        self._session = SumoSession(self.town.net_path, self.seed)
        ls = self._ls = self._session.start()
        self.frame, self.time_s, self._scene, self._count = 0, 0.0, None, 0
        self._roles, self._emergency, self._held, self._mirrored, self._forced, self._frozen = {}, {}, {}, {}, {}, {}
        self._gone, self._hit = {}, {}
        self._contacts = ContactModel(ground)
        self._ego = EgoDynamics(*ego_pose)
        define_vtype(ls, EGO_TYPE)
        ls.route.add(f"{EGO_ID}_route", self._edges_of(route_lanes))   # SUMO keeps it while the ego stays on it
        ls.vehicle.add(EGO_ID, f"{EGO_ID}_route", typeID=EGO_TYPE.type_id)
        self._push(EGO_ID, self._ego.x_m, self._ego.y_m, self._ego.yaw_deg, EGO_TYPE.length_m)
        route_xy = route_polyline(self.town, route_lanes)
        radius = self.config.spawn_radius_m
        self._traffic = BackgroundTraffic(ls, self.town, np.random.default_rng(self.seed),
                                          self.config.background_vehicles, self.config.background_pedestrians,
                                          radius, spawn_region(route_xy, radius))
        self._traffic.set_route(route_xy)
        self._traffic.populate((self._ego.x_m, self._ego.y_m))
        ls.simulationStep()
        ls.vehicle.setSpeedMode(EGO_ID, 0)
        ls.vehicle.setLaneChangeMode(EGO_ID, 0)
        self._builder = SceneBuilder(ls, self.town, self.config.scene_radius_m)
        self._builder.subscribe(EGO_ID)

    def close(self) -> None:
        """End the route with the session's crash-safe shutdown (idempotent)."""
        if self._session is None:
            return
        self._session.close()
        self._session = None

    def _edges_of(self, lane_ids: List[str]) -> List[str]:
        """Normal (non-internal) edges of the route lanes, consecutive duplicates dropped."""
        edges: List[str] = []
        for lane_id in lane_ids:
            lane = self.town.lanes[lane_id]
            if not lane.is_internal and (not edges or edges[-1] != lane.edge_id):
                edges.append(lane.edge_id)
        if not edges:
            raise ValueError(f"route {lane_ids[:3]}... has no normal driving lane")
        return edges

    # --- stepping ----------------------------------------------------------------------------------

    @property
    def ego(self) -> EgoState:
        return self._ego.state()

    def _push(self, vid: str, x: float, y: float, yaw: float, length: float) -> None:
        """moveToXY a vehicle whose pose we own. Off the network (nothing within SUMO's match radius) it is
        frozen where SUMO last had it, so SUMO never drives it on or lets it arrive and vanish."""
        ls = self._ls
        sx, sy, angle = carla_centre_to_sumo_front(x, y, yaw, length)
        try:
            ls.vehicle.moveToXY(vid, "", 0, sx, sy, angle, 2)
        except ls.TraCIException:
            if vid not in self._frozen:
                ls.vehicle.setSpeed(vid, 0.0)
                self._frozen[vid] = None
            return
        if vid in self._frozen:
            ls.vehicle.setSpeed(vid, -1.0)
            del self._frozen[vid]

    def _resolve_contacts(self) -> None:
        """The last tick's contacts (`contacts`): push and slow the ego, stop the vehicles it hit, fell walkers."""
        ls = self._ls
        out = self._contacts.resolve(self.scene())
        if out.back_to is not None:
            self._ego.place(*out.back_to)
        elif out.keep_speed != 1.0 or out.dx_m or out.dy_m:
            self._ego.collide(out.dx_m, out.dy_m, out.keep_speed)
        for pid in out.fallen:
            if pid in self._held:
                self._held[pid] = dataclasses.replace(self._held[pid], speed_mps=0.0)
            else:
                ls.person.setSpeed(pid, 0.0)
                self._traffic.release(pid)
        for vid in out.stopped:
            if vid not in self._held:
                ls.vehicle.setSpeed(vid, 0.0)
                self._hit[vid] = self.time_s + HIT_VEHICLE_STOP_S
        for vid, until in list(self._hit.items()):
            if self.time_s >= until:
                del self._hit[vid]
                if vid in ls.vehicle.getIDList():
                    ls.vehicle.setSpeed(vid, -1.0)

    def tick(self, control: Control) -> None:
        """Contacts → ego dynamics → moveToXY (ego and held actors) → one SUMO step → background upkeep."""
        ls = self._ls
        self._resolve_contacts()
        before = (self._ego.x_m, self._ego.y_m, self._ego.yaw_deg)
        self._ego.step(control.clamped(), TICK_S)
        if self._contacts.holds(before[:2], self._ego.state()):
            self._ego.place(*before)     # pressed against what stopped it: the step is not taken
        self._push(EGO_ID, self._ego.x_m, self._ego.y_m, self._ego.yaw_deg, EGO_TYPE.length_m)
        for aid, moving in self._mirrored.items():
            if moving:
                a = self._held[aid]
                self._push(aid, a.x_m, a.y_m, a.yaw_deg, a.length_m)
        for tls_id, (program, until) in list(self._forced.items()):
            if self.time_s >= until:
                ls.trafficlight.setProgram(tls_id, program)
                del self._forced[tls_id]
        ls.simulationStep()
        self.frame += 1
        self.time_s += DELTA_SECONDS   # the leaderboard's GameTime: a sum of float32 tick lengths
        self._scene = None
        self._gone = {}
        if self.frame % MAINTAIN_EVERY_TICKS == 0:
            self._gone = dict.fromkeys(self._traffic.maintain((self._ego.x_m, self._ego.y_m)))

    def scene(self) -> Scene:
        """Privileged state at this tick (cached until the next tick or scenario change)."""
        if self._scene is None:
            ego = self._ego.state()
            xy = (ego.x_m, ego.y_m)
            skip = {**self._held, **self._gone} if self._gone else self._held
            actors = self._builder.actors(EGO_ID, xy, skip, self._roles, self._emergency)
            r2 = self.config.scene_radius_m ** 2
            actors += [a for a in self._held.values() if (a.x_m - xy[0]) ** 2 + (a.y_m - xy[1]) ** 2 <= r2]
            self._scene = Scene(frame=self.frame, time_s=self.time_s, ego=ego, actors=actors,
                                traffic_lights=self._builder.traffic_lights(xy),
                                stop_signs=self._builder.stop_signs(xy), town=self.town.name)
        return self._scene

    # --- scenario API ------------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        self._count += 1
        self._scene = None
        return f"{prefix}{self._count}"

    def _sumo_type(self, t: ActorType) -> str:
        define_vtype(self._ls, t)
        self._builder.actor_type(t.type_id)
        return t.type_id

    def spawn_vehicle(self, lane_id: str, s_m: float, speed_mps: float = 0.0, *,
                      type_id: str = "vehicle.lincoln.mkz_2020", kind: ActorKind = ActorKind.VEHICLE,
                      route_edges: Optional[List[str]] = None, max_speed_mps: Optional[float] = None,
                      ignore_traffic_rules: bool = False, is_emergency: bool = False, keep_lane: bool = False,
                      role: str = "scenario") -> str:
        """A SUMO-driven vehicle whose box centre is `s_m` along `lane_id` (a normal lane), placed at once.
        `route_edges` (default: a random trip near the route) starts on, or right after, the lane's edge."""
        ls, lane = self._ls, self.town.lanes[lane_id]
        if lane.is_internal:
            raise ValueError(f"spawn_vehicle: {lane_id} is a junction-internal lane; spawn before the junction")
        t = actor_type(type_id, kind, is_emergency)
        vid = self._new_id("sc_v")
        edges = list(route_edges or self._traffic.trip_from(lane.edge_id))
        if edges[0] != lane.edge_id:
            edges.insert(0, lane.edge_id)
        ls.route.add(f"{vid}_route", edges)
        front = min(s_m + 0.5 * t.length_m, lane.length_m)
        ls.vehicle.add(vid, f"{vid}_route", typeID=self._sumo_type(t), departLane=str(lane.index),
                       departPos=f"{front:.3f}", departSpeed=f"{max(0.0, speed_mps):.3f}")
        ls.vehicle.moveTo(vid, lane_id, front)
        if max_speed_mps is not None:
            ls.vehicle.setMaxSpeed(vid, max_speed_mps)
        if ignore_traffic_rules:
            ls.vehicle.setSpeedMode(vid, IGNORE_RULES_SPEED_MODE)
        if keep_lane:
            ls.vehicle.setLaneChangeMode(vid, KEEP_LANE_CHANGE_MODE)
        if is_emergency:
            self._emergency[vid] = None
        self._roles[vid] = role
        return vid

    def spawn_pedestrian(self, edges: List[str], pos_m: float, speed_mps: float = 1.3, role: str = "scenario") -> str:
        """A SUMO pedestrian walking `edges` (sidewalks, crossings) from `pos_m` on the first one."""
        ls = self._ls
        pid = self._new_id("sc_p")
        define_vtype(ls, WALKER_TYPE)
        ls.person.add(pid, edges[0], pos_m, typeID=WALKER_TYPE.type_id)
        ls.person.appendWalkingStage(pid, edges, -1.0, speed=speed_mps)
        self._roles[pid] = role
        return pid

    def add_scripted(self, actor: Actor, in_sumo: bool = True) -> str:
        """An actor the scenario moves (move_scripted); in_sumo mirrors vehicles into SUMO so NPCs react."""
        aid = self._hold(actor, "sc_s")
        if in_sumo and actor.kind in (ActorKind.VEHICLE, ActorKind.BICYCLE):
            self._mirror(self._held[aid], moving=True)
        return aid

    def add_static(self, actor: Actor, block_lane: bool = True) -> str:
        """A parked car / cone / debris; block_lane mirrors it as a stopped SUMO vehicle NPCs queue behind."""
        aid = self._hold(actor, "static")
        if block_lane:
            self._mirror(self._held[aid], moving=False)
        return aid

    def _hold(self, actor: Actor, prefix: str) -> str:
        aid = actor.id if actor.id and actor.id not in self._held and actor.id not in self._roles \
            else self._new_id(prefix)
        self._held[aid] = dataclasses.replace(actor, id=aid)
        self._roles[aid] = actor.role
        self._scene = None
        return aid

    def _mirror(self, a: Actor, moving: bool) -> None:
        """A SUMO vehicle the size of `a` at its pose; a static one is placed once and held at speed 0.

        It is added on the ego's route, which SUMO refuses for a bicycle when the route enters edges closed
        to bicycles (a motorway link): such a mirror is a car-class vehicle of the bicycle's size instead —
        SUMO only has to route it, its pose is pushed every tick."""
        kind = ActorKind.BICYCLE if a.kind == ActorKind.BICYCLE else ActorKind.VEHICLE
        try:
            self._ls.vehicle.add(a.id, f"{EGO_ID}_route", typeID=self._mirror_type(a, kind))
        except self._ls.TraCIException:
            if kind != ActorKind.BICYCLE:
                raise
            self._ls.vehicle.add(a.id, f"{EGO_ID}_route", typeID=self._mirror_type(a, ActorKind.VEHICLE))
        self._push(a.id, a.x_m, a.y_m, a.yaw_deg, a.length_m)
        if not moving:
            self._ls.vehicle.setSpeed(a.id, 0.0)
            self._ls.vehicle.setLaneChangeMode(a.id, 0)
        self._mirrored[a.id] = moving

    def _mirror_type(self, a: Actor, kind: ActorKind) -> str:
        return self._sumo_type(ActorType(f"wpt.mirror.{a.length_m:.2f}x{a.width_m:.2f}x{a.height_m:.2f}.{kind.value}",
                                         kind, a.length_m, a.width_m, a.height_m))

    def move_scripted(self, actor_id: str, x: float, y: float, yaw_deg: float, speed_mps: float) -> None:
        """New pose (box centre) of a scripted actor; mirrored into SUMO on the next tick. A walker the ego
        has hit lies where it fell, whatever its script says."""
        if actor_id in self._contacts.fallen:
            return
        self._held[actor_id] = dataclasses.replace(self._held[actor_id], x_m=x, y_m=y, yaw_deg=yaw_deg,
                                                   speed_mps=speed_mps)
        self._scene = None

    def set_speed(self, actor_id: str, speed_mps: float) -> None:
        """Hold a SUMO actor at `speed_mps` (-1 hands it back to SUMO); for a held actor: its reported speed."""
        ls = self._ls
        if actor_id in self._contacts.fallen:
            return
        if actor_id in self._held:
            self._held[actor_id] = dataclasses.replace(self._held[actor_id], speed_mps=max(0.0, speed_mps))
        elif actor_id in ls.person.getIDList():
            ls.person.setSpeed(actor_id, WALKER_SPEED_MPS if speed_mps < 0 else speed_mps)
        else:
            ls.vehicle.setSpeed(actor_id, speed_mps)
        self._scene = None

    def remove(self, actor_id: str) -> None:
        """Take an actor out of the world (SUMO and/or the held set)."""
        ls = self._ls
        held = self._held.pop(actor_id, None)
        if held is None or actor_id in self._mirrored:
            if actor_id in ls.person.getIDList():
                ls.person.removeStages(actor_id)
            else:
                ls.vehicle.remove(actor_id)
        self._mirrored.pop(actor_id, None)
        self._gone[actor_id] = None
        self._roles.pop(actor_id, None)
        self._emergency.pop(actor_id, None)
        self._scene = None

    def keep_background_off(self, edge_ids: List[str]) -> None:
        """From now on no background car spawns on or heads for `edge_ids` (Bench2Drive clears a
        scenario's flow lanes of background traffic); cars already there are the scenario's to remove."""
        self._traffic.keep_off(edge_ids)

    def traffic_light_state(self, tls_id: str) -> str:
        """The signal's current full SUMO state string (one character per controlled link)."""
        return str(self._ls.trafficlight.getRedYellowGreenState(tls_id))

    def force_traffic_light(self, tls_id: str, state: str, duration_s: float) -> None:
        """Override a light's full SUMO state string for `duration_s`, then resume its own program."""
        ls = self._ls
        if tls_id not in self._forced:
            self._forced[tls_id] = (ls.trafficlight.getProgram(tls_id), 0.0)
        ls.trafficlight.setRedYellowGreenState(tls_id, state)
        self._forced[tls_id] = (self._forced[tls_id][0], self.time_s + duration_s)
        self._scene = None

