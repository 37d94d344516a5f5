"""The recording agent in a real `wpt eval`: it drives with the wrapped agent and writes one frame per stride."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import yaml
from PIL import Image

from wpt_core.cli import main
from wpt_core.paths import repo_configs_dir
from wpt_core.pipeline.video import RECORDING_AGENT, gif_from_frames

ZOO_AGENT = Path(__file__).resolve().parents[1] / "fixtures" / "agents" / "zoo_style_agent.py"
SMOKE_ROUTES = repo_configs_dir() / "routes" / "embedded_smoke.xml"
STRIDE = 25


def test_recording_wraps_a_sensor_agent_on_a_route(tmp_path: Path) -> None:
    config = tmp_path / "recording.yaml"
    config.write_text(yaml.safe_dump({"agent": str(ZOO_AGENT), "agent_config": "", "frames": str(tmp_path / "f"),
                                      "stride": STRIDE}))
    results = tmp_path / "results.json"
    assert main(["eval", "--agent", RECORDING_AGENT, "--agent-config", str(config), "--routes", str(SMOKE_ROUTES),
                 "--routes-subset", "0", "--checkpoint", str(results), "--save-path", str(tmp_path / "out")]) == 0
    record = json.loads(results.read_text())["_checkpoint"]["records"][0]
    assert not record["status"].startswith("Failed - Agent")
    frames = sorted((tmp_path / "f").glob("*.npz"))
    steps = [int(f.stem) for f in frames]
    assert steps[:3] == [0, STRIDE, 2 * STRIDE] and all(b - a == STRIDE for a, b in zip(steps, steps[1:]))
    with np.load(frames[len(frames) // 2]) as frame:
        assert frame["front"].shape == (64, 64, 3) and frame["front"].dtype == np.uint8   # the agent's camera
        route = frame["route"]
    # the route starts next to the ego (GNSS noise and the antenna mount: a few metres at most) and runs ahead
    assert np.linalg.norm(route[0]) < 4.0 and route[-1][0] > 10.0
    with Image.open(gif_from_frames(tmp_path / "f", tmp_path / "r.gif", 8)) as gif:
        assert gif.n_frames == min(8, len(frames))
