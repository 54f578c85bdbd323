"""Every test runs with its own data, cache and workspace folders: never the user's files."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path_factory.mktemp("kptui-home")
    monkeypatch.setenv("KPTUI_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("KPTUI_CACHE_DIR", str(root / "cache"))
    monkeypatch.setenv("KPTUI_WORKSPACE", str(root / "workspace.sqlite3"))
    monkeypatch.delenv("KPTUI_DEBUG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield root


@pytest.fixture
def data_dir() -> Path:
    return DATA
