"""SUMO state → the parts of a `Scene` SUMO knows: actors near the ego, light states, stop signs.

One context subscription on the ego returns every vehicle and person around it in a single call
(libsumo, no per-actor getters), and the light/stop-sign geometry is precomputed once per town, so
building a scene costs a few microseconds per actor.
"""
from __future__ import annotations

from types import ModuleType
from typing import Dict, List, Mapping, Tuple

import numpy as np

from wpt_core.polyline import end_heading_deg, right_vector
from wpt_core.sim.town.frames import sumo_front_to_carla_centre
from wpt_core.types import Actor, ActorKind, LightState, StopSign, TrafficLight
from wpt_core.sim.world.actor_types import CATALOGUE, ActorType

LIGHT_RADIUS_M = 80.0
LIGHT_HEAD_Z_M = 3.0
SIGN_Z_M = 2.0
HEAD_RIGHT_OFFSET_M = 1.0
_LIGHT_STATE = {"r": LightState.RED, "R": LightState.RED, "u": LightState.RED, "s": LightState.RED,
                "y": LightState.YELLOW, "Y": LightState.YELLOW,
                "g": LightState.GREEN, "G": LightState.GREEN, "o": LightState.OFF, "O": LightState.OFF}
_KIND_OF_CLASS = {"pedestrian": ActorKind.WALKER, "bicycle": ActorKind.BICYCLE}


def light_state(char: str) -> LightState:
    """One character of SUMO's red/yellow/green state string as a CARLA light state."""
    return _LIGHT_STATE.get(char, LightState.OFF)


def _approach_geometry(town, lane_id: str, stop_line) -> Tuple[float, float, float]:
    """(yaw of the lane at its end, x, y of the point 1 m right of the stop line's right end)."""
    yaw = end_heading_deg(town.lanes[lane_id].shape_xy)
    rx, ry = stop_line[1]
    right = right_vector(yaw)
    return yaw, rx + HEAD_RIGHT_OFFSET_M * right[0], ry + HEAD_RIGHT_OFFSET_M * right[1]


