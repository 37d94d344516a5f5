"""Write one clip in the Bench2Drive layout, crash-safe and resumable.

A frame's annotation is written after its images, depth, LiDAR and expert assessment, under a temporary
name `os.replace`d into place: a frame exists iff its `anno/NNNNN.json.gz` exists, so the frame's other
files need no renaming (a reader never opens them before the annotation commits them, and recovery
deletes those of an uncommitted frame). Clip-level files (meta, results, map, marker) are replaced
atomically too.

Frames are encoded and written by one background thread, in order, while the caller simulates the next
ones: JPEG, PNG and LAZ encoding release the GIL, so on a core the simulation leaves free it costs the
collector no time. At most `FRAMES_IN_FLIGHT` frames wait (the caller blocks beyond that); an error in the
thread is raised by every later `write_frame`, `flush` and `finish` (a clip with a lost frame is never
completed). `close()` stops the thread without completing the clip (a crashed route); `finish()` completes it. Images are JPEG at Bench2Drive's quality 20 by default (it compresses like inference does, so a
model trained on the clips sees what it will see when driving). The clip-level
`COMPLETE` marker is written last by `finish`, after `results.json` and the final `meta.json`; a clip
without it is incomplete. Reopening with `resume=True` keeps the contiguous run of whole frames from 0
and deletes everything after it (partial frames, temporary files); `resume=False` starts the clip over.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import queue
import shutil
import threading
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import numpy as np
from PIL import Image

from wpt_core.data import clip_layout as L
from wpt_core.data.depth import encode_depth_png
from wpt_core.data.laz_encoding import encode_laz
from wpt_core.data.stage_clock import StageClock
from wpt_core.ground_map import GroundMap

JPEG_QUALITY = 20
META_STATUS_RECORDING = "recording"
META_STATUS_COMPLETE = "complete"
FRAMES_IN_FLIGHT = 2


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to `<path>.tmp`, then rename over `path` (readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + L.TMP_SUFFIX)
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def write_frame_file(path: Path, data: bytes) -> None:
    """A frame's file other than its annotation (committed by the annotation written after it)."""
    try:
        path.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_bytes(path, json.dumps(obj, indent=2, default=_json_default).encode("utf-8"))


def encode_jpeg(image_bgra: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    """BGRA/BGR uint8 (H, W, 4|3) as the leaderboard delivers cameras → JPEG bytes (RGB)."""
    arr = np.asarray(image_bgra)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4) or arr.dtype != np.uint8:
        raise ValueError(f"camera image must be uint8 (H, W, 4) BGRA, got {arr.dtype} {arr.shape}")
    arr = np.ascontiguousarray(arr)
    h, w, c = arr.shape
    image = Image.frombuffer("RGB", (w, h), arr, "raw", "BGRX" if c == 4 else "BGR", 0, 1)  # no channel copy
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def encode_anno(anno: Mapping[str, Any]) -> bytes:
    return gzip.compress(json.dumps(anno, default=_json_default).encode("utf-8"), compresslevel=6, mtime=0)


