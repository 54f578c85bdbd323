"""Nothing typed is lost: quitting or opening another dataset asks about an unsaved draft;
persona targets picked in Recommend are in the workspace (a real SQLite file) at once."""

from __future__ import annotations

from textual.widgets import Input
from tui_helpers import screen_text, settle

from kptui.store import Workspace
from kptui.tui.app import KptuiApp
from kptui.tui.panes.tags import TagsPane
from kptui.tui.screens import UnsavedScreen
from kptui.tui.widgets import FrameTable


def drafts() -> list:
    with Workspace.open() as ws:
        return ws.list_drafts()


async def type_title(app: KptuiApp, pilot, title: str) -> None:
    await pilot.press("2", "t", *title, "escape")
    await settle(app, pilot)


async def test_quit_with_an_unsaved_draft_asks_then_saves(sample: str) -> None:
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_title(app, pilot, "Budget tips")
        assert "unsaved" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedScreen)
        assert "Budget tips" in screen_text(app) and "s: save" in screen_text(app)
        await pilot.press("s")
        await settle(app, pilot)
    assert app.return_code == 0
    assert [d.title for d in drafts()] == ["Budget tips"]


async def test_quit_discard_and_cancel(sample: str) -> None:
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_title(app, pilot, "Budget tips")
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("escape")  # cancel: still here, the title as typed
        await pilot.pause()
        assert not isinstance(app.screen, UnsavedScreen)
        assert app.is_running
        assert app.query_one("#tags-title", Input).value == "Budget tips"
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("d")
        await settle(app, pilot)
    assert app.return_code == 0
    assert drafts() == []


async def test_saved_draft_quits_without_a_question(sample: str) -> None:
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_title(app, pilot, "Budget tips")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "unsaved" not in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 and len(drafts()) == 1


async def test_opening_another_dataset_asks_first(sample: str, shop: str) -> None:
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_title(app, pilot, "Budget tips")
        await pilot.press("1", "l")
        field = app.query_one("#data-path", Input)
        field.value = shop
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedScreen)
        await pilot.press("escape")  # cancel: the sample stays loaded
        await settle(app, pilot)
        assert app.dataset_path == sample
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("s")  # save, then open the other one
        await settle(app, pilot)
        assert app.dataset_path == shop
        assert [d.title for d in drafts()] == ["Budget tips"]
        assert not app.query_one(TagsPane).unsaved


async def test_targets_picked_in_recommend_are_saved_at_once(shop: str) -> None:
    app = KptuiApp(shop)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await type_title(app, pilot, "Python decorators for beginners")
        await pilot.press("4")
        await settle(app, pilot)
        table = app.query_one("#rec-fit", FrameTable)
        table.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        pid = int(table.cursor_values()[1])
        (draft,) = drafts()
        assert draft.title == "Python decorators for beginners" and draft.personas == [pid]
        assert f"saved to draft #{draft.id}" in screen_text(app)
        await pilot.press("space")  # untarget: saved too
        await settle(app, pilot)
        (draft,) = drafts()
        assert draft.personas == []
        assert not app.query_one(TagsPane).unsaved


async def test_new_draft_and_opening_a_saved_one_ask_first(sample: str) -> None:
    """ctrl+n and Enter on a draft in Plan replaced the draft being typed without a word."""
    from kptui.tui.messages import OpenDraft

    with Workspace.open() as ws:
        ws.add_draft(title="Saved earlier")
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_title(app, pilot, "Budget tips")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedScreen) and "new draft" in screen_text(app)
        await pilot.press("escape")  # cancel: the title stays
        await pilot.pause()
        assert app.query_one("#tags-title", Input).value == "Budget tips"
        app.post_message(OpenDraft(drafts()[0]))  # what Enter on the Plan pane's row sends
        await pilot.pause()
        assert isinstance(app.screen, UnsavedScreen) and "another draft" in screen_text(app)
        await pilot.press("s")  # save this one, then open the other
        await settle(app, pilot)
        assert app.query_one("#tags-title", Input).value == "Saved earlier"
        assert sorted(d.title for d in drafts()) == ["Budget tips", "Saved earlier"]
        await pilot.press("escape", "ctrl+n")  # nothing unsaved: no question
        await pilot.pause()
        assert not isinstance(app.screen, UnsavedScreen)
        assert app.query_one("#tags-title", Input).value == ""
        await pilot.press(*"draft two", "escape", "ctrl+n", "d")  # discard
        await settle(app, pilot)
        assert app.query_one("#tags-title", Input).value == ""
        assert sorted(d.title for d in drafts()) == ["Budget tips", "Saved earlier"]
        text = screen_text(app)
        assert "1 suggestions" not in text
