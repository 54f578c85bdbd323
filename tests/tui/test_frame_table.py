"""FrameTable builds its rows for the width it has: nothing while it has none (a hidden
pane), once when it gets one, and again on a resize only when the columns kept or their
widths change. (bench/bench_tui.py "sample shown" went 693 -> 846 ms when every resize,
width 0 included, rebuilt the 200-row page.)"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical

from kptui.tui.widgets import Col, FrameTable

COLS = (Col("title", "Title", width=40), Col("views", "Views", "int"))
ROWS = [(f"Video {i} about budgeting and saving", 1000 - i) for i in range(300)]


class Counting(FrameTable):
    fills = 0

    def _fill(self, keep: list[int], sized: list[int]) -> None:
        type(self).fills += 1
        super()._fill(keep, sized)


class Host(App[None]):
    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Counting(id="t")


async def test_hidden_table_waits_for_a_width_then_builds_once() -> None:
    Counting.fills = 0
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        box = app.query_one("#box")
        box.display = False
        await pilot.pause()
        table = app.query_one(Counting)
        table.set_data(COLS, ROWS)
        await pilot.pause()
        assert table.size.width == 0 and table.row_count == 0 and Counting.fills == 0
        assert table.total == 300 and "1–200 of 300" in str(table.border_subtitle)
        box.display = True
        await pilot.pause()
        await pilot.pause()
        assert table.row_count == 200 and Counting.fills == 1
        assert [str(c.label) for c in table.columns.values()] == ["Title", "Views"]


async def test_resize_rebuilds_only_when_the_fit_changes() -> None:
    Counting.fills = 0
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(Counting)
        table.set_data(COLS, ROWS)
        await pilot.pause()
        built = Counting.fills
        assert table.row_count == 200 and built == 1
        await pilot.resize_terminal(106, 24)  # wider and taller: the columns fit already
        await pilot.pause()
        assert Counting.fills == built
        await pilot.resize_terminal(40, 20)  # narrower: the title is cut, rows rebuilt
        await pilot.pause()
        assert Counting.fills == built + 1
        title = table.get_row_at(0)[0]
        assert title.plain.endswith("…") and title.cell_len < 40
        table.move_cursor(row=5)
        await pilot.resize_terminal(100, 20)  # wide again: full titles, cursor kept
        await pilot.pause()
        assert Counting.fills == built + 2 and table.cursor_row == 5
        assert table.get_row_at(0)[0].plain == ROWS[0][0]
