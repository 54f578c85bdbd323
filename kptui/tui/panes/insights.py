"""Insights pane: what the creator's own history says, as pictures where a person would rather
look than read: when-to-post heatmap, funnel bars, trend sparklines, ranked outliers (Enter
opens a video's details) and the tags that worked.

The numbers are the same as `kptui insights --json` (one engine call, run in a worker when
the pane is first shown for a dataset); a section the data cannot answer says what it needs.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static
from textual.worker import Worker, WorkerState

from kptui.tui.panes.base import Pane
from kptui.tui.text import lit, plain
from kptui.tui.widgets import BarChart, Col, FrameTable
from kptui.tui.widgets.heatmap import Heatmap, TrendLines, _short

if TYPE_CHECKING:
    from kptui.engine.types import Dataset

OUTLIER_COLS = (
    Col("multiple", "×", "float", digits=2),
    Col("title", "Video", width=30, wide=60),
    Col("value", "Views", "int"),
    Col("baseline", "Usual", "int"),
    Col("n", "n", "int"),
    Col("published", "Posted", width=10),
    Col("video_id", "ID", width=12),
)
TAG_COLS = (
    Col("tag", "Tag", width=24),
    Col("multiple", "×", "float", digits=2),
    Col("ci", "95% interval", width=12),
    Col("n_with", "With", "int"),
    Col("n_without", "Without", "int"),
)


class InsightsReady(Message):
    """The worker finished: the engine's result for the dataset with this fingerprint."""

    def __init__(self, fingerprint: str, result: dict[str, Any]) -> None:
        super().__init__()
        self.fingerprint = fingerprint
        self.result = result


def compute(dataset: Dataset) -> dict[str, Any]:
    """The same job as `kptui insights` (kptui.services.insights)."""
    from kptui.services.insights import insights

    return insights(dataset)


