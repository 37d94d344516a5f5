"""Background demand around the ego route: cars and pedestrians that roam near it for the whole route.

Leaderboard routes run among background traffic whose density around the hero stays roughly constant;
here a seeded generator picks spawn points within `spawn_radius_m` of the part of the route the ego is
about to drive, keeps every background actor's trip extended while it is near, and replaces the ones
that have fallen behind or could not be inserted.
"""
from __future__ import annotations

import math
from types import ModuleType
from typing import Dict, List, Optional, Tuple

import numpy as np

from wpt_core.polyline import cumulative_length
from wpt_core.sim.town.frames import sumo_to_carla_xy
from wpt_core.sim.town.town import Town
from wpt_core.sim.town.town_ground import Bounds, grown_box
from wpt_core.sim.world.actor_types import BACKGROUND_CARS, CATALOGUE, WALKER_TYPES, define_vtype

SPAWN_SPACING_M = 10.0             # spawn points along every lane ...
SPAWN_FIRST_M = 8.0                # ... from this far after the lane start ...
SPAWN_END_MARGIN_M = 2.0           # ... to this far before its end
MIN_SPAWN_LANE_M = 12.0            # shorter lanes get none
MIN_RESPAWN_DISTANCE_M = 85.0      # replacements appear beyond LiDAR range (85 m), out of immediate view
PENDING_ROUNDS = 3                 # upkeep rounds (seconds) a car may wait for a free spawn point
EGO_CLEAR_ROUTE_M = 30.0           # no background car on the first 30 m of the route ...
EGO_CLEAR_BEHIND_M = 5.0           # ... counted from this far behind the ego ...
EGO_CLEAR_SIDE_M = 8.0             # ... nor within this of it, ...
EGO_CLEAR_TAIL_M = 10.0            # ... nor behind it, on a lane heading its way, within its braking distance at
TAIL_DECEL_MPS2 = 4.5              # the lane's speed (SUMO's car deceleration) plus this: inserted at speed,
                                   # it would run into the standing ego before it moves off
LOCATE_BEHIND_M = 20.0             # the ego is looked for on the route this far behind its last position ...
LOCATE_AHEAD_M = 200.0             # ... to this far ahead
ROUTE_DIRECTION_M = 10.0           # the route's direction at the ego: over the next 10 m
REGION_BEHIND_M = 50.0             # background traffic lives near the route from this far behind the ego
FAR_RADIUS_FACTOR = 1.2            # actors beyond this many spawn radii from the ego are dropped
PEDESTRIAN_STALL_S = 25.0          # a walker standing this long is caught in a crossing deadlock: removed
VEHICLE_STALL_S = 40.0             # a car that stood this long of the last 100 s (creeping included), not
                                   # at a red light, is in a gridlock: removed
RED_LIGHT_QUEUE_M = 60.0           # a car within this distance of a red light may be queued for it
_RED_STATES = frozenset("rRyYu")


_SPAWN_POINTS: Dict[Tuple[str, str, Optional[Bounds]], Tuple[List[str], np.ndarray, np.ndarray]] = {}


def spawn_region(route_xy: np.ndarray, spawn_radius_m: float) -> Bounds:
    """The box background actors can live in: the route's box grown by the radius beyond which they are dropped."""
    return grown_box(route_xy, FAR_RADIUS_FACTOR * spawn_radius_m)


def _in_box(xy: np.ndarray, region: Optional[Bounds]) -> bool:
    return region is None or bool(np.all(xy.max(axis=0) >= region[:2]) and np.all(xy.min(axis=0) <= region[2:]))


def _spawn_points(town: Town, kind: str, region: Optional[Bounds] = None) -> Tuple[List[str], np.ndarray, np.ndarray]:
    """(lane ids, s (N,), xy (N,2)) every SPAWN_SPACING_M along the non-internal lanes of `kind` that reach
    into `region` (a large town is never walked whole); computed once per network file, region and process."""
    key = (str(town.net_path), kind, region)
    if key not in _SPAWN_POINTS:
        lanes, s_list, xy = [], [], []
        for lane in town.lanes.values():
            if lane.kind != kind or lane.is_internal or lane.length_m < MIN_SPAWN_LANE_M \
                    or not _in_box(lane.shape_xy, region):
                continue
            for s in np.arange(SPAWN_FIRST_M, lane.length_m - SPAWN_END_MARGIN_M, SPAWN_SPACING_M):
                lanes.append(lane.id)
                s_list.append(float(s))
                xy.append(lane.pose_at(float(s))[:2])
        _SPAWN_POINTS[key] = (lanes, np.asarray(s_list), np.asarray(xy, dtype=np.float64).reshape(-1, 2))
    return _SPAWN_POINTS[key]


