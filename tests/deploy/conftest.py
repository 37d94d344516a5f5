"""The stand-in policy is registered as the checkpoint kind 'student' for the duration of a test (in-process)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from deploy_helpers import build_standin, write_agent_config, write_checkpoint  # noqa: E402


@pytest.fixture
def agent_config(tmp_path, monkeypatch) -> Path:
    from wpt_core.models import checkpoint

    monkeypatch.setitem(checkpoint.BUILDERS, "student", build_standin)
    write_checkpoint(tmp_path / "policy.pt")
    return write_agent_config(tmp_path)
