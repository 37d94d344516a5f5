"""The agent's `sensors()`: the policy's cameras at the clips' recording size, LIDAR_TOP, IMU, GPS, SPEED.

Mounts are the Bench2Drive rig's (`data.rig`), so the images come from where the training images came from.
LIDAR_TOP is always mounted, even for a camera-only policy: the creep rule looks for obstacles with it.
"""
from __future__ import annotations

from typing import Any, Dict, List

from wpt_core.data import rig
from wpt_core.data.data_config import SensorConfig
from wpt_core.deploy.agent_config import CameraConfig


def sensor_specs(sensors: SensorConfig, camera: CameraConfig) -> List[Dict[str, Any]]:
    specs = rig.bench2drive_rig_specs(camera.width, camera.height, lidar=True)
    return [s for s in specs if s["type"] != "sensor.camera.rgb" or s["id"] in sensors.cameras]
