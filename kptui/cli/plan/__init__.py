"""`kptui plan`: the workspace from the command line — drafts, experiments, export.

The workspace file is, innermost first: `--workspace` on the command, on `kptui plan`, on
`kptui` itself, then `KPTUI_WORKSPACE`, then the user data folder (`kptui.cli.state`, carried
in typer's context). One module per group: `drafts`, `experiments`, `export`. The jobs the app
does too (a draft with its suggested hour, an experiment and its verdict, the export) are
`kptui.services` functions; the rest are `kptui.store.Workspace` calls; printing is
`kptui.cli.output`. Only typer and the standard library are imported at module level.
"""

from __future__ import annotations

import typer

from kptui.cli import state
from kptui.cli.plan import drafts, experiments, export
from kptui.cli.plan.common import WorkspaceOption

plan_app = typer.Typer(
    help="Your plan, kept in the workspace file: drafts, experiments, export.",
    no_args_is_help=True,
)
plan_app.add_typer(drafts.app, name="draft")
plan_app.add_typer(experiments.app, name="experiment")
plan_app.command("export")(export.plan_export)


@plan_app.callback()
def plan_root(ctx: typer.Context, workspace: WorkspaceOption = None) -> None:
    """Your plan, kept in the workspace file: drafts, experiments, export."""
    state.set_workspace(ctx, workspace)


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
