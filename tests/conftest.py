"""Suite-wide rule and shared fixtures.

A skipped test is a failed test: every extra the tests need is installed by scripts/setup_env.sh (`sim`,
`maps`, `carla`, `train`, `dev`); a test that skips because one is missing (an `importorskip`, a `skipif`)
would silently drop what it checks, so the skip is reported as a failure with its reason. Deselection
(`-m "not slow"`) is not a skip. Fixtures: small Bench2Drive clips and a tiny training profile for the
learning tests.
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "data"))

TINY_PROFILE = Path(__file__).parent / "fixtures" / "training" / "tiny.yaml"


@pytest.fixture(scope="session")
def learning_clips(tmp_path_factory) -> Path:
    """Four clips: routes 1–3 in Town01 (route 3 in two weathers), route 4 in Town02."""
    from synthetic_clips import write_learning_clip

    root = tmp_path_factory.mktemp("learning_clips")
    for route, town, weather in ((1, "Town01", 0), (2, "Town01", 0), (3, "Town01", 0), (3, "Town01", 1),
                                 (4, "Town02", 0)):
        write_learning_clip(root, route, town=town, weather=weather)
    return root


@pytest.fixture(scope="session")
def tiny_profile():
    from wpt_core.training.profile import load_profile

    return load_profile(config_file=str(TINY_PROFILE))


@pytest.fixture(scope="session")
def tiny_batch(learning_clips, tiny_profile):
    """A real collated batch of 4 samples from the synthetic clips (tiny profile)."""
    import torch
    from torch.utils.data import DataLoader

    from wpt_core.data.dataset import find_clips, raw_dataset

    names = [p.name for p in find_clips(learning_clips)]
    dataset = raw_dataset(learning_clips, tiny_profile.data, names)
    return next(iter(DataLoader(torch.utils.data.Subset(dataset, [0, 30, 60, 90]), batch_size=4)))

SKIP_IS_FAILURE = "skipped tests fail the suite (is an extra missing from the environment?)"


def _fail_skip(report) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"{SKIP_IS_FAILURE}: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _fail_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _fail_skip(outcome.get_result())