class SceneBuilder:
    """Reads one SUMO step into actors, traffic lights and stop signs (CARLA frame, box centres)."""

    def __init__(self, ls: ModuleType, town, scene_radius_m: float) -> None:
        self.ls, self.radius = ls, scene_radius_m
        self._types: Dict[str, ActorType] = dict(CATALOGUE)
        self._lights = []
        for tls_id, index, lane_id, stop_line in town.traffic_light_approaches():
            yaw, hx, hy = _approach_geometry(town, lane_id, stop_line)
            self._lights.append((tls_id, index, lane_id, _as_line(stop_line), yaw, (hx, hy, LIGHT_HEAD_Z_M)))
        self._light_xy = np.array([_mid(l[3]) for l in self._lights]).reshape(-1, 2)
        self._light_objects: Dict[Tuple[int, str], TrafficLight] = {}
        self._signs = []
        for junction_id, lane_id, stop_line in town.stop_approaches():
            yaw, hx, hy = _approach_geometry(town, lane_id, stop_line)
            self._signs.append(StopSign(id=f"{junction_id}:{lane_id}", lane_id=lane_id, stop_line=_as_line(stop_line),
                                        yaw_deg=yaw, sign_xyz=(hx, hy, SIGN_Z_M)))
        self._sign_xy = np.array([_mid(s.stop_line) for s in self._signs]).reshape(-1, 2)

    def subscribe(self, ego_id: str) -> None:
        """Context subscription on the ego: vehicles and persons within the scene radius (+ margin)."""
        ls = self.ls
        variables = [ls.VAR_POSITION, ls.VAR_ANGLE, ls.VAR_SPEED, ls.VAR_TYPE, ls.VAR_LANE_ID]
        for domain in (ls.CMD_GET_VEHICLE_VARIABLE, ls.CMD_GET_PERSON_VARIABLE):
            ls.vehicle.subscribeContext(ego_id, domain, self.radius + 10.0, variables)

    def actor_type(self, type_id: str) -> ActorType:
        """Catalogue entry, or one read once from SUMO for a vType defined elsewhere.

        SUMO gives a vehicle a private type copy (`<type>@<vehicle>`) when one of its type parameters is
        changed (e.g. `setMaxSpeed`); the copy disappears with the vehicle, so the base type is read.
        """
        t = self._types.get(type_id)
        if t is None:
            base = type_id.split("@", 1)[0]
            t = self._types.get(base)
            if t is None:
                vt = self.ls.vehicletype
                kind = _KIND_OF_CLASS.get(vt.getVehicleClass(base), ActorKind.VEHICLE)
                t = ActorType(base, kind, vt.getLength(base), vt.getWidth(base), vt.getHeight(base),
                              vt.getVehicleClass(base) == "emergency")
            self._types[type_id] = t
        return t

    def actors(self, ego_id: str, ego_xy: Tuple[float, float], skip: Mapping[str, object],
               roles: Mapping[str, str], emergency: Mapping[str, object]) -> List[Actor]:
        """SUMO-driven actors within the scene radius of the ego's box centre (ids in `skip` left out)."""
        ls = self.ls
        results = ls.vehicle.getContextSubscriptionResults(ego_id)
        k_pos, k_ang, k_spd, k_typ, k_lane = (ls.VAR_POSITION, ls.VAR_ANGLE, ls.VAR_SPEED, ls.VAR_TYPE,
                                              ls.VAR_LANE_ID)
        ex, ey = ego_xy
        r2 = self.radius * self.radius
        types, out = self._types, []
        for aid, v in results.items():
            if aid == ego_id or aid in skip:
                continue
            t = types.get(v[k_typ]) or self.actor_type(v[k_typ])
            sx, sy = v[k_pos]
            x, y, yaw = sumo_front_to_carla_centre(sx, sy, v[k_ang], t.length_m)
            if (x - ex) ** 2 + (y - ey) ** 2 > r2:
                continue
            out.append(Actor(id=aid, kind=t.kind, x_m=x, y_m=y, yaw_deg=yaw,
                             speed_mps=v[k_spd], length_m=t.length_m, width_m=t.width_m, height_m=t.height_m,
                             type_id=t.type_id, is_emergency=t.is_emergency or aid in emergency,
                             role=roles.get(aid, "background"), lane_id=v[k_lane]))
        return out

    def traffic_lights(self, ego_xy: Tuple[float, float]) -> List[TrafficLight]:
        """Every signalised approach whose stop line is within LIGHT_RADIUS_M, in its current state."""
        if not self._lights:
            return []
        near = np.flatnonzero(np.hypot(self._light_xy[:, 0] - ego_xy[0], self._light_xy[:, 1] - ego_xy[1])
                              <= LIGHT_RADIUS_M)
        states: Dict[str, str] = {}
        out = []
        for i in near:
            tls_id, index, lane_id, line, yaw, head = self._lights[i]
            state = states.get(tls_id)
            if state is None:
                state = states[tls_id] = self.ls.trafficlight.getRedYellowGreenState(tls_id)
            key = (i, state[index])
            light = self._light_objects.get(key)
            if light is None:       # one object per approach and state: a scene holds only shared, unchanged lights
                light = self._light_objects[key] = TrafficLight(
                    id=f"{tls_id}:{index}", state=light_state(state[index]), lane_id=lane_id, stop_line=line,
                    yaw_deg=yaw, head_xyz=head)
            out.append(light)
        return out

    def stop_signs(self, ego_xy: Tuple[float, float]) -> List[StopSign]:
        """Stop-controlled approaches whose stop line is within LIGHT_RADIUS_M."""
        if not self._signs:
            return []
        d = np.hypot(self._sign_xy[:, 0] - ego_xy[0], self._sign_xy[:, 1] - ego_xy[1])
        return [self._signs[i] for i in np.flatnonzero(d <= LIGHT_RADIUS_M)]


def _as_line(stop_line) -> Tuple[Tuple[float, float], Tuple[float, float]]:
    (lx, ly), (rx, ry) = stop_line
    return (float(lx), float(ly)), (float(rx), float(ry))


def _mid(line) -> Tuple[float, float]:
    (lx, ly), (rx, ry) = line
    return (lx + rx) / 2.0, (ly + ry) / 2.0
