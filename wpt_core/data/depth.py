"""Camera depth in Bench2Drive's encoding: `camera/depth_<view>/<frame:05d>.png`.

What the published PNGs hold, worked out from Bench2Drive's collector (tools/data_collect.py with
`convert_depth` in tools/utils.py):

1. CARLA's `sensor.camera.depth` encodes the depth along the camera's optical axis (planar depth, not
   the ray length), normalised by its 1000 m far plane, into 24 bits: d = (R + 256·G + 65536·B) / (2²⁴ − 1)
   · 1000 m. `convert_depth` computes exactly that from the B, G, R bytes (in float64: the byte weights
   promote its float16 input), giving metres in [0, 1000].
2. That float64 (H, W) array goes straight to `cv2.imwrite(..png)`. PNG stores only 8 or 16-bit unsigned
   integers, so OpenCV converts it to uint8 first: round to nearest (ties to even) and saturate.

So a public depth PNG is a single-channel uint8 image whose value is the depth **in whole metres**,
**saturated at 255**: 0–254 mean "that many metres ± 0.5", 255 means "254.5 m or farther" (sky included).
`cv2.imread` loads it as three equal channels (the converter takes channel 0). We write the same bytes
from the renderer's planar depth: clip to the 1000 m far plane, quantise to CARLA's 24-bit code, decode
as `convert_depth` does, round half to even, saturate at 255.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Union

import numpy as np
from PIL import Image

FAR_PLANE_M = 1000.0          # CARLA depth camera's far plane: the value of the sky
DEPTH_CODE_MAX = 256 ** 3 - 1  # 24-bit R, G, B code of CARLA's depth image
SATURATED_M = 255.0           # largest value a PNG holds: "this far or farther"
PNG_COMPRESS_LEVEL = 1        # OpenCV's default for PNG (fast; the images are small anyway)


def carla_depth_to_metres(image_bgr: np.ndarray) -> np.ndarray:
    """A CARLA depth image (H, W, 3|4) uint8 B, G, R[, A] → planar depth in metres (H, W) float64."""
    arr = np.asarray(image_bgr)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4) or arr.dtype != np.uint8:
        raise ValueError(f"CARLA depth image must be uint8 (H, W, 3|4) BGR(A), got {arr.dtype} {arr.shape}")
    code = arr[..., 0].astype(np.float64) * 65536.0 + arr[..., 1] * 256.0 + arr[..., 2]
    return code / DEPTH_CODE_MAX * FAR_PLANE_M


def depth_png_values(depth_m: np.ndarray) -> np.ndarray:
    """Planar depth (H, W) in metres → the uint8 pixel values of Bench2Drive's depth PNG.

    NaN or negative depth (no return) reads as the far plane, like CARLA's sky. Computed in float32 (as
    the GPU computes CARLA's code): the 24-bit code is exact there; only depths within ~1e-4 m of a
    half metre could round differently from a float64 evaluation.
    """
    d = np.array(depth_m, dtype=np.float32)
    if d.ndim != 2:
        raise ValueError(f"depth must be a (H, W) array in metres, got shape {d.shape}")
    if not np.all(d >= 0.0):                       # NaN fails the comparison too
        d[~(d >= 0.0)] = FAR_PLANE_M
    np.minimum(d, FAR_PLANE_M, out=d)
    d *= np.float32(DEPTH_CODE_MAX / FAR_PLANE_M)
    np.rint(d, out=d)                              # CARLA's 24-bit depth code
    d *= np.float32(FAR_PLANE_M / DEPTH_CODE_MAX)  # convert_depth
    np.rint(d, out=d)                              # cv2's uint8 conversion: round half to even …
    np.minimum(d, SATURATED_M, out=d)              # … and saturate
    return d.astype(np.uint8)


def encode_depth_png(depth_m: np.ndarray) -> bytes:
    """Planar depth (H, W) in metres → the bytes of a Bench2Drive depth PNG (8-bit grayscale)."""
    buf = io.BytesIO()
    Image.fromarray(depth_png_values(depth_m), mode="L").save(buf, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buf.getvalue()


def decode_depth(path_or_array: Union[str, Path, np.ndarray]) -> np.ndarray:
    """A depth PNG (path) or its pixel values ((H, W) or (H, W, C) uint8, channel 0 used, as the converter
    does) → depth in metres (H, W) float32; 255.0 means "254.5 m or farther"."""
    if isinstance(path_or_array, (str, Path)):
        with Image.open(path_or_array) as img:
            arr = np.asarray(img)
    else:
        arr = np.asarray(path_or_array)
    if arr.ndim == 3:
        arr = arr[..., 0]
    if arr.ndim != 2 or arr.dtype != np.uint8:
        raise ValueError(f"{path_or_array if isinstance(path_or_array, (str, Path)) else 'depth array'}: "
                         f"a depth PNG holds uint8 (H, W) values, got {arr.dtype} {arr.shape}")
    return arr.astype(np.float32)
