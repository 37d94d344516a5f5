"""The rollout GIF: readable, the expected frame count and size, the plan drawn where the ego frame puts it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from wpt_core.pipeline.recording_agent import route_ahead
from wpt_core.pipeline.video import LIDAR_RGB, PANEL_PX, PLAN_RGB, VIEW_M, gif_from_frames


def write_frames(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for step in range(count):
        front = np.full((90, 160, 3), 20 * step, np.uint8)
        plan = np.stack([np.linspace(2.0, 15.0, 6), np.zeros(6)], axis=1)     # straight ahead, 2-15 m
        route = np.stack([np.linspace(0.0, 19.0, 20), np.full(20, 4.0)], axis=1)  # 4 m to the right
        lidar = np.array([[0.0, -10.0], [500.0, 0.0]], np.float16)   # 10 m to the left; one far outside the panel
        np.savez_compressed(folder / f"{step * 4:06d}.npz", front=front, trajectory=plan, route=route, lidar=lidar)


def test_gif_has_the_expected_frames(tmp_path: Path) -> None:
    write_frames(tmp_path / "frames", 7)
    path = gif_from_frames(tmp_path / "frames", tmp_path / "rollout.gif", max_frames=5)
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 5
        front_width = round(160 * PANEL_PX / 90)
        assert gif.size == (front_width + PANEL_PX, PANEL_PX)
        frame = np.asarray(gif.convert("RGB"))
    # ego at (PANEL/2, 3/4 PANEL); 10 m ahead is 10 * PANEL / VIEW_M pixels up
    x, y = front_width + PANEL_PX // 2, round(PANEL_PX * 0.75 - 10.0 * PANEL_PX / VIEW_M)
    assert tuple(frame[y, x]) == PLAN_RGB
    lidar_x = front_width + PANEL_PX // 2 - round(10.0 * PANEL_PX / VIEW_M)
    assert tuple(frame[round(PANEL_PX * 0.75), lidar_x]) == LIDAR_RGB
    assert tuple(frame[PANEL_PX // 2, 5]) == (0, 0, 0)   # the first frame's camera is black (20 * 0)


def test_all_frames_are_kept_below_the_cap(tmp_path: Path) -> None:
    write_frames(tmp_path / "frames", 3)
    with Image.open(gif_from_frames(tmp_path / "frames", tmp_path / "rollout.gif", max_frames=10)) as gif:
        assert gif.n_frames == 3


def test_route_ahead_in_the_ego_frame() -> None:
    route = np.stack([np.arange(0.0, 101.0), np.zeros(101)], axis=1)
    ahead = route_ahead(route, (5.0, 0.0), 0.0)
    assert len(ahead) == 51 and np.allclose(ahead[0], [0.0, 0.0]) and np.allclose(ahead[-1], [50.0, 0.0])
    turned = route_ahead(route, (5.0, 0.0), 90.0)   # facing +y (CARLA: right of +x), the route runs to the left
    assert np.allclose(turned[10], [0.0, -10.0])
