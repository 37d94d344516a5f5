"""Bench2Drive's depth encoding: CARLA's 24-bit depth → metres → uint8 PNG (rounded, saturated at 255)."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from wpt_core.data.depth import carla_depth_to_metres, decode_depth, depth_png_values, encode_depth_png


def test_carla_depth_bytes_decode_like_convert_depth():
    # 10 m → code round(10 / 1000 · (2²⁴ − 1)) = 167772 = 2·65536 + 143·256 + 92 → B 2, G 143, R 92
    bgra = np.array([[[2, 143, 92, 255], [0, 0, 0, 255], [255, 255, 255, 255]]], dtype=np.uint8)
    metres = carla_depth_to_metres(bgra)
    assert metres[0] == pytest.approx([167772 / 16777215 * 1000, 0.0, 1000.0])


def test_png_values_are_whole_metres_saturated_at_255():
    depth = np.array([[0.0, 0.4, 12.4, 12.6, 254.4, 254.6, 300.0, 5000.0, np.nan, -1.0]])
    assert depth_png_values(depth).tolist() == [[0, 0, 12, 13, 254, 255, 255, 255, 255, 255]]


def test_png_is_8bit_grayscale_and_decodes_to_metres(tmp_path):
    depth = np.array([[3.2, 7.0, 1000.0], [45.5001, 0.0, 99.9]])
    data = encode_depth_png(depth)
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "PNG" and img.mode == "L" and img.size == (3, 2)
    path = tmp_path / "00000.png"
    path.write_bytes(data)
    decoded = decode_depth(path)
    assert decoded.dtype == np.float32 and decoded.tolist() == [[3.0, 7.0, 255.0], [46.0, 0.0, 100.0]]
    # what cv2.imread gives the converter: three equal channels; channel 0 is the depth
    rgb = np.repeat(np.asarray(Image.open(path))[..., None], 3, axis=2)
    assert decode_depth(rgb).tolist() == decoded.tolist()


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="uint8"):
        decode_depth(np.zeros((2, 2), np.float32))
    with pytest.raises(ValueError, match="BGR"):
        carla_depth_to_metres(np.zeros((2, 2), np.uint8))
    with pytest.raises(ValueError, match="H, W"):
        depth_png_values(np.zeros((2, 2, 3)))
