"""Recommend pane: what to show a persona or one viewer next, and which personas a draft fits.

The recommender (recency-weighted EASE and more, `kptui.engine.recommend`) is fitted
once per dataset in a worker and cached on disk by the engine; lists are computed in workers
too, and a list for a persona or viewer that is no longer the one asked for is dropped.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label, ProgressBar, Select
from textual.worker import Worker, WorkerState, get_current_worker

from kptui.tui.messages import Draft, DraftChanged, TogglePersona
from kptui.tui.panes.base import Pane, no_interactions
from kptui.tui.text import lit, plain
from kptui.tui.widgets import Col, FrameTable
from kptui.tui.widgets.field import Field
from kptui.tui.widgets.tickbox import TickBox

if TYPE_CHECKING:
    from kptui.engine.types import Dataset

TOP = 20
FIT_COLS = (
    Col("target", "✓", width=1),
    Col("id", "#", "int"),
    Col("persona", "Persona", width=34, wide=50),
    Col("fit", "Fit", "bar", width=12, digits=2),
)
LIST_COLS = (
    Col("rank", "#", "int"),
    Col("title", "Title", width=26, wide=56),
    Col("score", "Score", "float", digits=3),
    Col("reason", "Why", width=36, wide=70),  # last: the long one is what a narrow screen cuts
    Col("video_id", "ID", width=12, drop=5),
)
# A persona's list says what share of its members already watched and bought each item
# (a bought course is not bought twice; what most bought is never offered).
PERSONA_COLS = (
    Col("rank", "#", "int"),
    Col("title", "Title", width=26, wide=56),
    Col("watched", "Watched", "pct", digits=0),
    Col("bought", "Bought", "pct", digits=0),
    Col("score", "Score", "float", digits=3, drop=2),
    Col("reason", "Why", width=36, wide=70),
    Col("video_id", "ID", width=12, drop=5),
)


NO_DRAFT = "type a title in Tags (2) to see which personas it fits"


class RecommenderReady(Message):
    def __init__(self, models: Any, rec: Any, users: list[str], elapsed: float) -> None:
        super().__init__()
        self.models = models
        self.rec = rec
        self.users = users
        self.elapsed = elapsed


class ListReady(Message):
    def __init__(self, seq: int, target: str, items: list[dict], error: str | None) -> None:
        super().__init__()
        self.seq = seq
        self.target = target
        self.items = items
        self.error = error


class FitReady(Message):
    def __init__(self, seq: int, draft: Draft, fits: list[dict]) -> None:
        super().__init__()
        self.seq = seq
        self.draft = draft
        self.fits = fits


class RecommendPane(Pane):
    PANE_ID = "recommend"
    PANE_TITLE = "Recommend"
    PANE_KEY = "4"
    DEFAULT_FOCUS = "#rec-persona"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "v",
            "focus_viewer",
            "Viewer id",
            id="recommend.viewer",
            tooltip="type a viewer id (→ completes)",
        ),
        Binding("p", "focus_persona", "Persona", id="recommend.persona", tooltip="pick a persona"),
        Binding(
            "space",
            "toggle_target",
            "Target",
            id="recommend.target",
            show=False,
            tooltip="target the highlighted persona with your draft (saved with it)",
        ),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rec: Any = None
        self.items: list[dict] = []
        self.fits: list[dict] = []
        self._seq = 0
        self._fit_seq = 0
        self._started_for: Any = None
        self._draft = Draft()
        self._fitted_text: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Label("Load data to get recommendations.", id="rec-status", markup=False)
        yield ProgressBar(id="rec-progress", show_eta=False)
        with Vertical(id="rec-body"):
            with Horizontal(id="rec-pick"):
                yield Select([], prompt="persona", id="rec-persona", compact=True)
                yield Label(" or viewer ", classes="rec-or")
                yield Field(id="rec-viewer", compact=True, placeholder="id, Enter")
                yield TickBox("paid only", False, id="rec-paid", compact=True)
            with Vertical(id="rec-tables"):
                yield FrameTable(id="rec-list", title="Recommended", page_size=100)
                yield FrameTable(
                    id="rec-fit", title="Your draft fits", page_size=50, sortable=False
                )

    def on_mount(self) -> None:
        self.query_one("#rec-progress").display = False
        self.query_one("#rec-body").display = False
        self.query_one("#rec-fit", FrameTable).set_data(FIT_COLS, [], empty=NO_DRAFT)

    # model ------------------------------------------------------------------------------
    def dataset_changed(self, dataset: Dataset | None) -> None:
        self.rec = None
        self._started_for = None
        self.items = []
        self.query_one("#rec-body").display = False
        if dataset is None:
            return
        if not dataset.has_interactions:
            self._status(no_interactions(dataset), notice=True)
            return
        self._status("The recommender is fitted when you open this pane.")

    def pane_shown(self) -> None:
        self.ensure_model()

    def ensure_model(self) -> None:
        models = self.kapp.models
        ds = self.kapp.dataset
        if models is None or ds is None or not ds.has_interactions or self._started_for is models:
            return
        self._started_for = models
        if not models.ready("recommend"):
            self._status("Fitting the recommender… (cached after the first time)")
            bar = self.query_one("#rec-progress", ProgressBar)
            bar.display = True
            bar.update(total=None)
        self._fit(models)

    @work(thread=True, exclusive=True, group="recommend", exit_on_error=False)
    def _fit(self, models: Any) -> None:
        start = time.perf_counter()
        rec = models.recommender()
        users = models.viewer_ids()
        self.post_message(RecommenderReady(models, rec, users, time.perf_counter() - start))

    @on(Worker.StateChanged)
    def _fit_state(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        if event.worker.group == "recommend":
            self.query_one("#rec-progress").display = False
            self._status(f"Could not fit the recommender: {plain(event.worker.error)}", error=True)
            self._started_for = None

    @on(RecommenderReady)
    def _ready(self, event: RecommenderReady) -> None:
        event.stop()
        if event.models is not self.kapp.models:
            return
        self.rec = event.rec
        self.query_one("#rec-progress").display = False
        self.query_one("#rec-body").display = True
        model = event.rec.persona_model
        cards = model.cards if model is not None else []
        select = self.query_one("#rec-persona", Select)
        select.set_options(
            [(lit(f"#{c['id']} {c['label']}", limit=40), int(c["id"])) for c in cards]
        )
        users = event.users
        self.query_one("#rec-viewer", Input).suggester = SuggestFromList(users)
        status = (
            f"{len(cards)} personas, {len(users):,} viewers · pick a persona or type a viewer id"
        )
        if model is None:
            reason = event.rec.persona_error or "personas are not available for this data"
            status = f"{len(users):,} viewers · type a viewer id (no personas: {plain(reason)})"
        self._status(status)
        if cards:
            select.value = 0  # posts Select.Changed -> the list for persona 0
        self._focus_if_shown(select if cards else self.query_one("#rec-list", FrameTable))
        self._request_fit()

    # lists ------------------------------------------------------------------------------
    @on(Select.Changed, "#rec-persona")
    def _persona_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, int):
            self.show_persona(event.value)

    @on(Input.Submitted, "#rec-viewer")
    def _viewer_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.show_viewer(event.value.strip())

    @on(Checkbox.Changed, "#rec-paid")
    def _paid_changed(self, event: Checkbox.Changed) -> None:
        target = getattr(self, "_target", None)
        if target is not None:
            kind, value = target
            (self.show_persona if kind == "persona" else self.show_viewer)(value)

    def show_persona(self, pid: int) -> None:
        self._target = ("persona", pid)
        self._seq += 1
        self._list(self._seq, "persona", pid, self.query_one("#rec-paid", Checkbox).value)

    def show_viewer(self, user_id: str) -> None:
        self._target = ("viewer", user_id)
        self._seq += 1
        self._list(self._seq, "viewer", user_id, self.query_one("#rec-paid", Checkbox).value)

    @work(thread=True, exclusive=True, group="recommend-list", exit_on_error=False)
    def _list(self, seq: int, kind: str, value: Any, paid_only: bool) -> None:
        from kptui.errors import KptuiError

        rec = self.rec
        if rec is None:
            return
        items: list[dict] = []
        error = None
        try:
            if kind == "persona":
                items = rec.for_persona(value, top=TOP, paid_only=paid_only)
                card = rec.personas.card(value)
                target = f"persona #{value} {card['label']}"
            else:
                items = rec.for_user(value, top=TOP, paid_only=paid_only)
                model = rec.persona_model
                pid = model.persona_of(value) if model is not None else None
                target = f"viewer {value}" + (f" (persona #{pid}" if pid is not None else "")
                if pid is not None:  # whose list to push to them now, where it is another's
                    to = rec.push_of(value)
                    target += f", gets #{to}'s list now)" if to not in (None, pid) else ")"
        except KptuiError as exc:  # an unknown viewer id is a message, not a failure
            target = f"viewer {value}"
            error = exc.text()
        if not get_current_worker().is_cancelled:
            self.post_message(ListReady(seq, target, items, error))

    @on(ListReady)
    def _list_ready(self, event: ListReady) -> None:
        event.stop()
        if event.seq != self._seq:
            return
        self.items = event.items
        table = self.query_one("#rec-list", FrameTable)
        empty = event.error or "nothing left to recommend"
        if event.target.startswith("persona"):
            rows = [
                (
                    i + 1,
                    it["title"],
                    it.get("watched"),
                    it.get("bought"),
                    it["score"],
                    it.get("reason", ""),
                    it["video_id"],
                )
                for i, it in enumerate(event.items)
            ]
            table.set_data(PERSONA_COLS, rows, empty=plain(empty))
        else:
            rows = [
                (i + 1, it["title"], it["score"], it.get("reason", ""), it["video_id"])
                for i, it in enumerate(event.items)
            ]
            table.set_data(LIST_COLS, rows, empty=plain(empty))
        table.set_title(f"For {event.target}")
        if event.error:
            self._status(event.error, error=True)

    # draft fit --------------------------------------------------------------------------
    @on(DraftChanged)
    def _draft_changed(self, event: DraftChanged) -> None:
        event.stop()
        self.draft_changed(event.draft)

    def draft_changed(self, draft: Draft) -> None:
        self._draft = draft
        self._request_fit()

    def _request_fit(self) -> None:
        self._fit_seq += 1
        table = self.query_one("#rec-fit", FrameTable)
        if self._draft.empty:
            self.fits = []
            table.set_data(FIT_COLS, [], empty=NO_DRAFT)
            table.set_note("")
            table.set_title("Your draft fits")
            return
        title = f"Your draft fits: {self._draft.title}"
        if self.rec is None:
            table.set_title(title)
            return
        if self.fits and self._fitted_text == (self._draft.title, self._draft.description):
            self._render_fits()  # only the targets changed
            return
        self._fit_draft(self._fit_seq, self._draft)

    @work(thread=True, exclusive=True, group="recommend-fit", exit_on_error=False)
    def _fit_draft(self, seq: int, draft: Draft) -> None:
        rec = self.rec
        fits = []
        if rec is not None and rec.persona_model is not None:
            fits = rec.draft_fit(draft.title, draft.description)
        if not get_current_worker().is_cancelled:
            self.post_message(FitReady(seq, draft, fits))

    @on(FitReady)
    def _fit_ready(self, event: FitReady) -> None:
        event.stop()
        if event.seq != self._fit_seq:
            return
        self.fits = event.fits
        self._fitted_text = (event.draft.title, event.draft.description)
        self._render_fits()

    def _render_fits(self) -> None:
        table = self.query_one("#rec-fit", FrameTable)
        row = table.cursor_row
        targets = set(self._draft.personas or [])
        rows = [
            (
                "✓" if f["persona_id"] in targets else "",
                f["persona_id"],
                f["label"],
                f["fit"],
            )
            for f in self.fits
        ]
        table.set_data(FIT_COLS, rows, empty="no persona matches these words")
        table.set_title(f"Your draft fits: {self._draft.title}")
        if not self._draft.title.strip():
            saved = "not saved: give the draft a title in Tags"
        elif self._draft.draft_id is not None:
            saved = f"saved to draft #{self._draft.draft_id}"
        else:
            saved = "saved when you target one"
        table.set_note(f"Space/Enter: target · {saved}")
        if 0 <= row < table.row_count:
            table.move_cursor(row=row)

    def _toggle_target(self, values: tuple[Any, ...] | None) -> None:
        if values is not None:
            self.post_message(TogglePersona(int(values[1])))  # the app hands it to Tags

    @on(FrameTable.RowChosen, "#rec-fit")
    def _fit_chosen(self, event: FrameTable.RowChosen) -> None:
        self._toggle_target(event.values)

    def action_toggle_target(self) -> None:
        table = self.query_one("#rec-fit", FrameTable)
        if table.has_focus:
            self._toggle_target(table.cursor_values())

    # actions ----------------------------------------------------------------------------
    def action_focus_viewer(self) -> None:
        self.query_one("#rec-viewer", Input).focus()

    def action_focus_persona(self) -> None:
        self.query_one("#rec-persona", Select).focus()

    def _status(self, text: str, *, error: bool = False, notice: bool = False) -> None:
        label = self.query_one("#rec-status", Label)
        label.update(Text(text, style="bold red" if error else ""))
        label.set_class(notice, "-notice")
