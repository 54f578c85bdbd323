"""Each video against the creator's own baseline: its metric as a multiple of comparable videos.

Comparable means the same format (体裁: video, image note, Short...) when the export says,
and published close in time: the baseline is the median of the `WINDOW` videos nearest in
publish order (half before, half after, shifted at either end), the video itself left out.
Neighbours in publish order have had about as long to collect views, so an old video is
not flattered against last week's, and a channel that grew is judged against its own level
at the time. A format with fewer than `MIN_FORMAT` videos is compared with the whole
channel. Without publish times the baseline is the median of every other comparable video.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kptui.engine.insights.stats import present

if TYPE_CHECKING:
    import polars as pl

WINDOW = 10  # comparable videos per baseline
MIN_N = 3  # fewer comparable videos with a value: no baseline, no multiple
MIN_FORMAT = 6  # a format with fewer videos is compared with the whole channel

# Metrics a video is scored on when its column exists: name -> how to compute it.
PRIMARY = ("views", "watch_hours", "likes")  # the performance measure: first one present
NO_METRIC = "per-video views, watch time or likes"  # what a section needs without PRIMARY
SECONDARY = ("completion_rate", "ctr", "follows_per_1k", "purchases", "revenue")


@dataclass
class Scored:
    """Per-video multiples (`frame`) and how they were made."""

    frame: pl.DataFrame  # video_id, title, published_at, format, tags, duration_s + per metric
    metric: str | None  # the primary metric, None when the export has none
    metrics: list[str]  # every metric scored (primary first)
    by_format: bool  # baselines were split by format
    dated: bool  # baselines are windows in publish order


def metric_columns(videos: pl.DataFrame) -> dict[str, pl.Expr]:
    """Expressions for every metric this export can give, in order of importance."""
    import polars as pl

    out: dict[str, pl.Expr] = {}
    for name in PRIMARY + SECONDARY:
        if name == "follows_per_1k":
            if present(videos, "follows") and present(videos, "views"):
                views = pl.col("views").cast(pl.Float64)
                out[name] = pl.when(views > 0).then(pl.col("follows") * 1000.0 / views)
        elif present(videos, name):
            out[name] = pl.col(name).cast(pl.Float64)
    return out


def score(
    videos: pl.DataFrame, window: int = WINDOW, min_n: int = MIN_N, primary_only: bool = False
) -> Scored:
    """Every video's value, baseline, multiple and n for each metric the export has (the
    primary one alone with `primary_only`: the tag suggester's history needs no other).

    The frame keeps the export's row order: publish order is an index array the baselines
    are computed through, not a sort of the frame (its titles and tag lists are 1.5M rows
    in a big export, and gathering them twice cost a second).
    """
    import polars as pl

    exprs = metric_columns(videos)
    primary = next((m for m in PRIMARY if m in exprs), None)
    if primary_only:
        exprs = {primary: exprs[primary]} if primary is not None else {}
    metrics = list(exprs)
    keep = [
        c
        for c in ("video_id", "title", "published_at", "format", "tags", "duration_s")
        if c in videos.columns
    ]
    frame = videos.select(*keep, *(e.alias(f"v_{m}") for m, e in exprs.items()))
    if "format" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("format"))
    if "published_at" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Datetime("us")).alias("published_at"))
    dated = present(frame, "published_at")
    fmt = frame.get_column("format")
    n_formats = fmt.n_unique()
    by_format = (
        n_formats > 1 and int(fmt.value_counts().get_column("count").max() or 0) >= MIN_FORMAT
    )
    if primary is None or frame.height == 0:
        return Scored(frame, None, metrics, False, dated)
    # publish order (ties and missing times in export order), as positions into the frame
    order = (
        frame.select(pl.arg_sort_by(["published_at", pl.int_range(pl.len())], nulls_last=True))
        .to_series()
        .to_numpy()
    )
    formats = fmt.fill_null("").to_numpy()[order] if by_format else None
    k = max(window // 2, 1)
    out = []
    for m in metrics:
        values = frame.get_column(f"v_{m}").to_numpy().astype(float)[order]
        whole = _baselines(values, np.zeros(len(values), dtype=np.int64), k, min_n, dated)
        if formats is not None:
            codes = np.unique(formats, return_inverse=True)[1]
            split = _baselines(values, codes, k, min_n, dated)
            small = np.bincount(codes)[codes] < MIN_FORMAT
            base = np.where(small, whole[0], split[0])
            n = np.where(small, whole[1], split[1])
        else:
            base, n = whole
        with np.errstate(divide="ignore", invalid="ignore"):
            multiple = np.where(base > 0, values / np.where(base > 0, base, 1.0), np.nan)
        back = np.empty_like(order)  # from publish order back to the export's
        back[order] = np.arange(len(order))
        out += [
            pl.Series(f"b_{m}", base[back]).fill_nan(None),
            pl.Series(f"x_{m}", multiple[back]).fill_nan(None),
            pl.Series(f"n_{m}", n[back].astype(np.int64)),
        ]
    frame = frame.with_columns(out)
    return Scored(frame, primary, metrics, by_format, dated)


def _row_medians(rows: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Median of each row's finite values (NaN where none): one sort, NaNs sorted last.

    np.nanmedian goes through masked arrays and costs ~10x more on these small windows.
    """
    ordered = np.sort(rows, axis=1)  # NaN sorts to the end
    lo = np.clip((n - 1) // 2, 0, None)
    hi = np.clip(n // 2, 0, rows.shape[1] - 1)
    at = np.arange(rows.shape[0])
    med = (ordered[at, lo] + ordered[at, hi]) / 2.0
    return np.where(n > 0, med, np.nan)


def _baselines(
    values: np.ndarray, groups: np.ndarray, k: int, min_n: int, dated: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(baseline, n) per row: median of the 2k nearest rows of the same group, self excluded.

    Rows are in publish order. `groups` holds a small integer per row; rows of one group
    need not be contiguous, so positions are taken within each group.
    """
    n_rows = len(values)
    base = np.full(n_rows, np.nan)
    count = np.zeros(n_rows, dtype=np.int64)
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        v = values[rows]
        size = len(rows)
        if size < 2:
            continue
        if not dated:  # no order to speak of: every other video of the group
            finite = np.isfinite(v)
            total = int(finite.sum())
            med = np.nanmedian(np.where(finite, v, np.nan)) if total else np.nan
            # leaving one value out barely moves a median; the n is exact
            count[rows] = total - finite.astype(np.int64)
            base[rows] = med
            continue
        width = min(2 * k + 1, size)
        pos = np.arange(size)
        start = np.clip(pos - k, 0, size - width)
        idx = start[:, None] + np.arange(width)[None, :]
        neigh = np.where(idx == pos[:, None], np.nan, v[idx])
        n = np.isfinite(neigh).sum(axis=1)
        base[rows] = _row_medians(neigh, n)
        count[rows] = n
    base = np.where(count >= min_n, base, np.nan)
    return base, count


def baseline_needs(scored: Scored) -> str:
    """What a section needs when no video has a baseline (too few videos with the metric)."""
    m = scored.metric
    have = scored.frame.get_column(f"v_{m}").drop_nulls().len() if m else 0
    return (
        f"at least {MIN_N + 1} videos with {m} to compare with each other (this export has {have})"
    )
