"""`kptui ...` as a user runs it: a separate process, real exit code, stdout and stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def kptui(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # stdin closed: a command that wrongly waited for input (or opened the app) fails fast
    return subprocess.run(
        [sys.executable, "-m", "kptui", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