class InsightsPane(Pane):
    PANE_ID = "insights"
    PANE_TITLE = "Insights"
    PANE_KEY = "7"
    DEFAULT_FOCUS = "#ins-outliers"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "recompute",
            "Recompute",
            id="insights.recompute",
            show=False,
            tooltip="compute the insights again",
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._dataset: Dataset | None = None
        self._done_for: str | None = None
        self._running_for: str | None = None
        self.result: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Label("Insights appear once a dataset is loaded.", id="ins-status", markup=False)
        with VerticalScroll(id="ins-body"):
            with Horizontal(id="ins-top"):
                with Vertical(id="ins-when", classes="box"):
                    yield Heatmap(id="ins-heatmap")
                with Vertical(id="ins-funnel-box", classes="box"):
                    yield BarChart(id="ins-funnel", label_width=14, empty="")
                    yield Static("", id="ins-funnel-text", markup=False)
            yield Static("", id="ins-when-text", markup=False)
            with Vertical(id="ins-trends-box", classes="box"):
                yield TrendLines(id="ins-trends")
            yield FrameTable(id="ins-outliers", title="Outliers", sortable=True, page_size=100)
            yield FrameTable(id="ins-tags", title="Tags that work for you", page_size=100)

    def on_mount(self) -> None:
        self.query_one("#ins-when").border_title = "When to post"
        self.query_one("#ins-funnel-box").border_title = "Funnel"
        self.query_one("#ins-trends-box").border_title = "Trends"
        self.query_one("#ins-body").display = False

    # data -------------------------------------------------------------------------------
    def dataset_changed(self, dataset: Dataset | None) -> None:
        self._dataset = dataset
        self._done_for = None
        if dataset is not None and self.kapp.current_pane is self:
            self._start()

    def pane_shown(self) -> None:
        self._start()

    def _key(self, dataset: Dataset) -> str:
        return dataset.fingerprint or str(id(dataset))

    def _start(self, force: bool = False) -> None:
        dataset = self._dataset
        if dataset is None:
            return
        key = self._key(dataset)
        if not force and key in (self._done_for, self._running_for):
            return
        self._running_for = key
        self._status(f"Computing insights on {dataset.videos.height:,} videos…")
        self._worker(dataset, key)

    @work(thread=True, exclusive=True, group="insights", exit_on_error=False)
    def _worker(self, dataset: Dataset, key: str) -> None:
        self.post_message(InsightsReady(key, compute(dataset)))

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "insights" and event.state == WorkerState.ERROR:
            self._running_for = None
            self._status(f"Could not compute insights: {plain(event.worker.error)}")

    @on(InsightsReady)
    def _ready(self, event: InsightsReady) -> None:
        event.stop()
        if self._dataset is None or event.fingerprint != self._key(self._dataset):
            return  # a result for data that is no longer loaded
        self._running_for = None
        self._done_for = event.fingerprint
        self.show(event.result)

    def action_recompute(self) -> None:
        self._start(force=True)

    def _status(self, text: str) -> None:
        label = self.query_one("#ins-status", Label)
        label.update(text)
        label.display = bool(text)

    # showing ----------------------------------------------------------------------------
    def show(self, result: dict[str, Any]) -> None:
        """Draw a result of `engine.insights.run` (plain values only)."""
        self.result = result
        self.query_one("#ins-body").display = True
        metric = result.get("metric")
        videos = f"{result.get('videos', 0):,} videos"
        self._status(f"{videos}, {metric} against your own baseline" if metric else videos)
        self._show_when(result["when"])
        self._show_funnel(result["funnel"])
        self._show_trends(result["trends"])
        self._show_outliers(result["outliers"])
        self._show_tags(result["tags"])
        self.refresh_bindings()  # the tables' sort key only applies once they hold rows
        # the body was hidden until now: focus once its styles are applied
        self.call_after_refresh(self._focus_if_shown, self.query_one("#ins-outliers", FrameTable))

    def _show_when(self, part: dict[str, Any]) -> None:
        heat = self.query_one("#ins-heatmap", Heatmap)
        text = self.query_one("#ins-when-text", Static)
        audience = (part.get("audience") or {}).get("by_hour")
        box = self.query_one("#ins-when")
        box.display = part["status"] == "ok"  # nothing to draw: the funnel takes the row
        if part["status"] != "ok":
            text.update(Text(f"When to post: needs {plain(part['needs'])}", style="yellow"))
            return
        rec = part.get("recommendation")
        best = None
        if rec and rec["weekday"] is not None and rec["hours"] is not None:
            best = (rec["weekday"], rec["hours"][0])
        heat.set_cells(part["cells"], part["block_hours"], best, audience)
        out = Text()
        if rec:
            out.append("Post ", style="bold")
            out.append(plain(rec["text"]))
        else:
            out.append(f"no slot yet: needs {plain(part['recommendation_needs'])}", style="yellow")
        if not audience:
            out.append(f"\naudience hours: needs {plain(part['audience_needs'])}", style="dim")
        text.update(out)

    def _show_funnel(self, part: dict[str, Any]) -> None:
        chart = self.query_one("#ins-funnel", BarChart)
        text = self.query_one("#ins-funnel-text", Static)
        chart.display = part["status"] == "ok"
        if part["status"] != "ok":
            text.update(Text(f"needs {plain(part['needs'])}", style="yellow"))
            return
        rates = {c["to"]: c for c in part["conversions"]}
        rows = []
        for step in part["steps"]:
            conv = rates.get(step["step"])
            note = _short_number(step["total"])
            if conv is not None and conv["rate"] is not None:
                note += f" {_rate(conv['rate'])}"
            # log scale: impressions to purchases spans orders of magnitude
            rows.append((step["label"], math.log10(step["total"] + 1), note))
        chart.set_rows(rows)
        weak = part.get("weakest")
        out = Text()
        if weak:
            out.append("weakest: ", style="bold")
            out.append(f"{weak['label']} {_rate(weak['rate'])}")
        out.append("\nbars on a log scale; % from the step above", style="dim")
        text.update(out)

    def _show_trends(self, part: dict[str, Any]) -> None:
        lines = self.query_one("#ins-trends", TrendLines)
        if part["status"] != "ok":
            lines.set_series([], empty=f"needs {plain(part['needs'])}")
            return
        lines.set_series(part["series"])

    def _show_outliers(self, part: dict[str, Any]) -> None:
        table = self.query_one("#ins-outliers", FrameTable)
        if part["status"] != "ok":
            table.set_data(OUTLIER_COLS, [], empty=f"needs {part['needs']}")
            return
        rows = [
            (
                v["multiple"],
                v["title"] or v["video_id"],
                v["value"],
                v["baseline"],
                v["n"],
                (v["published_at"] or "")[:10],
                v["video_id"],
            )
            for v in part["over"] + part["under"]
        ]
        table.set_data(OUTLIER_COLS, rows, empty="no video at 2x or 0.5x its usual")
        over, under = part["over_count"], part["under_count"]
        table.set_title(f"Outliers: {over:,} at ≥2x, {under:,} at ≤0.5x · Enter: details")

    def _show_tags(self, part: dict[str, Any]) -> None:
        table = self.query_one("#ins-tags", FrameTable)
        if part["status"] != "ok":
            table.set_data(TAG_COLS, [], empty=f"needs {part['needs']}")
            return
        rows = [
            (
                t["tag"],
                t["multiple"],
                f"{t['ci'][0]:.2f}–{t['ci'][1]:.2f}" if t["ci"] else "—",
                t["n_with"],
                t["n_without"],
            )
            for t in part["tags"]
        ]
        table.set_data(TAG_COLS, rows)
        table.set_title(f"Tags that work for you (used ≥{part['min_uses']}x)")

    # details ----------------------------------------------------------------------------
    @on(FrameTable.RowChosen, "#ins-outliers")
    def _chosen(self, event: FrameTable.RowChosen) -> None:
        event.stop()
        if self.result is None:
            return
        video_id = event.values[-1]
        part = self.result["outliers"]
        video = next((v for v in part["over"] + part["under"] if v["video_id"] == video_id), None)
        if video is None:
            return
        steps: list[tuple[str, float | None]] = []
        if self._dataset is not None:
            from kptui.engine.insights.funnel import video_funnel

            steps = video_funnel(self._dataset.videos, video_id)
        tags: list[str] = []
        if self._dataset is not None:
            import polars as pl

            row = self._dataset.videos.filter(pl.col("video_id") == video_id).select("tags")
            tags = (row.get_column("tags").to_list()[0] or []) if row.height else []
        self.app.push_screen(VideoScreen(video, part["metric"], steps, tags))


