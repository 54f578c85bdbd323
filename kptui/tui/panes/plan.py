"""Plan pane: the drafts and experiments saved in the workspace (SQLite), read in a worker.

Enter opens a draft in the Tags pane or an experiment in the A/B pane; an experiment with
results recorded by date (`plan experiment record --date`) shows its lift day by day under
the table, with the always-valid band of the sequential test. `x` moves a draft's
status along (idea -> ready -> published). A workspace that cannot be opened (damaged, from a
newer kptui, read-only) shows its one-line reason here instead of a list.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label
from textual.worker import Worker, WorkerState

from kptui.tui.messages import OpenDraft, OpenExperiment, WorkspaceChanged
from kptui.tui.panes.base import Pane
from kptui.tui.text import plain
from kptui.tui.widgets import Col, FrameTable
from kptui.tui.widgets.lift_chart import LiftChart
from kptui.words import counted

WORKSPACE_TIMEOUT = 5.0  # seconds to wait for another process's lock before saying so
DRAFT_COLS = (
    Col("id", "#", "int"),
    Col("status", "Status", width=9),
    Col("title", "Title", width=34, wide=60),
    Col("tags", "Tags", "tags", width=26, wide=44),
    Col("personas", "Personas", width=10),
    Col("hour", "Post at", width=8),
    Col("updated", "Updated", width=10, drop=5),
)
EXPERIMENT_COLS = (
    Col("id", "#", "int"),
    Col("status", "Status", width=8),
    Col("name", "Name", width=20, wide=34),
    Col("arms", "Arms", width=30, wide=60),
    Col("verdict", "Verdict", width=30, wide=50),
)


class PlanLoaded(Message):
    def __init__(
        self,
        path: str,
        drafts: list[Any],
        experiments: list[Any],
        verdicts: dict,
        timelines: dict | None = None,
    ):
        super().__init__()
        self.path = path
        self.drafts = drafts
        self.experiments = experiments
        self.verdicts = verdicts
        self.timelines = timelines or {}  # experiment id -> services.ab.timeline_for(...)


def arm_text(arm: Any) -> str:
    """One notation for an arm in the app and the CLI: `control 80 / 2,000 converted`."""
    from kptui.words import arm_words

    return arm_words(arm.name, arm.conversions, arm.visitors)


def verdict_of(exp: Any) -> str:
    """A one-line verdict (kptui.services.experiments: the CLI's verdict), or why there is
    none yet."""
    from kptui.errors import KptuiError
    from kptui.services.experiments import verdict

    try:
        found = verdict(exp)
    except KptuiError as exc:
        return exc.text()
    result = found.result
    if result is None:
        return "waiting for results"
    best = found.winner
    if best is not None:
        text = f"{best.name} wins ({best.lift_abs * 100:+.2f} pts)"
    elif found.control_wins:
        text = "control wins"
    else:
        text = "no clear difference yet"
    if result.srm_warning:
        text += "; sample ratio mismatch!"
    return text


def timeline_of(exp: Any, days: list[Any]) -> dict | None:
    """The experiment's results over time (kptui.services.ab), or None when they cannot be
    computed (a broken record must not hide the plan)."""
    from kptui.errors import KptuiError
    from kptui.services.ab import timeline_for

    try:
        return timeline_for(exp, days)
    except KptuiError:
        return None


class PlanPane(Pane):
    PANE_ID = "plan"
    PANE_TITLE = "Plan"
    PANE_KEY = "6"
    DEFAULT_FOCUS = "#plan-drafts"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", "Reload", id="plan.reload", tooltip="read the workspace again"),
        Binding(
            "x",
            "next_status",
            "Status",
            id="plan.status",
            tooltip="move a draft idea → ready → published",
        ),
        Binding(
            "d,delete",
            "delete",
            "Delete",
            id="plan.delete",
            tooltip="delete the row under the cursor (asks first)",
        ),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.drafts: list[Any] = []
        self.experiments: list[Any] = []
        self.timelines: dict[int, dict] = {}
        self._loaded_once = False

    def compose(self) -> ComposeResult:
        yield Label("Reading the workspace…", id="plan-status", markup=False)
        with Vertical(id="plan-body"):
            yield FrameTable(id="plan-drafts", title="Drafts (Enter: open in Tags)")
            yield FrameTable(id="plan-experiments", title="Experiments (Enter: open in A/B)")
            yield LiftChart(id="plan-timeline")

    def pane_shown(self) -> None:
        if not self._loaded_once:
            self.reload()

    def reload(self) -> None:
        self._loaded_once = True
        self._read(self.kapp.workspace)

    def action_reload(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def _read(self, workspace: str | None) -> None:
        from kptui.store import Workspace

        with Workspace.open(workspace, timeout=WORKSPACE_TIMEOUT) as ws:
            drafts = ws.list_drafts()
            experiments = ws.list_experiments()
            days = {e.id: ws.daily(e.id) for e in experiments}
            path = str(ws.path)
            readonly = ws.readonly
        verdicts = {e.id: verdict_of(e) for e in experiments}
        timelines = {e.id: timeline_of(e, days[e.id]) for e in experiments if days[e.id]}
        self.post_message(
            PlanLoaded(
                path + (" (read-only)" if readonly else ""),
                drafts,
                experiments,
                verdicts,
                timelines,
            )
        )

    @on(Worker.StateChanged)
    def _read_state(self, event: Worker.StateChanged) -> None:
        if event.worker.group in ("plan", "plan-write") and event.state == WorkerState.ERROR:
            self._status(f"Workspace problem: {plain(event.worker.error)}", error=True)

    @on(PlanLoaded)
    def _loaded(self, event: PlanLoaded) -> None:
        event.stop()
        self.drafts = event.drafts
        self.experiments = event.experiments
        self.timelines = event.timelines
        self._status(
            f"{counted(len(event.drafts), 'draft')}, "
            f"{counted(len(event.experiments), 'experiment')} in {plain(event.path)}"
        )
        drafts = self.query_one("#plan-drafts", FrameTable)
        row = drafts.cursor_row
        drafts.set_data(
            DRAFT_COLS,
            [
                (
                    d.id,
                    d.status,
                    d.title,
                    d.tags,
                    " ".join(f"#{p}" for p in d.personas),
                    f"{d.publish_hour}h" if d.publish_hour is not None else (d.publish_at or ""),
                    (d.updated_at or "")[:10],
                )
                for d in event.drafts
            ],
            empty="no drafts yet: write one in Tags (2) and press ctrl+s",
        )
        if 0 <= row < drafts.row_count:
            drafts.move_cursor(row=row)
        self.query_one("#plan-experiments", FrameTable).set_data(
            EXPERIMENT_COLS,
            [
                (
                    e.id,
                    e.status,
                    e.name,
                    " · ".join(arm_text(a) for a in e.arms),
                    event.verdicts.get(e.id, ""),
                )
                for e in event.experiments
            ],
            empty="no experiments yet: enter arms in A/B (5) and press ctrl+s",
        )
        self._show_timeline()

    @on(FrameTable.RowHighlighted, "#plan-experiments")
    def _experiment_highlighted(self, event: FrameTable.RowHighlighted) -> None:
        self._show_timeline()

    def _show_timeline(self) -> None:
        """The highlighted experiment's lift day by day (its first variant), if recorded."""
        chart = self.query_one("#plan-timeline", LiftChart)
        values = self.query_one("#plan-experiments", FrameTable).cursor_values()
        found = self.timelines.get(values[0]) if values else None
        points = next((p for p in (found or {}).get("points", {}).values() if p), None)
        chart.display = points is not None
        if points is None:
            return
        variant = next(n for n, p in found["points"].items() if p is points)
        level = f"{1 - found['alpha']:.0%}"
        first = found["first_significant_day"].get(variant)
        when = f"significant under daily checks since {first}" if first else "not significant yet"
        title = plain(f"{variant} vs {found['arms'][0]} day by day: {when}", limit=90)
        chart.set_points(points, title=title, level=level)

    # actions ----------------------------------------------------------------------------
    @on(FrameTable.RowChosen, "#plan-drafts")
    def _open_draft(self, event: FrameTable.RowChosen) -> None:
        draft = next((d for d in self.drafts if d.id == event.values[0]), None)
        if draft is not None:
            self.post_message(OpenDraft(draft))  # the app hands it to the Tags pane

    @on(FrameTable.RowChosen, "#plan-experiments")
    def _open_experiment(self, event: FrameTable.RowChosen) -> None:
        exp = next((e for e in self.experiments if e.id == event.values[0]), None)
        if exp is not None:
            self.post_message(OpenExperiment(exp))  # the app hands it to the A/B pane

    @on(WorkspaceChanged)
    def _workspace_changed(self, event: WorkspaceChanged) -> None:
        if event.delivered:  # not the one this pane just posted on its way to the app
            event.stop()
            self.reload()

    def action_next_status(self) -> None:
        from kptui.store import DRAFT_STATUSES

        table = self.query_one("#plan-drafts", FrameTable)
        if not table.has_focus:
            return
        values = table.cursor_values()
        if values is None:
            return
        current = values[1]
        nxt = DRAFT_STATUSES[(DRAFT_STATUSES.index(current) + 1) % len(DRAFT_STATUSES)]
        self._set_status(int(values[0]), nxt)

    @work(thread=True, exclusive=True, group="plan-write", exit_on_error=False)
    def _set_status(self, draft_id: int, status: str) -> None:
        from kptui.store import Workspace

        with Workspace.open(self.kapp.workspace, timeout=WORKSPACE_TIMEOUT) as ws:
            ws.update_draft(draft_id, status=status)
        self.post_message(WorkspaceChanged())

    def action_delete(self) -> None:
        """Delete the draft or experiment under the cursor, after a yes/no question."""
        from kptui.tui.screens import ConfirmScreen

        drafts = self.query_one("#plan-drafts", FrameTable)
        experiments = self.query_one("#plan-experiments", FrameTable)
        table = drafts if drafts.has_focus else experiments if experiments.has_focus else None
        values = table.cursor_values() if table is not None else None
        if table is None or values is None:
            return
        kind = "draft" if table is drafts else "experiment"
        item_id, name = int(values[0]), str(values[2])
        question = f"Delete {kind} #{item_id} “{plain(name)}”? This cannot be undone."

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(kind, item_id)

        self.app.push_screen(ConfirmScreen(question), answered)

    @work(thread=True, exclusive=True, group="plan-write", exit_on_error=False)
    def _delete(self, kind: str, item_id: int) -> None:
        from kptui.store import Workspace

        with Workspace.open(self.kapp.workspace, timeout=WORKSPACE_TIMEOUT) as ws:
            if kind == "draft":
                ws.delete_draft(item_id)
            else:
                ws.delete_experiment(item_id)
        self.post_message(WorkspaceChanged())

    def _status(self, text: str, *, error: bool = False) -> None:
        self.query_one("#plan-status", Label).update(Text(text, style="bold red" if error else ""))
