"""Tags pane: type a draft, suggestions refresh when typing pauses, pick tags, copy, save.

Topic tags are listed first, reach tags (platform-wide, `engine.tags.KINDS`) after them in a
group of their own, each group best first.

Suggestions run in an exclusive thread worker; each request carries a sequence number and
a result that is not the latest is dropped, so a slow answer never overwrites a newer one.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState, get_current_worker

from kptui.tui.messages import Draft, DraftChanged, OpenDraft, TogglePersona, WorkspaceChanged
from kptui.tui.panes.base import Pane
from kptui.tui.text import NO_CONTROL, lit, plain
from kptui.tui.widgets import Col, FrameTable
from kptui.tui.widgets.field import Field
from kptui.words import counted

if TYPE_CHECKING:
    from kptui.engine.types import Dataset
    from kptui.store.models import Draft as SavedDraft

DEBOUNCE = 0.08  # seconds of quiet typing before suggestions refresh
TOP = 15
MIN_SHOWN = 5  # always show this many, however weak...
MIN_SCORE = 0.01  # ...and past them only tags with some real chance: a 0.00 row is noise


def visible(suggestions: list[Any]) -> list[Any]:
    """The suggestions worth a row: the first few, then only those scoring MIN_SCORE or more."""
    return [s for i, s in enumerate(suggestions) if i < MIN_SHOWN or s.score >= MIN_SCORE]


COLS = (
    Col("chosen", "✓", width=1),
    Col("tag", "Tag", width=24, wide=40),
    Col("score", "Score", "bar", width=12, digits=2),
    Col("kind", "Kind", width=5),
    Col("source", "Source", width=10),
)
_SPACE = re.compile(r"\s+")
REACH_HEADING = "── reach tags ──"  # the row that starts the reach group (not a tag)


def hashtag(tag: str) -> str:
    """How the creator pastes it: `#tag`, inner spaces removed (a hashtag ends at a space)."""
    return "#" + _SPACE.sub("", tag.strip().lstrip("#"))


class TagsSuggested(Message):
    def __init__(self, seq: int, suggestions: list[Any], elapsed: float) -> None:
        super().__init__()
        self.seq = seq
        self.suggestions = suggestions
        self.elapsed = elapsed


class IndexReady(Message):
    def __init__(self, models: Any, n_tags: int, elapsed: float, sampled: str = "") -> None:
        super().__init__()
        self.models = models
        self.n_tags = n_tags
        self.elapsed = elapsed
        self.sampled = sampled  # "from 10,000 of 1,500,000 videos" for a sampled index


class TagsPane(Pane):
    PANE_ID = "tags"
    PANE_TITLE = "Tags"
    PANE_KEY = "2"
    DEFAULT_FOCUS = "#tags-table"  # never a field: the next digit would be typed into it
    QUIET_GROUPS = frozenset({"tag-index"})  # built ahead of time; its failure shows here
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "t",
            "focus_field('tags-title')",
            "Title",
            id="tags.title",
            tooltip="type the draft's title",
        ),
        Binding(
            "d",
            "focus_field('tags-desc')",
            "Description",
            id="tags.description",
            tooltip="type its description",
        ),
        Binding(
            "space",
            "toggle_tag",
            "Add/remove",
            id="tags.toggle",
            show=False,
            tooltip="add or remove the highlighted tag",
        ),
        Binding(
            "ctrl+y",
            "copy_tags",
            "Copy",
            id="tags.copy",
            tooltip="copy the chosen #tags (works over SSH)",
        ),
        Binding(
            "ctrl+s", "save_draft", "Save", id="tags.save", tooltip="save the draft to your plan"
        ),
        Binding("ctrl+n", "new_draft", "New", id="tags.new", tooltip="start a new draft"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._seq = 0
        self._timer = None
        self._index_ok = False
        self._sampled = ""
        self.chosen: list[str] = []
        self.personas: list[int] = []  # target personas (toggled in the Recommend pane)
        self.keep_hour = False  # the saved draft's publish hour was typed by the user
        self.draft_id: int | None = None
        self._clean: tuple[Any, ...] = self._state_of("", "", [], [])  # as last saved/opened
        self._after_save: Any = None  # called once the save in flight is done (quit, load)
        self.suggestions: list[Any] = []
        self.last_elapsed: float | None = None
        self.shown_at: float | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-draft"):
            with Horizontal(classes="field-row"):
                yield Label("Title", classes="field-label")
                yield Field(
                    id="tags-title",
                    compact=True,
                    placeholder="your next video's title (t to type here)",
                    restrict=NO_CONTROL,
                )
            with Horizontal(classes="field-row"):
                yield Label("Description", classes="field-label")
                yield Field(
                    id="tags-desc",
                    compact=True,
                    placeholder="optional (d to type here)",
                    restrict=NO_CONTROL,
                )
        yield Label("", id="tags-status", markup=False)
        yield FrameTable(id="tags-table", title="Suggested tags", page_size=100, sortable=False)
        with Vertical(id="tags-chosen-box", classes="box"):
            yield Static("", id="tags-chosen")

    def on_mount(self) -> None:
        self.query_one("#tags-chosen-box").border_title = "Chosen"
        self.query_one("#tags-chosen-box").border_subtitle = "ctrl+y copy · ctrl+s save"
        self._render_table()
        self._render_chosen()
        self._set_status("Load data to get suggestions.")

    # dataset and index ------------------------------------------------------------------
    def dataset_changed(self, dataset: Dataset | None) -> None:
        self._index_ok = False
        if dataset is None:
            return
        self._set_status("Building the tag index…")
        self._build_index(self.kapp.models)

    @work(thread=True, exclusive=True, group="tag-index", exit_on_error=False)
    def _build_index(self, models: Any) -> None:
        start = time.perf_counter()
        index = models.tag_index()
        n = len(getattr(index, "tags", []) or [])
        n_read, n_all = getattr(index, "n_videos", 0), getattr(index, "n_source", 0)
        sampled = f"from {n_read:,} of {n_all:,} videos" if n_all > n_read else ""
        self.post_message(IndexReady(models, n, time.perf_counter() - start, sampled))

    @on(Worker.StateChanged)
    def _index_state(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "tags-save" and event.state == WorkerState.ERROR:
            self._after_save = None  # the save failed (the notice says why): do not go on
        if event.worker.group == "tag-index" and event.state == WorkerState.ERROR:
            self._set_status(f"Tag suggestions are not available: {plain(event.worker.error)}")

    @on(IndexReady)
    def _index_ready(self, event: IndexReady) -> None:
        event.stop()
        if event.models is not self.kapp.models:
            return  # index of a dataset that is no longer loaded
        self._index_ok = True
        self._sampled = event.sampled  # said while no draft is typed: the tags come from a sample
        if event.n_tags == 0:
            self._set_status("This dataset has no tags: suggestions come from your words only.")
        else:
            sampled = f" ({event.sampled})" if event.sampled else ""
            self._set_status(f"{event.n_tags:,} tags known{sampled}. Type a title.")
        self._refresh(0)

    # typing -----------------------------------------------------------------------------
    @on(Input.Changed, "#tags-title, #tags-desc")
    def _typed(self, event: Input.Changed) -> None:
        self._refresh()

    def _refresh(self, delay: float | None = None) -> None:
        delay = DEBOUNCE if delay is None else delay  # read at each call (a test lengthens it)
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if delay:
            self._timer = self.set_timer(delay, self._request)
        else:
            self._request()

    def _request(self) -> None:
        """Typing paused: refresh the suggestions, and tell the app (for Recommend's fit)."""
        self._post_draft()
        self._seq += 1
        if not self._index_ok:
            return
        title = self.query_one("#tags-title", Input).value
        desc = self.query_one("#tags-desc", Input).value
        self._suggest(self._seq, self.kapp.models, title, desc)

    @work(thread=True, exclusive=True, group="tag-suggest", exit_on_error=False)
    def _suggest(self, seq: int, models: Any, title: str, description: str) -> None:
        from kptui.engine.tags import apply_history, by_kind, suggest

        start = time.perf_counter()
        index = models.tag_index()
        history = models.tag_history()  # tags that worked for this creator say so
        result = (
            by_kind(visible(apply_history(suggest(index, title, description, top=TOP), history)))
            if (title or description)
            else []
        )
        if not get_current_worker().is_cancelled:
            self.post_message(TagsSuggested(seq, result, time.perf_counter() - start))

    @on(TagsSuggested)
    def _suggested(self, event: TagsSuggested) -> None:
        event.stop()
        if event.seq != self._seq:
            return  # typed since: a newer request is on its way
        self.suggestions = list(event.suggestions)
        self.last_elapsed = event.elapsed
        self._render_table()
        self.shown_at = time.perf_counter()  # for bench/bench_tui.py
        title = self.query_one("#tags-title", Input).value
        sampled = self._sampled
        if not (title or self.query_one("#tags-desc", Input).value):
            self._set_status(f"Type a title to see tags{f' ({sampled})' if sampled else ''}.")
        elif not self.suggestions:
            self._set_status("No tags for these words yet: try more words.")
        else:
            n_reach = sum(s.kind == "reach" for s in self.suggestions)
            groups = f"{len(self.suggestions) - n_reach} topic"
            if n_reach:
                groups += f", then {n_reach} reach (platform-wide)"
            self._set_status(f"{groups} · Space/Enter on a tag adds it")

    # table and chosen -------------------------------------------------------------------
    def _render_table(self) -> None:
        table = self.query_one("#tags-table", FrameTable)
        row = table.cursor_row
        chosen = {t.casefold() for t in self.chosen}
        rows: list[tuple[Any, ...]] = []
        seen: set[str] = set()
        for i, s in enumerate(self.suggestions):
            if s.kind == "reach" and (i == 0 or self.suggestions[i - 1].kind != "reach"):
                rows.append(("", REACH_HEADING, None, "", ""))
            key = s.tag.casefold()
            seen.add(key)
            rows.append(("✓" if key in chosen else "", s.tag, s.score, s.kind, s.source))
        for tag in self.chosen:
            if tag.casefold() not in seen:
                rows.append(("✓", tag, None, "", "chosen"))
        table.set_data(COLS, rows, empty="no suggestions")
        if 0 <= row < table.row_count:
            table.move_cursor(row=row)

    def _render_chosen(self) -> None:
        box = self.query_one("#tags-chosen", Static)
        if not self.chosen:
            text = Text("none yet: Space or Enter on a suggestion adds it", style="dim")
        else:
            text = lit(self.chosen_text())
        if self.personas:
            text.append("\nfor ", style="dim")
            text.append(plain(", ".join(self._persona_names()), limit=200))
        box.update(text)
        label = f"Chosen ({len(self.chosen)})"
        if self.draft_id is not None:
            label += f" · draft #{self.draft_id}"
        if self.unsaved:
            label += " · unsaved"
        self.query_one("#tags-chosen-box").border_title = label

    def _persona_names(self) -> list[str]:
        cards = self._cards()
        return [
            f"#{p} {cards[p]['label']}" if p < len(cards) else f"persona #{p}"
            for p in self.personas
        ]

    def _cards(self) -> list[dict]:
        models = self.kapp.models
        if models is None:
            return []
        if models.ready("personas"):
            return list(models.personas().cards)
        if models.ready("recommend") and models.recommender().persona_model is not None:
            return list(models.recommender().persona_model.cards)
        return []

    @on(TogglePersona)
    def _toggle_persona(self, event: TogglePersona) -> None:
        event.stop()
        self.toggle_persona(event.persona_id)

    def toggle_persona(self, pid: int) -> None:
        """Target (or stop targeting) a persona with this draft, saved at once when the draft
        has a title (else it shows as unsaved until it has one and ctrl+s)."""
        if pid in self.personas:
            self.personas = [p for p in self.personas if p != pid]
        else:
            self.personas = [*self.personas, pid]
        self._render_chosen()
        self._post_draft()
        if self.current_draft().title.strip():
            self.action_save_draft()

    def suggested_hour(self) -> int | None:
        """Best hour to post for the target personas (kptui.services.drafts, the CLI's rule);
        None: no signal."""
        from kptui.services.drafts import suggested_hour

        return suggested_hour(self.personas, self._cards())

    def chosen_text(self) -> str:
        return " ".join(hashtag(t) for t in self.chosen)

    def toggle(self, tag: str) -> None:
        if tag == REACH_HEADING:
            return  # a heading, not a tag
        key = tag.casefold()
        if any(t.casefold() == key for t in self.chosen):
            self.chosen = [t for t in self.chosen if t.casefold() != key]
        else:
            self.chosen.append(tag)
        self._render_table()
        self._render_chosen()
        self._post_draft()

    def action_toggle_tag(self) -> None:
        table = self.query_one("#tags-table", FrameTable)
        values = table.cursor_values()
        if values is not None:
            self.toggle(str(values[1]))

    @on(FrameTable.RowChosen, "#tags-table")
    def _row_chosen(self, event: FrameTable.RowChosen) -> None:
        self.toggle(str(event.values[1]))

    @on(Input.Submitted, "#tags-title, #tags-desc")
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in a field moves on: title -> description -> the suggestions."""
        if event.input.id == "tags-title":
            self.query_one("#tags-desc", Input).focus()
        else:
            self.query_one("#tags-table", FrameTable).focus()

    # draft ------------------------------------------------------------------------------
    def current_draft(self) -> Draft:
        return Draft(
            title=self.query_one("#tags-title", Input).value,
            description=self.query_one("#tags-desc", Input).value,
            chosen=list(self.chosen),
            draft_id=self.draft_id,
            personas=list(self.personas),
        )

    def _post_draft(self) -> None:
        self.post_message(DraftChanged(self.current_draft()))
        self._render_chosen()

    @staticmethod
    def _state_of(title: str, desc: str, chosen: list[str], personas: list[int]) -> tuple:
        return (title, desc, tuple(chosen), tuple(personas))

    def _state(self) -> tuple[Any, ...]:
        d = self.current_draft()
        return self._state_of(d.title, d.description, d.tags, d.personas or [])

    @property
    def unsaved(self) -> bool:
        """Typed or picked since the last save (or since the draft was opened)."""
        if not self.is_mounted:
            return False
        state = self._state()
        if self.draft_id is None and not (state[0].strip() or state[1].strip() or state[2]):
            return False  # nothing worth keeping: only personas, or whitespace
        return state != self._clean

    def save_then(self, then: Any) -> bool:
        """Save the draft, then call `then` (quit, open another dataset). False: no title."""
        if not self.current_draft().title.strip():
            self.notify("Give the draft a title first (t types it).", severity="warning")
            return False
        self._after_save = then
        self.action_save_draft()
        return True

    def discard(self) -> None:
        """Drop what was not saved: an empty new draft."""
        self._new_draft()
        self.query_one("#tags-table").focus()

    @on(OpenDraft)
    def _open_draft(self, event: OpenDraft) -> None:
        event.stop()
        saved = event.draft
        self.kapp.ask_unsaved("opening another draft", lambda: self.load_draft(saved))

    def load_draft(self, saved: SavedDraft) -> None:
        """Open a saved draft (from the Plan pane) for editing."""
        self.draft_id = saved.id
        self.chosen = list(saved.tags)
        self.personas = list(saved.personas)
        self.keep_hour = saved.publish_hour_source == "user"
        self.query_one("#tags-title", Input).value = saved.title
        self.query_one("#tags-desc", Input).value = saved.description
        self._clean = self._state_of(saved.title, saved.description, self.chosen, self.personas)
        self._render_table()
        self._render_chosen()
        self._refresh(0)

    def action_new_draft(self) -> None:
        """A blank draft; one with unsaved changes is saved or discarded first (asks)."""
        self.kapp.ask_unsaved("starting a new draft", self._new_draft)

    def _new_draft(self) -> None:
        self.draft_id = None
        self.chosen = []
        self.personas = []
        self.keep_hour = False
        self.query_one("#tags-title", Input).value = ""
        self.query_one("#tags-desc", Input).value = ""
        self._clean = self._state_of("", "", [], [])
        self.query_one("#tags-title", Input).focus()
        self._render_chosen()
        self._refresh(0)

    def action_focus_field(self, field_id: str) -> None:
        self.query_one(f"#{field_id}", Input).focus()

    def action_copy_tags(self) -> None:
        if not self.chosen:
            self.notify("No tags chosen yet.", severity="warning")
            return
        text = self.chosen_text()
        self.app.copy_to_clipboard(text)
        self.notify(
            f"Copied {counted(len(self.chosen), 'tag')}: {plain(text, limit=120)}", markup=False
        )

    def action_save_draft(self) -> None:
        draft = self.current_draft()
        if not draft.title.strip():
            self.notify("Give the draft a title first.", severity="warning")
            self.query_one("#tags-title", Input).focus()
            return
        self._save(draft, self.keep_hour, self._cards())

    @work(thread=True, exclusive=True, group="tags-save", exit_on_error=False)
    def _save(self, draft: Draft, keep_hour: bool, cards: list[dict]) -> None:
        from kptui.services.drafts import save_draft

        state = self._state_of(draft.title, draft.description, draft.tags, draft.personas or [])
        saved = save_draft(
            self.kapp.workspace,
            draft.title,
            draft_id=draft.draft_id,
            description=draft.description,
            tags=draft.tags,
            personas=draft.personas or [],
            keep_hour=keep_hour,
            cards=cards,
        )
        self.app.call_from_thread(self._saved, saved.id, saved.title, saved.publish_hour, state)

    def _saved(self, draft_id: int, title: str, hour: int | None, state: tuple) -> None:
        self.draft_id = draft_id
        self._clean = state
        self._render_chosen()
        when = f" · post at {hour}:00" if hour is not None else ""
        self.notify(f"Saved draft #{draft_id}: {plain(title, limit=80)}{when}", markup=False)
        self.post_message(WorkspaceChanged())
        self._post_draft()
        then, self._after_save = self._after_save, None
        if then is not None:
            then()

    def _set_status(self, text: str) -> None:
        self.query_one("#tags-status", Label).update(plain(text))