def _sq_distances(points: np.ndarray, others: np.ndarray) -> np.ndarray:
    """(N, M) squared distances between two point sets (matrix form: no (N, M, 2) temporary)."""
    d2 = (points ** 2).sum(1)[:, None] + (others ** 2).sum(1)[None, :] - 2.0 * points @ others.T
    return np.maximum(d2, 0.0)


def _min_distance(points: np.ndarray, polyline: np.ndarray) -> np.ndarray:
    """(N,) distance of each point to the nearest of the (M,2) densely sampled polyline points."""
    if len(polyline) == 0 or len(points) == 0:
        return np.full(len(points), np.inf)
    return np.sqrt(_sq_distances(points, polyline).min(axis=1))


class BackgroundTraffic:
    """Owns the background actors of one route (ids `bg_v<n>` / `bg_p<n>`)."""

    def __init__(self, ls: ModuleType, town: Town, rng: np.random.Generator, vehicles: int, pedestrians: int,
                 spawn_radius_m: float, region: Optional[Bounds] = None) -> None:
        self.ls, self.town, self.rng = ls, town, rng
        self.n_vehicles, self.n_pedestrians, self.radius = vehicles, pedestrians, spawn_radius_m
        self.vehicles: Dict[str, int] = {}            # id -> upkeep round it was added in
        self._round = 0
        self.pedestrians: Dict[str, List[str]] = {}   # id -> edges of its last walking stage
        self._count = 0
        self._v_lanes, self._v_s, self._v_xy = _spawn_points(town, "driving", region)
        self._v_edges = np.array([town.lanes[lane_id].edge_id for lane_id in self._v_lanes], dtype=object)
        fastest = max((town.lanes[lane_id].speed_mps for lane_id in set(self._v_lanes)), default=0.0)
        self._tail_reach_m = fastest ** 2 / (2.0 * TAIL_DECEL_MPS2) + EGO_CLEAR_TAIL_M
        self._v_open = np.ones(len(self._v_lanes), dtype=bool)     # False on edges scenarios keep clear
        self._p_lanes, self._p_s, self._p_xy = _spawn_points(town, "sidewalk", region)
        self._route_xy = np.zeros((0, 2))
        self._route_s = np.zeros(0)
        self._ego_s = 0.0
        self._ego_xy = np.zeros(2)
        self._route_dir = np.zeros(2)      # unit direction of the route at the ego
        self._v_near = np.zeros(len(self._v_xy), dtype=bool)
        self._p_near = np.zeros(len(self._p_xy), dtype=bool)
        self._v_ahead, self._p_ahead = self._v_near, self._p_near
        for t in BACKGROUND_CARS:
            define_vtype(ls, CATALOGUE[t])
        for t in WALKER_TYPES:
            define_vtype(ls, t)

    # --- region around the route ahead --------------------------------------------------------------

    def set_route(self, route_xy: np.ndarray) -> None:
        """The ego route as dense (M,2) CARLA points (≈ every few metres)."""
        self._route_xy = np.asarray(route_xy, dtype=np.float64).reshape(-1, 2)
        self._route_s = cumulative_length(self._route_xy)
        self._ego_s = 0.0

    def _update_region(self, ego_xy: np.ndarray) -> None:
        """Advance the ego along the route (nearest point in a forward window) and cache which spawn
        points are both within the spawn radius of the ego and of the route from `REGION_BEHIND_M` behind it to one
        radius ahead: spawns and destinations stay there, so the density around the ego stays even."""
        if len(self._route_xy):
            idx = np.flatnonzero((self._route_s >= self._ego_s - LOCATE_BEHIND_M)
                                 & (self._route_s <= self._ego_s + LOCATE_AHEAD_M))
            d = np.linalg.norm(self._route_xy[idx] - ego_xy, axis=1)
            i = idx[int(np.argmin(d))]
            self._ego_s = float(self._route_s[i])
            j = min(int(np.searchsorted(self._route_s, self._ego_s + ROUTE_DIRECTION_M)), len(self._route_xy) - 1)
            if j > i:
                self._route_dir = (self._route_xy[j] - self._route_xy[i]) / (self._route_s[j] - self._route_s[i])
        lo, mid, hi = np.searchsorted(self._route_s, [self._ego_s - REGION_BEHIND_M, self._ego_s,
                                                      self._ego_s + self.radius])
        self._ego_xy = ego_xy
        self._v_near, self._v_ahead = self._near_route(self._v_xy, lo, mid, hi + 1)
        self._v_near &= self._v_open
        self._v_ahead &= self._v_open
        self._p_near, self._p_ahead = self._near_route(self._p_xy, lo, mid, hi + 1)

    def _near_route(self, xy: np.ndarray, lo: int, mid: int, hi: int) -> Tuple[np.ndarray, np.ndarray]:
        """(N,) bool pair: points within the spawn radius of the ego and of route points [lo, hi) — and of
        the part ahead of the ego, [mid, hi)."""
        near, ahead = np.zeros(len(xy), dtype=bool), np.zeros(len(xy), dtype=bool)
        rows = np.flatnonzero(self._around_ego(xy, 1.0))
        if len(rows) and hi > lo:
            within = _sq_distances(xy[rows], self._route_xy[lo:hi]) <= self.radius ** 2
            near[rows] = within.any(axis=1)
            ahead[rows] = within[:, mid - lo:].any(axis=1)
        return near, ahead

    def release(self, actor_id: str) -> None:
        """Stop managing an actor (a walker the ego knocked down): never removed, replaced in the pool."""
        self.vehicles.pop(actor_id, None)
        self.pedestrians.pop(actor_id, None)

    def keep_off(self, edge_ids: List[str]) -> None:
        """No new background car starts on, or heads for, these edges (a scenario's own flow lanes)."""
        self._v_open &= ~np.isin(self._v_edges, list(edge_ids))

    def _around_ego(self, xy: np.ndarray, factor: float) -> np.ndarray:
        """(N,) bool: points within factor · spawn radius of the ego."""
        d = xy - self._ego_xy
        return (d * d).sum(axis=1) <= (factor * self.radius) ** 2

    def _candidates(self, xy: np.ndarray, near: np.ndarray, ego_xy: np.ndarray, initial: bool,
                    vehicles: bool) -> np.ndarray:
        """Indices of spawn points in the region: at the start off the ego's next 30 m (and, for cars, off its
        tail), later ahead of the ego beyond the respawn distance (never where `_far` would drop them again)."""
        ok = near.copy()
        if initial:
            ahead = (self._route_s >= self._ego_s - EGO_CLEAR_BEHIND_M) & \
                (self._route_s <= self._ego_s + EGO_CLEAR_ROUTE_M)
            ok &= _min_distance(xy, np.vstack([self._route_xy[ahead], ego_xy[None]])) > EGO_CLEAR_SIDE_M
            if vehicles:
                ok &= ~self._on_ego_tail(ego_xy)
        else:
            d = xy - ego_xy
            ok &= ((d * d).sum(axis=1) >= MIN_RESPAWN_DISTANCE_M ** 2) & (d @ self._route_dir >= 0.0)
        return np.flatnonzero(ok)

    def _on_ego_tail(self, ego_xy: np.ndarray) -> np.ndarray:
        """(N,) bool: car spawn points behind the ego on lanes heading its way (within 60°), closer than a car
        at the lane's speed needs to stop for it."""
        d = self._v_xy - ego_xy
        dist = np.sqrt((d * d).sum(axis=1))
        tail = np.zeros(len(d), dtype=bool)
        for i in np.flatnonzero((dist < self._tail_reach_m) & (d @ self._route_dir < 0.0)):
            lane = self.town.lanes[self._v_lanes[i]]
            yaw = math.radians(lane.pose_at(float(self._v_s[i]))[2])
            heading_its_way = math.cos(yaw) * self._route_dir[0] + math.sin(yaw) * self._route_dir[1] > 0.5
            tail[i] = heading_its_way and dist[i] < lane.speed_mps ** 2 / (2.0 * TAIL_DECEL_MPS2) + EGO_CLEAR_TAIL_M
        return tail

    # --- spawning ----------------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def _random_edge(self, lanes: List[str], near: np.ndarray, exclude: str) -> str | None:
        """A destination: the edge of a random spawn point in the region (None if it is `exclude`)."""
        idx = np.flatnonzero(near)
        if len(idx) == 0:
            return None
        edge = self.town.lanes[lanes[int(self.rng.choice(idx))]].edge_id
        return None if edge == exclude else edge

    def trip_from(self, edge_id: str) -> List[str]:
        """Edges from `edge_id` to a random destination near the route (just `edge_id` if none is reachable)."""
        dest = self._random_edge(self._v_lanes, self._v_near, edge_id)
        edges = list(self.ls.simulation.findRoute(edge_id, dest).edges) if dest else []
        return edges or [edge_id]

    def _walk_from(self, edge_id: str, pos_m: float) -> list:
        """Walking stages from `edge_id` to a random sidewalk near the route ([] if none is reachable)."""
        dest = self._random_edge(self._p_lanes, self._p_near, edge_id)
        return list(self.ls.simulation.findIntermodalRoute(edge_id, dest, departPos=pos_m)) if dest else []

    def _add_vehicle(self, point: int) -> bool:
        lane = self.town.lanes[self._v_lanes[point]]
        edges = self.trip_from(lane.edge_id)
        vid = self._new_id("bg_v")
        type_id = BACKGROUND_CARS[int(self.rng.integers(len(BACKGROUND_CARS)))]
        self.ls.route.add(f"{vid}_route", edges)
        self.ls.vehicle.add(vid, f"{vid}_route", typeID=type_id, departLane=str(lane.index),
                            departPos=f"{self._v_s[point]:.2f}", departSpeed="max")
        self.vehicles[vid] = self._round
        return True

    def _add_pedestrian(self, point: int) -> bool:
        lane = self.town.lanes[self._p_lanes[point]]
        stages = self._walk_from(lane.edge_id, float(self._p_s[point]))
        if not stages:
            return False
        pid = self._new_id("bg_p")
        walker = WALKER_TYPES[int(self.rng.integers(len(WALKER_TYPES)))]
        self.ls.person.add(pid, lane.edge_id, float(self._p_s[point]), typeID=walker.type_id)
        for stage in stages:
            self.ls.person.appendStage(pid, stage)
        self.pedestrians[pid] = list(stages[-1].edges)
        return True

    def _fill(self, ego_xy: np.ndarray, initial: bool) -> None:
        """Top up both pools: along the route at the start, then near the route ahead of the ego."""
        for xy, near, target, pool, add, vehicles in (
                (self._v_xy, self._v_near if initial else self._v_ahead, self.n_vehicles, self.vehicles,
                 self._add_vehicle, True),
                (self._p_xy, self._p_near if initial else self._p_ahead, self.n_pedestrians, self.pedestrians,
                 self._add_pedestrian, False)):
            missing = target - len(pool)
            if missing <= 0:
                continue
            for point in self.rng.permutation(self._candidates(xy, near, ego_xy, initial, vehicles)):
                missing -= add(int(point))
                if missing == 0:
                    break

    def populate(self, ego_xy: Tuple[float, float]) -> None:
        """Initial demand along the route (the ego's next 30 m kept clear)."""
        ego = np.asarray(ego_xy, dtype=np.float64)
        self._update_region(ego)
        self._fill(ego, initial=True)

    # --- upkeep ------------------------------------------------------------------------------------

    def maintain(self, ego_xy: Tuple[float, float]) -> List[str]:
        """Once a second: drop lost, distant or stalled actors, extend trips about to end, refill near the
        ego. Returns the ids removed from SUMO (still in this step's subscription results)."""
        ls, ego = self.ls, np.asarray(ego_xy, dtype=np.float64)
        self._update_region(ego)
        self._round += 1
        removed = self._drop_stalled()
        running = set(ls.vehicle.getIDList())
        pending = set(ls.simulation.getPendingVehicles())
        for vid in [v for v in self.vehicles if v not in running]:
            if vid in pending:
                if self._round - self.vehicles[vid] < PENDING_ROUNDS:
                    continue
                ls.vehicle.remove(vid)              # its spawn point stayed blocked: try elsewhere
            del self.vehicles[vid]
        ids = [v for v in self.vehicles if v in running]
        for vid, far in zip(ids, self._far([ls.vehicle.getPosition(v) for v in ids])):
            if far:
                ls.vehicle.remove(vid)
                del self.vehicles[vid]
                removed.append(vid)
            elif ls.vehicle.getRouteIndex(vid) >= len(ls.vehicle.getRoute(vid)) - 2:
                self._extend_trip(vid)
        persons = set(ls.person.getIDList())
        for pid in [p for p in self.pedestrians if p not in persons]:
            del self.pedestrians[pid]
        ids = list(self.pedestrians)
        for pid, far in zip(ids, self._far([ls.person.getPosition(p) for p in ids])):
            if far:
                ls.person.removeStages(pid)
                del self.pedestrians[pid]
                removed.append(pid)
            elif ls.person.getRoadID(pid) == self.pedestrians[pid][-1]:
                self._extend_walk(pid)
        self._fill(ego, initial=False)
        return removed

    def _drop_stalled(self) -> List[str]:
        """Remove background actors stuck in SUMO's junction deadlocks, which never resolve on their own:
        a car inside a junction waits for walkers about to cross while the walkers wait for that car to
        clear the crossing; queues and stop-sign traffic then wait behind both (and the ego behind them).
        Cars that may be queued at a red light are left alone."""
        ls, removed = self.ls, []
        running = set(ls.vehicle.getIDList())
        for vid in [v for v in self.vehicles if v in running]:
            if ls.vehicle.getAccumulatedWaitingTime(vid) >= VEHICLE_STALL_S:
                tls = ls.vehicle.getNextTLS(vid)
                if not tls or tls[0][2] > RED_LIGHT_QUEUE_M or tls[0][3] not in _RED_STATES:
                    ls.vehicle.remove(vid)
                    del self.vehicles[vid]
                    removed.append(vid)
        persons = set(ls.person.getIDList())
        for pid in [p for p in self.pedestrians if p in persons]:
            if ls.person.getWaitingTime(pid) >= PEDESTRIAN_STALL_S:
                ls.person.removeStages(pid)
                del self.pedestrians[pid]
                removed.append(pid)
        return removed

    def _far(self, sumo_xy: List[Tuple[float, float]]) -> np.ndarray:
        """(N,) bool: SUMO positions the ego has left behind: beyond `FAR_RADIUS_FACTOR` spawn radii, or behind
        it (along the route) beyond the respawn distance, so the pool is spent on the road ahead."""
        if not sumo_xy:
            return np.zeros(0, dtype=bool)
        xy = sumo_to_carla_xy(np.asarray(sumo_xy, dtype=np.float64))
        d = xy - self._ego_xy
        behind = (d @ self._route_dir < 0.0) & ((d * d).sum(axis=1) > MIN_RESPAWN_DISTANCE_M ** 2)
        return behind | ~self._around_ego(xy, FAR_RADIUS_FACTOR)

    def _extend_trip(self, vid: str) -> None:
        """Give a background car a new destination before it reaches the end of its route."""
        dest = self._random_edge(self._v_lanes, self._v_near, self.ls.vehicle.getRoute(vid)[-1])
        if dest is None:
            return
        try:
            self.ls.vehicle.changeTarget(vid, dest)
        except self.ls.TraCIException:
            pass  # unreachable from here: another destination next second

    def _extend_walk(self, pid: str) -> None:
        """Append another walk to a background pedestrian on the last edge of its current one."""
        stages = self._walk_from(self.pedestrians[pid][-1], 0.0)
        for stage in stages:
            self.ls.person.appendStage(pid, stage)
        if stages:
            self.pedestrians[pid] = list(stages[-1].edges)
