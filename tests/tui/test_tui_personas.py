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


async def test_export_members_asks_where(shop: str, tmp_path, monkeypatch) -> None:
    """`e` asks for a file, offering the dataset's own folder; Escape writes nothing, an
    existing file is replaced only after a yes, and a typed path is where it goes."""
    import shutil

    from kptui.tui.screens import ConfirmScreen, SavePathScreen

    data = tmp_path / "shop"
    shutil.copytree(shop, data)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # never the current folder unless typed
    default = data / "persona-0-members.csv"
    app = KptuiApp(str(data))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        model = app.query_one(PersonasPane).model
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, SavePathScreen)
        assert app.screen.query_one("#save-path").value == str(default)
        assert "members of #0" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, SavePathScreen) and not default.exists()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert default.is_file()
        default.write_text("mine\n", encoding="utf-8")
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")  # exists: asks
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "Replace it?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert default.read_text(encoding="utf-8") == "mine\n"
        await pilot.press("enter")  # still in the field: ask again, and say yes
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert default.read_text(encoding="utf-8") != "mine\n"
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u", *str(tmp_path / "out.csv"), "enter")
        await settle(app, pilot)
        assert not list(elsewhere.iterdir())
    for path in (default, tmp_path / "out.csv"):
        with path.open(encoding="utf-8") as fh:
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


async def test_interactions_all_skipped_are_not_called_videos_only(tmp_path) -> None:
    """Every interaction row skipped (unknown events) read as 'This dataset has videos only'
    in the Personas, Recommend and Data panes; the CLI already said why."""
    (tmp_path / "videos.csv").write_text("video_id,title\nv1,A\n")
    (tmp_path / "interactions.csv").write_text(
        "user_id,video_id,event\nu1,v1,watched\nu2,v1,clicked\n"
    )
    app = KptuiApp(str(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        data = screen_text(app)
        assert "no usable interactions: every interaction row was skipped" in data
        assert "videos only" not in data
        for key in ("3", "4"):
            await pilot.press(key)
            await settle(app, pilot)
            text = " ".join(screen_text(app).split())  # the notice wraps
            assert "No usable interactions" in text and "unknown event 'watched'" in text
            assert "videos only" not in text


async def test_export_into_a_missing_folder_says_so(shop: str, tmp_path, monkeypatch) -> None:
    """A path typed into a folder that does not exist: an error notice naming it, no folder
    made, nothing written (the worker's error is never silent)."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "missing" / "members.csv"
    app = KptuiApp(shop)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#save-path").value = str(target)
        await pilot.press("enter")
        await settle(app, pilot)
        failed = [n for n in app._notifications if n.title == "Export failed"]
        assert failed and "does not exist" in failed[0].message, app._notifications
    assert list(tmp_path.iterdir()) == []
