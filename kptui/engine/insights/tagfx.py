"""Tags that work for this creator: for each tag used at least `MIN_USES` times, the median
performance multiple of the videos with it against those without.

The multiple of a tag is median(multiple | with) / median(multiple | without), with a
bootstrap interval that resamples both groups (seeded), and the n of each. A tag on every
video (or on all but a few) has nothing to compare with and is left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from kptui.engine.insights.baseline import NO_METRIC, Scored, baseline_needs
from kptui.engine.insights.stats import LEVEL, ratio_of_medians, sorted_median

if TYPE_CHECKING:
    import polars as pl

MIN_USES = 3
LIMIT = 200  # tags reported, most used first before ranking


def tag_effects(
    tags: list[list[str]] | pl.Series,
    multiples: np.ndarray,
    min_uses: int = MIN_USES,
    seed: int = 0,
    intervals: bool = True,
) -> list[dict[str, Any]]:
    """One row per tag with enough uses on each side, best multiple first (`ci` None
    without `intervals`: the tag suggester needs the multiple only).

    The tags are grouped in polars (exploded, counted, the LIMIT most used kept), not in a
    Python loop over every video's list: 1.5M videos took 4.6 s that way, and their lists'
    `to_list()` 3 s more.
    """
    import polars as pl

    multiples = np.asarray(multiples, dtype=float)
    n = len(multiples)
    if not isinstance(tags, pl.Series):
        tags = pl.Series("tags", [list(t or ()) for t in tags], dtype=pl.List(pl.String))
    long = (  # each video's distinct tags, one row each: the strings are hashed once
        pl.DataFrame({"tag": tags.list.unique().alias("tag")})
        .with_row_index("i")
        .explode("tag")
        .drop_nulls("tag")
    )
    groups = (
        long.group_by("tag")
        .agg(pl.col("i"))
        .with_columns(pl.col("i").list.len().alias("uses"))
        .filter((pl.col("uses") >= min_uses) & (n - pl.col("uses") >= min_uses))
        .sort(["uses", "tag"], descending=[True, False])
        .head(LIMIT)
    )
    rng = np.random.default_rng(seed)
    # sort once: each tag's two groups are then taken out of the sorted array already sorted
    order = np.argsort(multiples, kind="stable")
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.arange(n)
    ordered = multiples[order]
    out = []
    for tag, idx in zip(groups.get_column("tag").to_list(), groups.get_column("i"), strict=True):
        mask = np.zeros(n, dtype=bool)
        mask[ranks[idx.to_numpy()]] = True
        with_, without = ordered[mask], ordered[~mask]
        if intervals:
            ratio, ci = ratio_of_medians(with_, without, rng, presorted=True)
        else:
            mb = sorted_median(without)
            ratio, ci = (sorted_median(with_) / mb if mb > 0 else None), None
        if ratio is None:
            continue
        out.append(
            {
                "tag": tag,
                "n_with": int(with_.size),
                "n_without": int(without.size),
                "median_with": sorted_median(with_),
                "median_without": sorted_median(without),
                "multiple": ratio,
                "ci": ci,
            }
        )
    out.sort(key=lambda r: (-r["multiple"], -r["n_with"], r["tag"]))
    return out


def tags_section(
    scored: Scored, min_uses: int = MIN_USES, seed: int = 0, intervals: bool = True
) -> dict[str, Any]:
    import polars as pl

    m = scored.metric
    base = {"metric": m, "min_uses": min_uses, "level": LEVEL, "seed": seed}
    if m is None:
        return {
            **base,
            "status": "needs",
            "tags": [],
            "needs": NO_METRIC,
        }
    frame = scored.frame.filter(pl.col(f"x_{m}").is_not_null())
    if frame.height == 0:
        return {**base, "status": "needs", "tags": [], "needs": baseline_needs(scored)}
    if "tags" not in frame.columns or not frame.get_column("tags").list.len().fill_null(0).sum():
        return {**base, "status": "needs", "tags": [], "needs": "tags or #hashtags on the videos"}
    effects = tag_effects(
        frame.get_column("tags"), frame.get_column(f"x_{m}").to_numpy(), min_uses, seed, intervals
    )
    if not effects:
        return {
            **base,
            "status": "needs",
            "tags": [],
            "needs": f"a tag used on at least {min_uses} videos and missing from "
            f"at least {min_uses} (among {frame.height} videos with a baseline)",
        }
    return {**base, "status": "ok", "needs": None, "videos": frame.height, "tags": effects}
