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
    pass

MIN_USES = 3
LIMIT = 200  # tags reported, most used first before ranking


def tag_effects(
    tags: list[list[str]], multiples: np.ndarray, min_uses: int = MIN_USES, seed: int = 0
) -> list[dict[str, Any]]:
    """One row per tag with enough uses on each side, best multiple first."""
    multiples = np.asarray(multiples, dtype=float)
    n = len(multiples)
    rows: dict[str, list[int]] = {}
    for i, video_tags in enumerate(tags):
        for tag in set(video_tags or ()):
            rows.setdefault(tag, []).append(i)
    eligible = [
        (tag, idx) for tag, idx in rows.items() if len(idx) >= min_uses and n - len(idx) >= min_uses
    ]
    eligible.sort(key=lambda kv: (-len(kv[1]), kv[0]))
    rng = np.random.default_rng(seed)
    # sort once: each tag's two groups are then taken out of the sorted array already sorted
    order = np.argsort(multiples, kind="stable")
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.arange(n)
    ordered = multiples[order]
    out = []
    for tag, idx in eligible[:LIMIT]:
        mask = np.zeros(n, dtype=bool)
        mask[ranks[idx]] = True
        with_, without = ordered[mask], ordered[~mask]
        ratio, ci = ratio_of_medians(with_, without, rng, presorted=True)
        if ratio is None:
            continue
        out.append(
            {
                "tag": tag,
                "n_with": int(mask.sum()),
                "n_without": int((~mask).sum()),
                "median_with": sorted_median(with_),
                "median_without": sorted_median(without),
                "multiple": ratio,
                "ci": ci,
            }
        )
    out.sort(key=lambda r: (-r["multiple"], -r["n_with"], r["tag"]))
    return out


def tags_section(scored: Scored, min_uses: int = MIN_USES, seed: int = 0) -> dict[str, Any]:
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
    if "tags" not in frame.columns or not any(frame.get_column("tags").to_list()):
        return {**base, "status": "needs", "tags": [], "needs": "tags or #hashtags on the videos"}
    effects = tag_effects(
        frame.get_column("tags").to_list(), frame.get_column(f"x_{m}").to_numpy(), min_uses, seed
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