class ClipWriter:
    """Writes frames of one clip; `meta` holds route_id, town, scenario_type, rig, … (rate added here)."""

    def __init__(self, clip_dir: Path, meta: Dict[str, Any], resume: bool = False,
                 jpeg_quality: int = JPEG_QUALITY, clock: Optional[StageClock] = None) -> None:
        self.clip_dir = Path(clip_dir)
        self.clock = clock or StageClock()
        self.jpeg_quality = jpeg_quality
        if L.is_complete(self.clip_dir) and resume:
            raise FileExistsError(f"{self.clip_dir}: clip is already complete; nothing to resume")
        if self.clip_dir.exists() and not resume:
            self._clear()
        self.clip_dir.mkdir(parents=True, exist_ok=True)
        self.next_index = self._recover() if resume else 0
        meta_path = self.clip_dir / L.META_FILE
        previous = json.loads(meta_path.read_text()) if resume and meta_path.exists() else {}
        self.meta = {"frame_rate_hz": L.FRAME_RATE_HZ, **previous, **meta, "status": META_STATUS_RECORDING,
                     "num_frames": self.next_index}
        atomic_write_json(self.clip_dir / L.META_FILE, self.meta)
        self.finished = False
        self._queue: "queue.Queue[Optional[tuple]]" = queue.Queue(maxsize=FRAMES_IN_FLIGHT)
        self._error: Optional[BaseException] = None
        self._thread: Optional[threading.Thread] = None

    def _clear(self) -> None:
        """Start over: remove what a previous attempt left (only our layout, never foreign files)."""
        if any(self.clip_dir.iterdir()) and not L.is_clip_dir(self.clip_dir):
            raise FileExistsError(f"{self.clip_dir}: exists and is not a clip folder; refusing to overwrite it")
        for name in (L.ANNO_DIR, L.CAMERA_DIR, L.LIDAR_DIR, L.EXPERT_DIR):
            shutil.rmtree(self.clip_dir / name, ignore_errors=True)
        for name in (L.COMPLETE_FILE, L.RESULTS_FILE, L.MAP_FILE, L.META_FILE):
            (self.clip_dir / name).unlink(missing_ok=True)

    def _recover(self) -> int:
        """Keep frames 0..k-1 that have an annotation; delete every other frame file and tmp file."""
        done = {L.frame_index(p) for p in (self.clip_dir / L.ANNO_DIR).glob("*.json.gz")} - {None}
        k = 0
        while k in done:
            k += 1
        for stray in self.clip_dir.glob("*" + L.TMP_SUFFIX + "*"):
            stray.unlink()
        for sub in (L.ANNO_DIR, L.CAMERA_DIR, L.LIDAR_DIR, L.EXPERT_DIR):
            root = self.clip_dir / sub
            if not root.exists():
                continue
            for path in root.rglob("*"):
                if path.is_file():
                    index = L.frame_index(path)
                    if index is None or index >= k:
                        path.unlink()
        return k

    def write_frame(self, index: int, anno: Mapping[str, Any], images_bgra: Mapping[str, np.ndarray],
                    lidar_xyzi: Optional[np.ndarray], depth_m: Optional[Mapping[str, np.ndarray]] = None,
                    expert_assessment: Optional[bytes] = None) -> None:
        """Write frame `index` (must be the next one): images, depth (planar metres by camera id), LiDAR,
        the expert assessment (npz bytes), then the annotation that commits it."""
        if self.finished:
            raise RuntimeError(f"{self.clip_dir}: write_frame after finish")
        if index != self.next_index:
            raise ValueError(f"{self.clip_dir}: frame {index} written out of order (next is {self.next_index})")
        self._raise_pending()
        if self._thread is None:
            self._thread = threading.Thread(target=self._drain, name=f"clip-writer {self.clip_dir.name}", daemon=True)
            self._thread.start()
        self._queue.put((index, anno, dict(images_bgra), lidar_xyzi, dict(depth_m or {}), expert_assessment))
        self.next_index += 1

    def _drain(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                if self._error is None:
                    self._write(*item)
            except BaseException as exc:  # handed to the caller's next call
                self._error = exc
            finally:
                self._queue.task_done()

    def _raise_pending(self) -> None:
        if self._error is not None:
            raise RuntimeError(f"{self.clip_dir}: writing a frame failed: {self._error}") from self._error

    def flush(self) -> None:
        """Wait until every frame passed to `write_frame` is on disk."""
        if self._thread is not None:
            self._queue.join()
        self._raise_pending()

    def close(self) -> None:
        """Write the frames still queued and stop the writer thread; the clip stays as it is (incomplete)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _write(self, index: int, anno: Mapping[str, Any], images_bgra: Mapping[str, np.ndarray],
               lidar_xyzi: Optional[np.ndarray], depth_m: Mapping[str, np.ndarray],
               expert_assessment: Optional[bytes]) -> None:
        stage = self.clock.stage
        with stage("write.jpeg"):
            for name, image in images_bgra.items():
                write_frame_file(L.image_path(self.clip_dir, name, index), encode_jpeg(image, self.jpeg_quality))
        with stage("write.depth_png"):
            for name, depth in depth_m.items():
                write_frame_file(L.depth_path(self.clip_dir, name, index), encode_depth_png(depth))
        with stage("write.laz"):
            if lidar_xyzi is not None:
                write_frame_file(L.lidar_path(self.clip_dir, index), encode_laz(lidar_xyzi))
        with stage("write.anno_json_gz"):
            if expert_assessment is not None:
                write_frame_file(L.expert_assessment_path(self.clip_dir, index), expert_assessment)
            atomic_write_bytes(L.anno_path(self.clip_dir, index), encode_anno(anno))

    def save_ground_map(self, ground_map: GroundMap) -> None:
        """Store the GroundMap crop of the route area (`map.npz`) for BEV labels."""
        tmp = self.clip_dir / ("map" + L.TMP_SUFFIX + ".npz")
        ground_map.save(tmp)
        os.replace(tmp, self.clip_dir / L.MAP_FILE)

    def finish(self, expert_record: Dict[str, Any]) -> None:
        """The queued frames, results.json (the expert's record), final meta.json, then the COMPLETE marker —
        in that order."""
        self.close()
        self._raise_pending()
        atomic_write_json(self.clip_dir / L.RESULTS_FILE, expert_record)
        self.meta.update({"status": META_STATUS_COMPLETE, "num_frames": self.next_index})
        atomic_write_json(self.clip_dir / L.META_FILE, self.meta)
        atomic_write_json(self.clip_dir / L.COMPLETE_FILE, {"num_frames": self.next_index})
        self.finished = True
