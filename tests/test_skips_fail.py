"""The suite's conftest turns every skip into a failure (an importorskip must not silently drop tests)."""
import shutil
import subprocess
import sys
from pathlib import Path

CONFTEST = Path(__file__).resolve().parent / "conftest.py"


def _pytest(folder: Path, test_source: str) -> subprocess.CompletedProcess:
    shutil.copy(CONFTEST, folder / "conftest.py")
    (folder / "test_case.py").write_text(test_source)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder),
                           str(folder)], capture_output=True, text=True, cwd=folder)


def test_a_skipped_test_fails_with_its_reason(tmp_path):
    out = _pytest(tmp_path, "import pytest\n\ndef test_a():\n    pytest.skip('no GPU here')\n\n"
                            "def test_b():\n    assert True\n")
    assert out.returncode == 1, out.stdout
    assert out.stdout.splitlines()[-1].startswith("1 failed, 1 passed")
    assert "skipped tests fail the suite" in out.stdout and "no GPU here" in out.stdout


def test_a_module_level_importorskip_fails_the_run(tmp_path):
    out = _pytest(tmp_path, "import pytest\n\npytest.importorskip('no_such_extra_module')\n\n"
                            "def test_c():\n    assert True\n")
    assert out.returncode != 0, out.stdout
    assert "skipped tests fail the suite" in out.stdout and "no_such_extra_module" in out.stdout
    assert "passed" not in out.stdout.splitlines()[-1]
