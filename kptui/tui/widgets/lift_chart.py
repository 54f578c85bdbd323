"""The lift of a variant day by day, with the sequential boundary, in block characters.

One to four columns per day (the last `width` days when there are more): `░` is the always-valid
band (the confidence sequence: the result is significant on the first day it leaves the zero
line), `●` the lift so far, `─` the zero line. Readable without colour (NO_COLOR): the marks
differ by shape, colour only adds emphasis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widget import Widget

AXIS = 9  # columns for the y-axis labels ("+12.3 pp ")


def _label(x: float, unit: str) -> str:
    if unit == "pp":
        return f"{x * 100:+.1f}pp"
    return f"{x:+.3g}"


def chart_lines(
    points: Sequence[Any], width: int, height: int = 7, unit: str = "pp"
) -> list[tuple[str, list[tuple[int, str]]]]:
    """Rows of the chart as (text, [(column, kind)]) with kind in {"band", "dot", "zero"}.

    `points` have `lift_abs`, `cs_abs` (or None) and `day`. Pure, so tests read it directly.
    """
    cols = max(1, width - AXIS)
    days = list(points)[-cols:]
    if not days:
        return [("no daily results yet", [])]
    stretch = max(1, min(4, cols // len(days)))  # a few days still fill some width
    pts = [p for p in days for _ in range(stretch)]
    values = [0.0]
    for p in pts:
        values.append(p.lift_abs)
        if p.cs_abs is not None:
            values.extend(p.cs_abs)
    lo, hi = min(values), max(values)
    if hi - lo <= 0:
        hi, lo = lo + 1e-9, lo - 1e-9
    height = max(3, height)

    # zero sits exactly on a row, so a band is drawn on it only when it really holds 0
    zero = min(height - 1, max(0, round(hi / (hi - lo) * (height - 1))))
    above, below = zero, height - 1 - zero
    levels = [
        hi * (zero - r) / above if r < zero else lo * (r - zero) / below if r > zero else 0.0
        for r in range(height)
    ]

    def nearest(x: float) -> int:
        return min(range(height), key=lambda r: abs(levels[r] - x))

    grid = [[" "] * len(pts) for _ in range(height)]
    kinds: list[list[tuple[int, str]]] = [[] for _ in range(height)]
    for c in range(len(pts)):
        grid[zero][c] = "─"
    for c, p in enumerate(pts):
        if p.cs_abs is not None:
            for r in range(height):
                if p.cs_abs[0] <= levels[r] <= p.cs_abs[1]:
                    grid[r][c] = "░"
        grid[nearest(p.lift_abs)][c] = "●"
    out = []
    for r in range(height):
        if r == zero:
            label = "0"
        elif r == 0:
            label = _label(hi, unit)
        elif r == height - 1:
            label = _label(lo, unit)
        else:
            label = ""
        line = "".join(grid[r])
        for c, ch in enumerate(line):
            kind = {"░": "band", "●": "dot", "─": "zero"}.get(ch)
            if kind:
                kinds[r].append((AXIS + c, kind))
        out.append((label.rjust(AXIS - 1) + " " + line, kinds[r]))
    first, last = pts[0].day, pts[-1].day
    foot = " " * AXIS + first
    if len(pts) > 1:
        foot += " " * max(1, AXIS + len(pts) - len(last) - len(foot)) + last
    out.append((foot, []))
    return out


_STYLE = {"band": "cyan", "dot": "bold", "zero": "dim"}


class LiftChart(Widget):
    """A variant's lift day by day with its always-valid band (see the module docstring)."""

    DEFAULT_CSS = """
    LiftChart { height: auto; min-height: 2; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._points: list[Any] = []
        self._title = ""
        self._unit = "pp"
        self._level = "95%"

    def set_points(
        self, points: Sequence[Any], title: str = "", unit: str = "pp", level: str = "95%"
    ) -> None:
        self._points = list(points)
        self._title = title
        self._unit = unit
        self._level = level
        self.refresh(layout=True)

    @property
    def points(self) -> list[Any]:
        return list(self._points)

    def render(self) -> Text:
        width = max(AXIS + 4, self.size.width or 60)
        out = Text(no_wrap=True, overflow="crop")
        if self._title:
            out.append(self._title + "\n", style="bold")
        grid = 5 if self.app.size.height < 30 else 7  # leave the tables room at 80x24
        rows = chart_lines(self._points, width, height=grid, unit=self._unit)
        for i, (line, kinds) in enumerate(rows):
            if i:
                out.append("\n")
            start = len(out.plain)
            out.append(line)
            for col, kind in kinds:
                out.stylize(_STYLE[kind], start + col, start + col + 1)
        if self._points:
            out.append(
                f"\n● lift so far  ░ {self._level} always-valid band  ─ no difference",
                style="dim",
            )
        return out
