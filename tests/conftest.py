"""Suite-wide rule: a skipped test is a failed test.

Every extra the tests need is installed by scripts/setup_env.sh (`sim`, `maps`, `carla`, `dev`); a test
that skips because one is missing (an `importorskip`, a `skipif`) would silently drop what it checks, so
the skip is reported as a failure with its reason. Deselection (`-m "not slow"`) is not a skip.
"""
import pytest

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
