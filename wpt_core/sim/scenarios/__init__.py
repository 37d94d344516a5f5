"""Bench2Drive scenario types for the embedded simulator (see SCENARIOS.md); no SUMO import at module level."""
