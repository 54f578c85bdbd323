"""Small charts drawn with block characters, so they read the same without colour (NO_COLOR).

Labels come from data (tags, persona names, arm names) and are always rendered literally.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widget import Widget

from kptui.tui.text import plain

# (name, rate, (low, high) or None, rich style)
Arm = tuple[str, float | None, tuple[float, float] | None, str]

_EIGHTHS = " ▏▎▍▌▋▊▉█"
_LEVELS = " ▁▂▃▄▅▆▇█"


def bar_text(value: float, maximum: float, width: int) -> str:
    """A horizontal bar `width` cells long at most, with eighth-cell resolution."""
    if width <= 0 or maximum <= 0 or value != value or value <= 0:
        return ""
    cells = max(0.0, min(1.0, value / maximum)) * width
    full = int(cells)
    rest = round((cells - full) * 8)
    if rest == 8:
        full, rest = full + 1, 0
    text = "█" * full + (_EIGHTHS[rest] if rest else "")
    return text or "▏"


def _fit(text: str, width: int) -> str:
    if len(text) <= width:
        return text.ljust(width)
    return text[: max(width - 1, 0)] + "…"


class BarChart(Widget):
    """Labelled horizontal bars: `label ███████▍ note`, one row each."""

    DEFAULT_CSS = """
    BarChart { height: auto; min-height: 1; }
    """

    def __init__(
        self,
        rows: Sequence[tuple[str, float, str]] = (),
        *,
        label_width: int = 16,
        empty: str = "no data",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._rows = list(rows)
        self._label_width = label_width
        self._empty = empty

    def set_rows(self, rows: Sequence[tuple[str, float, str]], empty: str | None = None) -> None:
        self._rows = list(rows)
        if empty is not None:
            self._empty = empty
        self.refresh(layout=True)

    @property
    def rows(self) -> list[tuple[str, float, str]]:
        return list(self._rows)

    def render(self) -> Text:
        if not self._rows:
            return Text(self._empty, style="dim")
        width = max(self.size.width, 20)
        labels = [plain(label) for label, _, _ in self._rows]
        notes = [plain(note) for _, _, note in self._rows]
        lw = min(max(len(x) for x in labels), self._label_width, width // 3)
        nw = max(len(x) for x in notes)
        bw = max(width - lw - nw - 2, 4)
        top = max((v for _, v, _ in self._rows), default=0.0)
        out = Text(no_wrap=True, overflow="crop")
        rows = zip(labels, self._rows, notes, strict=True)
        for i, (label, (_, value, _), note) in enumerate(rows):
            if i:
                out.append("\n")
            out.append(_fit(label, lw) + " ", style="bold")
            drawn = bar_text(value, top, bw)
            out.append(drawn, style="green")
            out.append(" " * (bw - len(drawn)) + " ")
            out.append(note.rjust(nw), style="dim")
        return out


class HourChart(Widget):
    """Activity by hour of day (0–23) as a column chart with an hour axis."""

    DEFAULT_CSS = """
    HourChart { height: auto; }
    """

    def __init__(
        self,
        values: Sequence[float] = (),
        *,
        rows: int = 3,
        highlight: Sequence[int] = (),
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._values = list(values)
        self._rows = rows
        self._highlight = set(highlight)
        self._empty = "no timestamps"

    def set_values(
        self, values: Sequence[float], highlight: Sequence[int] = (), empty: str = "no timestamps"
    ) -> None:
        """New counts per hour; `empty` says why there are none."""
        self._values = list(values)
        self._highlight = set(highlight)
        self._empty = empty
        self.refresh(layout=True)

    @property
    def values(self) -> list[float]:
        return list(self._values)

    def render(self) -> Text:
        if not self._values or not any(v > 0 for v in self._values):
            return Text(self._empty, style="dim")
        values = (self._values + [0.0] * 24)[:24]
        step = 2 if self.size.width >= 48 else 1
        top = max(values)
        out = Text(no_wrap=True, overflow="crop")
        for level in range(self._rows, 0, -1):
            for hour, value in enumerate(values):
                height = value / top * self._rows if top else 0
                filled = height - (level - 1)
                ch = "█" if filled >= 1 else _LEVELS[round(max(filled, 0) * 8)]
                style = "bold yellow" if hour in self._highlight else "cyan"
                out.append(ch * step, style=style)
            out.append("\n")
        axis = [" "] * (24 * step)
        for hour in (0, 6, 12, 18):
            label = str(hour)
            pos = hour * step
            for j, ch in enumerate(label):
                axis[pos + j] = ch
        out.append("".join(axis).rstrip(), style="dim")
        return out


class IntervalChart(Widget):
    """Each arm's rate as a point with its interval on one shared axis: `├──●──┤`."""

    DEFAULT_CSS = """
    IntervalChart { height: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._arms: list[Arm] = []

    def set_arms(self, arms: Sequence[Arm]) -> None:
        """`arms`: (name, rate, (low, high) or None, style)."""
        self._arms = list(arms)
        self.refresh(layout=True)

    def render(self) -> Text:
        arms = [a for a in self._arms if a[1] is not None]
        if not arms:
            return Text("enter visitors and conversions to see each arm's rate", style="dim")
        width = max(self.size.width, 30)
        names = [plain(a[0]) for a in self._arms]
        lw = min(max(len(n) for n in names), 12)
        notes = [
            "not computable" if rate is None else f"{rate * 100:.2f}%"
            for _, rate, _, _ in self._arms
        ]
        nw = max(len(n) for n in notes)
        aw = max(width - lw - nw - 3, 10)
        lows = [a[2][0] if a[2] else a[1] for a in arms]
        highs = [a[2][1] if a[2] else a[1] for a in arms]
        lo, hi = min(lows), max(highs)
        if hi - lo < 1e-12:
            lo, hi = lo - 0.01, hi + 0.01
        pad = (hi - lo) * 0.05
        lo, hi = max(lo - pad, 0.0), hi + pad

        def col(x: float) -> int:
            return min(aw - 1, max(0, round((x - lo) / (hi - lo) * (aw - 1))))

        out = Text(no_wrap=True, overflow="crop")
        rows = zip(self._arms, names, notes, strict=True)
        for i, ((_, rate, ci, style), name, note) in enumerate(rows):
            if i:
                out.append("\n")
            out.append(_fit(name, lw) + " ", style="bold")
            line = [" "] * aw
            if rate is not None:
                a, b = (col(ci[0]), col(ci[1])) if ci else (col(rate), col(rate))
                for j in range(a, b + 1):
                    line[j] = "─"
                line[a], line[b] = "├", "┤"
                line[col(rate)] = "●"
            out.append("".join(line), style=style or "")
            out.append(" " + note.rjust(nw), style="dim")
        out.append("\n" + " " * (lw + 1))
        left, right = f"{lo * 100:.1f}%", f"{hi * 100:.1f}%"
        out.append(left + " " * max(aw - len(left) - len(right), 1) + right, style="dim")
        return out
