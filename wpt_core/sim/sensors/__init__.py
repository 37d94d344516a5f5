"""Sensors of the embedded simulator, delivered as the CARLA leaderboard delivers them.

`SensorSuite(specs, ground)` (`suite.py`) validates an agent's `sensors()` list with the leaderboard's
rules (`spec.py`) and reads every sensor per tick from a `Scene`: RGB cameras (`camera.py`), ray-cast
LiDAR (`lidar.py`), radar (`radar.py`), GNSS/IMU/speedometer (`gnss_imu.py`), all cast against one box
model of the scene (`scene_boxes.py`, `raycast.py`); `sensor_bench.py` measures the cost per frame. The
Bench2Drive rig itself is `wpt_core.data.rig`. No SUMO import here.
"""
