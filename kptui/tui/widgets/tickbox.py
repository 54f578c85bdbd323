"""A checkbox whose state reads without colour: `X` when on, blank when off (NO_COLOR)."""

from __future__ import annotations

from textual.widgets import Checkbox


class TickBox(Checkbox):
    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        super().watch_value()

    def on_mount(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        self.refresh()
