"""The k best items per row, scored one block of rows at a time.

Why its own module: serving top-10 lists for every viewer must never hold a viewers x videos
matrix (1M viewers x 20k videos is 80 GB of float32). The caller scores a block of rows
against its candidate columns; this module sizes the blocks from a memory budget, picks the
best k of each row with `argpartition` (linear, then a sort of only k values) and maps the
block's columns back to item ids. Memory is bounded by the block, not by the data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

BLOCK_FLOATS = 4_000_000  # scores held per block (16 MB of float32; temporaries add ~3x)
MAX_BLOCK_ROWS = 8192

ScoreBlock = Callable[["np.ndarray"], "np.ndarray"]


def block_rows(n_cols: int, budget: int = BLOCK_FLOATS) -> int:
    """Rows per block so a block of scores stays within `budget` floats."""
    return max(1, min(MAX_BLOCK_ROWS, budget // max(n_cols, 1)))


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of the `k` largest scores per row, best first.

    `scores` may be modified (nothing is copied that does not have to be). Rows with fewer
    than `k` finite scores end in `-inf` values; callers drop those.
    """
    import numpy as np

    n_rows, n = scores.shape
    k = max(0, min(k, n))
    if k == 0 or n_rows == 0:
        return np.zeros((n_rows, 0), dtype=np.int64), np.zeros((n_rows, 0), dtype=scores.dtype)
    if k < n:
        part = np.argpartition(scores, n - k, axis=1)[:, n - k :]
    else:
        part = np.broadcast_to(np.arange(n), scores.shape).copy()
    vals = np.take_along_axis(scores, part, axis=1)
    best = np.argsort(-vals, axis=1, kind="stable")
    return np.take_along_axis(part, best, axis=1), np.take_along_axis(vals, best, axis=1)


def blocked_top_k(
    rows: np.ndarray,
    k: int,
    score_block: ScoreBlock,
    columns: np.ndarray,
    *,
    block: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """For each of `rows`, the ids of its `k` best items and their scores, best first.

    `score_block(chunk)` returns the scores of the rows `chunk` (len(chunk) x len(columns),
    float32, `-inf` for items a row must not get); `columns[j]` is the item id of column j.
    Returns `(items, values)`, both len(rows) x k; where a row has fewer than k allowed
    items the rest is item -1 with value -inf.
    """
    import numpy as np

    k = max(0, min(k, len(columns)))
    items = np.full((len(rows), k), -1, dtype=np.int64)
    values = np.full((len(rows), k), -np.inf, dtype=np.float32)
    step = block or block_rows(len(columns))
    for start in range(0, len(rows), step):
        if progress is not None:
            progress(start / max(len(rows), 1))
        chunk = rows[start : start + step]
        idx, vals = top_k(score_block(chunk), k)
        finite = np.isfinite(vals)
        stop = start + len(chunk)
        items[start:stop] = np.where(finite, columns[idx], -1)
        values[start:stop] = vals
    return items, values


__all__ = ["BLOCK_FLOATS", "block_rows", "blocked_top_k", "top_k"]
