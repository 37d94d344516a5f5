"""The rollout video: the student driving one route, front camera next to a top-down BEV panel (the agent's BEV
image when it offers one, else the tick's LiDAR points) with the route (blue) and the planned trajectory (red),
written as an animated GIF (Pillow).

Frames come from `recording_agent` (one npz per recorded step); this module only reads and draws them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
import yaml
from PIL import Image, ImageDraw

from wpt_core.leaderboard.benchmark import load_benchmark
from wpt_core.pipeline.agent_configs import agent_config_for
from wpt_core.pipeline.invoke import wpt
from wpt_core.pipeline.pipeline_config import repo_file
from wpt_core.pipeline.runner import StageContext

PANEL_PX = 224
VIEW_M = 40.0            # the top-down panel spans ±20 m around the ego, which sits at 3/4 of the height
ROUTE_RGB, PLAN_RGB, EGO_RGB, LIDAR_RGB = (40, 110, 255), (230, 30, 30), (255, 255, 255), (170, 170, 170)
GIF_MS_PER_FRAME = 100
RECORDING_AGENT = "wpt_core.pipeline.recording_agent"


def ego_to_pixel(points: np.ndarray, size: int = PANEL_PX, view_m: float = VIEW_M) -> List[tuple]:
    """Ego frame (x forward, y right, metres) → panel pixels: forward is up, right is right."""
    scale = size / view_m
    xy = np.asarray(points, dtype=float)[:, :2]
    return list(zip(size / 2 + xy[:, 1] * scale, size * 0.75 - xy[:, 0] * scale))


def lidar_image(points: Optional[np.ndarray]) -> np.ndarray:
    """LiDAR points (ego frame) as light pixels on a dark panel."""
    image = np.full((PANEL_PX, PANEL_PX, 3), 30, np.uint8)
    if points is not None and len(points):
        px = np.asarray(ego_to_pixel(np.asarray(points, np.float64)), dtype=np.float64).round().astype(int)
        inside = (px >= 0).all(axis=1) & (px < PANEL_PX).all(axis=1)
        image[px[inside, 1], px[inside, 0]] = LIDAR_RGB
    return image


def top_down_panel(bev: Optional[np.ndarray], route: Optional[np.ndarray], plan: Optional[np.ndarray],
                   lidar: Optional[np.ndarray] = None) -> Image.Image:
    panel = Image.fromarray(np.asarray(bev, np.uint8)).resize((PANEL_PX, PANEL_PX)) if bev is not None \
        else Image.fromarray(lidar_image(lidar))
    draw = ImageDraw.Draw(panel)
    for points, colour in ((route, ROUTE_RGB), (plan, PLAN_RGB)):
        if points is not None and len(points) > 1:
            draw.line(ego_to_pixel(points), fill=colour, width=3)
    cx, cy = PANEL_PX / 2, PANEL_PX * 0.75
    draw.rectangle([cx - 4, cy - 8, cx + 4, cy + 8], outline=EGO_RGB, width=2)
    return panel


def compose_frame(arrays: Dict[str, np.ndarray]) -> Image.Image:
    """Front camera (scaled to the panel height) | top-down panel."""
    panel = top_down_panel(arrays.get("bev"), arrays.get("route"), arrays.get("trajectory"), arrays.get("lidar"))
    if "front" not in arrays:
        return panel
    front = Image.fromarray(arrays["front"])
    front = front.resize((max(1, round(front.width * PANEL_PX / front.height)), PANEL_PX))
    frame = Image.new("RGB", (front.width + PANEL_PX, PANEL_PX))
    frame.paste(front, (0, 0))
    frame.paste(panel, (front.width, 0))
    return frame


def write_gif(frames: Sequence[Image.Image], path: Path, ms_per_frame: int = GIF_MS_PER_FRAME) -> Path:
    if not frames:
        raise ValueError(f"{path}: no frames to write")
    path.parent.mkdir(parents=True, exist_ok=True)
    first, *rest = [f.convert("P", palette=Image.ADAPTIVE) for f in frames]
    first.save(path, save_all=True, append_images=rest, duration=ms_per_frame, loop=0)
    return path


def gif_from_frames(frames_dir: Path, out: Path, max_frames: int) -> Path:
    """The recorded npz frames (in step order), evenly thinned to at most `max_frames`."""
    files = sorted(frames_dir.glob("*.npz"))
    if len(files) > max_frames:
        files = [files[i] for i in np.linspace(0, len(files) - 1, max_frames).round().astype(int)]
    frames = []
    for file in files:
        with np.load(file) as data:
            frames.append(compose_frame({k: data[k] for k in data.files}))
    return write_gif(frames, out)


def record_student_video(ctx: StageContext) -> Dict[str, str]:
    """Re-run the video route with the student wrapped in the recording agent, then draw the GIF."""
    stage, evaluation = ctx.config.report, ctx.config.policy_eval
    out = ctx.run_dir / "video"
    frames = out / "frames"
    config = out / "recording_agent.yaml"
    out.mkdir(parents=True, exist_ok=True)
    config.write_text(yaml.safe_dump({
        "agent": str(repo_file(evaluation.agent)),
        "agent_config": str(agent_config_for(ctx, "student")), "frames": str(frames.resolve()),
        "stride": stage.video_stride}))
    results = out / "results.json"
    if not results.is_file():
        for old in frames.glob("*.npz"):   # a killed recording restarts the route from its first frame
            old.unlink()
        wpt(["eval", "--agent", RECORDING_AGENT, "--agent-config", str(config),
             "--routes", str(load_benchmark(evaluation.benchmark).routes_path()), "--routes-subset", stage.video_route,
             "--checkpoint", str(results), "--save-path", str(out / "agent_outputs"), "--seed", str(ctx.config.seed)])
    return {"video": str(gif_from_frames(frames, out / "student_rollout.gif", stage.video_frames))}
