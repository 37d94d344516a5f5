"""`wpt bench latency`: ms per inference step at batch 1 of the teacher path (`teacher.plan`: encoder + world
model + candidates + reward) and of the student path (`student.plan`), on the same sensor input.

Settings: 1 CPU thread (the number the 50 ms / 25 ms real-time budget is stated for), every CPU thread this
process may use, and CUDA when present. Each setting runs `warmup` untimed steps first (allocator, lazy
initialisation, cuDNN autotuning), then times `iterations` steps one by one under `torch.inference_mode`, with
`torch.cuda.synchronize` before the clock starts and before it stops (CUDA launches are asynchronous). The
median and p90 are reported; ratio = teacher median / student median per setting. The report records the
load average and torch's CPU capability with the figures: on a shared machine the load inflates every number,
and `--bf16` pays only where the CPU has bf16 instructions (on an AVX2-only CPU torch's bf16 convolutions take
a reference path, measured 50–80× slower than fp32). `--channels-last` puts the conv weights in the layout
the trainer uses (`train.channels_last`); at batch 1 it measured from 1.5× faster to 1.2× slower on this shared
machine, so it is a flag to measure with, not a default.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np
import torch
from tqdm import tqdm

from wpt_core.config import from_dict
from wpt_core.data.cache import cached_clip_names, cached_dataset
from wpt_core.data.data_config import DataConfig
from wpt_core.data.dataset import find_clips, raw_dataset
from wpt_core.data.features import COMMANDS
from wpt_core.data.labels import BEV_CHANNELS
from wpt_core.models.checkpoint import CheckpointError
from wpt_core.models.policy import load_policy, sample_batch
from wpt_core.types import RoadOption

PATHS = ("teacher", "student")
SYNTHETIC_SPEED_MPS = 5.0


def cpu_threads() -> int:
    """The CPUs this process may run on (an affinity mask or a container limit can make it fewer than cores)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def settings() -> List[Tuple[str, str, Optional[int]]]:
    """(name, device, CPU threads) of every setting this machine offers."""
    out: List[Tuple[str, str, Optional[int]]] = [("cpu_1_thread", "cpu", 1), ("cpu_all_threads", "cpu", cpu_threads())]
    if torch.cuda.is_available():
        out.append(("cuda", "cuda", None))
    return out


def synthetic_sample(config: DataConfig, seed: int = 0) -> Dict[str, np.ndarray]:
    """Sensor inputs of `config`'s shapes (the layout of `dataset.assemble_sample`): random images and LiDAR
    counts, empty BEV history, the past frames straight behind at SYNTHETIC_SPEED_MPS, lane following."""
    rng = np.random.default_rng(seed)
    s, t = config.sensors, config.history + 1
    lidar_cells, bev_cells = s.lidar_grid.cells, config.bev.cells
    past_s = np.array([(config.history - k) * config.history_stride_frames / 10.0 for k in range(t)])
    pose = np.zeros((t, 3), np.float32)
    pose[:, 0] = -SYNTHETIC_SPEED_MPS * past_s
    return {"images": rng.integers(0, 256, (t, len(s.cameras), 3, s.image_height, s.image_width), dtype=np.uint8),
            "lidar": rng.integers(0, s.lidar_grid.max_count + 1, (t, 2, lidar_cells, lidar_cells), dtype=np.uint8),
            "bev_history": np.zeros((t, len(BEV_CHANNELS), bev_cells, bev_cells), bool), "history_pose": pose,
            "speed": np.array([SYNTHETIC_SPEED_MPS], np.float32), "target_point": np.array([20.0, 0.0], np.float32),
            "command": np.int64(COMMANDS.index(RoadOption.LANEFOLLOW))}


def first_sample(config: DataConfig, data_dir: Optional[Path], cache_dir: Optional[Path]) -> Dict[str, Any]:
    """The first sample of the first clip of `data_dir` or `cache_dir` (any real frame will do for timing)."""
    if cache_dir is not None:
        names = cached_clip_names(cache_dir)
        if not names:
            raise FileNotFoundError(f"{cache_dir}: the cache holds no finished clip")
        dataset = cached_dataset(cache_dir, config, names[:1])
    else:
        dataset = raw_dataset(data_dir, config, [find_clips(data_dir)[0].name])
    if len(dataset) == 0:
        raise FileNotFoundError(f"{dataset.sources[0].name}: the clip is too short for one sample")
    return dataset[0]


