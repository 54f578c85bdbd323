"""The funnel from impression to purchase, from whatever per-video columns the export has.

Steps, in order: impressions -> views -> engaged (completed views when the export has a
completion rate, else likes) -> follows -> profile visits -> purchases. Each step present
is converted from the step before it that is present: overall as a ratio of sums over the
videos that have both columns (with a delta-method interval over videos, n = those videos),
and per video as the median of each video's own rate. The weakest step is the conversion
with the lowest overall rate.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import numpy as np

from kptui.engine.insights.stats import ratio_of_sums

if TYPE_CHECKING:
    import polars as pl

NEEDS = (
    "at least two of impressions, views, likes or completion rate, follows, profile visits "
    "and purchases per video"
)


def steps(videos: pl.DataFrame) -> list[tuple[str, str, pl.Expr]]:
    """(step, label, count expression) for each funnel step this export can give."""
    import polars as pl

    from kptui.engine.insights.stats import present

    out: list[tuple[str, str, pl.Expr]] = []
    if present(videos, "impressions"):
        out.append(("impressions", "impressions", pl.col("impressions").cast(pl.Float64)))
    if present(videos, "views"):
        out.append(("views", "views", pl.col("views").cast(pl.Float64)))
    if present(videos, "completion_rate") and present(videos, "views"):
        expr = pl.col("views").cast(pl.Float64) * pl.col("completion_rate").cast(pl.Float64)
        out.append(("engaged", "completed", expr))
    elif present(videos, "likes"):
        out.append(("engaged", "liked", pl.col("likes").cast(pl.Float64)))
    for name, label in (
        ("follows", "follows"),
        ("profile_visits", "profile visits"),
        ("purchases", "purchases"),
    ):
        if present(videos, name):
            out.append((name, label, pl.col(name).cast(pl.Float64)))
    return out


def funnel(videos: pl.DataFrame) -> dict[str, Any]:

    found = steps(videos)
    missing = [
        s
        for s in ("impressions", "views", "engaged", "follows", "profile_visits", "purchases")
        if s not in {f[0] for f in found}
    ]
    if len(found) < 2:
        return {
            "status": "needs",
            "needs": NEEDS,
            "steps": [],
            "conversions": [],
            "weakest": None,
            "missing": missing,
        }
    counts = videos.select(*(e.alias(s) for s, _, e in found))
    step_rows = []
    for s, label, _ in found:
        col = counts.get_column(s)
        step_rows.append(
            {
                "step": s,
                "label": label,
                "total": float(col.sum()),
                "n": col.len() - col.null_count(),
            }
        )
    conversions = []
    for (a, la, _), (b, lb, _) in itertools.pairwise(found):
        both = counts.select(a, b).drop_nulls()
        num = both.get_column(b).to_numpy()
        den = both.get_column(a).to_numpy()
        rate, ci = ratio_of_sums(num, den)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_video = num[den > 0] / den[den > 0]
        conversions.append(
            {
                "from": a,
                "to": b,
                "label": f"{la} -> {lb}",
                "rate": rate,
                "ci": ci,
                "n": both.height,
                "video_median": float(np.median(per_video)) if per_video.size else None,
                "video_n": int(per_video.size),
            }
        )
    rated = [c for c in conversions if c["rate"] is not None]
    weakest = min(rated, key=lambda c: c["rate"]) if rated else None
    return {
        "status": "ok",
        "needs": None,
        "steps": step_rows,
        "conversions": conversions,
        "weakest": None
        if weakest is None
        else {
            "from": weakest["from"],
            "to": weakest["to"],
            "label": weakest["label"],
            "rate": weakest["rate"],
        },
        "missing": missing,
    }


def video_funnel(videos: pl.DataFrame, video_id: str) -> list[tuple[str, float | None]]:
    """One video's funnel counts, step by step (the pane's video details)."""
    import polars as pl

    found = steps(videos)
    row = videos.filter(pl.col("video_id") == video_id).select(*(e.alias(s) for s, _, e in found))
    if row.height == 0:
        return []
    values = row.row(0)
    return [(label, values[i]) for i, (_, label, _) in enumerate(found)]