def _rate(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.1%}" if x < 10 else f"{x:.0f}x"


_short_number = _short


class VideoScreen(ModalScreen[None]):
    """One outlier's details: every metric against its baseline, its funnel, its tags."""

    DEFAULT_CSS = """
    VideoScreen { align: center middle; }
    VideoScreen > VerticalScroll {
        width: 100%; max-width: 90; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "dismiss", "Close", id="insights.video.close"),
    ]

    def __init__(
        self,
        video: dict[str, Any],
        metric: str,
        steps: list[tuple[str, float | None]],
        tags: list[str],
    ) -> None:
        super().__init__()
        self.video = video
        self.metric = metric
        self.steps = steps
        self.tags = tags

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="video-body") as body:
            body.border_title = "Video"
            body.border_subtitle = "Esc to close"
            yield Static(self._text(), id="video-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#video-body").focus()

    def _text(self) -> Text:
        v = self.video
        out = Text()
        out.append_text(lit(v["title"] or v["video_id"], "bold", limit=200))
        out.append("\n")
        meta = [plain(v["video_id"], limit=40)]
        if v.get("published_at"):
            meta.append(f"posted {v['published_at'][:16].replace('T', ' ')}")
        if v.get("format"):
            meta.append(plain(v["format"], limit=20))
        out.append(" · ".join(meta) + "\n\n", style="dim")
        out.append(f"{self.metric:<16}", style="bold")
        out.append(
            f"{_short_number(v['value']):>8}  usual {_short_number(v['baseline']):>7}  "
            f"{v['multiple']:.2f}x (n={v['n']})\n"
        )
        for name, o in v.get("other", {}).items():
            out.append(f"{name:<16}", style="bold")
            value, base, mult = o.get("value"), o.get("baseline"), o.get("multiple")
            out.append(f"{_metric_value(name, value):>8}  usual {_metric_value(name, base):>7}  ")
            out.append("—" if mult is None else f"{mult:.2f}x")
            out.append("\n")
        if self.steps:
            out.append("\nfunnel  ", style="bold")
            out.append(" → ".join(f"{label} {_short_number(n)}" for label, n in self.steps))
            out.append("\n")
        if self.tags:
            out.append("\ntags    ", style="bold")
            out.append(plain(" ".join(f"#{t}" for t in self.tags), limit=300))
        return out


def _metric_value(name: str, value: float | None) -> str:
    if value is None:
        return "—"
    if name in ("completion_rate", "ctr", "avg_pct_viewed"):
        return f"{value:.1%}"
    return _short_number(value)
