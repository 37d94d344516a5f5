"""`wpt eval --agent agents/wpt_agent.py --agent-config CFG` on one embedded_smoke route with a tiny checkpoint.

The checkpoint holds the stand-in policy (registered as kind 'student' in this process), so the route runs in
this process: `_run_isolated`'s spawned worker is replaced by a direct call of the same worker function.
Everything else is the real command: input checks, the agent file's loading, the results file, the report.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from wpt_core import cli
from wpt_core.sim.runner import evaluator

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wpt_eval_runs_the_agent_on_a_smoke_route(agent_config, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(evaluator, "_run_isolated", evaluator.run_route_in_worker)
    out = tmp_path / "results.json"
    code = cli.main(["eval", "--agent", str(REPO / "agents" / "wpt_agent.py"), "--agent-config", str(agent_config),
                     "--routes", str(REPO / "leaderboard_configs" / "routes" / "embedded_smoke.xml"),
                     "--routes-subset", "1", "--checkpoint", str(out), "--save-path", str(tmp_path / "save")])
    assert code == 0
    records = json.loads(out.read_text())["_checkpoint"]["records"]
    assert len(records) == 1 and not records[0]["status"].startswith("Failed - Agent")
    assert records[0]["scores"]["score_route"] > 0.0
    assert "driving score" in capsys.readouterr().out.lower()
    assert list((tmp_path / "save").glob("*/metric_info.json"))


def test_wpt_eval_refuses_an_agent_config_with_an_unknown_key(tmp_path):
    bad = tmp_path / "agent.yaml"
    bad.write_text("checkpoint: x.pt\nspeed: 3\n")
    code = cli.main(["eval", "--agent", str(REPO / "agents" / "wpt_agent.py"), "--agent-config", str(bad),
                     "--routes", str(REPO / "leaderboard_configs" / "routes" / "embedded_smoke.xml"),
                     "--checkpoint", str(tmp_path / "r.json")])
    assert code == 2
