"""Panes talk through the app: requests are delivered, and typing is debounced for Recommend."""

from __future__ import annotations

from tui_helpers import settle

from kptui.tui.app import KptuiApp
from kptui.tui.panes import tags as tags_pane
from kptui.tui.panes.recommend import RecommendPane
from kptui.tui.panes.tags import TagsPane


async def test_typing_a_title_reaches_recommend_once_typing_pauses(shop: str, monkeypatch) -> None:
    seen: list[str] = []
    original = RecommendPane.draft_changed

    def spy(self, draft) -> None:
        seen.append(draft.title)
        original(self, draft)

    monkeypatch.setattr(RecommendPane, "draft_changed", spy)
    # The pilot's keystrokes came more than the app's 80 ms apart on a busy box ("pyth" seen
    # before "python"), so the test's debounce is long enough that six always fall inside it.
    monkeypatch.setattr(tags_pane, "DEBOUNCE", 1.0)
    app = KptuiApp(shop)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "t")  # opening a pane never enters a field: t does
        await settle(app, pilot)
        seen.clear()
        await pilot.press(*"python")  # six keystrokes, faster than the debounce
        assert seen == []  # still typing
        await settle(app, pilot, delay=1.3)
        assert seen == ["python"]  # one fit request, for the whole word
        assert app.draft.title == "python"
        assert app.query_one(TagsPane).suggestions  # the suggestions waited the same way
