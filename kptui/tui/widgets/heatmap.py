"""Weekday x time-of-day heatmap and a resampled sparkline, in glyphs that read without colour.

A cell's shade says how the posts in that slot did against the creator's baseline
(`░` under 0.8x, `▒` about usual, `▓` 1.25x or more, `█` 2x or more); a slot with too few
posts shows `·` and an empty slot stays blank, so the picture holds under NO_COLOR.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widget import Widget

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SHADES = ((2.0, "█", "bold green"), (1.25, "▓", "green"), (0.8, "▒", ""), (0.0, "░", "red"))
LEGEND = "░<0.8x ▒~1x ▓≥1.25x █≥2x ·few"
_LEVELS = "▁▂▃▄▅▆▇█"


def shade(multiple: float) -> tuple[str, str]:
    for low, glyph, style in SHADES:
        if multiple >= low:
            return glyph, style
    return SHADES[-1][1], SHADES[-1][2]


def sparkline(values: Sequence[float], width: int) -> str:
    """`values` squeezed (bucket means) or kept to at most `width` glyphs, low to high."""
    vals = [float(v) for v in values if v == v]
    if not vals or width <= 0:
        return ""
    if len(vals) > width:
        step = len(vals) / width
        vals = [
            sum(chunk) / len(chunk)
            for chunk in (
                vals[int(i * step) : max(int((i + 1) * step), int(i * step) + 1)]
                for i in range(width)
            )
        ]
    lo, hi = min(vals), max(vals)
    if hi <= lo:
        return _LEVELS[0] * len(vals)
    return "".join(_LEVELS[round((v - lo) / (hi - lo) * (len(_LEVELS) - 1))] for v in vals)


class Heatmap(Widget):
    """Seven weekday rows of 24 hours in `block`-hour cells, plus an audience row."""

    DEFAULT_CSS = """
    Heatmap { height: auto; width: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._cells: list[dict[str, Any]] = []
        self._block = 3
        self._best: tuple[int, int] | None = None
        self._audience: list[float] | None = None
        self._empty = "no publish times"

    def set_cells(
        self,
        cells: Sequence[dict[str, Any]],
        block: int,
        best: tuple[int, int] | None = None,
        audience: Sequence[float] | None = None,
        empty: str | None = None,
    ) -> None:
        """`cells`: the `when` section's cells; `best`: (weekday, start hour) to mark."""
        self._cells = list(cells)
        self._block = max(1, min(block, 24))
        self._best = best
        self._audience = list(audience) if audience else None
        if empty is not None:
            self._empty = empty
        self.refresh(layout=True)

    def render(self) -> Text:
        if not self._cells:
            return Text(self._empty, style="dim")
        block = self._block
        width = 3 if block >= 3 else 1  # characters per cell; 24 hours fit in 24 or 3x8
        per_hour = width * (24 // block) / 24 if block < 24 else 0
        out = Text(no_wrap=True, overflow="crop")
        if block < 24:
            axis = [" "] * (width * (24 // block))
            for hour in range(0, 24, 6):
                pos = int(hour * per_hour)
                for j, ch in enumerate(f"{hour}h"):
                    if pos + j < len(axis):
                        axis[pos + j] = ch
            out.append("    " + "".join(axis).rstrip() + "\n", style="dim")
        grid = {(c["weekday"], c["hours"][0]): c for c in self._cells}
        for wd, name in enumerate(WEEKDAYS):
            out.append(f"{name} ", style="bold")
            for start in range(0, 24, block):
                cell = grid.get((wd, start))
                w = width if block < 24 else 3
                if cell is None:
                    out.append(" " * w)
                elif cell["thin"]:
                    out.append("·".center(w), style="dim")
                else:
                    glyph, style = shade(cell["median"])
                    if self._best == (wd, start):
                        out.append(("[" + glyph + "]") if w == 3 else "*", style="bold reverse")
                    else:
                        out.append(glyph * w, style=style)
            out.append("\n")
        if self._audience and block < 24:
            out.append("aud ", style="bold")
            hours = self._audience
            if width == 3:  # 24 hours in 24 cells: one glyph per hour
                out.append(sparkline(hours, 24), style="cyan")
            else:
                out.append(sparkline(hours, 24 // block), style="cyan")
            out.append("\n")
        out.append(LEGEND, style="dim")
        return out
