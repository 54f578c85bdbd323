"""Fixtures for the app tests: real datasets, one shared model cache, SVG snapshots."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kptui.paths import sample_data_dir

HERE = Path(__file__).resolve().parent
TUI_DATA = HERE.parent / "data" / "tui"
SNAPSHOTS = HERE / "snapshots"


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Persona and tag models are cached by data fingerprint: fit once per test session."""
    return tmp_path_factory.mktemp("kptui-tui-cache")


@pytest.fixture(autouse=True)
def _shared_cache(shared_cache: Path, monkeypatch: pytest.MonkeyPatch, _isolated_dirs) -> None:
    monkeypatch.setenv("KPTUI_CACHE_DIR", str(shared_cache))
    monkeypatch.delenv("KPTUI_THEME", raising=False)


@pytest.fixture
def sample() -> str:
    return str(sample_data_dir())


@pytest.fixture
def shop() -> str:
    return str(TUI_DATA / "shop")


@pytest.fixture
def videos_only() -> str:
    return str(TUI_DATA / "videos_only")


def _normalise(svg: str) -> str:
    # Rich names the SVG's CSS classes after a hash of the terminal id: stable, but strip
    # it anyway so a Rich upgrade that changes the prefix does not break every snapshot.
    return re.sub(r"terminal-\d+", "terminal", svg)


@pytest.fixture
def snapshot(request: pytest.FixtureRequest):
    """`snapshot(app, name)` compares the app's screen with tests/tui/snapshots/NAME.svg.

    KPTUI_UPDATE_SNAPSHOTS=1 writes the file instead. On a mismatch, NAME.actual.svg is
    written beside it to look at.
    """

    def check(app, name: str) -> None:
        from textual.widgets import Input

        for field in app.screen.query(Input):
            field.cursor_blink = False
        svg = _normalise(app.export_screenshot(title="kptui"))
        path = SNAPSHOTS / f"{name}.svg"
        actual = SNAPSHOTS / f"{name}.actual.svg"
        if os.environ.get("KPTUI_UPDATE_SNAPSHOTS") == "1" or not path.exists():
            if not path.exists() and os.environ.get("KPTUI_UPDATE_SNAPSHOTS") != "1":
                pytest.fail(f"no snapshot {path.name}: run with KPTUI_UPDATE_SNAPSHOTS=1")
            SNAPSHOTS.mkdir(exist_ok=True)
            path.write_text(svg, encoding="utf-8")
            actual.unlink(missing_ok=True)
            return
        expected = path.read_text(encoding="utf-8")
        if svg != expected:
            actual.write_text(svg, encoding="utf-8")
            pytest.fail(f"screen differs from {path.name}; see {actual.name}")
        actual.unlink(missing_ok=True)

    return check
