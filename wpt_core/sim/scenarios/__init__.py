"""Bench2Drive scenario types for the embedded simulator (see SCENARIOS.md); no SUMO import at module level."""
from wpt_core.sim.scenarios.base import Scenario, ScenarioContext, ScenarioManager
from wpt_core.sim.scenarios.registry import SCENARIO_TYPES, UnknownScenarioType, build_scenario

__all__ = ["SCENARIO_TYPES", "Scenario", "ScenarioContext", "ScenarioManager", "UnknownScenarioType", "build_scenario"]
