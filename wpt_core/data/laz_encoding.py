"""`encode_laz`: a clip's LiDAR sweep as LAZ bytes (LAS 1.2, point format 0, 1 mm grid, ego frame).

The file is laid out here — the 227-byte LAS 1.2 header, laszip's VLR, then lazrs's compressed points
— and holds exactly the bytes laspy's `LasWriter` writes for the same points on the same day (header
fields, bounds computed from the integer grid as laspy does, the chunk-table offset made absolute),
without laspy's per-file overhead (header deep copies, a return-number `np.unique`, scaled-array
setters), which cost as much CPU as the compression itself.
"""
from __future__ import annotations

import struct
from datetime import date

import laspy
import lazrs
import numpy as np

LIDAR_SCALE_M = 0.001
INTENSITY_SCALE = 65535.0  # CARLA intensity in [0, 1] ↔ LAS uint16
POINT_FORMAT = 0
POINT_SIZE = 20            # X, Y, Z int32, intensity uint16, bit fields, class, scan angle, user data, source id
HEADER_SIZE = 227          # LAS 1.2
VLR_HEADER_SIZE = 54
SOFTWARE = f"laspy {laspy.__version__}"   # what laspy's writer puts there: the files stay byte-identical
SYSTEM = "OTHER"
_POINT_DTYPE = np.dtype([("X", "<i4"), ("Y", "<i4"), ("Z", "<i4"), ("intensity", "<u2"), ("bit_fields", "u1"),
                         ("raw_classification", "u1"), ("scan_angle_rank", "i1"), ("user_data", "u1"),
                         ("point_source_id", "<u2")])
_VLR = lazrs.LazVlr.new_for_compression(POINT_FORMAT, 0)
_VLR_DATA = bytes(_VLR.record_data())
_VLR_BYTES = struct.pack("<H16sHH32s", 0, b"laszip encoded", 22204, len(_VLR_DATA), b"http://laszip.org") + _VLR_DATA
_POINTS_OFFSET = HEADER_SIZE + len(_VLR_BYTES)


def encode_laz(points_xyzi: np.ndarray, today: date | None = None) -> bytes:
    """(N, 3|4) float ego-frame points (+ intensity in [0, 1]) → LAZ bytes, 1 mm precision."""
    pts = np.asarray(points_xyzi, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] not in (3, 4):
        raise ValueError(f"LiDAR must be (N, 3|4) x, y, z[, intensity], got shape {pts.shape}")
    offsets = np.floor(pts[:, :3].min(axis=0)) if len(pts) else np.zeros(3)
    scales = np.full(3, LIDAR_SCALE_M)
    packed = np.zeros(len(pts), _POINT_DTYPE)
    for axis, dim in enumerate("XYZ"):
        packed[dim] = np.round((pts[:, axis] - offsets[axis]) / scales[axis])
    if pts.shape[1] > 3:
        packed["intensity"] = np.round(np.clip(pts[:, 3], 0.0, 1.0) * INTENSITY_SCALE).astype(np.uint16)
    if len(pts):   # laspy's header bounds: the integer extremes mapped back through scale and offset
        bounds = [v for axis, dim in enumerate("XYZ")
                  for v in (packed[dim].max() * scales[axis] + offsets[axis],
                            packed[dim].min() * scales[axis] + offsets[axis])]
    else:
        bounds = [0.0] * 6
    day = today or date.today()
    header = struct.pack("<4sHH16sBB32s32sHHHIIBHI5I3d3d6d", b"LASF", 0, 0, bytes(16), 1, 2, SYSTEM.encode(),
                         SOFTWARE.encode(), day.timetuple().tm_yday, day.year, HEADER_SIZE, _POINTS_OFFSET, 1,
                         POINT_FORMAT | 0x80, POINT_SIZE, len(pts), 0, 0, 0, 0, 0, *scales, *offsets, *bounds)
    if not len(pts):   # no chunk at all: the chunk table (version 0, 0 chunks) right after its offset
        return header + _VLR_BYTES + struct.pack("<qII", _POINTS_OFFSET + 8, 0, 0)
    body = bytearray(lazrs.compress_points(_VLR, packed.tobytes(), False))
    chunk_table = struct.unpack_from("<q", body)[0]   # relative to the point data; a LAZ file holds it absolute
    struct.pack_into("<q", body, 0, chunk_table + _POINTS_OFFSET)
    return header + _VLR_BYTES + bytes(body)
