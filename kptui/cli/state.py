"""Options given to `kptui` itself that every command may need (the workspace path)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class State:
    workspace: str | None = None


STATE = State()
