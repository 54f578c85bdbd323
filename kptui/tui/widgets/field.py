"""A text field that never destroys what was typed: no select-all on focus, ctrl+z undoes.

Textual's Input selects its whole value when it gains focus, so the next key replaced the
title; and it has no undo. A `Field` keeps the cursor at the end instead, remembers earlier
values (a burst of typing is one step) and refuses alt+key characters, which are always
meant as commands (alt+3 arrives as ESC 3; see `kptui.tui.keys`).
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import Input

BURST = 1.0  # seconds: one-character edits closer together than this undo as one step
DEPTH = 100  # undo steps kept per field


class Field(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+z", "undo", "Undo", id="field.undo", tooltip="undo the last edit"),
    ]

    def __init__(self, value: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        self._undo: list[str] = []
        self._seen = value or ""
        self._edited_at = 0.0
        self._undoing = False
        super().__init__(value, **kwargs)

    def watch_value(self, value: str) -> None:
        old, self._seen = self._seen, value
        if self._undoing or old == value:
            return
        now = time.monotonic()
        small = abs(len(value) - len(old)) <= 1
        if not (small and now - self._edited_at < BURST and self._undo):
            self._undo.append(old)
            del self._undo[:-DEPTH]
        self._edited_at = now if small else 0.0

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def action_undo(self) -> None:
        if not self._undo:
            self.app.bell()
            return
        self._undoing = True
        try:
            self.value = self._undo.pop()
        finally:
            self._undoing = False
        self._seen = self.value
        self._edited_at = 0.0
        self.cursor_position = len(self.value)

    async def _on_key(self, event: events.Key) -> None:
        if event.key.startswith("alt+"):
            return  # a command key (its binding runs), never text
        await super()._on_key(event)
