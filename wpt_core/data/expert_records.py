"""Attach the leaderboard's per-route records to the clips recorded on CARLA.

On CARLA the data agent cannot see its own route's score (the evaluator computes it after the agent
is destroyed), so the collector attaches it afterwards: each record of the results JSON whose
`save_name` matches a clip's meta.json `save_name` becomes that clip's results.json.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict

from wpt_core.data import clip_layout as L
from wpt_core.data.clip_writer import atomic_write_json
from wpt_core.data.stats import find_clips


def attach_leaderboard_records(checkpoint: Path, clips_root: Path) -> int:
    """Write each matching record into its clip's results.json; returns how many clips got one."""
    data = json.loads(Path(checkpoint).read_text())
    records = {r.get("save_name"): r for r in data.get("_checkpoint", {}).get("records", []) if r.get("save_name")}
    attached = 0
    for clip in find_clips(clips_root):
        meta_path = clip / L.META_FILE
        if not meta_path.exists():
            continue
        meta: Dict = json.loads(meta_path.read_text())
        record = records.get(meta.get("save_name"))
        if record is not None:
            atomic_write_json(clip / L.RESULTS_FILE, record)
            attached += 1
    return attached
