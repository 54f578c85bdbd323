"""Wires the command groups together. Every module here imports only typer at module level."""

from __future__ import annotations

from typing import Annotated

import typer

from kptui import __version__
from kptui.cli import state

GROUPS = ("data", "insights", "tags", "personas", "recommend", "ab", "plan", "tui")
_ROOT_OPTIONS_WITH_VALUE = {"--workspace"}


def command_named(argv: list[str]) -> str | None:
    """The command group on the command line, so only its module is imported and built.

    Building every group costs ~15 ms per run; `kptui ab` must start in a blink. `--help`
    and anything unrecognised get every group, so help and "no such command" stay complete.
    """
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token in _ROOT_OPTIONS_WITH_VALUE:
            skip = True
            continue
        if token.startswith("-"):
            continue
        return token if token in GROUPS else None
    return None


def positionals(argv: list[str]) -> list[str]:
    """The tokens that are not options or root options' values (a command, its arguments)."""
    out, skip = [], False
    for token in argv:
        if skip:
            skip = False
        elif token in _ROOT_OPTIONS_WITH_VALUE:
            skip = True
        elif not token.startswith("-"):
            out.append(token)
    return out


def build_app(argv: list[str] | None = None) -> typer.Typer:
    app = typer.Typer(
        name="kptui",
        help="Campaign planner for short-video creators who sell paid knowledge.\n\n"
        "Run with no command to open the app on your last dataset (or the bundled sample).",
        no_args_is_help=False,
        add_completion=True,  # --install-completion / --show-completion (typer's; no imports)
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
        version: Annotated[
            bool, typer.Option("--version", "-V", help="Print the version and stop.")
        ] = False,
    ) -> None:
        if version:
            typer.echo(f"kptui {__version__}")
            raise typer.Exit(0)
        ctx.obj = state.CliState(workspace=workspace)  # read back by state.workspace()
        if ctx.invoked_subcommand is None:
            from kptui.cli.tui import open_app

            open_app(None)

    import importlib

    only = command_named(argv) if argv is not None else None
    for name in (only,) if only else GROUPS:
        importlib.import_module(f"kptui.cli.{name}").register(app)
    return app
