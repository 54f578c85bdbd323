"""The kptui app: six panes over one dataset, one key each, heavy work in thread workers.

Start-up paints the shell first and loads the dataset afterwards in a worker, so the first
screen never waits for polars, a model fit or the workspace file.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import ContentSwitcher, Footer, Input, Label, Tab, Tabs

from kptui.tui.commands import KptuiCommands
from kptui.tui.messages import DatasetLoaded, Draft, DraftChanged, PaneRequest
from kptui.tui.panes.ab import ABPane
from kptui.tui.panes.base import Pane
from kptui.tui.panes.data import DataPane
from kptui.tui.panes.insights import InsightsPane
from kptui.tui.panes.personas import PersonasPane
from kptui.tui.panes.plan import PlanPane
from kptui.tui.panes.recommend import RecommendPane
from kptui.tui.panes.tags import TagsPane
from kptui.tui.text import plain

if TYPE_CHECKING:
    from kptui.engine.types import Dataset
    from kptui.tui.models import Models

P = TypeVar("P", bound=Pane)
HERE = Path(__file__).resolve().parent
PANES: tuple[type[Pane], ...] = (
    DataPane,
    TagsPane,
    PersonasPane,
    RecommendPane,
    ABPane,
    PlanPane,
    InsightsPane,
)


def _pane_bindings() -> list[BindingType]:
    """Three ways to each pane, so one always works whatever the terminal sends.

    The digit is a pane key only while no text field has focus (in a field it is text);
    alt+digit (ESC then digit in a real terminal, see `kptui.tui.keys`) and F1..F7 work
    from anywhere, fields included; ctrl+PageUp/PageDown step through the panes.
    """
    out: list[BindingType] = []
    for i, pane in enumerate(PANES):
        action = f"show_pane('{pane.PANE_ID}')"
        pid, title = f"pane.{pane.PANE_ID}", pane.PANE_TITLE
        out.append(Binding(pane.PANE_KEY, action, title, show=False, id=pid))
        for key, suffix in ((f"alt+{pane.PANE_KEY}", "alt"), (f"f{i + 1}", "f")):
            out.append(Binding(key, action, title, show=False, priority=True, id=f"{pid}.{suffix}"))
    for key, step, title, bid in (
        ("ctrl+pagedown", 1, "Next pane", "app.next_pane"),
        ("ctrl+pageup", -1, "Previous pane", "app.prev_pane"),
    ):
        action = f"step_pane({step})"
        out.append(
            Binding(key, action, title, show=False, priority=True, id=bid, tooltip=title.lower())
        )
    return out


class KptuiApp(App[None]):
    """Plan a campaign: data, tags, personas, recommendations, A/B tests, the saved plan."""

    TITLE = "kptui"
    PANES: ClassVar[tuple[type[Pane], ...]] = PANES
    CSS_PATH: ClassVar[list[str | Path]] = [
        HERE / "app.tcss",
        *(HERE / "panes" / f"{p.__module__.rsplit('.', 1)[1]}.tcss" for p in PANES),
    ]
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (120, "-wide")]
    COMMANDS: ClassVar[set[Any]] = App.COMMANDS | {KptuiCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        *_pane_bindings(),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="this help"),
        Binding(
            "q", "quit", "Quit", id="app.quit", tooltip="quit (asks first about an unsaved draft)"
        ),
        Binding(
            "escape",
            "leave_field",
            "Leave field",
            id="app.leave_field",
            tooltip="leave the field, so digits switch panes again",
        ),
    ]

    def __init__(
        self,
        path: str | None = None,
        workspace: str | None = None,
        *,
        load_on_start: bool = True,
    ) -> None:
        from kptui.tui.keys import read_esc_digit_as_alt

        read_esc_digit_as_alt()  # before the driver starts reading keys
        super().__init__()
        self.start_path = path
        self.workspace = workspace
        self.load_on_start = load_on_start
        self.dataset: Dataset | None = None
        self.models: Models | None = None
        self.dataset_path: str | None = None
        self.overview: dict[str, Any] = {}
        self.draft = Draft()
        self.switch_painted_at: float | None = None
        theme = os.environ.get("KPTUI_THEME")
        if theme:
            self.theme = theme

    # layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Tabs(
                *(Tab(f"{p.PANE_KEY} {p.PANE_TITLE}", id=p.PANE_ID) for p in PANES),
                id="tabs",
            )
            yield Label("", id="status", markup=False)
        with ContentSwitcher(initial=PANES[0].PANE_ID, id="panes"):
            # the other panes are mounted just after the first frame (a sooner first screen)
            yield PANES[0](id=PANES[0].PANE_ID)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._apply_keymap_file()
        self.set_status()
        self.pane(DataPane).focus_default()
        self.call_after_refresh(self._mount_hidden_panes)
        if self.load_on_start:
            self.call_after_refresh(self.pane(DataPane).load_startup, self.start_path)

    async def _mount_hidden_panes(self) -> None:
        from textual.widget import MountError

        panes = []
        for kind in PANES[1:]:
            pane = kind(id=kind.PANE_ID)
            pane.display = False
            panes.append(pane)
        try:
            await self.query_one("#panes", ContentSwitcher).mount_all(panes)
        except MountError:  # quitting before the first frame was done: nothing to show
            return

    def _apply_keymap_file(self) -> None:
        """`keymap.json` in the data folder remaps keys by binding id: {"pane.tags": "t"}."""
        from kptui.paths import data_dir

        path = data_dir() / "keymap.json"
        if not path.is_file():
            return
        try:
            keymap = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(keymap, dict):
                raise ValueError("expected an object of binding id to keys")
            self.set_keymap({str(k): str(v) for k, v in keymap.items()})
        except (OSError, ValueError) as exc:
            self.notify(f"{path}: {plain(exc)}", severity="warning", markup=False)

    # panes ------------------------------------------------------------------------------
    def pane(self, kind: type[P]) -> P:
        return self.query_one(f"#{kind.PANE_ID}", kind)

    @property
    def current_pane(self) -> Pane:
        switcher = self.query_one("#panes", ContentSwitcher)
        return self.query_one(f"#{switcher.current}", Pane)

    def action_show_pane(self, pane_id: str) -> None:
        self.query_one("#tabs", Tabs).active = pane_id

    def action_step_pane(self, step: int) -> None:
        ids = [p.PANE_ID for p in PANES]
        current = self.query_one("#panes", ContentSwitcher).current
        here = ids.index(current) if current in ids else 0
        self.action_show_pane(ids[(here + step) % len(ids)])

    @on(Tabs.TabActivated, "#tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab is not None and event.tab.id is not None:
            self._switch_to(event.tab.id)

    def _switch_to(self, pane_id: str, tries: int = 20) -> None:
        switcher = self.query_one("#panes", ContentSwitcher)
        if switcher.current == pane_id:
            return
        if not switcher.query_children(f"#{pane_id}"):  # still mounting (see compose)
            if tries:
                self.set_timer(0.02, lambda: self._switch_to(pane_id, tries - 1))
            return
        switcher.current = pane_id
        pane = self.current_pane
        pane.focus_default()
        if self.focused is None or pane not in self.focused.ancestors:
            self.call_after_refresh(pane.focus_default)  # just shown: styles not applied yet
        pane.pane_shown()
        self.call_after_refresh(self._switch_painted)

    def _switch_painted(self) -> None:
        self.switch_painted_at = time.perf_counter()  # read by bench/bench_tui.py

    def run_command(self, pane_id: str, action: str) -> None:
        """Run a palette command: on the app, or on a pane after switching to it."""
        if not pane_id:
            self.call_later(self.run_action, action)
            return
        self.action_show_pane(pane_id)
        pane = self.query_one(f"#{pane_id}", Pane)
        self.call_after_refresh(pane.run_action, action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":  # only offered (and shown) while typing in a field
            return isinstance(self.focused, Input)
        if action in ("show_pane", "step_pane"):  # F-keys are priority bindings: not behind
            return not isinstance(self.screen, ModalScreen)  # a dialog, help or the palette
        return True

    def action_leave_field(self) -> None:
        if isinstance(self.focused, Input):
            self.current_pane.focus_non_input()

    # unsaved work ---------------------------------------------------------------------
    def unsaved_draft(self) -> TagsPane | None:
        """The Tags pane when its draft has changes not in the workspace, else None."""
        found = self.query(TagsPane)
        tags = found.first() if found else None
        return tags if tags is not None and tags.unsaved else None

    def ask_unsaved(self, doing: str, then: Callable[[], object]) -> None:
        """Run `then` now, or after a save/discard/cancel question when the draft is unsaved."""
        from kptui.tui.screens import UnsavedScreen

        tags = self.unsaved_draft()
        if tags is None:
            then()
            return

        def answered(answer: str | None) -> None:
            if answer == "save":
                if not tags.save_then(then):
                    self.action_show_pane(tags.PANE_ID)
                    tags.action_focus_field("tags-title")
            elif answer == "discard":
                tags.discard()
                then()

        self.push_screen(UnsavedScreen(tags.current_draft().title, doing), answered)

    async def action_quit(self) -> None:
        """Quit, asking first when the draft has changes that are not saved."""
        self.ask_unsaved("quitting", self.exit)

    def action_help(self) -> None:
        from kptui.tui.screens import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            from kptui.tui.keyhelp import help_text

            self.push_screen(HelpScreen(help_text(self)))

    def action_use_terminal_colours(self) -> None:
        self.theme = "ansi-light" if self.current_theme.name.endswith("light") else "ansi-dark"
        self.notify("Using your terminal's own colours (ansi theme).")

    # shared state -----------------------------------------------------------------------
    @on(DatasetLoaded)
    def _dataset_loaded(self, event: DatasetLoaded) -> None:
        from kptui.tui.models import Models

        self.dataset = event.dataset
        self.models = Models(event.dataset)
        self.dataset_path = event.path
        self.overview = event.overview
        self.set_status()
        for pane in self.query(Pane):
            pane.dataset_changed(event.dataset)
        self.current_pane.pane_shown()

    def set_status(self) -> None:
        ds = self.dataset
        label = self.query_one("#status", Label)
        if ds is None:
            label.update("no data")
            return
        name = Path(ds.source or self.dataset_path or "").name or "data"
        if self.size.width < 120:  # beside seven tabs: the name only, cut on purpose
            label.update(plain(name, limit=16))
            return
        viewers = self.overview.get("viewers")
        parts = [plain(name, limit=24), f"{ds.videos.height:,} videos"]
        if viewers:
            parts.append(f"{viewers:,} viewers")
        if self.overview.get("why") == "last used":
            parts.append("last used")  # no hidden defaults: say why this dataset is open
        label.update(" · ".join(parts))

    def on_resize(self) -> None:
        self.set_status()

    @on(DraftChanged)
    def _draft_changed(self, event: DraftChanged) -> None:
        if not event.delivered:
            self.draft = event.draft

    @on(PaneRequest)
    def _route(self, event: PaneRequest) -> None:
        """Deliver one pane's request to the pane it names: panes never call each other."""
        if event.delivered:  # the target let its copy bubble back up: nothing more to do
            return
        event.stop()
        found = [pane for pane in self.query(Pane) if pane.id == event.TARGET]  # not the Tab
        if not found:  # not mounted yet (just after the first frame): try again shortly
            tries = getattr(event, "route_tries", 0)
            if tries < 40:
                event.route_tries = tries + 1  # type: ignore[attr-defined]
                self.set_timer(0.05, lambda: self._route(event))
            return
        found[0].post_message(event.delivery())
        if event.SHOW:
            self.action_show_pane(event.TARGET)

    def _handle_exception(self, error: Exception) -> None:
        """Quitting while panes still mount (just after the first frame) is not a crash.

        Shutdown removes widgets whose Mount handlers have not run yet; those handlers (ours,
        and Textual's Select filling its overlay) then look for children already gone and
        raise NoMatches. The app is ending anyway: end it cleanly instead of with a traceback.
        """
        from textual.css.query import NoMatches

        if isinstance(error, NoMatches) and not self.is_running:
            return
        super()._handle_exception(error)

    def report_error(self, error: BaseException, where: str = "") -> None:
        """A worker failed: one readable notice, never a traceback, data shown literally."""
        from kptui.errors import KptuiError

        text = error.text() if isinstance(error, KptuiError) else f"{type(error).__name__}: {error}"
        title = f"{where} failed" if where else "Something failed"
        self.notify(plain(text, limit=400), title=title, severity="error", markup=False, timeout=8)


def run_app(path: str | None, workspace: str | None = None) -> None:
    """Open the app on PATH (else the last dataset, else the bundled sample)."""
    app = KptuiApp(path, workspace)
    app.run()
    _end_even_if_stuck(app.return_code or 0)


def _end_even_if_stuck(code: int, grace: float = 2.0) -> None:
    """Quit always ends the process: a worker thread stuck in a read that never returns (a
    FIFO, a hung network folder) would otherwise keep Python waiting for it at exit."""
    import os
    import sys
    import threading
    import time

    deadline = time.monotonic() + grace
    for thread in threading.enumerate():
        if thread is threading.main_thread() or thread.daemon:
            continue
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(
        t.is_alive() and not t.daemon
        for t in threading.enumerate()
        if t is not threading.main_thread()
    ):
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)
