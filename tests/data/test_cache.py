"""The feature cache: equal samples to the raw clips, idempotent, resumable, refuses another config."""
from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pytest

from wpt_core.cli import main
from wpt_core.data.cache import SHARD_DONE, SHARDS_DIR, CacheMismatchError, build_cache, cached_dataset
from wpt_core.data.dataset import find_clips, raw_dataset


@pytest.fixture(scope="module")
def cache(learning_clips, tiny_profile, tmp_path_factory):
    out = tmp_path_factory.mktemp("cache") / "cache"
    result = build_cache(learning_clips, out, tiny_profile.data)
    assert result["built"] == 5 and result["kept"] == 0 and result["frames"] == result["cached_frames"] == 200
    return out


def test_cache_and_raw_give_equal_samples(learning_clips, tiny_profile, cache):
    names = [p.name for p in find_clips(learning_clips)]
    raw = raw_dataset(learning_clips, tiny_profile.data, names)
    cached = cached_dataset(cache, tiny_profile.data, names)
    assert len(raw) == len(cached) == 5 * (40 - 5)
    for i in range(0, len(raw), 7):
        a, b = raw[i], cached[i]
        assert a.keys() == b.keys()
        for key in a:
            assert np.array_equal(a[key], b[key]), key
            assert getattr(a[key], "dtype", None) == getattr(b[key], "dtype", None), key
    assert cached[3]["occupancy"].any() and cached[3]["bev"].any()


@pytest.mark.parametrize("stride, rows", [(6, 14), (5, 24)])
def test_cache_holds_only_the_frames_samples_read(learning_clips, tiny_profile, tmp_path, stride, rows):
    # 40 frames, every 3rd a sample once its history exists. Stride 6: samples 6, 9, ..., 39, history 0, 3, ...,
    # 33, so frames 0, 3, ..., 39 = 14 rows. Stride 5: samples 5, 8, ..., 38 and history 0, 3, ..., 33: 12 + 12.
    config = dataclasses.replace(tiny_profile.data, sample_every=3, history_stride_frames=stride)
    clip = find_clips(learning_clips)[0]
    result = build_cache(clip, tmp_path / "cache", config)
    assert result["frames"] == 40 and result["cached_frames"] == rows
    raw, cached = raw_dataset(learning_clips, config, [clip.name]), cached_dataset(tmp_path / "cache", config,
                                                                                   [clip.name])
    assert len(raw) == len(cached) == 12
    for i in range(len(raw)):
        a, b = raw[i], cached[i]
        for key in a:
            assert np.array_equal(a[key], b[key]), key
    with pytest.raises(KeyError, match="frame 1 is read by no sample"):
        cached.sources[0].frame(1)


def test_cache_build_is_idempotent_and_resumes_an_unfinished_shard(learning_clips, tiny_profile, cache, tmp_path):
    copy = tmp_path / "cache"
    shutil.copytree(cache, copy)
    shard = copy / SHARDS_DIR / find_clips(learning_clips)[0].name
    (shard / SHARD_DONE).unlink()  # as if the build was killed while writing this shard
    (copy / SHARDS_DIR / "leftover.tmp").mkdir()
    images = np.load(shard / "images.npy")
    (copy / SHARDS_DIR / find_clips(learning_clips)[1].name / SHARD_DONE).unlink()
    result = build_cache(learning_clips, copy, tiny_profile.data, workers=2)
    assert result == {"built": 2, "kept": 3, "frames": 200, "cached_frames": 200}
    np.testing.assert_array_equal(np.load(shard / "images.npy"), images)
    assert build_cache(learning_clips, copy, tiny_profile.data)["built"] == 0


def test_cache_of_another_config_is_refused(learning_clips, tiny_profile, cache, capsys):
    other = dataclasses.replace(tiny_profile.data, history=2)
    with pytest.raises(CacheMismatchError, match="built for data config"):
        build_cache(learning_clips, cache, other)
    with pytest.raises(CacheMismatchError):
        cached_dataset(cache, other, [])
    assert main(["data", "cache", "--data", str(learning_clips), "--out", str(cache), "--profile", "quick"]) == 2
    line, = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("wpt data cache: ") and str(cache) in line and "built for data config" in line


def test_bench_data_reports_both_paths_on_the_same_samples(learning_clips, cache, capsys):
    assert main(["bench", "data", "--data", str(learning_clips), "--cache", str(cache), "--samples", "12"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["samples"] == 12 and report["identical"] is True
    assert report["raw_samples_per_s"] > 0 and report["cache_samples_per_s"] > 0
