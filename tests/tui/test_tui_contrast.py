"""Box titles and the focused box are legible: >= 4.5:1 (WCAG AA) from the theme's colours.

The colours are the ones Textual computed for the widgets on screen (theme variables through
app.tcss), blended over what is behind them the way the terminal shows them.
"""

from __future__ import annotations

import pytest
from textual.color import Color
from textual.widgets import OptionList

from kptui.tui.app import KptuiApp
from kptui.tui.panes.ab import ABPane
from kptui.tui.widgets import FrameTable

AA = 4.5


def luminance(c: Color) -> float:
    def lin(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)


def contrast(a: Color, b: Color) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def title_contrast(widget) -> tuple[float, float]:
    """(title text, border line) against the background the border is drawn on."""
    behind, _ = widget.background_colors
    title = behind + widget.styles.border_title_color
    line = behind + widget.styles.border_top[1]
    return contrast(title, behind), contrast(line, behind)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_titles_and_focus_are_legible(theme: str) -> None:
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await pilot.press("2")
        await pilot.pause()
        table = app.query_one("#tags-table", FrameTable)
        chosen = app.query_one("#tags-chosen-box")
        assert app.focused is table
        text, line = title_contrast(table)
        assert text >= AA, f"focused title {text:.2f}:1"
        assert line >= AA, f"focused border {line:.2f}:1"
        assert table.styles.border_top[0] == "heavy"  # a shape, not only a colour
        text, _ = title_contrast(chosen)
        assert text >= AA, f"box title {text:.2f}:1"
        assert chosen.styles.border_top[0] == "round"
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        for widget in app.query_one(ABPane).query(".box"):
            assert title_contrast(widget)[0] >= AA, widget.id
        assert title_contrast(app.query_one("#persona-list", OptionList))[0] >= AA
