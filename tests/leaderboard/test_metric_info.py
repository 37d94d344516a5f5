import json

import numpy as np
import pytest

from wpt_core.evaluation.comfort import route_comfort
from wpt_core.leaderboard.metric_info import MetricInfoLogger, metric_frame, read_metric_info
from wpt_core.types import EgoState


def test_frame_rotates_ego_accelerations_into_the_world():
    # facing south (+y in CARLA): braking at 2 m/s² points north (-y); a left turn's lateral acc points east
    frame = metric_frame(EgoState(x_m=1.0, y_m=2.0, yaw_deg=90.0, speed_mps=5.0, accel_mps2=-2.0,
                                  lat_accel_mps2=-1.0, yaw_rate_dps=-10.0))
    assert np.allclose(frame["forward_vector"], [0.0, 1.0, 0.0], atol=1e-12)
    assert np.allclose(frame["right_vector"], [-1.0, 0.0, 0.0], atol=1e-12)
    assert np.allclose(frame["acceleration"], [1.0, -2.0, 0.0], atol=1e-12)
    assert frame["angular_velocity"][2] == -10.0 and frame["rotation"][2] == 90.0


def test_logger_writes_what_the_comfort_metric_reads(tmp_path):
    logger = MetricInfoLogger(tmp_path / "route_a")
    for step in range(60):   # constant speed straight east: perfectly comfortable
        logger.record(step, EgoState(x_m=step * 0.5, y_m=0.0, yaw_deg=0.0, speed_mps=5.0))
    path = logger.save()
    assert json.loads(path.read_text())["0"]["location"] == [0.0, 0.0, 0.0]
    assert route_comfort(read_metric_info(path)) == pytest.approx(1.0)
    assert MetricInfoLogger(None).save() is None
