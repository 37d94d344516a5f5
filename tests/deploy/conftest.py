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


@pytest.fixture
def student_agent_config(tmp_path, tiny_profile) -> Path:
    """A real (untrained) tiny Student checkpoint, saved by the trainer's `save_checkpoint`, and its agent config."""
    from wpt_core.config import to_dict
    from wpt_core.models.checkpoint import save_checkpoint
    from wpt_core.models.student import Student

    save_checkpoint(tmp_path / "policy.pt", "student", Student(tiny_profile.model, tiny_profile.data).eval(),
                    to_dict(tiny_profile), step=0)
    return write_agent_config(tmp_path)
