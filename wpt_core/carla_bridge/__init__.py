"""The only code that talks to a CARLA server: CARLA actors, lights, stop signs and map → the simulator-agnostic Scene. `carla` is imported lazily."""
