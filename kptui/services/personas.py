"""Persona exports: one persona's members (the app's `e`), every viewer's persona (the
CLI's `--assignments`); both CSV, written atomically, cells safe for a spreadsheet."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

MEMBER_COLUMNS = ["user_id", "persona_id", "persona_label", "interactions", "purchases"]


def members_csv(model: Any, pid: int, stats: dict[str, tuple[int, int]]) -> str:
    """`user_id, persona_id, persona_label, interactions, purchases` for persona `pid`."""
    from kptui.store.export import csv_cell

    label = model.card(pid).get("label") or ""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(MEMBER_COLUMNS)
    for user in model.members(pid):
        n, buys = stats.get(user, (0, 0))
        writer.writerow([csv_cell(user), pid, csv_cell(label), n, buys])
    return buf.getvalue()


def export_members(model: Any, pid: int, stats: dict[str, tuple[int, int]], folder: Path) -> Path:
    """`persona-<id>-members.csv` in `folder`; returns its path."""
    from kptui.fileio import atomic_write

    path = folder / f"persona-{pid}-members.csv"
    atomic_write(path, members_csv(model, pid, stats))
    return path


def write_assignments(frame: Any, path: Path) -> None:
    """CSV `user_id,persona_id` for every viewer (a polars frame), written atomically."""
    from kptui.fileio import atomic_write

    atomic_write(path, frame.write_csv())
