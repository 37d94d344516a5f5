"""carla_bridge."""
