"""What the `kptui plan` commands share: their options, opening the workspace, printing."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kptui.cli import state

if TYPE_CHECKING:
    from kptui.store import Workspace

WorkspaceOption = Annotated[
    str | None,
    typer.Option(
        "--workspace",
        help="Workspace file (SQLite). Default: kptui's --workspace, KPTUI_WORKSPACE, "
        "else your user data folder.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")]
PersonaOption = Annotated[
    list[str] | None,
    typer.Option(
        "--persona",
        "-p",
        help="Target persona id (repeatable, or 1,3). On add, the publish hour is suggested "
        "from their active hours when personas can be built from your data.",
    ),
]


class DraftStatus(StrEnum):
    idea = "idea"
    ready = "ready"
    published = "published"


class ExperimentStatus(StrEnum):
    planned = "planned"
    running = "running"
    stopped = "stopped"
    done = "done"


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    md = "md"


class CsvTable(StrEnum):
    drafts = "drafts"
    experiments = "experiments"


def open_workspace(given: str | None) -> Workspace:
    """The workspace of this command (see `kptui.cli.state.workspace`)."""
    from kptui.store import Workspace

    return Workspace.open(state.workspace(given))


def emit_json(obj: Any) -> None:
    from kptui.cli import output

    output.print_json(obj)


def say(*parts: str) -> None:
    from kptui.cli import output

    output.say(*parts)
