"""Trajectory → steer/throttle/brake (PID), shared by the expert and the learned agents."""
from wpt_core.control.pid import PIDController
from wpt_core.control.vehicle_controller import ControllerConfig, ControlTarget, VehicleController

__all__ = ["PIDController", "ControllerConfig", "ControlTarget", "VehicleController"]
