"""Wires the command groups together. Every module here imports only typer at module level."""

from __future__ import annotations

from typing import Annotated

import typer

from kptui import __version__
from kptui.cli import ab, data, personas, plan, recommend, state, tags, tui


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="kptui",
        help="Campaign planner for short-video creators who sell paid knowledge.\n\n"
        "Run with no command to open the app on your last dataset (or the bundled sample).",
        no_args_is_help=False,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback(invoke_without_command=True)
    def root(
        ctx: typer.Context,
        workspace: Annotated[
            str | None,
            typer.Option(
                "--workspace",
                envvar="KPTUI_WORKSPACE",
                help="Workspace file (SQLite) holding your plan. Default: your user data folder.",
            ),
        ] = None,
        version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
    ) -> None:
        if version:
            typer.echo(f"kptui {__version__}")
            raise typer.Exit(0)
        state.STATE.workspace = workspace
        if ctx.invoked_subcommand is None:
            tui.open_app(None)

    for module in (data, tags, personas, recommend, ab, plan, tui):
        module.register(app)
    return app
