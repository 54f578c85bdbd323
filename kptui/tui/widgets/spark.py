"""One-line sparkline text for 24 hourly values (cards are one Text each)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

_LEVELS = "▁▂▃▄▅▆▇█"


def spark(values: Sequence[float] | None, highlight: Sequence[int] = ()) -> Text:
    if not values or max(values) <= 0:
        return Text("no timestamps", style="dim")
    top = max(values)
    out = Text(no_wrap=True)
    for i, v in enumerate(values):
        level = min(len(_LEVELS) - 1, int(v / top * (len(_LEVELS) - 1) + 0.5))
        out.append(_LEVELS[level], style="bold yellow" if i in highlight else "cyan")
    return out
