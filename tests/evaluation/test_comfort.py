"""B2D comfort on synthetic frames: bounds checked against hand-built signals."""
import numpy as np
from scipy import signal

from wpt_core.evaluation.comfort import chunk_is_comfortable, route_comfort, savgol


def frames(lon_acc, yaw_rate=None) -> dict:
    lon_acc = np.asarray(lon_acc, dtype=float)
    n = len(lon_acc)
    zeros = np.zeros((n, 3))
    acc = zeros.copy()
    acc[:, 0] = lon_acc
    ang = zeros.copy()
    if yaw_rate is not None:
        ang[:, 2] = yaw_rate
    return {"acceleration": acc, "angular_velocity": ang, "forward_vector": np.tile([1.0, 0.0, 0.0], (n, 1)),
            "right_vector": np.tile([0.0, 1.0, 0.0], (n, 1)), "location": zeros, "rotation": zeros}


def test_constant_velocity_is_fully_comfortable():
    assert route_comfort(frames(np.zeros(45))) == 1.0  # two full chunks, the last 5 frames dropped


def test_hard_braking_chunk_fails():
    acc = np.concatenate([np.zeros(20), np.full(20, -8.0)])  # -8 m/s² is beyond -4.05
    assert route_comfort(frames(acc)) == 0.5


def test_jerk_bound():
    def ramp(step):  # acceleration ramps by `step` per 0.1 s frame from -1.5 towards 1.5, then holds
        return np.clip(-1.5 + step * (np.arange(20) - 5), -1.5, 1.5)
    assert not chunk_is_comfortable(frames(ramp(0.5)))  # 5 m/s³ longitudinal jerk > 4.13
    assert chunk_is_comfortable(frames(ramp(0.2)))      # 2 m/s³


def test_yaw_rate_bound():
    assert not chunk_is_comfortable(frames(np.zeros(20), yaw_rate=np.full(20, 1.0)))
    assert chunk_is_comfortable(frames(np.zeros(20), yaw_rate=np.full(20, 0.5)))


def test_short_episode_is_one_chunk_and_tiny_is_none():
    assert route_comfort(frames(np.zeros(12))) == 1.0
    assert route_comfort(frames(np.full(12, 3.0))) == 0.0
    assert route_comfort(frames(np.zeros(2))) is None


def test_savgol_matches_scipy():
    y = np.random.default_rng(0).normal(size=20)
    for deriv in (0, 1):
        np.testing.assert_allclose(savgol(y, 7, 2, deriv=deriv, delta=0.1),
                                   signal.savgol_filter(y, 7, 2, deriv=deriv, delta=0.1), atol=1e-9)


def test_savgol_keeps_polynomials_of_its_order():
    t = np.arange(20) * 0.1
    y = 3.0 * t ** 2 - t + 2.0
    np.testing.assert_allclose(savgol(y, 7, 2), y, atol=1e-9)
    np.testing.assert_allclose(savgol(y, 7, 2, deriv=1, delta=0.1), 6.0 * t - 1.0, atol=1e-9)
