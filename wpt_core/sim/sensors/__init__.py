"""Sensors of the embedded simulator, delivered as the CARLA leaderboard delivers them.

`SensorSuite(specs, ground)` validates an agent's `sensors()` list with the leaderboard's rules
(`spec.py`) and reads every sensor per tick from a `Scene`: RGB cameras (`camera.py`), ray-cast LiDAR
(`lidar.py`), radar (`radar.py`), GNSS/IMU/speedometer (`gnss_imu.py`). `rig.py` serves the Bench2Drive
rig and its calibration matrices; `benchmark.py` measures the cost per frame. No SUMO import here.
"""
from wpt_core.sim.sensors.rig import bench2drive_rig
from wpt_core.sim.sensors.spec import SensorConfigurationInvalid, validate_sensor_specs
from wpt_core.sim.sensors.suite import SensorSuite

__all__ = ["SensorSuite", "SensorConfigurationInvalid", "validate_sensor_specs", "bench2drive_rig"]
