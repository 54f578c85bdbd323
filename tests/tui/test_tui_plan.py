"""Plan pane: what the workspace holds, opening a draft, status changes, a broken file."""

from __future__ import annotations

import os

from textual.widgets import Input
from tui_helpers import cells, screen_text, settle

from kptui.store import Arm, Workspace
from kptui.tui.app import KptuiApp
from kptui.tui.panes.ab import ABPane
from kptui.tui.panes.tags import TagsPane
from kptui.tui.widgets import FrameTable


def fill_workspace() -> None:
    with Workspace.open() as ws:
        ws.add_draft("Python in 60 seconds", description="decorators", tags=["python", "编程"])
        ws.add_draft("存钱的三个习惯", tags=["理财"], status="ready")
        ws.add_experiment("Title A/B", arms=[Arm("control", 1000, 50), Arm("B", 1000, 90)])


async def open_plan(app: KptuiApp, pilot, focus: str | None = None) -> None:
    """Switch to the Plan pane, wait for the workspace to be read, focus a table."""
    await pilot.press("6")
    await settle(app, pilot)
    if focus:
        app.query_one(f"#plan-{focus}", FrameTable).focus()


async def test_lists_drafts_and_experiments() -> None:
    fill_workspace()
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(app, pilot)
        drafts = cells(app.query_one("#plan-drafts", FrameTable))
        assert [r[2] for r in drafts] == ["Python in 60 seconds", "存钱的三个习惯"]
        assert drafts[0][3] == "#python #编程"
        assert [r[1] for r in drafts] == ["idea", "ready"]
        exps = cells(app.query_one("#plan-experiments", FrameTable))
        assert exps[0][2] == "Title A/B"
        assert "control 50 / 1,000 converted" in exps[0][3]
        assert "B wins" in exps[0][4]
        assert "2 drafts, 1 experiment in" in screen_text(app)


async def test_open_draft_in_tags_and_experiment_in_ab() -> None:
    fill_workspace()
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_plan(app, pilot, "drafts")
        await pilot.press("enter")
        await pilot.pause()
        tags = app.query_one(TagsPane)
        assert app.current_pane is tags
        assert app.query_one("#tags-title", Input).value == "Python in 60 seconds"
        assert tags.chosen == ["python", "编程"] and tags.draft_id == 1
        await pilot.press("escape", "6")
        app.query_one("#plan-experiments", FrameTable).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        ab = app.query_one(ABPane)
        assert app.current_pane is ab and ab.experiment_id == 1
        assert [(a.name, a.visitors, a.conversions) for a in ab.arm_inputs()] == [
            ("control", "1000", "50"),
            ("B", "1000", "90"),
        ]
        assert "B beats control" in str(app.query_one("#ab-verdict").render())


async def test_status_moves_along() -> None:
    fill_workspace()
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(app, pilot, "drafts")
        await pilot.press("x")
        await settle(app, pilot)
        with Workspace.open() as ws:
            assert ws.get_draft(1).status == "ready"
        assert cells(app.query_one("#plan-drafts", FrameTable))[0][1] == "ready"


async def test_broken_workspace_is_reported_not_touched(tmp_path) -> None:
    bad = tmp_path / "plan.sqlite3"
    bad.write_bytes(b"this is not a database, it is my shopping list\n" * 20)
    before = bad.read_bytes()
    app = KptuiApp(None, workspace=str(bad), load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(app, pilot)
        status = str(app.query_one("#plan-status").render())
        assert status.startswith("Workspace problem:")
        assert app.query_one("#plan-drafts", FrameTable).total == 0
    assert bad.read_bytes() == before
    assert os.path.getsize(bad) == len(before)


async def test_delete_asks_first_and_then_removes_from_the_workspace() -> None:
    from kptui.tui.screens import ConfirmScreen

    fill_workspace()
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(app, pilot, "drafts")

        async def delete(key: str, answer: str) -> None:
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press(answer)
            await settle(app, pilot)

        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Python in 60 seconds" in app.screen.question
        await pilot.press("n")  # changed my mind: nothing is deleted
        await settle(app, pilot)
        with Workspace.open() as ws:
            assert len(ws.list_drafts()) == 2
        await delete("d", "y")
        with Workspace.open() as ws:
            assert [d.title for d in ws.list_drafts()] == ["存钱的三个习惯"]
        rows = cells(app.query_one("#plan-drafts", FrameTable))
        assert [r[2] for r in rows] == ["存钱的三个习惯"]
        # experiments too
        app.query_one("#plan-experiments", FrameTable).focus()
        await delete("delete", "y")
        with Workspace.open() as ws:
            assert ws.list_experiments() == []


def fill_daily() -> None:
    with Workspace.open() as ws:
        e = ws.add_experiment("Price page", arms=["A", "B"])
        ws.add_experiment("No days yet", arms=[Arm("A", 100, 5), Arm("B", 100, 9)])
        for day in range(1, 11):
            ws.record(e.id, "A", visitors=500, conversions=25, day=f"2026-11-{day:02d}")
            ws.record(e.id, "B", visitors=500, conversions=38, day=f"2026-11-{day:02d}")


async def test_experiment_lift_day_by_day_with_its_band() -> None:
    from kptui.tui.widgets.lift_chart import LiftChart

    fill_daily()
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_plan(app, pilot, "experiments")
        await pilot.pause()
        chart = app.query_one("#plan-timeline", LiftChart)
        assert chart.display and len(chart.points) == 10
        text = screen_text(app)
        assert "B vs A day by day: significant under daily checks since 2026-11-0" in text
        assert "░" in text and "●" in text and "2026-11-10" in text
        assert chart.points[-1].visitors_control == 5000
        await pilot.press("down")  # the experiment without daily records: no chart
        await pilot.pause()
        assert not chart.display
