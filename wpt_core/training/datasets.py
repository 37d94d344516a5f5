"""The training and validation sets of a run: raw clips or a feature cache, split by route, split saved."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Tuple

from wpt_core.data.cache import cached_clip_names, cached_dataset, check_header
from wpt_core.data.data_config import DataConfig
from wpt_core.data.dataset import LearningDataset, find_clips, raw_dataset
from wpt_core.data.split import Split, load_split, save_split, split_clips

SPLIT_FILE = "split.json"


def run_split(config: DataConfig, names: List[str], out_dir: Path, resume: bool) -> Split:
    """A resumed run keeps the split it saved; a new run computes it and saves it."""
    path = Path(out_dir) / SPLIT_FILE
    if resume and path.is_file():
        return load_split(path)
    split = split_clips(names, config.val_fraction, config.split_seed, config.val_towns)
    save_split(split, path)
    return split


def open_datasets(config: DataConfig, out_dir: Path, data_dir: Optional[Path] = None,
                  cache_dir: Optional[Path] = None, resume: bool = False,
                  split: Optional[Split] = None) -> Tuple[LearningDataset, LearningDataset, Split]:
    """(train, val, split) from `cache_dir` when given (it must match `config`), else from raw `data_dir`;
    the split is saved in `out_dir` (a resumed run reuses the one it saved). A given `split` (a later stage:
    the world-model run's) is used as it is; its clips must all be in the data."""
    if (data_dir is None) == (cache_dir is None):
        raise ValueError("give exactly one of --data and --cache")
    if cache_dir is not None:
        check_header(cache_dir, config)
        names = cached_clip_names(cache_dir)
        if not names:
            raise FileNotFoundError(f"{cache_dir}: the cache holds no finished clip")
    else:
        names = [p.name for p in find_clips(data_dir)]
    if split is None:
        split = run_split(config, names, out_dir, resume)
    else:
        missing = sorted(set(split.train + split.val) - set(names))
        if missing:
            raise FileNotFoundError(f"{cache_dir or data_dir}: clip {missing[0]!r} of the world-model run's split "
                                    f"is not in the data ({len(missing)} missing)")
        save_split(split, Path(out_dir) / SPLIT_FILE)

    def dataset(part: Tuple[str, ...]) -> LearningDataset:
        return cached_dataset(cache_dir, config, part) if cache_dir is not None else raw_dataset(data_dir, config, part)

    return dataset(split.train), dataset(split.val), split
