"""Tags pane (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from kptui.tui.panes.base import Pane


class TagsPane(Pane):
    PANE_ID = "tags"
    PANE_TITLE = "Tags"
    PANE_KEY = "2"

    def compose(self) -> ComposeResult:
        yield Static("Tags: coming soon", markup=False)
