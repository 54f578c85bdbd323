"""A path field that completes folders and data files from the filesystem as you type."""

from __future__ import annotations

import os

from textual.suggester import Suggester

from kptui.tui.text import NO_CONTROL
from kptui.tui.widgets.field import Field

# the loader's formats (kept here so the field does not import the engine on start-up)
DATA_EXTS = (".csv", ".tsv", ".tab", ".txt", ".parquet", ".pq", ".jsonl", ".ndjson", ".json")
DATA_EXTS += (".xlsx", ".xlsm")


class PathSuggester(Suggester):
    """Completes the last path component: folders first (with a trailing /), then data files."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return suggest_path(value)


def suggest_path(value: str) -> str | None:
    if not value:
        return None
    expanded = os.path.expanduser(value)
    head, tail = os.path.split(expanded)
    folder = head or "."
    try:
        with os.scandir(folder) as entries:
            found = []
            for entry in entries:
                name = entry.name
                if not name.startswith(tail) or name == tail:
                    continue
                if name.startswith(".") and not tail.startswith("."):
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    continue
                if is_dir or name.lower().endswith(DATA_EXTS):
                    found.append((not is_dir, name.casefold(), name, is_dir))
                if len(found) > 2000:
                    break
    except OSError:
        return None
    if not found:
        return None
    _, _, name, is_dir = min(found)
    return value + name[len(tail) :] + ("/" if is_dir else "")


class PathInput(Field):
    """Input with filesystem completion (→ accepts the grey suggestion)."""

    def __init__(self, value: str = "", **kwargs) -> None:
        kwargs.setdefault("placeholder", "folder or file (→ completes, Enter loads)")
        kwargs.setdefault("restrict", NO_CONTROL)
        super().__init__(value, suggester=PathSuggester(), **kwargs)
