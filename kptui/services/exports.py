"""The plan as JSON, CSV or Markdown: as text for stdout, or written atomically to a file."""

from __future__ import annotations

from pathlib import Path


def plan_text(workspace: str | None, fmt: str = "json", table: str = "drafts") -> str:
    """The whole plan rendered (kptui.store.export.render); CSV cells that a spreadsheet
    would run as formulas are made text."""
    from kptui.store import Workspace
    from kptui.store.export import render

    with Workspace.open(workspace) as ws:
        return render(ws.snapshot(), fmt, table)


def export_plan(workspace: str | None, out: Path, fmt: str = "json", table: str = "drafts") -> Path:
    """Write the plan to `out`, all of it or nothing (a missing folder is an error, never made).

    A CSV file gets a byte-order mark: Excel then reads Chinese titles as UTF-8, not GBK.
    """
    from kptui.fileio import atomic_write, check_target

    target = out.expanduser()
    check_target(target)
    text = plan_text(workspace, fmt, table)
    atomic_write(target, text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    return target
