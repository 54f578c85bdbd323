"""Over- and under-performers against the creator's own baseline, and what each group shares.

A video at `OVER` times its baseline or more is an over-performer (repost it, make a
follow-up), one at `UNDER` or less an under-performer, unless it is one of the posts of the
last `RECENT_DAYS` days (still collecting views: its neighbours have had longer). What a
group has in common is told against the whole channel: the tags most of its videos carry
(with their share in the group and in the channel), the median length, and the most common
publish hour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kptui.engine.insights.baseline import MIN_N, NO_METRIC, WINDOW, Scored, baseline_needs

if TYPE_CHECKING:
    import polars as pl

OVER = 2.0
UNDER = 0.5
LIMIT = 10  # videos listed per group
RECENT_DAYS = 7  # posts this close to the newest are not judged under-performers yet


def outliers(scored: Scored, limit: int = LIMIT) -> dict[str, Any]:
    import polars as pl

    m = scored.metric
    base = {
        "metric": m,
        "baseline": {
            "window": WINDOW,
            "min_n": MIN_N,
            "by_format": scored.by_format,
            "by_publish_order": scored.dated,
        },
        "thresholds": {"over": OVER, "under": UNDER},
    }
    if m is None:
        return {
            "status": "needs",
            "needs": NO_METRIC,
            **base,
        }
    frame = scored.frame.filter(pl.col(f"x_{m}").is_not_null())
    if frame.height == 0:
        return {
            "status": "needs",
            "needs": baseline_needs(scored),
            **base,
        }
    ranked = frame.sort(f"x_{m}", descending=True)
    over = ranked.filter(pl.col(f"x_{m}") >= OVER)
    under = ranked.filter(pl.col(f"x_{m}") <= UNDER).reverse()
    # the newest posts are still collecting views: never called under-performers yet
    recent = 0
    newest = frame.get_column("published_at").max()
    if newest is not None:
        young = pl.col("published_at") > pl.lit(newest) - pl.duration(days=RECENT_DAYS)
        recent = under.filter(young).height
        under = under.filter(~young)
    shares = tag_counts(frame)
    return {
        "status": "ok",
        "needs": None,
        **base,
        "scored": frame.height,
        "over_count": over.height,
        "under_count": under.height,
        "recent_days": RECENT_DAYS,
        "recent_excluded": recent,
        "over": [video_json(r, scored) for r in over.head(limit).iter_rows(named=True)],
        "under": [video_json(r, scored) for r in under.head(limit).iter_rows(named=True)],
        "common": {
            "over": common(over, frame, shares),
            "under": common(under, frame, shares),
        },
    }


def video_json(row: dict[str, Any], scored: Scored) -> dict[str, Any]:
    """One video: its primary metric against baseline, and every other metric's multiple."""
    m = scored.metric
    other = {
        k: {
            "value": row.get(f"v_{k}"),
            "baseline": row.get(f"b_{k}"),
            "multiple": row.get(f"x_{k}"),
        }
        for k in scored.metrics
        if k != m
    }
    published = row.get("published_at")
    return {
        "video_id": row.get("video_id"),
        "title": row.get("title"),
        "published_at": published.isoformat() if published is not None else None,
        "format": row.get("format"),
        "value": row.get(f"v_{m}"),
        "baseline": row.get(f"b_{m}"),
        "multiple": row.get(f"x_{m}"),
        "n": row.get(f"n_{m}"),
        "other": other,
    }


def tag_counts(frame: pl.DataFrame) -> dict[str, int]:
    """How many of the frame's videos carry each tag (a tag counted once per video)."""
    import polars as pl

    if "tags" not in frame.columns or frame.height == 0:
        return {}
    counts = (
        frame.select(pl.col("tags").list.unique())
        .explode("tags")
        .drop_nulls()
        .group_by("tags")
        .len()
    )
    return dict(counts.iter_rows())


def common(
    group: pl.DataFrame, everyone: pl.DataFrame, all_counts: dict[str, int]
) -> dict[str, Any] | None:
    """What the group's videos share, next to the channel as a whole; None for an empty group."""
    import polars as pl

    if group.height == 0:
        return None
    out: dict[str, Any] = {"n": group.height, "n_all": everyone.height}
    if "tags" in group.columns:
        counts = tag_counts(group)
        shared = [
            {
                "tag": tag,
                "count": n,
                "share": n / group.height,
                "share_all": all_counts.get(tag, 0) / everyone.height,
            }
            for tag, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            if n >= 2 or group.height == 1
        ]
        out["tags"] = shared[:5]
    if "duration_s" in group.columns and group.get_column("duration_s").null_count() < group.height:
        out["duration_s"] = {
            "median": group.get_column("duration_s").median(),
            "median_all": everyone.get_column("duration_s").median(),
        }
    if group.get_column("published_at").null_count() < group.height:
        hours = group.select(pl.col("published_at").dt.hour().alias("h")).drop_nulls()
        top = hours.group_by("h").len().sort(["len", "h"], descending=[True, False]).row(0)
        out["hour"] = {"hour": int(top[0]), "count": int(top[1]), "n": hours.height}
    return out
