"""Options given to `kptui` itself that every command may need (the workspace path).

They travel in typer's (click's) context: the root callback puts a `CliState` in `ctx.obj`,
`kptui plan` may override its workspace, and a command reads it back with `workspace()`.
No module-level state: two apps built in one process (tests, a CliRunner) cannot leak a
`--workspace` into each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class CliState:
    workspace: str | None = None


def current() -> CliState:
    """The state of the command being run (a fresh default outside any command)."""
    ctx = _current_context()
    found = ctx.find_object(CliState) if ctx is not None else None
    return found if found is not None else CliState()


def workspace(given: str | None = None) -> str | None:
    """The workspace file, innermost first: the command's own `--workspace`, then the one
    given to `kptui plan` or `kptui` (or `KPTUI_WORKSPACE`); None: the user data folder."""
    return given or current().workspace


def set_workspace(ctx: Any, path: str | None) -> None:
    """A group's `--workspace`: overrides the outer one for every command below it."""
    state = ctx.ensure_object(CliState)
    if path:
        state.workspace = path


def _current_context() -> Any:
    """The context of the command being run, or None. typer 0.29 carries its own copy of
    click (`typer._click`) and no public accessor for it; older typers use click itself."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # typer < 0.29: click is a dependency
        from click import get_current_context
    return get_current_context(silent=True)
