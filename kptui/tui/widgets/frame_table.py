"""A table over many rows that stays fast: rows are kept as Python tuples, one page is shown.

Every cell is a `rich.text.Text` (DataTable would read a `str` as markup and swallow
`[beginner]`), long text is cut to the column's width, and sorting works on the whole
data, not only the visible page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from kptui.tui.text import lit, num, pct


@dataclass(frozen=True)
class Col:
    """A column: `kind` is text, int, float, pct, bar (0..1) or tags (a list: `#a #b`)."""

    key: str
    label: str
    kind: str = "text"
    width: int = 40  # text is cut to this many cells...
    digits: int = 2
    wide: int | None = None  # ...or to this many when the table is wider than WIDE cells
    drop: int = 0  # too narrow a table drops the highest `drop` first (see fit_widths)


WIDE = 110
MIN_TEXT = 8  # a text column is never squeezed below this many cells
DROP_FIRST = 5  # a column this droppable goes before any text is cut
SHRINKS = ("text", "tags")


def clip(text: Text, width: int) -> Text:
    """Cut to `width` cells at a word boundary when one is near, with an ellipsis."""
    if text.cell_len <= width:
        return text
    from rich.cells import set_cell_size

    plain = set_cell_size(text.plain, max(width - 1, 0))
    space = plain.rfind(" ")
    if space >= width * 0.6:
        plain = plain[:space]
    out = Text(plain.rstrip() + "…", style=text.style, justify=text.justify)
    return out


def fit_widths(
    cols: Sequence[Col], widths: list[int], room: int, pad: int
) -> tuple[list[int], list[int]]:
    """(kept column indexes, their widths) so the row fits in `room` cells.

    Columns with `drop` >= DROP_FIRST (ids, dates) go before any text is cut; other
    droppable ones (highest `drop` first) only while squeezing text to half its width
    would not be enough. Then tag lists shrink to half, then any text column, widest
    first, down to MIN_TEXT (cells are cut at a word, with an ellipsis); what is left
    over may still scroll sideways.
    """
    keep = list(range(len(cols)))
    w = list(widths)

    def total() -> int:
        return sum(w[i] + 2 * pad for i in keep)

    def squeezable() -> int:  # what text can give up and stay readable (half its width)
        return sum(w[j] - max(MIN_TEXT, w[j] // 2) for j in keep if cols[j].kind in SHRINKS)

    for i in sorted((i for i in keep if cols[i].drop), key=lambda i: (-cols[i].drop, -i)):
        if total() <= room:
            break
        if cols[i].drop < DROP_FIRST and total() - squeezable() <= room:
            break  # squeezing the text is enough: keep this column
        keep.remove(i)
    over = total() - room
    floor = {j: max(MIN_TEXT, w[j] // 2) if cols[j].kind == "tags" else MIN_TEXT for j in keep}
    while over > 0:
        texts = [j for j in keep if cols[j].kind in SHRINKS and w[j] > floor[j]]
        if not texts:
            if any(floor[j] > MIN_TEXT for j in floor):  # tags at half: now below that too
                floor = dict.fromkeys(floor, MIN_TEXT)
                continue
            break
        tags = [j for j in texts if cols[j].kind == "tags"]
        texts = tags or texts
        j = max(texts, key=lambda j: w[j])
        cut = min(over, w[j] - floor[j], max(1, w[j] // 4))
        w[j] -= cut
        over -= cut
    return keep, [w[i] for i in keep]


def _cell(value: Any, col: Col, wide: bool = False) -> Text:
    width = (col.wide or col.width) if wide else col.width
    if col.kind == "int":
        return num(int(value) if isinstance(value, (int, float)) and value == value else value)
    if col.kind == "float":
        return num(float(value) if isinstance(value, (int, float)) else value, col.digits)
    if col.kind == "pct":
        return Text(pct(value, col.digits), justify="right")
    if col.kind == "bar":  # a 0..1 score: bar and number; None (no score) stays empty
        from kptui.tui.widgets.charts import bar_text

        if value is None:
            return Text("")

        score = float(value or 0.0)
        out = Text(bar_text(score, 1.0, col.width).ljust(col.width), style="green")
        out.append(f" {score:.{col.digits}f}")
        return out
    if col.kind == "tags":
        tags = value or []
        return lit(" ".join(f"#{t}" for t in tags), limit=width)
    return lit(value, limit=width)


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None or (isinstance(value, float) and value != value):
        return (1, 0)
    if isinstance(value, (list, tuple)):
        return (0, len(value))
    if isinstance(value, str):
        return (0, value.casefold())
    return (0, value)


class FrameTable(DataTable):
    """DataTable showing `page_size` rows at a time of any number of rows; `s` sorts."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "sort", "Sort", id="table.sort", tooltip="sort by the next column"),
        Binding(
            "S", "reverse", "Reverse", id="table.reverse", show=False, tooltip="reverse the sort"
        ),
        Binding("]", "page(1)", "Next page", id="table.next_page", show=False, tooltip="next page"),
        Binding(
            "[", "page(-1)", "Prev page", id="table.prev_page", show=False, tooltip="previous page"
        ),
    ]

    class RowChosen(Message):
        """The user pressed Enter on a row; `values` is the original row."""

        def __init__(self, table: FrameTable, values: tuple[Any, ...]) -> None:
            super().__init__()
            self.table = table
            self.values = values

        @property
        def control(self) -> FrameTable:
            return self.table

    def __init__(
        self,
        *,
        page_size: int = 200,
        title: str = "",
        sortable: bool = True,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(
            id=id, classes=classes, cursor_type="row", zebra_stripes=True, show_row_labels=False
        )
        self.page_size = page_size
        self.sortable = sortable
        self._cols: list[Col] = []
        self._rows: list[tuple[Any, ...]] = []
        self._order: list[int] = []
        self._page = 0
        self._sort: tuple[int, bool] | None = None
        self._title = title
        self._empty = ""
        self._wide = False
        self._layout: tuple[bool, list[int], list[int]] | None = None
        self._page_cells: tuple[bool, Any] | None = None
        self.caption = ""

    # data -------------------------------------------------------------------------------
    def set_data(
        self,
        cols: Sequence[Col],
        rows: Sequence[Sequence[Any]],
        *,
        sort: tuple[str, bool] | None = None,
        empty: str = "",
    ) -> None:
        """Replace the content. `sort` = (column key, descending)."""
        self._cols = list(cols)
        self._rows = [tuple(r) for r in rows]
        self._order = list(range(len(self._rows)))
        self._page = 0
        self._sort = None
        self._empty = empty
        if sort is not None:
            index = next((i for i, c in enumerate(self._cols) if c.key == sort[0]), None)
            if index is not None:
                self._apply_sort(index, sort[1])
        self._show_page()

    def set_note(self, note: str) -> None:
        """Words for the bottom border instead of the row count (kept across resizes)."""
        self._note = note
        self._update_caption()

    def set_title(self, title: str) -> None:
        """The table's title (shown in its top border, literally; kept across resizes)."""
        self._title = title
        self._update_caption()

    @property
    def total(self) -> int:
        return len(self._rows)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self._rows) // self.page_size))

    @property
    def page(self) -> int:
        return self._page

    @property
    def sorted_by(self) -> tuple[str, bool] | None:
        if self._sort is None:
            return None
        return self._cols[self._sort[0]].key, self._sort[1]

    def visible_rows(self) -> list[tuple[Any, ...]]:
        """The original rows on the current page, in display order."""
        start = self._page * self.page_size
        return [self._rows[i] for i in self._order[start : start + self.page_size]]

    def cursor_values(self) -> tuple[Any, ...] | None:
        rows = self.visible_rows()
        if not rows or self.cursor_row < 0 or self.cursor_row >= len(rows):
            return None
        return rows[self.cursor_row]

    def _apply_sort(self, index: int, descending: bool) -> None:
        self._order.sort(key=lambda i: _sort_key(self._rows[i][index]), reverse=descending)
        # keep missing values last whichever way we sort
        if descending:
            missing = [i for i in self._order if _sort_key(self._rows[i][index])[0] == 1]
            if missing:
                keep = set(missing)
                self._order = [i for i in self._order if i not in keep] + missing
        self._sort = (index, descending)

    def _show_page(self) -> None:
        """Rebuild the page with columns sized to it up front.

        DataTable otherwise measures columns when its queue next goes idle; on a loaded
        machine a paint could come first and leave header-wide columns (`con` for
        `control`) on screen. A table without a width yet (a hidden pane, or the first
        layout not done) builds nothing: `on_resize` builds it once it has one.
        """
        self._page_cells = None
        if self.size.width <= 0:
            self.clear(columns=True)
            self._layout = None
            self._update_caption()
            return
        self._fill(*self._fit())

    def _cells(self) -> tuple[list[int], list[list[Text]], list[Text], list[int]]:
        """The page's rows as cells, the labels and each column's natural width (cached
        until the page, its order, the data or the wide/narrow cut changes)."""
        wide = self.size.width >= WIDE
        if self._page_cells is not None and self._page_cells[0] == wide:
            return self._page_cells[1]
        start = self._page * self.page_size
        cols = self._cols
        shown = self._order[start : start + self.page_size]
        page = [
            [_cell(v, c, wide) for v, c in zip(self._rows[i], cols, strict=False)] for i in shown
        ]
        labels = [
            Text(c.label, justify="left" if c.kind in ("text", "tags", "bar") else "right")
            for c in cols
        ]
        widths = [
            max([label.cell_len, *(row[j].cell_len for row in page if j < len(row))])
            for j, label in enumerate(labels)
        ]
        self._page_cells = (wide, (shown, page, labels, widths))
        return shown, page, labels, widths

    def _fit(self) -> tuple[list[int], list[int]]:
        """(kept columns, their widths) for the current size."""
        _, page, _, widths = self._cells()
        bar = self.styles.scrollbar_size_vertical if len(page) > self.size.height else 0
        room = self.size.width - bar
        if room <= 0:
            return list(range(len(self._cols))), widths
        return fit_widths(self._cols, widths, room, self.cell_padding)

    def _fill(self, keep: list[int], sized: list[int]) -> None:
        shown, page, labels, _ = self._cells()
        cols = self._cols
        self._wide = self.size.width >= WIDE
        self.clear(columns=True)
        self._shown_cols = keep
        for j, width in zip(keep, sized, strict=True):
            self.add_column(labels[j], key=cols[j].key, width=width)
        for i, cells in zip(shown, page, strict=True):
            row = [
                clip(cells[j], width) if j < len(cells) else Text("")
                for j, width in zip(keep, sized, strict=True)
            ]
            self.add_row(*row, key=str(i))
        self._layout = (self._wide, keep, sized)
        self._update_caption()

    def _update_caption(self) -> None:
        n = len(self._rows)
        parts: list[str] = []
        if self._title:
            parts.append(self._title)
        if n == 0:
            parts.append(self._empty or "no rows")
        elif n > self.page_size:
            start = self._page * self.page_size
            end = min(start + self.page_size, n)
            parts.append(f"{start + 1:,}–{end:,} of {n:,}  [ ] page")
        else:
            parts.append(f"{n:,} row{'s' if n != 1 else ''}")
        if self._sort is not None:
            col = self._cols[self._sort[0]]
            parts.append(f"by {col.label} {'↓' if self._sort[1] else '↑'}")
        self.caption = " · ".join(parts)
        # the border crops a long title itself; the limit only bounds absurd data
        self.border_title = lit(self._title, limit=300) if self._title else None
        note = getattr(self, "_note", "")
        self.border_subtitle = lit(note or " · ".join(parts[1:] if self._title else parts))

    # actions ----------------------------------------------------------------------------
    def sort_by(self, key: str, descending: bool | None = None) -> None:
        index = next(i for i, c in enumerate(self._cols) if c.key == key)
        if descending is None:
            same = self._sort is not None and self._sort[0] == index
            # numbers start high-to-low, text A-to-Z; pressing again flips
            first = self._cols[index].kind not in ("text",)
            descending = (not self._sort[1]) if same and self._sort else first
        self._apply_sort(index, descending)
        self._page = 0
        self._show_page()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("sort", "reverse"):
            return self.sortable and bool(self._cols)
        return True

    def action_sort(self) -> None:
        """Row cursor: each press sorts by the next column (numbers high first)."""
        if not self._cols:
            return
        column = 0 if self._sort is None else (self._sort[0] + 1) % len(self._cols)
        self.sort_by(self._cols[column].key)

    def action_reverse(self) -> None:
        if self._sort is not None:
            self.sort_by(self._cols[self._sort[0]].key, not self._sort[1])

    def action_page(self, delta: int) -> None:
        page = max(0, min(self.pages - 1, self._page + delta))
        if page != self._page:
            self._page = page
            self._show_page()

    def on_resize(self) -> None:
        """Refit on a new size, rebuilding the rows only when the columns kept or their
        widths change (a wider screen that the columns already fit changes nothing)."""
        if not self._cols or self.size.width <= 0:
            return
        keep, sized = self._fit()
        if self._layout == (self.size.width >= WIDE, keep, sized):
            return
        row = self.cursor_row
        self._fill(keep, sized)
        if 0 <= row < self.row_count:
            self.move_cursor(row=row)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        if self.sortable:
            self.sort_by(str(event.column_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is None:
            return
        self.post_message(self.RowChosen(self, self._rows[int(event.row_key.value)]))
