"""Read Bench2Drive clips — as published and as we write them — into one `Frame` type.

Published clips (no meta.json) are complete as published. Our clips carry meta.json and are complete
only once the writer's `COMPLETE` marker exists; `ClipReader` refuses an incomplete clip unless asked
(`allow_incomplete=True`), and then reads only the frames whose annotation exists.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import laspy
import numpy as np
from PIL import Image

from wpt_core.data import clip_layout as L
from wpt_core.data.laz_encoding import INTENSITY_SCALE
from wpt_core.data.depth import decode_depth
from wpt_core.data.expert_assessment import read_assessment
from wpt_core.ground_map import GroundMap


class IncompleteClipError(RuntimeError):
    """A clip of ours whose writer never finished (no COMPLETE marker)."""


@dataclass
class Frame:
    """One 10 Hz frame: annotation, RGB images by sensor id (CAM_FRONT …), ego-frame LiDAR, calibration.

    images: name → (H, W, 3) uint8 RGB; lidar: (N, 4) float32 x, y, z, intensity (ego frame) or None;
    calibration: name → {'intrinsic' (3,3), 'cam2ego' (4,4), 'world2cam' (4,4)} for cameras and
    {'lidar2ego', 'world2lidar'} for LIDAR_TOP, as float64 arrays (from the annotation's `sensors`);
    depth: name → (H, W) float32 metres (`wpt_core.data.depth`: whole metres, 255 = that far or farther),
    only when asked for.
    """

    index: int
    anno: Dict[str, Any]
    images: Dict[str, np.ndarray] = field(default_factory=dict)
    lidar: Optional[np.ndarray] = None
    calibration: Dict[str, Dict[str, np.ndarray]] = field(default_factory=dict)
    depth: Dict[str, np.ndarray] = field(default_factory=dict)


def read_anno(path: Path) -> Dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def read_image(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"))


def read_laz(path: Path) -> np.ndarray:
    """(N, 4) float32: published B2D LAZ files hold x, y, z only (intensity reads as 0).

    Single-threaded lazrs: the parallel backend's thread pool does not survive a fork, so a DataLoader
    worker forked after the main process read a LAZ file would hang forever."""
    las = laspy.read(path, laz_backend=laspy.LazBackend.Lazrs)
    out = np.empty((len(las.points), 4), dtype=np.float32)
    out[:, 0], out[:, 1], out[:, 2] = las.x, las.y, las.z
    out[:, 3] = np.asarray(las.intensity, dtype=np.float32) / INTENSITY_SCALE
    return out


def calibration_from_anno(anno: Dict[str, Any]) -> Dict[str, Dict[str, np.ndarray]]:
    out: Dict[str, Dict[str, np.ndarray]] = {}
    for name, entry in anno.get("sensors", {}).items():
        out[name] = {k: np.asarray(v, dtype=np.float64) for k, v in entry.items()
                     if k in ("intrinsic", "cam2ego", "world2cam", "lidar2ego", "world2lidar")}
    return out


class ClipReader:
    """Frames of one clip folder, in index order."""

    def __init__(self, clip_dir: Path, allow_incomplete: bool = False) -> None:
        self.clip_dir = Path(clip_dir)
        if not L.is_clip_dir(self.clip_dir):
            raise FileNotFoundError(f"{self.clip_dir}: not a clip folder (no {L.ANNO_DIR}/ and no {L.META_FILE})")
        meta_path = self.clip_dir / L.META_FILE
        self.meta: Dict[str, Any] = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        self.is_public = not meta_path.exists()
        self.complete = self.is_public or L.is_complete(self.clip_dir)
        if not self.complete and not allow_incomplete:
            raise IncompleteClipError(f"{self.clip_dir}: clip is incomplete (its writer did not finish); "
                                      "pass allow_incomplete=True to read the frames written so far")
        indices = sorted({L.frame_index(p) for p in (self.clip_dir / L.ANNO_DIR).glob("*.json.gz")} - {None})
        self.indices: List[int] = indices
        cam_root = self.clip_dir / L.CAMERA_DIR
        self.cameras: List[str] = sorted(L.camera_from_folder(p.name) for p in cam_root.glob(L.RGB_PREFIX + "*")
                                         if p.is_dir()) if cam_root.exists() else []
        self.depth_cameras: List[str] = [c for c in self.cameras
                                         if (cam_root / L.depth_folder(c)).is_dir()]
        self.ground_map: Optional[GroundMap] = GroundMap.load(self.clip_dir / L.MAP_FILE) \
            if (self.clip_dir / L.MAP_FILE).exists() else None

    def __len__(self) -> int:
        return len(self.indices)

    @property
    def name(self) -> str:
        return self.clip_dir.name

    def results(self) -> Optional[Dict[str, Any]]:
        """The expert's leaderboard record for the clip (ours only)."""
        path = self.clip_dir / L.RESULTS_FILE
        return json.loads(path.read_text()) if path.exists() else None

    def anno(self, index: int) -> Dict[str, Any]:
        return read_anno(L.anno_path(self.clip_dir, index))

    def annos(self) -> List[Dict[str, Any]]:
        """All annotations in order (what the label functions take)."""
        return [self.anno(i) for i in self.indices]

    def expert_assessment(self, index: int) -> Optional[Dict[str, np.ndarray]]:
        """Frame `index`'s expert assessment (`wpt_core.data.expert_assessment`), None if the clip has none."""
        path = L.expert_assessment_path(self.clip_dir, index)
        return read_assessment(path) if path.exists() else None

    def frame(self, index: int, images: bool = True, lidar: bool = True, depth: bool = False) -> Frame:
        anno = self.anno(index)
        frame = Frame(index=index, anno=anno, calibration=calibration_from_anno(anno))
        if images:
            for cam in self.cameras:
                path = L.image_path(self.clip_dir, cam, index)
                if path.exists():
                    frame.images[cam] = read_image(path)
        if lidar:
            path = L.lidar_path(self.clip_dir, index)
            frame.lidar = read_laz(path) if path.exists() else None
        if depth:
            for cam in self.depth_cameras:
                path = L.depth_path(self.clip_dir, cam, index)
                if path.exists():
                    frame.depth[cam] = decode_depth(path)
        return frame

    def __iter__(self) -> Iterator[Frame]:
        for index in self.indices:
            yield self.frame(index)
