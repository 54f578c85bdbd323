"""Recommend pane (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from kptui.tui.panes.base import Pane


class RecommendPane(Pane):
    PANE_ID = "recommend"
    PANE_TITLE = "Recommend"
    PANE_KEY = "4"

    def compose(self) -> ComposeResult:
        yield Static("Recommend: coming soon", markup=False)

    def draft_changed(self, draft) -> None:
        pass

    def personas_ready(self, model) -> None:
        pass
