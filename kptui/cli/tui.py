"""`kptui tui [PATH]`: open the Textual app."""

from __future__ import annotations

from typing import Annotated

import typer


def open_app(path: str | None) -> None:
    from kptui.cli import state
    from kptui.tui.app import run_app

    run_app(path, workspace=state.workspace())


def tui_command(
    path: Annotated[
        str | None,
        typer.Argument(help="Dataset folder or file. Default: last one used, else the sample."),
    ] = None,
    data: Annotated[
        str | None,
        typer.Option("--data", help="The same as PATH, spelled like every other command's."),
    ] = None,
) -> None:
    """Open the app."""
    if path and data and path != data:
        raise typer.BadParameter("give the dataset once: PATH or --data, not both")
    open_app(path or data)


def register(app: typer.Typer) -> None:
    app.command("tui")(tui_command)
