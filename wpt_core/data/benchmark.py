"""`wpt bench data`: samples/s from raw clips and from the feature cache, the same samples in one run."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Dict

import numpy as np

from wpt_core.data.cache import cache_config, cached_clip_names, cached_dataset
from wpt_core.data.dataset import LearningDataset, raw_dataset


def _rate(dataset: LearningDataset, indices: np.ndarray) -> float:
    start = time.perf_counter()
    for i in indices:
        dataset[int(i)]
    return len(indices) / max(time.perf_counter() - start, 1e-9)


def _equal(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def bench_data(data_dir: Path, cache_dir: Path, samples: int = 200, seed: int = 0) -> Dict[str, Any]:
    """Time `samples` random samples (one process, no DataLoader) through both paths; check they are equal."""
    config = cache_config(cache_dir)
    names = cached_clip_names(cache_dir)
    raw, cached = raw_dataset(data_dir, config, names), cached_dataset(cache_dir, config, names)
    indices = np.random.default_rng(seed).choice(len(raw), size=min(samples, len(raw)), replace=False)
    cached_rate = _rate(cached, indices)  # first: the cold page cache is the cache's own cost
    raw_rate = _rate(raw, indices)
    return {"samples": int(len(indices)), "clips": len(names), "cameras": list(config.sensors.cameras),
            "image_size": [config.sensors.image_width, config.sensors.image_height], "history": config.history,
            "raw_samples_per_s": round(raw_rate, 2), "cache_samples_per_s": round(cached_rate, 2),
            "speedup": round(cached_rate / raw_rate, 1),
            "identical": all(_equal(raw[int(i)], cached[int(i)]) for i in indices[:20])}
