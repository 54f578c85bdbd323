"""What the screen looks like, pinned as SVG (KPTUI_UPDATE_SNAPSHOTS=1 to accept changes).

Fixed data (tests/data/tui/shop, opened by a relative path so the screen holds no machine
path), no clock on screen, and the cursor does not blink: the SVGs are deterministic.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import settle

from kptui.tui.app import KptuiApp
from kptui.tui.panes.ab import ABPane

TUI_DATA = Path(__file__).resolve().parents[1] / "data" / "tui"


@pytest.fixture
def in_data(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(TUI_DATA)
    return "shop"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_data_pane(snapshot, in_data: str, size: tuple[int, int]) -> None:
    app = KptuiApp(in_data)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await snapshot(app, pilot, f"data_{size[0]}x{size[1]}")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_ab_pane(snapshot, size: tuple[int, int]) -> None:
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=size) as pilot:
        await pilot.press("5")
        pane = app.query_one(ABPane)
        pane.set_arms([("control", 12000, 540), ("new title", 12000, 630)])
        await settle(app, pilot)
        await snapshot(app, pilot, f"ab_{size[0]}x{size[1]}")


async def test_help_screen(snapshot) -> None:
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        await snapshot(app, pilot, "help_80x24")
