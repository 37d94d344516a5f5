"""VehicleController / PID: signs, clamping, brake logic, creep."""
import numpy as np

from wpt_core.control import ControllerConfig, ControlTarget, PIDController, VehicleController
from wpt_core.control.vehicle_controller import aim_point, trajectory_speed
from wpt_core.types import Trajectory


def test_pid_windowed_integral_is_bounded():
    pid = PIDController(0.0, 1.0, 0.0, window=5)
    outs = [pid.step(2.0) for _ in range(50)]
    assert abs(outs[-1] - 2.0) < 1e-9   # mean of the window, not a growing sum


def test_steer_sign_left_target_is_negative():
    ctrl = VehicleController()
    c = ctrl.control(ControlTarget((5.0, -2.0), 5.0), 5.0)
    assert c.steer < 0.0
    ctrl = VehicleController()
    c = ctrl.control(ControlTarget((5.0, 2.0), 5.0), 5.0)
    assert c.steer > 0.0


def test_trajectory_to_the_left_steers_left():
    traj = Trajectory(np.array([[2.0, -0.5], [4.0, -1.5], [6.0, -3.0], [8.0, -5.0]]), 0.5)
    c = VehicleController().control(traj, 4.0)
    assert c.steer < 0.0


def test_outputs_clamped_and_never_throttle_and_brake():
    ctrl = VehicleController()
    rng = np.random.default_rng(0)
    for _ in range(300):
        aim = rng.uniform(-20, 20, size=2)
        c = ctrl.control(ControlTarget((float(aim[0]), float(aim[1])), float(rng.uniform(-2, 20))),
                         float(rng.uniform(0, 20)))
        assert 0.0 <= c.throttle <= 0.75 + 1e-9
        assert 0.0 <= c.brake <= 1.0 and -1.0 <= c.steer <= 1.0
        assert not (c.throttle > 0.0 and c.brake > 0.0)


def test_brake_rules():
    ctrl = VehicleController()
    c = ctrl.control(ControlTarget((5.0, 0.0), 0.2), 3.0)    # target below 0.4 m/s
    assert c.brake > 0.0 and c.throttle == 0.0
    ctrl = VehicleController()
    c = ctrl.control(ControlTarget((5.0, 0.0), 5.0), 6.0)    # 20 % over target
    assert c.brake > 0.0 and c.throttle == 0.0
    ctrl = VehicleController()
    c = ctrl.control(ControlTarget((5.0, 0.0), 5.0), 5.3)    # 6 % over: coast, no brake
    assert c.brake == 0.0
    ctrl = VehicleController()
    c = ctrl.control(ControlTarget((5.0, 0.0), 8.0), 2.0)    # well below target: full allowed throttle
    assert abs(c.throttle - 0.75) < 1e-9
    # a larger overspeed brakes harder (proportional, not bang-bang)
    b1 = VehicleController().control(ControlTarget((5.0, 0.0), 5.0), 6.0).brake
    b2 = VehicleController().control(ControlTarget((5.0, 0.0), 5.0), 9.0).brake
    assert b2 > b1


def test_aim_point_and_speed_of_trajectory():
    traj = Trajectory(np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0], [4.0, 0.0]]), 0.5)
    assert np.allclose(aim_point(traj, 2.5), [2.5, 0.0])
    assert np.allclose(aim_point(traj, 10.0), [4.0, 0.0])       # shorter than the aim distance: its end
    assert abs(trajectory_speed(traj) - 2.0) < 1e-9             # 1 m per 0.5 s
    traj.speed_mps = np.array([3.0, 3.0, 3.0, 3.0])
    assert trajectory_speed(traj) == 3.0


def test_creep_only_when_clear_and_stuck_long():
    cfg = ControllerConfig(creep_after_s=2.0, creep_duration_s=1.0, creep_speed_mps=1.5)
    ctrl = VehicleController(cfg)
    stop = ControlTarget((5.0, 0.0), 0.0)
    throttles = [ctrl.control(stop, 0.0, clear_ahead=False).throttle for _ in range(100)]
    assert max(throttles) == 0.0                                  # something in front: never creeps
    ctrl = VehicleController(cfg)
    throttles = [ctrl.control(stop, 0.0, clear_ahead=True).throttle for _ in range(50)]
    assert max(throttles[:39]) == 0.0 and max(throttles[40:]) > 0.0
    assert ctrl.creeping
    off = VehicleController(ControllerConfig(creep_enabled=False, creep_after_s=0.5))
    assert max(off.control(stop, 0.0).throttle for _ in range(100)) == 0.0
