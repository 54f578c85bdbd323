"""Plan pane (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from kptui.tui.panes.base import Pane


class PlanPane(Pane):
    PANE_ID = "plan"
    PANE_TITLE = "Plan"
    PANE_KEY = "6"

    def compose(self) -> ComposeResult:
        yield Static("Plan: coming soon", markup=False)

    def reload(self) -> None:
        pass
