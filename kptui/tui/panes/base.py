"""What every pane shares: a name and key, dataset hand-off, lazy work when first shown."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.containers import Container
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from kptui.engine.types import Dataset
    from kptui.tui.app import KptuiApp


# What every pane built from viewers' behaviour says about a videos-only dataset.
NO_INTERACTIONS = (
    "This dataset has videos only. Personas are built from what viewers watched and did: "
    "load a dataset with an interactions file (user_id, video_id, event)."
)


def rejected_interactions(dataset: Dataset) -> bool:
    """An interactions file was read, but every row of it was skipped (unknown videos or
    events): not a videos-only dataset, which the panes said it was."""
    return dataset.interactions is not None and not dataset.has_interactions


def no_interactions(dataset: Dataset) -> str:
    """NO_INTERACTIONS, or words for what the data really is: interactions that were all
    skipped (the first problem says why), or an export of channel totals (no video at all)."""
    if rejected_interactions(dataset):
        first = next((p for p in dataset.problems if p.severity != "notice"), None)
        said = first.message if first and len(first.message) <= 60 else None
        why = f" ({first.file}: {said or first.message[:59] + '…'})" if first else ""
        return (
            f"No usable interactions: every interaction row was skipped{why}. Personas need "
            "viewers; the Data pane (1) lists the problems."
        )
    if dataset.videos.height:
        return NO_INTERACTIONS
    return (
        "This export holds channel totals only (per-day and breakdown tables): no videos, no "
        "viewers. Personas are built from what viewers watched and did: load a dataset with "
        "an interactions file (user_id, video_id, event)."
    )


class Pane(Container):
    """A pane of the app. Subclasses override the hooks they need."""

    PANE_ID: ClassVar[str] = ""
    PANE_TITLE: ClassVar[str] = ""
    PANE_KEY: ClassVar[str] = ""
    DEFAULT_FOCUS: ClassVar[str | None] = None  # a selector inside the pane
    # worker groups whose failure the pane shows itself (no notice unless it is on screen)
    QUIET_GROUPS: ClassVar[frozenset[str]] = frozenset()

    @property
    def kapp(self) -> KptuiApp:
        return self.app  # type: ignore[return-value]

    def dataset_changed(self, dataset: Dataset | None) -> None:
        """A new dataset is in (called on the UI thread)."""

    def pane_shown(self) -> None:
        """The pane became the visible one: start any lazy work here."""

    def _shown(self, widget: Widget) -> bool:
        """Focusable and displayed, with every container up to this pane displayed too."""
        if not (widget.focusable and widget.display):
            return False
        return all(a.display for a in widget.ancestors if a is not self and self in a.ancestors)

    def focus_default(self) -> None:
        """Focus the pane's default widget, never a text field.

        Opening a pane must not put the cursor in a field: the next digit (a pane key, or
        alt+digit in a terminal that sends it as ESC then the digit) would be typed into it.
        Fields are entered on purpose: Tab, a letter key or Enter.
        """
        target: Widget | None = None
        if self.DEFAULT_FOCUS:
            found = self.query(self.DEFAULT_FOCUS)
            target = found.first() if found else None
        if target is None or isinstance(target, Input) or not target.focusable:
            target = next(
                (w for w in self.query("*") if self._shown(w) and not isinstance(w, Input)), None
            )
        if target is not None:
            target.focus()
        else:
            self.app.query_one("#tabs").focus()

    def _focus_if_shown(self, widget: Widget) -> None:
        """Focus `widget` when results arrive, unless the user is already busy in this pane."""
        if self.kapp.current_pane is not self or isinstance(widget, Input):
            return
        focused = self.app.focused
        if focused is None or not focused.display or self not in focused.ancestors:
            widget.focus()

    def focus_non_input(self) -> bool:
        """Move focus out of a text field to the pane's default widget (else the tab bar)."""
        self.focus_default()
        return not isinstance(self.app.focused, Input)

    @on(events.Mount)
    def _pane_mounted(self) -> None:
        """Panes other than the first mount after the first frame: catch up with the data."""
        if self.kapp.dataset is not None and self.kapp.models is not None:
            self.dataset_changed(self.kapp.dataset)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            if event.worker.group in self.QUIET_GROUPS and self.kapp.current_pane is not self:
                return
            self.kapp.report_error(event.worker.error, where=self.PANE_TITLE)
