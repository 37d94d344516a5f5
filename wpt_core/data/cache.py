"""The feature cache: the clip frames samples read, decoded once (JPEG / LAZ / gzip JSON) into memory maps.

    CACHE/cache.json                 {"format", "hash", "data_config"}: a cache serves exactly one DataConfig
    CACHE/shards/<clip>/images.npy   (N, V, 3, h, w) uint8      lidar.npy (N, 2, L, L) uint8
                       bev.npy       (N, C, H, W/8) bit-packed  occupancy.npy (N, K, 2, H, W/8) bit-packed
                       depth.npy     (N, V, h/s, w/s) float16   records.npz  small per-frame arrays + frame_index
                       shard.json    written last: a shard without it is unfinished
Only the N frames some sample reads are kept (`dataset.needed_frames`: when the history stride is a multiple of
`sample_every`, one frame in `sample_every`), because a cache of every frame outgrows the disk first: the standard
profile's ~127k frames at three 256×144 cameras would be ~42 GB, a fifth of that at its `sample_every` 5.
Building is idempotent (finished shards are kept) and resumable (an unfinished shard is rebuilt); a cache
whose header holds another config hash is refused. `ShardFrames.frame` returns exactly what
`ClipFrames.frame` computed, so cached and raw samples are equal.
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import os
import shutil
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
from tqdm import tqdm

from wpt_core.config import from_dict, to_dict
from wpt_core.data.data_config import DataConfig
from wpt_core.data.dataset import LearningDataset, find_clips, needed_frames
from wpt_core.data.frames import ClipFrames, FrameArrays

FORMAT_VERSION = 2
HEADER_FILE = "cache.json"
SHARDS_DIR = "shards"
SHARD_DONE = "shard.json"
MEMMAP_FIELDS = ("images", "lidar", "bev", "occupancy", "depth")
PACKED_FIELDS = ("bev", "occupancy")
RECORD_FIELDS = ("pose", "speed", "target_point", "command", "light", "trajectory", "trajectory_valid",
                 "occupancy_valid", "has_depth")
log = logging.getLogger(__name__)


class CacheMismatchError(ValueError):
    """A cache built for another data config (or not a cache at all)."""


def read_header(cache_dir: Path) -> Dict:
    path = Path(cache_dir) / HEADER_FILE
    if not path.is_file():
        raise CacheMismatchError(f"{cache_dir}: not a feature cache (no {HEADER_FILE})")
    header = json.loads(path.read_text())
    if header.get("format") != FORMAT_VERSION:
        raise CacheMismatchError(f"{path}: cache format {header.get('format')} (this code reads {FORMAT_VERSION})")
    return header


def cache_config(cache_dir: Path) -> DataConfig:
    """The DataConfig a cache was built with."""
    return from_dict(DataConfig, read_header(cache_dir)["data_config"], str(Path(cache_dir) / HEADER_FILE))


def check_header(cache_dir: Path, config: DataConfig) -> None:
    header = read_header(cache_dir)
    if header["hash"] != config.cache_hash():
        raise CacheMismatchError(f"{Path(cache_dir) / HEADER_FILE}: built for data config {header['hash']}, "
                                 f"not this one ({config.cache_hash()}); use another --out or the same profile")


def _write_shard(frames: ClipFrames, out: Path) -> None:
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    rows = needed_frames(len(frames), frames.config)
    maps: Dict[str, np.memmap] = {}
    records: Dict[str, List] = {k: [] for k in RECORD_FIELDS}
    for row, j in enumerate(rows):
        f = frames.frame(j)
        for key in MEMMAP_FIELDS:
            value = getattr(f, key)
            if key in PACKED_FIELDS:
                value = np.packbits(value, axis=-1)
            if key not in maps:
                maps[key] = np.lib.format.open_memmap(tmp / f"{key}.npy", mode="w+", dtype=value.dtype,
                                                      shape=(len(rows),) + value.shape)
            maps[key][row] = value
        for key in RECORD_FIELDS:
            records[key].append(getattr(f, key))
    for m in maps.values():
        m.flush()
    np.savez(tmp / "records.npz", frame_index=np.asarray(rows, dtype=np.int64),
             **{k: np.asarray(v) for k, v in records.items()})
    (tmp / SHARD_DONE).write_text(json.dumps({"clip": frames.name, "num_frames": len(frames), "rows": len(rows)}))
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)


def _build_shard(job: Tuple[Path, Path, DataConfig]) -> None:
    clip, out, config = job
    _write_shard(ClipFrames(clip, config), out)


def build_cache(data_dir: Path, cache_dir: Path, config: DataConfig, workers: int = 1) -> Dict[str, int]:
    """Cache every complete clip under `data_dir` (one clip per worker process at a time);
    returns {'built', 'kept', 'frames' (of the clips), 'cached_frames' (rows kept)}."""
    cache_dir = Path(cache_dir)
    if (cache_dir / HEADER_FILE).exists():
        check_header(cache_dir, config)
    else:
        cache_dir.mkdir(parents=True, exist_ok=True)
        (cache_dir / HEADER_FILE).write_text(json.dumps(
            {"format": FORMAT_VERSION, "hash": config.cache_hash(), "data_config": to_dict(config)}, indent=2))
    clips = find_clips(data_dir)
    jobs = [(c, cache_dir / SHARDS_DIR / c.name, config) for c in clips
            if not (cache_dir / SHARDS_DIR / c.name / SHARD_DONE).is_file()]
    if workers > 1 and len(jobs) > 1:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            for _ in tqdm(pool.imap_unordered(_build_shard, jobs), total=len(jobs), desc="cache", unit="clip"):
                pass
    else:
        for job in tqdm(jobs, desc="cache", unit="clip"):
            _build_shard(job)
    done = [json.loads((cache_dir / SHARDS_DIR / c.name / SHARD_DONE).read_text()) for c in clips]
    frames, rows = sum(d["num_frames"] for d in done), sum(d["rows"] for d in done)
    log.info("cache %s: %d shards built, %d kept, %d of %d frames", cache_dir, len(jobs), len(clips) - len(jobs),
             rows, frames)
    return {"built": len(jobs), "kept": len(clips) - len(jobs), "frames": frames, "cached_frames": rows}


class ShardFrames:
    """A cached clip: the same `FrameArrays` as `ClipFrames.frame` for every frame a sample reads, from memory
    maps; its length is the clip's, so a dataset over it has the raw clip's samples."""

    def __init__(self, shard_dir: Path, config: DataConfig) -> None:
        self.dir = Path(shard_dir)
        self.config = config
        done = json.loads((self.dir / SHARD_DONE).read_text())
        self.name: str = done["clip"]
        self.num_frames: int = done["num_frames"]
        with np.load(self.dir / "records.npz") as data:
            self.records = {k: data[k] for k in RECORD_FIELDS}
            self.rows: Dict[int, int] = {int(j): row for row, j in enumerate(data["frame_index"])}
        self._maps: Dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return self.num_frames

    def _map(self, key: str) -> np.ndarray:
        if key not in self._maps:  # opened lazily: each DataLoader worker maps the files itself
            self._maps[key] = np.load(self.dir / f"{key}.npy", mmap_mode="r")
        return self._maps[key]

    def frame(self, index: int) -> FrameArrays:
        if index not in self.rows:
            raise KeyError(f"{self.dir}: frame {index} is read by no sample, so it is not cached")
        index = self.rows[index]
        width = self.config.bev.cells
        r = {k: v[index] for k, v in self.records.items()}
        return FrameArrays(
            images=np.array(self._map("images")[index]), lidar=np.array(self._map("lidar")[index]),
            bev=np.unpackbits(self._map("bev")[index], axis=-1, count=width).astype(bool),
            depth=np.array(self._map("depth")[index]), has_depth=bool(r["has_depth"]), pose=r["pose"],
            speed=r["speed"], target_point=r["target_point"], command=int(r["command"]), light=int(r["light"]),
            trajectory=r["trajectory"], trajectory_valid=r["trajectory_valid"],
            occupancy=np.unpackbits(self._map("occupancy")[index], axis=-1, count=width).astype(bool),
            occupancy_valid=r["occupancy_valid"])


def cached_clip_names(cache_dir: Path) -> List[str]:
    root = Path(cache_dir) / SHARDS_DIR
    return sorted(p.name for p in root.iterdir() if (p / SHARD_DONE).is_file()) if root.is_dir() else []


def cached_dataset(cache_dir: Path, config: DataConfig, names: Sequence[str]) -> LearningDataset:
    """Dataset over the cached clips `names` (the cache must have been built for `config`)."""
    check_header(cache_dir, config)
    unknown = sorted(set(names) - set(cached_clip_names(cache_dir)))
    if unknown:
        raise FileNotFoundError(f"{cache_dir}: clip(s) {unknown} are not in the cache")
    return LearningDataset([ShardFrames(Path(cache_dir) / SHARDS_DIR / n, config) for n in names], config)
