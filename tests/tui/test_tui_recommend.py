"""Recommend pane: lists per persona and per viewer, the draft's personas, videos-only data."""

from __future__ import annotations

from textual.widgets import Input, Select
from tui_helpers import cells, screen_text, settle

from kptui.engine.recommend import load_or_fit_recommender
from kptui.tui.app import KptuiApp
from kptui.tui.panes.recommend import RecommendPane
from kptui.tui.widgets import BarChart, FrameTable


async def test_persona_and_viewer_lists(shop: str) -> None:
    app = KptuiApp(shop)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        pane = app.query_one(RecommendPane)
        rec = load_or_fit_recommender(app.dataset)
        want = rec.for_persona(0, top=20)
        rows = cells(app.query_one("#rec-list", FrameTable))
        assert [r[4] for r in rows] == [w["video_id"] for w in want]
        assert rows[0][3] == f"{want[0]['score']:.3f}"
        assert rows[0][2].rstrip("…") in want[0]["reason"]
        # another persona
        app.query_one("#rec-persona", Select).value = 2
        await settle(app, pilot)
        assert [it["video_id"] for it in pane.items] == [
            w["video_id"] for w in rec.for_persona(2, top=20)
        ]
        # a viewer, typed
        viewer = sorted(app.dataset.interactions["user_id"].unique().to_list())[5]
        field = app.query_one("#rec-viewer", Input)
        field.focus()
        await pilot.press(*viewer, "enter")
        await settle(app, pilot)
        assert [it["video_id"] for it in pane.items] == [
            w["video_id"] for w in rec.for_user(viewer, top=20)
        ]
        assert f"viewer {viewer}" in screen_text(app)
        # paid only, for the viewer and then for a persona
        app.query_one("#rec-paid").value = True
        await settle(app, pilot)
        want = rec.for_user(viewer, top=20, paid_only=True)
        assert [it["video_id"] for it in pane.items] == [w["video_id"] for w in want]
        app.query_one("#rec-persona", Select).value = 0
        await settle(app, pilot)
        paid = set(app.dataset.videos.filter(app.dataset.videos["price"] > 0)["video_id"])
        assert pane.items and {it["video_id"] for it in pane.items} <= paid


async def test_unknown_viewer_is_a_message(shop: str) -> None:
    app = KptuiApp(shop)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        app.query_one("#rec-viewer", Input).focus()
        await pilot.press(*"nobody-here", "enter")
        await settle(app, pilot)
        assert "unknown viewer 'nobody-here'" in str(app.query_one("#rec-status").render())
        assert app.query_one("#rec-list", FrameTable).total == 0


async def test_draft_fits_personas(shop: str) -> None:
    app = KptuiApp(shop)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        assert "Type a title in Tags" in screen_text(app)
        await pilot.press("2")
        await pilot.press(*"Python decorators for beginners")
        await pilot.press("escape", "4")
        await settle(app, pilot)
        rec = load_or_fit_recommender(app.dataset)
        want = rec.draft_fit("Python decorators for beginners")
        rows = app.query_one("#rec-fit", BarChart).rows
        assert [label for label, _, _ in rows] == [f"#{w['persona_id']} {w['label']}" for w in want]
        assert [v for _, v, _ in rows] == [w["fit"] for w in want]
        assert "Python decorators for beginners" in screen_text(app)


async def test_videos_only_says_why(videos_only: str) -> None:
    app = KptuiApp(videos_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        assert "videos only" in screen_text(app)
        assert not app.query_one("#rec-body").display
