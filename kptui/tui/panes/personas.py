"""Personas pane (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from kptui.tui.panes.base import Pane


class PersonasPane(Pane):
    PANE_ID = "personas"
    PANE_TITLE = "Personas"
    PANE_KEY = "3"

    def compose(self) -> ComposeResult:
        yield Static("Personas: coming soon", markup=False)
