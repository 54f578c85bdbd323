"""Persona exports: one persona's members (the app's `e`), every viewer's persona (the
CLI's `--assignments`), every viewer's top videos (`--recommendations`, from the same fit
as the personas); all CSV, written atomically, cells safe for a spreadsheet.

Whose list to push to whom now (`push_persona_id`): a viewer is served the list of the
persona whose kind of content their latest videos are (the recommender's `persona_now`,
found once at fit time and cached with it), which is their own persona's unless the tuner
found that switching pays on this data. The members export and the assignments carry it as
a third column; `push_summary` gives each card how many viewers its list goes to now."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

MEMBER_COLUMNS = [
    "user_id",
    "persona_id",
    "persona_label",
    "interactions",
    "purchases",
    "push_persona_id",
]
PUSH_HELP = (
    "push_persona_id: the persona whose list to push to this viewer now (the one whose "
    "kind of content they watched lately; their own persona_id unless that pays on this data)"
)


def members_csv(model: Any, pid: int, stats: dict[str, tuple[int, int]], rec: Any = None) -> str:
    """`user_id, persona_id, persona_label, interactions, purchases, push_persona_id` for
    persona `pid`; `rec` (the recommender of these personas) gives push_persona_id, None
    (no recommender) each member's own persona."""
    import numpy as np

    from kptui.store.export import csv_cell

    label = model.card(pid).get("label") or ""
    rows = np.flatnonzero(model.labels == pid)
    push = push_labels(model, rec)[rows]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(MEMBER_COLUMNS)
    for i, to in zip(rows.tolist(), push.tolist(), strict=True):
        user = model.user_ids[i]
        n, buys = stats.get(user, (0, 0))
        writer.writerow([csv_cell(user), pid, csv_cell(label), n, buys, to])
    return buf.getvalue()


def push_labels(model: Any, rec: Any = None) -> Any:
    """Per viewer (`model.user_ids` order), the persona whose list to push to them now."""
    import numpy as np

    own = np.asarray(model.labels, dtype=np.int64)
    theirs = None if rec is None else rec.persona_model
    if theirs is None or (theirs is not model and not np.array_equal(theirs.labels, own)):
        return own  # no recommender, or one of other personas: each viewer's own
    return rec.push_labels()


def assignments_frame(model: Any, rec: Any = None) -> Any:
    """`user_id, persona_id, push_persona_id` for every viewer (a polars frame): SPEC's two
    columns, then whose list to push to them now (see the module docstring)."""
    import polars as pl

    return model.assignments.with_columns(
        pl.Series("push_persona_id", push_labels(model, rec), dtype=pl.Int64)
    )


def push_summary(rec: Any) -> dict[str, Any]:
    """Whose list goes to whom now, per persona: `persona_now` (the recency half-life, 0:
    everyone gets their own persona's list) and per persona id `viewers` its list goes to,
    `members` of its own among them and `drawn` from other personas."""
    return {
        "persona_now": float(rec.blend.persona_now),
        "personas": {c["persona_id"]: c for c in rec.push_counts()},
    }


def push_words(push: dict[str, int], size: int) -> str:
    """A card's line: how many viewers its list goes to now, in plain words."""
    drawn = push["drawn"]
    members = f"{push['members']:,} of its {size:,} members"
    if not drawn:
        return f"list goes to {push['viewers']:,} viewers now: {members}, none drawn from others"
    return (
        f"list goes to {push['viewers']:,} viewers now: {members}, "
        f"{drawn:,} drawn from other personas by their latest videos"
    )


def members_file_name(pid: int) -> str:
    return f"persona-{pid}-members.csv"


def export_members(
    model: Any, pid: int, stats: dict[str, tuple[int, int]], path: Path, rec: Any = None
) -> Path:
    """Persona `pid`'s members written atomically to the file `path` (a folder gets
    `persona-<id>-members.csv` inside it); returns the file written."""
    from kptui.fileio import atomic_write

    if path.is_dir():
        path = path / members_file_name(pid)
    atomic_write(path, members_csv(model, pid, stats, rec))
    return path


def write_assignments(model: Any, path: Path, rec: Any = None) -> None:
    """CSV `user_id,persona_id,push_persona_id` for every viewer, written atomically
    (`assignments_frame`)."""
    from kptui.fileio import atomic_write

    atomic_write(path, assignments_frame(model, rec).write_csv())


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
