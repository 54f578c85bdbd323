"""Personas pane: cards, a persona's members, videos and tags, CSV export, videos-only data."""

from __future__ import annotations

import csv

from textual.widgets import OptionList
from tui_helpers import cells, screen_text, settle

from kptui.engine.personas import load_or_fit_personas
from kptui.tui.app import KptuiApp
from kptui.tui.panes.personas import PersonasPane
from kptui.tui.widgets import FrameTable


async def test_cards_and_details(shop: str) -> None:
    app = KptuiApp(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        pane = app.query_one(PersonasPane)
        model = load_or_fit_personas(app.dataset)  # the same (cached) model the pane shows
        options = app.query_one("#persona-list", OptionList)
        assert options.option_count == model.k >= 3
        first = options.get_option_at_index(0).prompt.plain
        card = model.cards[0]
        assert card["label"] in first and f"{card['size']:,} viewers" in first
        assert "best" in first
        # pick the second persona: its members and top videos
        await pilot.press("down", "enter")
        await pilot.pause()
        assert pane.selected == 1
        members = app.query_one("#persona-members", FrameTable)
        assert members.total == model.cards[1]["size"]
        assert {r[0] for r in cells(members)} <= set(model.members(1))
        videos = cells(app.query_one("#persona-videos", FrameTable))
        assert [r[2] for r in videos] == [v["video_id"] for v in model.cards[1]["top_videos"]]
        for row, video in zip(videos, model.cards[1]["top_videos"], strict=True):
            assert video["title"].startswith(row[0].rstrip("…"))
        assert "#1 " in screen_text(app)


async def test_export_members(shop: str, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = KptuiApp(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        model = app.query_one(PersonasPane).model
    with (tmp_path / "persona-0-members.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == model.cards[0]["size"]
    assert {r["user_id"] for r in rows} == set(model.members(0))
    assert all(r["persona_id"] == "0" for r in rows)


async def test_videos_only_says_why(videos_only: str) -> None:
    app = KptuiApp(videos_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        text = screen_text(app)
        assert "videos only" in text and "interactions" in text
        assert not app.query_one("#personas-body").display
