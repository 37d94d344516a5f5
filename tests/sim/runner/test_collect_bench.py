"""`wpt bench collect`: every stage of a recorded frame is reported, and the stages add up to at most the total."""
import json
from pathlib import Path

from wpt_core.cli import main
from wpt_core.data import rig

REPO = Path(__file__).resolve().parents[3]
SMOKE = REPO / "leaderboard_configs" / "routes" / "embedded_smoke.xml"


def test_bench_collect_reports_cpu_per_frame_by_stage(capsys, caplog):
    assert main(["bench", "collect", "--routes", str(SMOKE), "--frames", "3", "--repeats", "2",
                 "--set", "recording.camera_width=96", "--set", "recording.camera_height=54"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["frames"] == 3 and report["repeats"] == 2 and report["camera"] == "96x54"
    median = report["median_ms"]
    stages = {f"sensor.{name}" for name in rig.CAMERA_NAMES} | {
        "sensor.LIDAR_TOP", "sensor.IMU", "sensor.GPS", "sensor.SPEED", "sensor.boxes", "record.annotation",
        "record.depth_lidar_frames", "write.jpeg", "write.depth_png", "write.laz", "write.anno_json_gz"}
    assert set(median) == stages | {"total_ms", "sim_and_agent_ms"}
    assert all(median[k] > 0 for k in stages)
    # the stages are parts of the process's CPU: what is left (world ticks, the expert) is positive
    assert median["sim_and_agent_ms"] > 0
    assert report["min_ms"]["total_ms"] <= median["total_ms"] <= report["max_ms"]["total_ms"]
    # stopping the route after its frames is not a crash: nothing is logged as one
    assert not [r for r in caplog.records if "crashed" in r.getMessage()]
