"""`wpt eval --agent agents/wpt_agent.py --agent-config CFG` on one embedded_smoke route with a real tiny
(untrained) Student checkpoint: the real command, its spawned route worker, the results file and the report."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from wpt_core import cli

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wpt_eval_runs_the_agent_on_a_smoke_route(student_agent_config, tmp_path, capsys):
    out = tmp_path / "results.json"
    code = cli.main(["eval", "--agent", str(REPO / "agents" / "wpt_agent.py"), "--agent-config", str(student_agent_config),
                     "--routes", str(REPO / "leaderboard_configs" / "routes" / "embedded_smoke.xml"),
                     "--routes-subset", "1", "--checkpoint", str(out), "--save-path", str(tmp_path / "save")])
    assert code == 0
    records = json.loads(out.read_text())["_checkpoint"]["records"]
    # an untrained student may well stand still ("Failed - Agent got blocked"); it must not crash or fail setup
    assert len(records) == 1 and records[0]["status"] not in (
        "Failed - Agent crashed", "Failed - Agent couldn't be set up", "Failed - Simulation crashed"), records[0]["status"]
    assert "driving score" in capsys.readouterr().out.lower()
    assert list((tmp_path / "save").glob("*/metric_info.json"))


def test_wpt_eval_refuses_an_agent_config_with_an_unknown_key(tmp_path):
    bad = tmp_path / "agent.yaml"
    bad.write_text("checkpoint: x.pt\nspeed: 3\n")
    code = cli.main(["eval", "--agent", str(REPO / "agents" / "wpt_agent.py"), "--agent-config", str(bad),
                     "--routes", str(REPO / "leaderboard_configs" / "routes" / "embedded_smoke.xml"),
                     "--checkpoint", str(tmp_path / "r.json")])
    assert code == 2
