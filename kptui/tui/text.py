"""Untrusted text for the screen: data is never read as markup nor as terminal escapes.

Every title, tag, user id or file name that reaches a widget goes through `lit()`; notices
go through `plain()` with `markup=False`.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from kptui.textsafe import clean

# for Input(restrict=...): typing or pasting a control byte (ESC...) into a field is refused
NO_CONTROL = r"[^\x00-\x08\x0b-\x1f\x7f-\x9f]*"


# U+FE0F asks for the emoji form of a narrow character (❤️): terminals then draw 2 cells
# where Rich counts 1, and every cell after it on the row (a table border) moves right.
# Without it the character is drawn as the 1 cell Rich counts.
_EMOJI_FORM = str.maketrans("", "", "\ufe0f")


def plain(value: Any, *, limit: int | None = None) -> str:
    """One line with risky characters shown visibly (`\\x1b`, `⟨U+202E⟩`): see kptui.textsafe."""
    text = clean(value).translate(_EMOJI_FORM)
    if limit is not None and cell_len(text) > limit:
        text = set_cell_size(text, max(limit - 1, 0)).rstrip() + "…"
    return text


def lit(value: Any, style: str = "", *, limit: int | None = None) -> Text:
    """A rich Text that shows `value` exactly as typed (markup-looking text stays text)."""
    return Text(plain(value, limit=limit), style=style)


def num(value: Any, digits: int = 0) -> Text:
    """A right-aligned number; None shows as an em dash."""
    if value is None:
        return Text("—", justify="right", style="dim")
    if isinstance(value, float):
        if value != value:  # NaN
            return Text("—", justify="right", style="dim")
        return Text(f"{value:,.{digits}f}", justify="right")
    if isinstance(value, int):
        return Text(f"{value:,}", justify="right")
    return lit(value)


def pct(value: float | None, digits: int = 1) -> str:
    if value is None or value != value:
        return "—"
    return f"{value * 100:.{digits}f}%"
