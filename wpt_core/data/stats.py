"""Summary of a folder of clips: what `wpt data stats` prints (clips, frames, scenarios, expert DS, disk)."""
from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

from wpt_core.data import clip_layout as L


def find_clips(root: Path) -> List[Path]:
    """Clip folders under `root` (the root itself, or nested like B2D's scenario/clip); never descends into a clip."""
    found: List[Path] = []
    for dirpath, dirnames, _ in os.walk(root):
        if L.is_clip_dir(Path(dirpath)):
            found.append(Path(dirpath))
            dirnames.clear()
    return sorted(found)


def _disk_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _expert_score(clip: Path) -> float | None:
    path = clip / L.RESULTS_FILE
    if not path.exists():
        return None
    record = json.loads(path.read_text())
    score = record.get("scores", {}).get("score_composed")
    return float(score) if score is not None else None


def clip_stats(clip: Path) -> Dict[str, Any]:
    meta_path = clip / L.META_FILE
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    parsed = L.parse_clip_name(clip.name)
    frames = sum(1 for p in (clip / L.ANNO_DIR).glob("*.json.gz") if L.frame_index(p) is not None)
    return {
        "name": clip.name,
        "complete": (not meta) or L.is_complete(clip),
        "frames": frames,
        "scenario_type": meta.get("scenario_type") or (parsed.scenario_type if parsed else "unknown"),
        "expert_score": _expert_score(clip),
        "bytes": _disk_bytes(clip),
        "fps": meta.get("collection_fps"),
        "cpu_s_per_frame": meta.get("cpu_s_per_frame"),
    }


def dataset_stats(root: Path) -> Dict[str, Any]:
    """Totals over every clip under `root`; mean DS over the clips that have an expert record."""
    clips = [clip_stats(c) for c in find_clips(root)]
    scores = [c["expert_score"] for c in clips if c["expert_score"] is not None]
    fps = [c["fps"] for c in clips if c["fps"]]
    cpu = [(c["cpu_s_per_frame"], c["frames"]) for c in clips if c["cpu_s_per_frame"]]
    return {
        "root": str(root),
        "clips": len(clips),
        "complete": sum(c["complete"] for c in clips),
        "incomplete": sum(not c["complete"] for c in clips),
        "frames": sum(c["frames"] for c in clips),
        "scenario_types": dict(sorted(Counter(c["scenario_type"] for c in clips).items())),
        "expert_mean_ds": sum(scores) / len(scores) if scores else None,
        "expert_scored_clips": len(scores),
        "disk_bytes": sum(c["bytes"] for c in clips),
        "mean_collection_fps": sum(fps) / len(fps) if fps else None,
        "cpu_ms_per_frame": 1000.0 * sum(c * n for c, n in cpu) / sum(n for _, n in cpu) if cpu else None,
        "per_clip": clips,
    }


def format_stats(stats: Dict[str, Any]) -> str:
    lines = [f"{stats['root']}: {stats['clips']} clips ({stats['complete']} complete, "
             f"{stats['incomplete']} incomplete), "
             f"{stats['frames']} frames, {stats['disk_bytes'] / 1e6:.1f} MB"]
    if stats["expert_mean_ds"] is not None:
        lines.append(f"expert mean DS {stats['expert_mean_ds']:.2f} over {stats['expert_scored_clips']} clips")
    if stats["mean_collection_fps"] is not None:
        cpu = stats["cpu_ms_per_frame"]
        lines.append(f"collection speed {stats['mean_collection_fps']:.1f} frames/s"
                     + (f", {cpu:.1f} ms CPU per frame" if cpu is not None else ""))
    for name, count in stats["scenario_types"].items():
        lines.append(f"  {name}: {count}")
    return "\n".join(lines)
