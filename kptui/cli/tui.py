"""`kptui tui [PATH]`: open the Textual app."""

from __future__ import annotations

from typing import Annotated

import typer


def open_app(path: str | None) -> None:
    from kptui.cli.state import STATE
    from kptui.tui.app import run_app

    run_app(path, workspace=STATE.workspace)


def register(app: typer.Typer) -> None:
    @app.command("tui")
    def tui_command(
        path: Annotated[
            str | None,
            typer.Argument(help="Dataset folder or file. Default: last one used, else the sample."),
        ] = None,
    ) -> None:
        """Open the app."""
        open_app(path)
