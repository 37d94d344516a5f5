"""`encode_laz` writes what laspy's own writer writes for the same points, and reads back on the 1 mm grid."""
import io
from datetime import date

import laspy
import numpy as np
import pytest

from wpt_core.data.laz_encoding import encode_laz


def _laspy_writer(pts: np.ndarray, day: date) -> bytes:
    """The reference: laspy's LasWriter (its default LAZ backend), fed the points through its scaled setters."""
    header = laspy.LasHeader(point_format=0, version="1.2")
    header.offsets = np.floor(pts[:, :3].min(axis=0)) if len(pts) else np.zeros(3)
    header.scales = np.full(3, 0.001)
    header.creation_date = day
    record = laspy.ScaleAwarePointRecord.zeros(len(pts), header=header)
    record.x, record.y, record.z = pts[:, 0], pts[:, 1], pts[:, 2]
    if pts.shape[1] > 3:
        record.intensity = np.round(np.clip(pts[:, 3], 0.0, 1.0) * 65535.0).astype(np.uint16)
    buf = io.BytesIO()
    with laspy.open(buf, mode="w", header=header, do_compress=True, closefd=False) as writer:
        writer.write_points(record)
    return buf.getvalue()


@pytest.mark.parametrize("n, cols", [(70000, 4), (1234, 3), (1, 4), (0, 4)])   # > one 50k-point chunk too
def test_bytes_equal_laspys_writer(n, cols):
    rng = np.random.default_rng(n)
    pts = np.column_stack([rng.uniform(-80, 80, (n, 2)), rng.uniform(-2, 5, n), rng.uniform(0, 1, n)])[:, :cols]
    day = date(2026, 8, 15)
    assert encode_laz(pts, today=day) == _laspy_writer(pts, day)


def test_points_read_back_on_the_millimetre_grid():
    pts = np.array([[1.0004, -2.0, 0.5, 0.25], [-3.2106, 4.5, -1.7, 1.0], [10.0, 0.0, 0.0, 0.0]])
    las = laspy.read(io.BytesIO(encode_laz(pts)))
    assert np.allclose(las.x, [1.000, -3.211, 10.0], atol=1e-9)   # offset floor(min) = -4, 1 mm steps
    assert list(las.intensity) == [16384, 65535, 0]                 # round(0.25 · 65535) = 16383.75 → 16384
    assert las.header.offsets.tolist() == [-4.0, -2.0, -2.0]
    assert las.header.maxs.tolist() == pytest.approx([10.0, 4.5, 0.5])
