"""Privileged rule-based planner: Scene + dense route → trajectory + control."""
from wpt_core.expert.expert import Expert, ExpertConfig, ExpertOutput

__all__ = ["Expert", "ExpertConfig", "ExpertOutput"]
