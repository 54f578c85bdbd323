"""The code stays ruff-clean: a lint error fails CI like any other test."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is installed with .[test]")
def test_ruff_check_is_clean():
    res = subprocess.run(
        ["ruff", "check", "--no-cache", "kptui", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stdout[-3000:]
