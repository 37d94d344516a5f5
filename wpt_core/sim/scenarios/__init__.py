"""Bench2Drive scenario types for the embedded simulator, under Bench2Drive's names.

`base.Scenario` is a scenario's life cycle, `manager.ScenarioManager` runs a route's scenarios,
`registry` maps type names to classes; the families live in their own modules (obstacles, cut_ins,
crossings, hard_break, junction_conflicts, junction_flows, vanilla_turns, give_way, blocked_intersection,
drive_distance), on shared helpers for placement,
scripted motion, flows, props and traffic-light forcing. No SUMO import at module level.
"""
