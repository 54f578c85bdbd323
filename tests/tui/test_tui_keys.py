"""Pane keys never type into a field: the bytes a real terminal sends, parsed as Textual does.

Each test feeds raw terminal input (digits, ESC then digit for alt+digit, F-keys,
ctrl+PageUp/PageDown as xterm and tmux send them) through Textual's own XTerm parser into a
running app, then checks which pane is shown and that no field in any pane changed.
"""

from __future__ import annotations

import pytest
from textual._xterm_parser import XTermParser
from textual.widgets import ContentSwitcher, Input
from tui_helpers import settle

from kptui.tui.app import PANES, KptuiApp
from kptui.tui.panes.ab import ABPane
from kptui.tui.panes.tags import TagsPane

F_KEYS = ("\x1bOP", "\x1bOQ", "\x1bOR", "\x1bOS", "\x1b[15~", "\x1b[17~", "\x1b[18~")
CTRL_PAGE_DOWN, CTRL_PAGE_UP = "\x1b[6;5~", "\x1b[5;5~"


async def send(app: KptuiApp, pilot, data: str) -> None:
    """Type `data` as a terminal sends it (the parser then sees the end of input)."""
    from kptui.tui.keys import read_esc_digit_as_alt

    read_esc_digit_as_alt()
    parser = XTermParser()
    for event in [*parser.feed(data), *parser.feed("")]:
        app.post_message(event)
        await pilot.pause()


async def send_keys(app: KptuiApp, pilot, *keys: str) -> None:
    """One key at a time, as a person types them (ESC alone is the Escape key)."""
    for key in keys:
        await send(app, pilot, key)


def current(app: KptuiApp) -> str:
    return app.query_one("#panes", ContentSwitcher).current or ""


def fields(app: KptuiApp) -> dict[str, str]:
    """Every text field of every pane, by its place in the DOM."""
    return {f"{i}:{f.id or ''}": f.value for i, f in enumerate(app.query(Input))}


async def filled_app(app: KptuiApp, pilot) -> dict[str, str]:
    """Load the data, type a title and A/B numbers the way a user does, leave the field."""
    await settle(app, pilot)
    await send_keys(app, pilot, "2", "t", *"How I save money", "\x1b")
    await send_keys(app, pilot, "5", "e", *"2000", "\t", *"80", "\x1b")
    await settle(app, pilot)
    before = fields(app)
    assert app.query_one("#tags-title", Input).value == "How I save money"
    assert app.query_one(ABPane).arm_inputs()[0].visitors == "2000"
    assert not isinstance(app.focused, Input)
    return before


@pytest.mark.parametrize("pane", PANES, ids=[p.PANE_ID for p in PANES])
async def test_pane_keys_on_every_pane_change_no_field(sample: str, pane) -> None:
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        before = await filled_app(app, pilot)
        await send(app, pilot, pane.PANE_KEY)
        await settle(app, pilot)
        assert current(app) == pane.PANE_ID
        assert not isinstance(app.focused, Input), "opening a pane put the cursor in a field"
        # every other pane key, each way a terminal sends one, and back here each time
        for i, other in enumerate(PANES):
            for keys in (other.PANE_KEY, f"\x1b{other.PANE_KEY}", F_KEYS[i]):
                await send(app, pilot, keys)
                assert current(app) == other.PANE_ID, repr(keys)
                await send(app, pilot, F_KEYS[PANES.index(pane)])
                assert current(app) == pane.PANE_ID
        await send(app, pilot, CTRL_PAGE_DOWN)
        assert current(app) == PANES[(PANES.index(pane) + 1) % len(PANES)].PANE_ID
        await send(app, pilot, CTRL_PAGE_UP)
        assert current(app) == pane.PANE_ID
        await settle(app, pilot)
        assert fields(app) == before


async def test_alt_digit_in_a_field_switches_and_types_nothing(sample: str) -> None:
    """ESC 3 while typing a title: the Personas pane, and the title exactly as it was."""
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        before = await filled_app(app, pilot)
        for i, pane in enumerate(PANES):
            await send_keys(app, pilot, "2", "t")
            assert app.focused is app.query_one("#tags-title")
            await send(app, pilot, f"\x1b{pane.PANE_KEY}")
            assert current(app) == pane.PANE_ID
            await send_keys(app, pilot, "\x1b", "2", "t")
            await send(app, pilot, F_KEYS[i])
            assert current(app) == pane.PANE_ID
            await send_keys(app, pilot, "\x1b", "5", "e")
            assert app.focused is app.query_one(ABPane).arm_rows()[0].visitors_field
            await send(app, pilot, f"\x1b{pane.PANE_KEY}")
            assert current(app) == pane.PANE_ID
            await send(app, pilot, CTRL_PAGE_DOWN)
            await send(app, pilot, "\x1b")
        assert fields(app) == before


async def test_escape_then_digit_leaves_the_field_then_switches(sample: str) -> None:
    """ESC pressed on its own (then a digit, later): leave the field, then the pane key."""
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        before = await filled_app(app, pilot)
        await send_keys(app, pilot, "2", "t")
        await send(app, pilot, "\x1b")
        assert not isinstance(app.focused, Input)
        await send(app, pilot, "3")
        assert current(app) == "personas"
        assert fields(app) == before


async def test_digits_typed_in_a_field_are_text(sample: str) -> None:
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await send_keys(app, pilot, "2", "t", *"5 ways to save")
        assert current(app) == "tags"
        assert app.query_one("#tags-title", Input).value == "5 ways to save"


async def test_focus_keeps_the_text_and_ctrl_z_undoes(sample: str) -> None:
    """Entering a field does not select its text; ctrl+z undoes a burst, then the one before."""
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(TagsPane)
        title = app.query_one("#tags-title", Input)
        await send_keys(app, pilot, "2", "t", *"Budget", "\x1b")
        await pilot.pause(1.1)  # a pause: the next typing is a new undo step
        await send_keys(app, pilot, "t", *" tips")
        assert title.value == "Budget tips"  # not "tips": nothing was selected on focus
        assert title.selection.is_empty
        await send(app, pilot, "\x1a")  # ctrl+z as a terminal sends it
        assert title.value == "Budget"
        await send(app, pilot, "\x1a")
        assert title.value == ""
        await settle(app, pilot)
        assert pane.current_draft().title == ""
        # A/B numbers: the field's old value comes back
        await send_keys(app, pilot, "\x1b", "5", "e", *"2000")
        visitors = app.query_one(ABPane).arm_rows()[0].visitors_field
        await pilot.pause(1.1)
        await send(app, pilot, "\x7f")  # backspace
        assert visitors.value == "200"
        await send(app, pilot, "\x1a")
        assert visitors.value == "2000"
