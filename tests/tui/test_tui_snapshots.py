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


SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]


async def test_data_pane_wide(snapshot, in_data: str) -> None:
    app = KptuiApp(in_data)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(app, pilot)
        await snapshot(app, pilot, "data_200x60")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_tags_pane(snapshot, in_data: str, size: tuple[int, int]) -> None:
    app = KptuiApp(in_data)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "t", *"Python decorators for beginners", "escape")
        await settle(app, pilot)
        await pilot.press("space")
        await settle(app, pilot)
        await snapshot(app, pilot, f"tags_{size[0]}x{size[1]}")


@pytest.mark.parametrize("pane", ["personas", "recommend"])  # Insights: test_tui_insights
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_model_panes(snapshot, in_data: str, size: tuple[int, int], pane: str) -> None:
    from kptui.tui.app import PANES

    key = next(p.PANE_KEY for p in PANES if pane == p.PANE_ID)
    app = KptuiApp(in_data)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        if pane == "recommend":  # with a draft, so the fit table has rows
            await pilot.press("2", "t", *"Python decorators for beginners", "escape")
            await settle(app, pilot)
        await pilot.press(key)
        await settle(app, pilot)
        await settle(app, pilot)
        await snapshot(app, pilot, f"{pane}_{size[0]}x{size[1]}")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_plan_pane(snapshot, size: tuple[int, int]) -> None:
    from kptui.store import Workspace
    from kptui.store.models import Arm

    with Workspace.open() as ws:
        ws.add_draft(
            "How I finally understood Python decorators (and you can too)",
            tags=["python", "programming", "decorators", "beginners"],
            personas=[0, 2],
            publish_hour=20,
        )
        ws.add_draft("Budget tips", tags=["saving"])
        ws.add_experiment(
            "Thumbnail test", arms=[Arm("control", 2000, 80), Arm("new thumbnail", 2000, 112)]
        )
        path = ws.path
    import sqlite3

    with sqlite3.connect(path) as db:  # a fixed date: the snapshot must not change each day
        db.execute("UPDATE drafts SET updated_at = '2025-06-01T12:00:00', created_at = updated_at")
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=size) as pilot:
        await pilot.press("6")
        await settle(app, pilot)
        app.query_one("#plan-status").update("2 drafts, 1 experiment in workspace.sqlite3")
        await settle(app, pilot)
        await snapshot(app, pilot, f"plan_{size[0]}x{size[1]}")
