"""Personas pane: a card per viewer group; pick one to see its members, videos and tags.

Fitting runs once per dataset in a worker (the engine caches the model by data fingerprint,
so the next start is instant); this pane and Recommend share the fitted model. Once the
cards are up, a second worker gets the recommender (the same shared, cached fit Recommend
uses) for whose list to push to whom now: where the tuner serves viewers the list of the
persona their latest videos fit (`persona_now`), each card says how many viewers its list
goes to, and the members export carries each member's `push_persona_id`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from kptui.tui.panes.base import Pane, no_interactions
from kptui.tui.text import pct, plain
from kptui.tui.widgets import Col, FrameTable
from kptui.tui.widgets.spark import spark

if TYPE_CHECKING:
    from kptui.engine.types import Dataset

MEMBER_COLS = (
    Col("user_id", "Viewer", width=20),
    Col("n", "Actions", "int"),
    Col("buys", "Buys", "int"),
)
VIDEO_COLS = (
    Col("title", "Top video", width=40, wide=60),
    Col("reach", "Reach", "pct", digits=0),
    Col("video_id", "ID", width=12, drop=1),
)


class PersonasReady(Message):
    def __init__(self, models: Any, model: Any, elapsed: float) -> None:
        super().__init__()
        self.models = models
        self.model = model
        self.elapsed = elapsed


class PushReady(Message):
    """Whose list goes to whom now (`services.personas.push_summary`) for these personas."""

    def __init__(self, models: Any, model: Any, summary: dict[str, Any] | None) -> None:
        super().__init__()
        self.models = models
        self.model = model
        self.summary = summary


class FitProgress(Message):
    def __init__(self, stage: str | None, fraction: float | None) -> None:
        super().__init__()
        self.stage = stage
        self.fraction = fraction


def card_text(card: dict[str, Any], push: dict[str, int] | None = None) -> Text:
    """A persona card as one Text: every data value (labels, tags) shown literally; `push`
    (how many viewers its list goes to now) adds a line where some move."""
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(f"#{card['id']} ", style="bold")
    out.append(plain(card.get("label") or "persona", limit=60), style="bold")
    out.append(f"\n{card['size']:,} viewers ({pct(card.get('share'))})")
    conv = card.get("conversion_rate")
    lo, hi = (card.get("conversion_ci") or [None, None])[:2]
    out.append(" · buys ")
    out.append(pct(conv), style="bold")
    if lo is not None and hi is not None:
        out.append(f" ({pct(lo)}–{pct(hi)})", style="dim")
    out.append("\n")
    best = card.get("best_hours") or []
    out.append_text(spark(card.get("active_hours"), highlight=best))
    if best:
        out.append("  best " + " ".join(f"{h}h" for h in best), style="dim")
    if push is not None:
        out.append(f"\nlist goes to {push['viewers']:,} now", style="bold")
        out.append(f" · {push['members']:,} members + {push['drawn']:,} drawn", style="dim")
    return out


class PersonasPane(Pane):
    PANE_ID = "personas"
    PANE_TITLE = "Personas"
    PANE_KEY = "3"
    DEFAULT_FOCUS = "#persona-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "e",
            "export",
            "Export members",
            id="personas.export",
            tooltip="write the highlighted persona's members to a CSV file (asks where)",
        ),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model: Any = None
        self.push: dict[str, Any] | None = None  # `push_summary`, where some viewers move
        self.selected: int | None = None
        self._started_for: Any = None

    def compose(self) -> ComposeResult:
        yield Label("Load data to see personas.", id="personas-status", markup=False)
        yield ProgressBar(id="personas-progress", show_eta=False, show_percentage=True)
        with Vertical(id="personas-body"):
            yield OptionList(id="persona-list")
            with VerticalScroll(id="persona-detail"):
                yield Static("", id="persona-summary")
                yield FrameTable(id="persona-videos", title="Top videos", page_size=50)
                yield FrameTable(id="persona-members", title="Members", page_size=200)

    def on_mount(self) -> None:
        self.query_one("#personas-progress").display = False
        self.query_one("#persona-list").border_title = "Personas (Enter: details)"
        self.query_one("#personas-body").display = False

    # fitting ----------------------------------------------------------------------------
    def dataset_changed(self, dataset: Dataset | None) -> None:
        self.model = None
        self.push = None
        self.selected = None
        self._started_for = None
        self.refresh_bindings()
        self.query_one("#personas-body").display = False
        if dataset is None:
            return
        if not dataset.has_interactions:
            self._status(no_interactions(dataset), notice=True)
            return
        self._status("Personas are fitted when you open this pane (or Recommend).")

    def pane_shown(self) -> None:
        self.ensure_model()

    def ensure_model(self) -> None:
        models = self.kapp.models
        ds = self.kapp.dataset
        if models is None or ds is None or not ds.has_interactions:
            return
        if self._started_for is models:
            return
        self._started_for = models
        if not models.ready("personas"):
            self._status("Finding personas in your viewers… (cached after the first time)")
            bar = self.query_one("#personas-progress", ProgressBar)
            bar.display = True
            bar.update(total=1.0, progress=0.0)
        self._fit(models)

    @work(thread=True, exclusive=True, group="personas", exit_on_error=False)
    def _fit(self, models: Any) -> None:
        start = time.perf_counter()

        def progress(stage: str | None, fraction: float | None) -> None:
            self.post_message(FitProgress(stage, fraction))

        model = models.personas(progress=progress)
        models.member_stats()
        self.post_message(PersonasReady(models, model, time.perf_counter() - start))

    @on(FitProgress)
    def _progress(self, event: FitProgress) -> None:
        event.stop()
        if event.fraction is not None:
            self.query_one("#personas-progress", ProgressBar).update(progress=event.fraction)
        if event.stage:
            self._status(f"Finding personas: {plain(event.stage)}…")

    @on(Worker.StateChanged)
    def _fit_state(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "personas" and event.state == WorkerState.ERROR:
            self.query_one("#personas-progress").display = False
            self._status(f"Could not build personas: {plain(event.worker.error)}", error=True)
            self._started_for = None  # let the user retry by coming back

    @on(PersonasReady)
    def _ready(self, event: PersonasReady) -> None:
        event.stop()
        if event.models is not self.kapp.models:
            return
        self.model = event.model
        self.query_one("#personas-progress").display = False
        cards = event.model.cards
        self._status(
            f"{len(cards)} personas among {sum(c['size'] for c in cards):,} viewers"
            f" · ↑↓ pick · Enter details · e export members"
        )
        options = self.query_one("#persona-list", OptionList)
        options.clear_options()
        options.add_options([Option(card_text(c), id=str(c["id"])) for c in cards])
        self.query_one("#personas-body").display = True
        if cards:
            options.highlighted = 0
            self.select(0)
        self._focus_if_shown(options)
        self.refresh_bindings()
        self._push(event.models, event.model)

    @work(thread=True, exclusive=True, group="personas-push", exit_on_error=False)
    def _push(self, models: Any, model: Any) -> None:
        """Whose list goes to whom now, from the shared recommender (fitted once, cached)."""
        from kptui.errors import KptuiError
        from kptui.services.personas import push_summary

        try:
            rec = models.recommender()
        except KptuiError:  # the cards stand without it; Recommend says why
            return
        summary = push_summary(rec) if _same_personas(rec, model) else None
        self.post_message(PushReady(models, model, summary))

    @on(PushReady)
    def _push_ready(self, event: PushReady) -> None:
        event.stop()
        if event.models is not self.kapp.models or event.model is not self.model:
            return
        if event.summary is None or not event.summary["persona_now"]:
            return  # everyone gets their own persona's list: the cards say it all
        self.push = event.summary
        options = self.query_one("#persona-list", OptionList)
        for card in self.model.cards:
            prompt = card_text(card, self.push["personas"][card["id"]])
            options.replace_option_prompt(str(card["id"]), prompt)
        if self.selected is not None:
            self.select(self.selected)

    # details ----------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#persona-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.select(int(event.option.id))

    @on(OptionList.OptionSelected, "#persona-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.select(int(event.option.id))
            self.query_one("#persona-members", FrameTable).focus()

    def select(self, pid: int) -> None:
        if self.model is None:
            return
        self.selected = pid
        card = self.model.card(pid)
        summary = Text()
        summary.append(f"#{pid} ", style="bold")
        summary.append(plain(card.get("label"), limit=80), style="bold")
        tags = card.get("top_tags") or []
        if tags:
            summary.append("\nTags: ", style="dim")
            summary.append(plain(" ".join(f"#{t}" for t in tags), limit=300))
        terms = card.get("top_terms") or []
        if terms:
            summary.append("\nWords: ", style="dim")
            summary.append(plain(", ".join(terms), limit=300))
        eng = card.get("engagement_rate")
        summary.append(f"\nEngagement {pct(eng)}", style="dim")
        if card.get("revenue") is not None:
            summary.append(f" · revenue {card['revenue']:,.2f}", style="dim")
        summary.append(f" · {card.get('purchasers', 0):,} buyers", style="dim")
        if self.push is not None:
            from kptui.services.personas import push_words

            words = push_words(self.push["personas"][pid], card["size"])
            summary.append("\n" + words[0].upper() + words[1:])
        if self.model.silhouette:  # k=auto: how k was chosen and what it gave up
            summary.append(f"\nPersonas: {self.model.k_note}", style="dim")
        self.query_one("#persona-summary", Static).update(summary)
        videos = [
            (v.get("title"), v.get("reach"), v.get("video_id")) for v in card.get("top_videos", [])
        ]
        self.query_one("#persona-videos", FrameTable).set_data(VIDEO_COLS, videos)
        stats = self.kapp.models.member_stats() if self.kapp.models else {}
        members = [(u, *stats.get(u, (0, 0))) for u in self.model.members(pid)]
        table = self.query_one("#persona-members", FrameTable)
        table.set_data(MEMBER_COLS, members, sort=("n", True))
        table.set_title(f"Members of #{pid}")

    # export -----------------------------------------------------------------------------
    def action_export(self) -> None:
        if self.model is None or self.selected is None:
            self.notify("No persona selected yet.", severity="warning")
            return
        from kptui.services.personas import members_file_name
        from kptui.tui.screens import SavePathScreen

        model, pid = self.model, self.selected
        default = self._export_folder() / members_file_name(pid)

        def chosen(path: Path | None) -> None:
            if path is not None:
                self._export(model, pid, path)

        self.app.push_screen(
            SavePathScreen(f"Write the {len(model.members(pid)):,} members of #{pid} to:", default),
            chosen,
        )

    def _export_folder(self) -> Path:
        """The current dataset's folder (the file's for a single file); for the bundled
        sample, which lives inside the installed package, the current folder."""
        from kptui.paths import sample_data_dir

        source = Path(self.kapp.dataset_path or "").expanduser()
        folder = source if source.is_dir() else source.parent
        try:
            if not str(source) or folder.resolve() == sample_data_dir().resolve():
                return Path.cwd()
        except OSError:
            return Path.cwd()
        return folder

    @work(thread=True, exclusive=True, group="personas-export", exit_on_error=False)
    def _export(self, model: Any, pid: int, path: Path) -> None:
        from kptui.errors import DataError, KptuiError
        from kptui.services.personas import export_members

        models = self.kapp.models
        stats = models.member_stats() if models else {}
        rec = None
        if models is not None:  # push_persona_id: the shared recommender (cached once fitted)
            try:
                rec = models.recommender()
            except KptuiError:  # no lists for this data: each member's own persona
                rec = None
        try:
            path = export_members(model, pid, stats, path, rec)
        except DataError as exc:  # a missing or read-only folder: say so, nothing written
            self.app.call_from_thread(
                self.notify, str(exc), title="Export failed", severity="error", markup=False
            )
            return
        self.app.call_from_thread(
            self.notify, f"Wrote {len(model.members(pid)):,} members to {path}", markup=False
        )

    def _status(self, text: str, *, error: bool = False, notice: bool = False) -> None:
        label = self.query_one("#personas-status", Label)
        label.update(Text(text, style="bold red" if error else ""))
        label.set_class(notice, "-notice")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return self.model is not None
        return True


def _same_personas(rec: Any, model: Any) -> bool:
    """The recommender's personas are the ones shown (same viewers, same labels)."""
    import numpy as np

    theirs = rec.persona_model
    return theirs is not None and np.array_equal(theirs.labels, model.labels)
