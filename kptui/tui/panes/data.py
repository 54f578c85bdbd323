"""Data pane: load a path in a worker, show what is wrong with it, then what is in it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantBlur, DescendantFocus
from textual.widgets import DataTable, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from kptui.tui.messages import DatasetLoaded, LoadProgress, OpenDataset
from kptui.tui.panes.base import Pane, rejected_interactions
from kptui.tui.text import plain
from kptui.tui.widgets import BarChart, Col, FrameTable, HourChart
from kptui.tui.widgets.path_input import PathInput
from kptui.words import counted

if TYPE_CHECKING:
    from kptui.engine.types import Dataset

TOP_CAP = 100_000  # rows handed to the table; it pages them 200 at a time
# narrow screens drop Count, then Column, before the message (what matters) is cut
PROBLEM_COLS = (
    Col("file", "File", width=20, wide=32),
    Col("row", "Row", "int", drop=2),
    Col("column", "Column", width=16, drop=5),
    Col("count", "Count", "int", drop=5),
    Col("message", "Problem or notice", width=70, wide=90),
)


def build_overview(dataset: Dataset) -> dict[str, Any]:
    """Everything the pane draws, computed in the worker as plain Python values."""
    from kptui.engine import overview

    summary = overview.summarize(dataset)
    top = overview.top_videos(dataset, limit=TOP_CAP)
    hourly, hourly_of = overview.hourly_activity(dataset), "interactions"
    if not any(hourly):  # a videos-only export: when the videos went out, if it says
        hourly, hourly_of = overview.publish_hours(dataset), "posts"
    return {
        **summary,
        "funnel": overview.funnel(dataset),
        "hourly": hourly,
        "hourly_of": hourly_of if any(hourly) else "",
        "top_columns": list(top.columns),
        "top_rows": top.rows(),
        "top_empty": _empty_columns(top),
    }


def _empty_columns(top) -> list[str]:
    """Columns of the top-videos frame that say nothing: no value at all, a price of 0 on
    every video, no tags anywhere (KuaiRec's captions have no views, likes or prices)."""
    import polars as pl

    if not top.height:
        return []
    out = []
    for name, dtype in top.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.List):
            blank = col.list.len().fill_null(0).max() == 0
        elif dtype.is_numeric():
            blank = col.fill_null(0).abs().max() == 0 if name == "price" else col.is_null().all()
        else:
            blank = col.is_null().all()
        if top.select(blank).item():
            out.append(name)
    return out


_RATES = {"ctr", "completion_rate", "avg_pct_viewed"}


def _metric_words(metrics: dict[str, Any]) -> str:
    """`views 12,686 · ctr 6.6% · avg_view_s 14s` from `summarize`'s per-video metrics."""
    words = []
    for name, m in metrics.items():
        if name == "daily":
            continue
        if "mean" in m:
            value = m["mean"]
            shown = f"{value:.1%}" if name in _RATES else f"{value:,.0f}s"
        else:
            shown = f"{m['total']:,.0f}" if name != "watch_hours" else f"{m['total']:,.1f}h"
        words.append(f"{name} {shown}")
    daily = metrics.get("daily") or {}
    if daily:
        words.append(f"daily: {', '.join(list(daily)[:6])}")
    return " · ".join(words)


