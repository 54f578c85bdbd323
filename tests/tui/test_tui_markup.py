"""Data text is shown as typed, everywhere: tables, cards, charts, notices, the plan.

`tests/data/tui/shop` has titles and a tag that look like Rich markup or hold ESC bytes.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList
from tui_helpers import cells, screen_text, settle

from kptui.store import Workspace
from kptui.tui.app import KptuiApp
from kptui.tui.panes.data import DataPane
from kptui.tui.panes.personas import PersonasPane, card_text
from kptui.tui.panes.tags import TagsPane
from kptui.tui.widgets import FrameTable

MARKUP = "[bold red]x[/] [link=https://e.com]y"
ESCAPED = "Learn Python [beginner] \\x1b[31mred\\x1b[0m"  # ESC made visible, not obeyed
TAG = "#[red]tag[/red]"


def no_escape_bytes(text: str) -> None:
    assert "\x1b" not in text


async def test_tables_show_titles_and_tags_literally(shop: str) -> None:
    app = KptuiApp(shop)
    async with app.run_test(size=(300, 60)) as pilot:  # room for every tag: none cut short
        await settle(app, pilot)
        rows = cells(app.query_one("#top-videos", FrameTable))
        titles = [r[0] for r in rows]
        assert MARKUP in titles and ESCAPED in titles and "[b]理财[/b] 入门 #理财" in titles
        assert any(TAG in r[7] for r in rows)
        text = screen_text(app)
        assert MARKUP in text and ESCAPED in text
        no_escape_bytes(text)


async def test_persona_cards_and_details_literally(shop: str) -> None:
    card = {
        "id": 7,
        "label": MARKUP,
        "size": 12,
        "share": 0.1,
        "conversion_rate": 0.25,
        "conversion_ci": [0.1, 0.5],
        "active_hours": [1.0] * 24,
        "best_hours": [20],
    }
    assert card_text(card).plain.startswith(f"#7 {MARKUP}\n12 viewers")
    app = KptuiApp(shop)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        pane = app.query_one(PersonasPane)
        # the card list renders whatever a label holds as text
        options = app.query_one("#persona-list", OptionList)
        options.add_option(card_text(card))
        await pilot.pause()
        options.highlighted = options.option_count - 1
        options.scroll_to_highlight()
        await pilot.pause()
        assert f"#7 {MARKUP}" in screen_text(app)
        # a persona whose top videos include a markup title shows it as typed
        model = pane.model
        pid = next(
            c["id"] for c in model.cards if any(v["title"] == MARKUP for v in c["top_videos"])
        )
        pane.select(pid)
        await pilot.pause()
        titles = [r[0] for r in cells(app.query_one("#persona-videos", FrameTable))]
        assert MARKUP in titles
        no_escape_bytes(screen_text(app))


async def test_notices_show_paths_literally(tmp_path: Path, shop: str) -> None:
    odd = tmp_path / "[bold red]x[/] \x1b[2J"  # a path that does not exist
    app = KptuiApp(shop)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        app.query_one(DataPane).load(str(odd))  # as `kptui tui PATH` would
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("[bold red]x[/] \\x1b[2J" in m for m in messages), messages
        assert all(not n.markup for n in app._notifications)
        text = screen_text(app)
        assert "[bold red]x[/] \\x1b[2J" in text
        no_escape_bytes(text)
        # typing or pasting a control byte into a field is refused
        field = app.query_one("#data-path", Input)
        field.value = ""
        field.focus()
        await pilot.press(*"ab")
        field.insert_text_at_cursor("\x1b[2J")
        assert field.value == "ab"


async def test_chosen_tags_recommendations_and_plan_literally(shop: str) -> None:
    with Workspace.open() as ws:
        ws.add_draft(MARKUP, tags=["[red]tag[/red]"])
    app = KptuiApp(shop)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("6")
        await settle(app, pilot)
        row = cells(app.query_one("#plan-drafts", FrameTable))[0]
        assert row[2] == MARKUP and row[3] == TAG
        await pilot.press("enter")  # open it in Tags
        await settle(app, pilot)
        pane = app.query_one(TagsPane)
        assert pane.chosen == ["[red]tag[/red]"]
        assert TAG in screen_text(app)
        await pilot.press("escape", "4")
        await settle(app, pilot)
        text = screen_text(app)
        assert f"Your draft fits: {MARKUP}" in text
        no_escape_bytes(text)


def test_emoji_form_selector_is_dropped_so_widths_agree() -> None:
    """`❤️` (U+2764 U+FE0F, in KuaiRec captions) is 1 cell to Rich and 2 to terminals: the
    row it sits on pushed the table's border right. Shown as `❤`, both count 1."""
    from rich.cells import cell_len

    from kptui.tui.text import lit, plain

    caption = "喜欢的关注更精彩❤️❤️  爱"
    assert plain(caption) == "喜欢的关注更精彩❤❤  爱"
    assert "\ufe0f" not in lit(caption).plain and cell_len(plain(caption)) == 22
