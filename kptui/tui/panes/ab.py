"""A/B pane (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from kptui.tui.panes.base import Pane


class ABPane(Pane):
    PANE_ID = "ab"
    PANE_TITLE = "A/B"
    PANE_KEY = "5"

    def compose(self) -> ComposeResult:
        yield Static("A/B: coming soon", markup=False)
