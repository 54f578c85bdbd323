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
    """`await snapshot(app, pilot, name)` compares the screen with tests/tui/snapshots/NAME.svg.

    KPTUI_UPDATE_SNAPSHOTS=1 writes the file instead. A loaded machine can paint the last
    frame late (DataTable measures columns when it goes idle), so a mismatch is looked at
    again for up to a second before it counts; on a real mismatch NAME.actual.svg is
    written beside the stored one.
    """

    async def check(app, pilot, name: str) -> None:
        from textual.widgets import Input

        for field in app.screen.query(Input):
            field.cursor_blink = False
        path = SNAPSHOTS / f"{name}.svg"
        actual = SNAPSHOTS / f"{name}.actual.svg"
        update = os.environ.get("KPTUI_UPDATE_SNAPSHOTS") == "1"
        if update or not path.exists():
            if not update:
                pytest.fail(f"no snapshot {path.name}: run with KPTUI_UPDATE_SNAPSHOTS=1")
            await pilot.pause(0.3)
            SNAPSHOTS.mkdir(exist_ok=True)
            path.write_text(_normalise(app.export_screenshot(title="kptui")), encoding="utf-8")
            actual.unlink(missing_ok=True)
            return
        expected = path.read_text(encoding="utf-8")
        for _ in range(20):
            svg = _normalise(app.export_screenshot(title="kptui"))
            if svg == expected:
                actual.unlink(missing_ok=True)
                return
            await pilot.pause(0.05)
        actual.write_text(svg, encoding="utf-8")
        pytest.fail(f"screen differs from {path.name}; see {actual.name}")

    return check
