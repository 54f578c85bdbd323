"""Persona exports: one persona's members (the app's `e`), every viewer's persona (the
CLI's `--assignments`), every viewer's top videos (`--recommendations`, from the same fit
as the personas); all CSV, written atomically, cells safe for a spreadsheet."""

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


def members_file_name(pid: int) -> str:
    return f"persona-{pid}-members.csv"


def export_members(model: Any, pid: int, stats: dict[str, tuple[int, int]], path: Path) -> Path:
    """Persona `pid`'s members written atomically to the file `path` (a folder gets
    `persona-<id>-members.csv` inside it); returns the file written."""
    from kptui.fileio import atomic_write

    if path.is_dir():
        path = path / members_file_name(pid)
    atomic_write(path, members_csv(model, pid, stats))
    return path


def write_assignments(frame: Any, path: Path) -> None:
    """CSV `user_id,persona_id` for every viewer (a polars frame), written atomically."""
    from kptui.fileio import atomic_write

    atomic_write(path, frame.write_csv())


def write_recommendations(rec: Any, path: Path, top: int = 10, paid_only: bool = False) -> int:
    """CSV `user_id,persona_id,rank,video_id`: every viewer's `top` videos (a recommender
    from `load_or_fit_recommender`, whose personas are the ones just shown). Built from index
    arrays in polars, so 1M viewers x 10 is a few seconds, not a Python loop. Returns rows."""
    import numpy as np
    import polars as pl

    from kptui.fileio import atomic_write

    items = rec.top_items(None, top=top, paid_only=paid_only)
    users = np.repeat(np.arange(items.shape[0]), items.shape[1])
    ranks = np.tile(np.arange(1, items.shape[1] + 1), items.shape[0])
    flat = items.ravel()
    keep = flat >= 0
    eng_users = rec.persona_model.user_ids if rec.persona_model else rec._engagement().user_ids
    user_ids = csv_cells(eng_users)
    video_ids = csv_cells(rec.video_ids)
    labels = rec.persona_model.labels if rec.persona_model is not None else None
    chosen = users[keep]
    frame = pl.DataFrame(
        {
            "user_id": user_ids.gather(chosen),
            "persona_id": pl.Series(labels[chosen] if labels is not None else None, dtype=pl.Int64),
            "rank": ranks[keep],
            "video_id": video_ids.gather(flat[keep]),
        }
    )
    atomic_write(path, frame.write_csv())
    return frame.height


def csv_cells(values: list[str]) -> Any:
    """`csv_cell` of each id as a polars Series. An id of printable ASCII that does not start
    like a formula is its own cell (nothing for `clean` to show, nothing to quote), and ids
    nearly always are: only the others go through `csv_cell` (100k viewer ids: 0.4 s of
    Python calls otherwise)."""
    import polars as pl

    from kptui.store.export import csv_cell

    s = pl.Series(values, dtype=pl.String)
    plain = (s.str.contains(r"^[ -~]*$") & ~s.str.contains(r"^[=+\-@]")).fill_null(False)
    if plain.all():
        return s
    idx = (~plain).arg_true()
    fixed = pl.Series([csv_cell(values[i]) for i in idx.to_list()], dtype=pl.String)
    return s.scatter(idx, fixed)
