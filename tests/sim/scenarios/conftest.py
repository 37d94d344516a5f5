import sys
from pathlib import Path
from typing import List

import pytest

sys.path.insert(0, str(Path(__file__).parent))   # scenario_harness

from scenario_harness import Run  # noqa: E402


@pytest.fixture
def make_run():
    runs: List[Run] = []

    def factory(*args, **kwargs) -> Run:
        run = Run(*args, **kwargs)
        runs.append(run)
        return run
    yield factory
    for run in runs:
        run.close()
