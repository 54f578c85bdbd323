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


class TrendLines(Widget):
    """One line per daily series: name, sparkline of its 7-day median, last value, wow."""

    DEFAULT_CSS = """
    TrendLines { height: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._series: list[dict[str, Any]] = []
        self._empty = ""

    def set_series(self, series: Sequence[dict[str, Any]], empty: str = "") -> None:
        """`series`: the trends section's series (plain values)."""
        self._series = list(series)
        self._empty = empty
        self.refresh(layout=True)

    def render(self) -> Text:
        if not self._series:
            return Text(self._empty, style="yellow")
        width = max(self.size.width - 42, 8)  # name 12, value 7, wow and its interval 23
        out = Text(no_wrap=True, overflow="crop")
        for i, s in enumerate(self._series):
            if i:
                out.append("\n")
            name = s["metric"] + ("+" if s["kind"] == "level" else "")
            out.append(f"{name[:11]:<11} ", style="bold")
            # the last 26 weeks of the 7-day median, squeezed to the width
            values = [p["median7"] for p in s["values"][-182:]]
            out.append(sparkline(values, width).ljust(width), style="cyan")
            out.append(f" {_short(s['latest_median7']):>6}")
            wow = s.get("wow") or {}
            change = wow.get("change")
            if change is None:
                out.append("  wow —", style="dim")
                continue
            out.append(f"  wow {change:+.0%}", style="bold")
            ci = wow.get("ci")
            if ci:
                out.append(f" ({ci[0]:+.0%}…{ci[1]:+.0%})", style="dim")
        last = max(s["last"] for s in self._series)
        out.append(f"\n7-day median to {last}; wow: last 7 days vs the 7 before", style="dim")
        return out


def _short(x: float | None) -> str:
    if x is None:
        return "—"
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div * 10:
            return f"{x / div:.0f}{suffix}"
        if abs(x) >= div:
            return f"{x / div:.1f}{suffix}"
    return f"{x:.0f}" if abs(x) >= 10 or x == int(x) else f"{x:.2f}"
