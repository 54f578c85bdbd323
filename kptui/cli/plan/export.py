"""`kptui plan export`: the plan as JSON, CSV or Markdown (kptui.services.exports)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kptui.cli import state
from kptui.cli.plan.common import CsvTable, ExportFormat, WorkspaceOption


def plan_export(
    format_: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="json, csv or md (Markdown).")
    ] = ExportFormat.json,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to FILE instead of stdout.")
    ] = None,
    table: Annotated[
        CsvTable, typer.Option("--table", help="CSV only: drafts, or experiments (per arm).")
    ] = CsvTable.drafts,
    workspace: WorkspaceOption = None,
) -> None:
    """Export the plan. CSV cells that could run as spreadsheet formulas are made text."""
    from kptui.services import exports

    if out is None:
        from kptui.fileio import write_stream

        write_stream(exports.plan_text(state.workspace(workspace), format_.value, table.value))
        return
    if out.expanduser().is_dir():
        from kptui.errors import UsageError

        raise UsageError("is a folder: give a file name", file=str(out))
    exports.export_plan(state.workspace(workspace), out, format_.value, table.value)
    from kptui.cli import output

    output.warn(f"wrote {out}")