def _source_words(sources: list[dict[str, Any]]) -> str:
    """`youtube-studio 8 files (86,023 rows): per-day ×3, by-geography, …` per kind: what
    each file is shows in the table below (one line per file)."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for src in sources:
        by_kind.setdefault(src["kind"], []).append(src)
    parts = []
    for kind, group in by_kind.items():
        shapes: dict[str, int] = {}
        for src in group:
            shapes[src["shape"]] = shapes.get(src["shape"], 0) + 1
        rows = sum(src["rows"] for src in group)
        files = f"{len(group)} files" if len(group) > 1 else "1 file"
        shown = ", ".join(f"{s} ×{n}" if n > 1 else s for s, n in shapes.items())
        parts.append(f"{kind} {files} ({rows:,} rows): {shown}")
    return "; ".join(parts)


def _same_path(a: str, b: str) -> bool:
    try:
        return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()
    except OSError:
        return a == b


class DataPane(Pane):
    _attempted: str | None = None

    PANE_ID = "data"
    PANE_TITLE = "Data"
    PANE_KEY = "1"
    DEFAULT_FOCUS = "#top-videos"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "l", "focus_path", "Load…", id="data.load", tooltip="type a folder or file to load"
        ),
        Binding("r", "reload", "Reload", id="data.reload", tooltip="load the same data again"),
        Binding(
            "o",
            "open_recent",
            "Recent…",
            id="data.recent",
            tooltip="open a dataset you opened before",
        ),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="data-bar"):
            yield Label("Data ", id="data-label")
            yield PathInput(id="data-path", compact=True)
            yield ProgressBar(id="data-progress", show_eta=False, show_percentage=False)
        yield Label("Starting…", id="data-status", markup=False)
        yield Static(
            "No data loaded. Type a dataset folder or file above and press Enter "
            "(a folder with videos.* and interactions.*), press o for the datasets you "
            "opened before, or open the bundled sample from the command palette "
            "(ctrl+p, 'sample').",
            id="data-empty",
            markup=False,
        )
        with VerticalScroll(id="data-body"):
            with Vertical(id="data-left"):
                yield Static("", id="data-summary", markup=False)
                yield FrameTable(id="problems", title="Problems found", page_size=100)
                yield Static("", id="problem-detail", markup=False)
                with Horizontal(id="data-charts"):
                    with Vertical(id="funnel-box", classes="box"):
                        yield BarChart(id="funnel", label_width=13, empty="no interactions")
                    with Vertical(id="hours-box", classes="box"):
                        yield HourChart(id="hours")
            yield FrameTable(id="top-videos", title="Top videos")

    def on_mount(self) -> None:
        self.query_one("#funnel-box").border_title = "Funnel (viewers)"
        self.query_one("#hours-box").border_title = "Activity by hour"
        self.query_one("#data-progress").display = False
        self.query_one("#problems").display = False
        self.query_one("#problem-detail").display = False
        self.query_one("#data-body").display = False
        self.query_one("#data-empty").display = False

    # loading ----------------------------------------------------------------------------
    def load_startup(self, path: str | None) -> None:
        self._start_load(path, startup=True)

    def load(self, path: str) -> None:
        """Open another dataset (asking first about an unsaved draft); reload the same one."""
        same = self.kapp.dataset_path is not None and _same_path(path, self.kapp.dataset_path)
        if same:
            self._start_load(path, startup=False)
        else:
            self.kapp.ask_unsaved(
                "opening another dataset", lambda: self._start_load(path, startup=False)
            )

    def _start_load(self, path: str | None, *, startup: bool) -> None:
        self._attempted = path
        bar = self.query_one("#data-progress", ProgressBar)
        bar.display = True
        bar.update(total=1.0, progress=0.0)
        self._status(f"Loading {plain(path)}…" if path else "Loading…")
        self._load_worker(path, startup)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="load")
    def _load_worker(self, path: str | None, startup: bool) -> None:
        from kptui.engine.io import load_dataset
        from kptui.services.datasets import remember_dataset, startup_dataset

        worker = get_current_worker()
        why = ""
        if startup:  # the CLI's rule too: the argument, else the last dataset, else the sample
            path, why = startup_dataset(path, self.kapp.workspace)
        assert path is not None
        if not worker.is_cancelled:
            self.post_message(LoadProgress(f"reading {Path(path).name}", 0.0))

        def progress(stage: str | None, fraction: float | None) -> None:
            if not worker.is_cancelled:
                self.post_message(LoadProgress(stage or "", fraction))

        dataset = load_dataset(path, progress=progress)
        self.post_message(LoadProgress("summarising", 0.95))
        overview = build_overview(dataset)
        overview["why"] = why
        note = remember_dataset(path, self.kapp.workspace) if why != "bundled sample" else None
        overview["workspace_note"] = note
        if not worker.is_cancelled:
            self.post_message(DatasetLoaded(dataset, path, overview))

    @on(LoadProgress)
    def _progress(self, event: LoadProgress) -> None:
        event.stop()
        bar = self.query_one("#data-progress", ProgressBar)
        if event.fraction is not None:
            bar.update(total=1.0, progress=event.fraction)
        if event.stage:
            self._status(f"Loading: {plain(event.stage)}")

    @on(Worker.StateChanged)
    def _load_state(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "load":
            return
        if event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.query_one("#data-progress").display = False
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            if self.kapp.dataset is None:
                self._status(f"Could not load: {plain(error)}", error=True)
                field = self.query_one("#data-path", Input)
                if self._attempted and not field.value:
                    field.value = plain(self._attempted)  # ready to correct
                self.query_one("#data-empty").display = True
            else:
                self._status(
                    f"Could not load: {plain(error)} (still showing the previous data)", error=True
                )

    def _status(self, text: str, *, error: bool = False) -> None:
        """One line for loading progress and errors; hidden when there is nothing to say."""
        label = self.query_one("#data-status", Label)
        label.display = bool(text)
        label.update(Text(text, style="bold red" if error else ""))
        label.set_class(error, "-error")

    # showing ----------------------------------------------------------------------------
    def dataset_changed(self, dataset: Dataset | None) -> None:
        self.query_one("#data-progress").display = False
        if dataset is None:
            return
        self.query_one("#data-empty").display = False
        self.query_one("#data-body").display = True
        ov = self.kapp.overview
        path = self.kapp.dataset_path or dataset.source
        field = self.query_one("#data-path", Input)
        if field.value != path:
            field.value = path
            field.cursor_position = len(path)
        if ov.get("workspace_note"):
            self._status(plain(ov["workspace_note"]), error=True)
        else:
            self._status("")
        self._show_summary(ov, rejected_interactions(dataset))
        self._show_problems(dataset)
        funnel = ov.get("funnel") or []
        first = funnel[0][1] if funnel else 0
        self.query_one("#funnel", BarChart).set_rows(
            [(step, float(n), f"{n:,} {n / max(first, 1):>4.0%}") for step, n in funnel],
            empty=(
                "no usable interactions (all skipped)"
                if rejected_interactions(dataset)
                else "no interactions (videos only)"
                if dataset.videos.height
                else "no interactions"
            ),
        )
        self._show_hours(ov)
        self._show_top(ov)

    def _show_hours(self, ov: dict[str, Any]) -> None:
        """Viewers' activity by hour; for a videos-only export, the hours videos went out."""
        hourly = ov.get("hourly") or []
        top_hours = sorted(range(len(hourly)), key=lambda h: -hourly[h])[:3] if hourly else []
        # the date range of an export without videos is its days, not publish dates
        if ov.get("date_range", [None])[0] and not ov.get("interactions") and ov.get("videos"):
            empty = "publish dates have no time of day"
        else:
            empty = "no timestamps"
        self.query_one("#hours", HourChart).set_values(hourly, highlight=top_hours, empty=empty)
        box = self.query_one("#hours-box")
        box.border_title = (
            "Posts by hour published" if ov.get("hourly_of") == "posts" else "Activity by hour"
        )
        box.border_subtitle = (
            "peak " + ", ".join(f"{h}h" for h in sorted(top_hours)) if top_hours else None
        )

    def _show_summary(self, ov: dict[str, Any], rejected: bool = False) -> None:
        lines = Text()
        if ov.get("why") in ("last used", "bundled sample"):
            lines.append(f"{ov['why']}: ", style="dim")
        videos = ov.get("videos", 0)
        lines.append(f"{videos:,}", style="bold")
        lines.append(f" videos ({ov.get('paid_items', 0):,} paid) · ")
        if ov.get("interactions"):
            lines.append(f"{ov.get('viewers', 0):,}", style="bold")
            lines.append(" viewers · ")
            lines.append(f"{ov['interactions']:,}", style="bold")
            lines.append(" interactions")
        elif rejected:
            lines.append("no usable interactions: every interaction row was skipped", "yellow")
        elif videos:
            lines.append("videos only: personas and recommendations need interactions", "yellow")
        else:  # a Studio breakdown or Totals export: tables over days and dimensions only
            lines.append("per-day and breakdown tables only (no per-video table)", "yellow")
        first, last = (ov.get("date_range") or [None, None])[:2]
        lines.append("\n")
        if first:
            lines.append(f"{first[:10]} → {(last or '')[:10]}")
        if videos:
            lines.append(" · " if first else "")
            lines.append(f"{ov.get('tagged_share', 0):.0%} of videos tagged")
        if ov.get("duplicates_merged"):
            lines.append(f" · {ov['duplicates_merged']:,} duplicate rows merged")
        exports = [src for src in ov.get("sources") or [] if src.get("kind") != "kptui"]
        if exports:  # platform / store exports: what kinds of file, and what they measure
            lines.append("\n")
            lines.append("sources ", style="dim")
            lines.append(_source_words(exports))
            metrics = _metric_words(ov.get("metrics") or {})
            dims = ov.get("daily_dimensions") or []
            if dims:
                metrics += (" · " if metrics else "") + "per day by " + ", ".join(dims)
            dims = ov.get("breakdown_dimensions") or []
            if dims:
                metrics += (" · " if metrics else "") + "by " + ", ".join(dims)
            if metrics:
                lines.append("\n")
                lines.append("metrics ", style="dim")
                lines.append(metrics)
        notices = ov.get("notices") or []
        if notices:
            lines.append(f" · {counted(len(notices), 'notice')}")
        problems = ov.get("problems") or []
        n = sum(p.get("count", 1) for p in problems)
        lines.append(" · ")
        if n:
            lines.append(f"{counted(n, 'problem')} found, see below", style="bold yellow")
        else:
            lines.append("no problems found", style="green")
        self.query_one("#data-summary", Static).update(lines)

    def _show_problems(self, dataset: Dataset) -> None:
        table = self.query_one("#problems", FrameTable)
        rows = [
            (Path(p.file).name, p.row, p.column or "", p.count, p.message) for p in dataset.problems
        ]
        # nothing lost, but worth knowing: a Total row skipped, a year guessed. Beside
        # problems each says it is a notice; alone, the table's title says so (and the
        # message keeps the room: narrow screens cut it)
        marker = "notice: " if dataset.problems else ""
        rows += [
            (Path(p.file).name, p.row, p.column or "", p.count, f"{marker}{p.message}")
            for p in dataset.notices
        ]
        exports = [s for s in dataset.sources if s.kind != "kptui"]
        rows += [  # what each export file was read as (`data inspect` lists the same)
            (Path(s.file).name, None, "", s.rows, f"{s.kind} {s.shape} · {s.rows:,} rows")
            for s in exports
        ]
        table.set_data(PROBLEM_COLS, rows)
        n_problems, n_notices = len(dataset.problems), len(dataset.notices)
        table.set_title(
            "Problems and notices"
            if n_problems and n_notices
            else "Problems found"
            if n_problems
            else "Notices and files read"
            if n_notices
            else "Files read"
        )
        table.display = bool(rows)

    def _show_top(self, ov: dict[str, Any]) -> None:
        columns: list[str] = ov.get("top_columns", [])
        labels = {
            "video_id": Col("video_id", "ID", width=14, drop=5),
            "title": Col("title", "Title", width=34, wide=64),
            "price": Col("price", "Price", "float", digits=2),
            "views": Col("views", "Views", "int"),
            "likes": Col("likes", "Likes", "int", drop=2),
            "tags": Col("tags", "Tags", "tags", width=30, wide=50, drop=4),
            "interactions": Col("interactions", "Actions", "int", drop=3),
            "viewers": Col("viewers", "Viewers", "int"),
            "purchases": Col("purchases", "Buys", "int"),
        }
        wanted = ("title", "views", "viewers", "purchases", "likes", "price", "interactions")
        wanted += ("tags",)
        empty = set(ov.get("top_empty") or ())
        order = [c for c in (*wanted, "video_id") if c in columns and c not in empty]
        if "video_id" in order and "title" in order and len(order) <= 3:
            # nothing to rank by (KuaiRec: captions and tags only): the id has the room
            order.remove("video_id")
            order.insert(0, "video_id")
            labels["video_id"] = Col("video_id", "ID", width=14)
        index = [columns.index(c) for c in order]
        rows = [tuple(r[i] for i in index) for r in ov.get("top_rows", [])]
        table = self.query_one("#top-videos", FrameTable)
        # channel totals only (a YouTube Studio breakdown): no table, the left side widens
        table.display = bool(rows)
        ranked = {"views", "viewers"} & set(order)
        table.set_title("Top videos" if ranked else "Videos (no views in this export)")
        table.set_data([labels[c] for c in order], rows)

    # actions ----------------------------------------------------------------------------
    # the whole of a problem the table cuts ----------------------------------------------
    @on(DataTable.RowHighlighted, "#problems")
    @on(DescendantFocus)
    @on(DescendantBlur)
    def _show_problem_detail(self) -> None:
        """The row under the cursor, whole, below the table while it has focus: a long
        notice is cut to fit its column, and a user moving through the rows must read it."""
        table = self.query_one("#problems", FrameTable)
        detail = self.query_one("#problem-detail", Static)
        values = table.cursor_values() if table.has_focus else None
        detail.display = values is not None
        if values is not None:
            file, row, column, _count, message = values
            where = [file, f"row {row:,}" if isinstance(row, int) else "", column or ""]
            detail.update(f"{' · '.join(plain(w) for w in where if w)}: {plain(message)}")

    @on(Input.Submitted, "#data-path")
    def _submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            self._status("Type a folder or file to load", error=True)
            return
        import os

        self.load(os.path.expanduser(path))

    def action_focus_path(self) -> None:
        self.query_one("#data-path", Input).focus()

    def action_reload(self) -> None:
        path = self.kapp.dataset_path or self._attempted
        if path:
            self.load(path)

    def action_open_recent(self) -> None:
        self._recent_worker()

    @work(thread=True, exclusive=True, group="recent", exit_on_error=False)
    def _recent_worker(self) -> None:
        """Read the workspace off the event loop (another process may hold its lock)."""
        from kptui.services.datasets import recent_datasets

        paths = recent_datasets(self.kapp.workspace)
        self.app.call_from_thread(self._offer_recent, paths)

    def _offer_recent(self, paths: list[str]) -> None:
        from kptui.tui.screens import RecentScreen

        if not paths:
            self.notify("No recent datasets yet: the ones you open are remembered.")
            return

        def chosen(path: str | None) -> None:
            if path:
                self.load(path)

        self.app.push_screen(RecentScreen(paths, self.kapp.dataset_path), chosen)

    @on(OpenDataset)
    def _open_dataset(self, event: OpenDataset) -> None:
        event.stop()
        self.load(event.path)

    def action_load_sample(self) -> None:
        from kptui.paths import sample_data_dir

        self.load(str(sample_data_dir()))