def time_steps(step: Callable[[], Any], device: str, iterations: int,
               warmup: int) -> Tuple[List[float], List[float]]:
    """(wall ms, process CPU ms) of each of `iterations` calls of `step` after `warmup` untimed ones
    (synchronised on CUDA)."""
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    for _ in range(warmup):
        step()
    wall, cpu = [], []
    for _ in range(iterations):
        sync()
        start, start_cpu = time.perf_counter(), time.process_time()
        step()
        sync()
        wall.append((time.perf_counter() - start) * 1000.0)
        cpu.append((time.process_time() - start_cpu) * 1000.0)
    return wall, cpu


def summarise(wall_ms: List[float], cpu_ms: List[float]) -> Dict[str, Any]:
    """Wall-clock median / p90, plus the median process CPU time: on one thread of a loaded machine the wall
    clock also counts the waits for a core, the CPU time does not (with n threads it sums them)."""
    return {"median_ms": round(float(np.median(wall_ms)), 3), "p90_ms": round(float(np.percentile(wall_ms, 90)), 3),
            "cpu_median_ms": round(float(np.median(cpu_ms)), 3), "iterations": len(wall_ms)}


def bench_latency(teacher_path: Path, student_path: Path, data_dir: Optional[Path] = None,
                  cache_dir: Optional[Path] = None, iterations: int = 50, warmup: int = 10,
                  bf16: bool = False, channels_last: bool = False) -> Dict[str, Any]:
    """{settings: {name: {threads, teacher, student, ratio}}, …}; both policies see one identical input."""
    policies, configs = {}, {}
    for name, path in (("teacher", teacher_path), ("student", student_path)):
        policies[name], payload = load_policy(path)
        if channels_last:
            policies[name] = policies[name].to(memory_format=torch.channels_last)
        configs[name] = from_dict(DataConfig, payload["config"]["data"], str(path))
    if configs["teacher"] != configs["student"]:
        raise CheckpointError(f"{student_path}: the student reads other inputs than the teacher {teacher_path} "
                              "(data configs differ), so they cannot be timed on the same input")
    config = configs["teacher"]
    source = "synthetic" if data_dir is None and cache_dir is None else str(cache_dir or data_dir)
    sample = synthetic_sample(config) if source == "synthetic" else first_sample(config, data_dir, cache_dir)
    threads_before = torch.get_num_threads()
    results: Dict[str, Any] = {}
    try:
        for setting, device, threads in tqdm(settings(), desc="bench latency", unit="setting"):
            if threads is not None:
                torch.set_num_threads(threads)
            batch = sample_batch(sample, device)
            entry: Dict[str, Any] = {"device": device, "threads": threads}
            for name in PATHS:
                policy = policies[name].to(device)
                with torch.inference_mode(), torch.autocast(device, dtype=torch.bfloat16, enabled=bf16):
                    entry[name] = summarise(*time_steps(lambda: policy.plan(batch), device, iterations, warmup))
                policies[name] = policy.to("cpu")
            entry["ratio"] = round(entry["teacher"]["median_ms"] / entry["student"]["median_ms"], 3)
            results[setting] = entry
    finally:
        torch.set_num_threads(threads_before)
    return {"teacher": str(teacher_path), "student": str(student_path), "input": source, "batch_size": 1,
            "bf16": bf16, "channels_last": channels_last, "warmup": warmup, "torch": torch.__version__,
            "cpu_capability": torch.backends.cpu.get_cpu_capability(),
            "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
            "cuda_device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
            "settings": results}


def format_latency_report(report: Dict[str, Any]) -> str:
    flags = [f for f in ("bf16", "channels_last") if report[f]]
    lines = [f"latency at batch 1 on {report['input']} input" + (f" ({', '.join(flags)})" if flags else "") +
             f"; CPU {report['cpu_capability']}, load average {report['load_average_1min']}",
             f"{'setting':<20}" + "".join(f"{f'{p} median':>16}{'p90':>9}{'cpu':>9}" for p in PATHS) + f"{'ratio':>8}"]
    for name, e in report["settings"].items():
        label = f"{name} ({e['threads']})" if e["threads"] else name
        lines.append(f"{label:<20}" + "".join(f"{e[p]['median_ms']:>13.2f} ms{e[p]['p90_ms']:>9.2f}"
                                              f"{e[p]['cpu_median_ms']:>9.2f}" for p in PATHS) + f"{e['ratio']:>7.2f}x")
    lines.append("ms per step, wall clock (cpu: median process CPU time); ratio = teacher / student wall median")
    return "\n".join(lines)
