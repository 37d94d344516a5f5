"""Writer → reader round trip, completion marker, resume after a crash."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from data_helpers import smooth_image, write_clip
from wpt_core.data import clip_layout as L
from wpt_core.data.clip_reader import ClipReader, IncompleteClipError
from wpt_core.data.clip_writer import ClipWriter


def test_round_trip_images_lidar_anno(tmp_path):
    clip = tmp_path / L.clip_name("ParkedObstacle", "Town01", 1, 3)
    write_clip(clip, 3)
    reader = ClipReader(clip)
    assert reader.indices == [0, 1, 2] and reader.cameras == ["CAM_BACK", "CAM_FRONT"]
    frame = reader.frame(1)
    expected_rgb = smooth_image(36, 64, 1)[:, :, 2::-1].astype(float)
    assert frame.images["CAM_FRONT"].shape == (36, 64, 3)
    assert np.abs(frame.images["CAM_FRONT"].astype(float) - expected_rgb).mean() < 6.0   # JPEG quality 20
    lidar = np.random.default_rng(1).uniform(-20, 20, (100, 4)).clip(0, 1)
    assert frame.lidar.shape == (100, 4) and frame.lidar.dtype == np.float32
    assert np.abs(frame.lidar[:, :3] - lidar[:, :3]).max() <= 0.0006
    assert np.abs(frame.lidar[:, 3] - lidar[:, 3]).max() < 1e-4
    assert frame.anno["x"] == pytest.approx(0.5)
    assert frame.calibration["CAM_FRONT"]["intrinsic"].shape == (3, 3)
    assert (clip / "camera" / "rgb_front" / "00001.jpg").is_file()
    assert not list(clip.rglob("*.tmp"))


def test_jpeg_quality_is_bench2drives_20_by_default_and_configurable(tmp_path):
    # libjpeg scales its base tables by 5000/q %: the luminance DC step 16 becomes (16·250 + 50) // 100 = 40 at
    # quality 20 and (16·20 + 50) // 100 = 3 at quality 90
    write_clip(tmp_path / "q20", 1)
    q90 = ClipWriter(tmp_path / "q90", {}, jpeg_quality=90)
    q90.write_frame(0, {}, {"CAM_FRONT": smooth_image(36, 64, 0)}, None)
    q90.close()
    with Image.open(tmp_path / "q20" / "camera" / "rgb_front" / "00000.jpg") as img:
        assert img.quantization[0][0] == 40
    with Image.open(tmp_path / "q90" / "camera" / "rgb_front" / "00000.jpg") as img:
        assert img.quantization[0][0] == 3


def test_depth_and_expert_assessment_files_follow_bench2drives_names(tmp_path):
    writer = ClipWriter(tmp_path / "c", {})
    depth = np.full((4, 6), 12.3)
    for i in range(2):
        writer.write_frame(i, {"x": float(i)}, {}, None, depth_m={"CAM_FRONT": depth, "CAM_BACK": depth + i},
                           expert_assessment=b"npz-bytes-%d" % i)
    writer.close()
    # frame k's assessment is named k − 1: frame 0 → -0001.npz (B2D's writer and converter agree on it)
    assert sorted(p.name for p in (tmp_path / "c" / "expert_assessment").iterdir()) == ["-0001.npz", "00000.npz"]
    assert (tmp_path / "c" / "expert_assessment" / "00000.npz").read_bytes() == b"npz-bytes-1"
    assert (tmp_path / "c" / "camera" / "depth_back" / "00001.png").is_file()
    del writer
    resumed = ClipWriter(tmp_path / "c", {}, resume=True)    # the assessments of kept frames survive recovery
    assert resumed.next_index == 2 and (tmp_path / "c" / "expert_assessment" / "-0001.npz").is_file()
    writer = ClipWriter(tmp_path / "c", {})
    assert not (tmp_path / "c" / "expert_assessment").exists()


def test_incomplete_clip_is_refused_unless_asked(tmp_path):
    clip = tmp_path / "c"
    write_clip(clip, 2, finish=False)
    with pytest.raises(IncompleteClipError):
        ClipReader(clip)
    assert len(ClipReader(clip, allow_incomplete=True)) == 2


def test_finish_writes_results_then_marker(tmp_path):
    clip = tmp_path / "c"
    write_clip(clip, 2, score=55.0)
    reader = ClipReader(clip)
    assert reader.results()["scores"]["score_composed"] == 55.0
    assert reader.meta["status"] == "complete" and reader.meta["num_frames"] == 2
    assert reader.meta["frame_rate_hz"] == 10.0


def test_resume_drops_partial_frame_and_continues(tmp_path):
    clip = tmp_path / "c"
    writer = write_clip(clip, 3, finish=False)
    # a crash in the middle of frame 3: one image and a stray tmp file, no annotation
    (clip / "camera" / "rgb_front" / "00003.jpg").write_bytes(b"partial")
    (clip / "lidar" / "00003.laz.tmp").write_bytes(b"junk")
    del writer
    (clip / "meta.json.tmp").write_text("{")
    resumed = ClipWriter(clip, {"attempt": 2}, resume=True)
    assert resumed.next_index == 3
    assert resumed.meta["town"] == "Town01" and resumed.meta["attempt"] == 2  # the first attempt's meta is kept
    assert not (clip / "camera" / "rgb_front" / "00003.jpg").exists()
    assert not list(clip.rglob("*.tmp"))
    anno = ClipReader(clip, allow_incomplete=True).anno(2)
    for i in (3, 4):
        resumed.write_frame(i, anno, {"CAM_FRONT": smooth_image(36, 64, i)}, None)
    resumed.finish({"scores": {"score_composed": 10.0}})
    reader = ClipReader(clip)
    assert reader.indices == [0, 1, 2, 3, 4]
    assert reader.frame(4).images["CAM_FRONT"].shape == (36, 64, 3)


def test_frames_are_written_in_order_by_the_background_thread_and_its_errors_surface(tmp_path):
    writer = ClipWriter(tmp_path / "c", {})
    for i in range(6):
        writer.write_frame(i, {"x": float(i)}, {"CAM_FRONT": smooth_image(36, 64, i)}, None)
    writer.flush()
    reader = ClipReader(tmp_path / "c", allow_incomplete=True)
    assert reader.indices == list(range(6)) and [reader.anno(i)["x"] for i in range(6)] == [float(i) for i in range(6)]
    writer.write_frame(6, {"x": 6.0}, {"CAM_FRONT": np.zeros((4, 4), np.uint8)}, None)   # not a BGRA image
    with pytest.raises(RuntimeError, match="writing a frame failed: camera image must be uint8"):
        writer.flush()
    assert not (tmp_path / "c" / "anno" / "00006.json.gz").exists()       # the failed frame was not committed
    with pytest.raises(RuntimeError, match="writing a frame failed"):
        writer.finish({"status": "Completed"})                              # never completed with a frame lost
    assert not L.is_complete(tmp_path / "c")
    assert ClipReader(tmp_path / "c", allow_incomplete=True).indices == list(range(6))


def test_frames_must_be_written_in_order_and_restart_clears(tmp_path):
    clip = tmp_path / "c"
    writer = write_clip(clip, 2, finish=False)
    with pytest.raises(ValueError):
        writer.write_frame(5, {}, {}, None)
    fresh = ClipWriter(clip, {"route_id": "1"}, resume=False)
    assert fresh.next_index == 0
    assert not list(clip.glob("anno/*.json.gz")) and not list(clip.glob("camera/*/*.jpg"))


def test_resume_of_complete_clip_is_an_error(tmp_path):
    clip = tmp_path / "c"
    write_clip(clip, 1)
    with pytest.raises(FileExistsError):
        ClipWriter(clip, {}, resume=True)


def test_clip_names():
    assert L.clip_name("Accident", "Town03", 1711, 2) == "Accident_Town03_Route1711_Weather2"
    # the converter keeps only folders with "Town" in the name and reads the town from the second field
    assert L.clip_name("Accident", "EmbeddedGrid", 4, 0) == "Accident_TownEmbeddedGrid_Route4_Weather0"
    assert L.parse_clip_name("Accident_TownEmbeddedGrid_Route4_Weather0").town == "TownEmbeddedGrid"
    parsed = L.parse_clip_name("AccidentTwoWays_Town12_Route1102_Weather10")
    assert (parsed.scenario_type, parsed.town, parsed.route_id, parsed.weather_id) == \
        ("AccidentTwoWays", "Town12", "1102", "10")
    saved = L.parse_save_name("RouteScenario_1711_rep0_Town12_ParkingCutIn_1_3_11_24_17_31_40")
    assert (saved.scenario_type, saved.town, saved.route_id, saved.weather_id) == ("ParkingCutIn", "Town12", "1711", "3")
    assert L.camera_folder("CAM_BACK_LEFT") == "rgb_back_left" and L.camera_from_folder("rgb_back_left") == "CAM_BACK_LEFT"
    # the public clips' top-down debug camera is the sensor TOP_DOWN (no CAM_ prefix)
    assert L.camera_from_folder("rgb_top_down") == "TOP_DOWN" and L.camera_folder("TOP_DOWN") == "rgb_top_down"
    assert L.depth_folder("CAM_FRONT_RIGHT") == "depth_front_right"
