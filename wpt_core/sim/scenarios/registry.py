"""Scenario types by their Bench2Drive names, and the factory the route runner uses."""
from __future__ import annotations

from typing import Dict, Type

from wpt_core.leaderboard.route_file import ScenarioSpec
from wpt_core.sim.scenarios.actor_flows import (EnterActorFlow, EnterActorFlowV2, HighwayExit,
                                                 InterurbanActorFlow, InterurbanAdvancedActorFlow, MergerIntoSlowTraffic,
                                                 MergerIntoSlowTrafficV2)
from wpt_core.sim.scenarios.base import Scenario, ScenarioContext
from wpt_core.sim.scenarios.bicycle_flow import CrossingBicycleFlow
from wpt_core.sim.scenarios.blocked_intersection import BlockedIntersection
from wpt_core.sim.scenarios.control_loss import ControlLoss
from wpt_core.sim.scenarios.crossings import DynamicObjectCrossing, ParkingCrossingPedestrian, PedestrianCrossing
from wpt_core.sim.scenarios.cut_ins import ParkingCutIn, StaticCutIn
from wpt_core.sim.scenarios.drive_distance import SequentialLaneChange, T_Junction
from wpt_core.sim.scenarios.give_way import InvadingTurn, YieldToEmergencyVehicle
from wpt_core.sim.scenarios.hard_break import HardBreakRoute
from wpt_core.sim.scenarios.highway_cut_in import HighwayCutIn
from wpt_core.sim.scenarios.junction_conflicts import OppositeVehicleRunningRedLight, OppositeVehicleTakingPriority
from wpt_core.sim.scenarios.junction_flows import (NonSignalizedJunctionLeftTurn,
                                                   NonSignalizedJunctionLeftTurnEnterFlow,
                                                   NonSignalizedJunctionRightTurn, SignalizedJunctionLeftTurn,
                                                   SignalizedJunctionLeftTurnEnterFlow, SignalizedJunctionRightTurn)
from wpt_core.sim.scenarios.opens_door import VehicleOpensDoorTwoWays
from wpt_core.sim.scenarios.parking_exit import ParkingExit
from wpt_core.sim.scenarios.obstacles import (Accident, AccidentTwoWays, ConstructionObstacle,
                                              ConstructionObstacleTwoWays, HazardAtSideLane, HazardAtSideLaneTwoWays,
                                              ParkedObstacle, ParkedObstacleTwoWays)
from wpt_core.sim.scenarios.turning_crossings import VehicleTurningRoute, VehicleTurningRoutePedestrian
from wpt_core.sim.scenarios.vanilla_turns import (VanillaNonSignalizedTurn, VanillaNonSignalizedTurnEncounterStopsign,
                                                  VanillaSignalizedTurnEncounterGreenLight,
                                                  VanillaSignalizedTurnEncounterRedLight)

SCENARIO_TYPES: Dict[str, Type[Scenario]] = {cls.type_name: cls for cls in (
    # Overtaking
    ParkedObstacle, ParkedObstacleTwoWays, ConstructionObstacle, ConstructionObstacleTwoWays, Accident,
    AccidentTwoWays, HazardAtSideLane, HazardAtSideLaneTwoWays, VehicleOpensDoorTwoWays,
    # Emergency_Brake
    HardBreakRoute, ParkingCutIn, StaticCutIn, DynamicObjectCrossing, ParkingCrossingPedestrian, PedestrianCrossing,
    OppositeVehicleRunningRedLight, OppositeVehicleTakingPriority, VehicleTurningRoute,
    VehicleTurningRoutePedestrian, BlockedIntersection, ControlLoss,
    # Merging
    SignalizedJunctionLeftTurn, NonSignalizedJunctionLeftTurn, SignalizedJunctionLeftTurnEnterFlow,
    NonSignalizedJunctionLeftTurnEnterFlow, SignalizedJunctionRightTurn, NonSignalizedJunctionRightTurn,
    EnterActorFlow, EnterActorFlowV2, MergerIntoSlowTraffic, MergerIntoSlowTrafficV2, HighwayCutIn, HighwayExit,
    InterurbanActorFlow, InterurbanAdvancedActorFlow, CrossingBicycleFlow, SequentialLaneChange, ParkingExit,
    # Give_Way
    YieldToEmergencyVehicle, InvadingTurn,
    # Traffic_Signs
    T_Junction, VanillaNonSignalizedTurn, VanillaSignalizedTurnEncounterGreenLight,
    VanillaSignalizedTurnEncounterRedLight, VanillaNonSignalizedTurnEncounterStopsign)}


class UnknownScenarioType(KeyError):
    """A route names a scenario type the embedded simulator does not implement."""

    def __str__(self) -> str:
        return str(self.args[0])


def build_scenario(spec: ScenarioSpec, ctx: ScenarioContext) -> Scenario:
    """The scenario object for a route's `<scenario>` entry."""
    cls = SCENARIO_TYPES.get(spec.type)
    if cls is None:
        raise UnknownScenarioType(f"scenario '{spec.name}': unknown type {spec.type!r}; known types: "
                                  f"{', '.join(sorted(SCENARIO_TYPES))}")
    return cls(spec, ctx)
