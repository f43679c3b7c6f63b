"""Code style (ruff) is part of the suite, so CI catches it."""

import shutil
import subprocess

from conftest import ROOT


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or str(ROOT / ".venv/bin/ruff")
    result = subprocess.run([ruff, "check", "exocourse", "tests", "tools", "nbgrader_config.py"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
