"""TikTok Studio exports: Content (per video), Overview (per day), FollowerHistory,
FollowerActivity (per hour), FollowerGender, FollowerTopTerritories and Viewers.

Dates often have no year (`April 12`, `8 de marzo`): they are resolved from the export window
(the zip's name, a `Time` column with a year) and the file's own order, with a notice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kptui.engine.exports import values as v
from kptui.engine.exports.common import (
    Context,
    Part,
    Reader,
    breakdown_frame,
    daily_frame,
    dates_of,
    drop_marker_rows,
    find,
    keys,
    notice,
    typed,
    videos_frame,
)
from kptui.engine.types import Source

if TYPE_CHECKING:
    import polars as pl


def detect(names: list[str]) -> str | None:
    n = set(names)
    if "videolink" in n and ({"posttime", "totalviews", "totallikes"} & n):
        return "per-video"
    if n >= {"date", "hour", "activefollowers"}:
        return "per-hour"
    if "date" in n and ({"videoviews", "profileviews"} & n):
        return "per-day"
    if n >= {"date", "followers"} and any(k.startswith("differenceinfollowers") for k in n):
        return "per-day"
    if n >= {"gender", "distribution"}:
        return "by-gender"
    if n >= {"topterritories", "distribution"}:
        return "by-territory"
    if "date" in n and any("viewers" in k for k in n if k != "date") and len(n) <= 6:
        return "per-day"
    # Viewers.csv (EXPORTS.md: "new / returning"; its exact header is not documented): a
    # viewer-type column with `Distribution`, or one row of `New viewers,Returning viewers`
    if "distribution" in n and any("viewer" in k for k in n) and len(n) <= 3:
        return "by-viewer-type"
    if {"newviewers", "returningviewers"} <= n and "date" not in n and len(n) <= 4:
        return "by-viewer-type"
    return None


def read(frame: pl.DataFrame, label: str, ctx: Context) -> Part:
    import polars as pl

    cols = keys(frame)
    shape = detect(list(cols)) or "per-video"
    part = Part(Source(label, "tiktok-studio", shape, 0), rank=3)
    first = frame.columns[1] if frame.columns[0].startswith("_") else frame.columns[0]
    frame = drop_marker_rows(frame, first, part)
    end = ctx.window_end
    if shape == "per-video":
        link = find(cols, "Video link")
        posted = find(cols, "Post time")
        exported = find(cols, "Time")
        if exported is not None and end is None:
            stamp, _ = v.dates(frame[exported])
            if stamp.drop_nulls().len():
                end = stamp.max().date()
        links = v.text(frame[link])  # once: a 100 MB export has 600k links
        ids = links.str.extract(r"/(?:video|photo)/(\d+)", 1)
        no_id = ids.is_null() & links.is_not_null()
        if no_id.any():
            notice(part, link, "video link without a video id: the link itself is the id")
        ids = pl.select(pl.coalesce(pl.lit(ids), pl.lit(links))).to_series()
        spec = [
            ("title", find(cols, "Video title"), v.text),
            ("published_at", posted, dates_of(part, posted or "", window_end=end, ordered=False)),
            ("likes", find(cols, "Total likes"), v.count),
            ("comments", find(cols, "Total comments"), v.count),
            ("shares", find(cols, "Total shares"), v.count),
            ("views", find(cols, "Total views", "Video views"), v.count),
            ("saves", find(cols, "Total saves", "Total favorites"), v.count),
        ]
        got = {"video_id": ids.alias("video_id"), **typed(frame, part, spec)}
        part.videos = videos_frame(part, frame, got).filter(pl.col("video_id").is_not_null())
        part.source.rows = part.videos.height
        return part
    if shape == "by-gender" or shape == "by-territory":
        key_col = find(cols, "Gender", "Top territories")
        share = typed(frame, part, [("followers_share", find(cols, "Distribution"), v.rate)])
        part.breakdowns = breakdown_frame(shape.removeprefix("by-"), v.label(frame[key_col]), share)
        part.source.rows = frame.height
        return part
    if shape == "by-viewer-type":
        return _viewer_types(frame, cols, part)
    date_col = find(cols, "Date")
    dates = typed(frame, part, [("date", date_col, dates_of(part, date_col, window_end=end))])
    if shape == "per-hour":
        got = typed(
            frame,
            part,
            [
                ("hour", find(cols, "Hour"), v.count),
                ("active", find(cols, "Active followers"), v.number),
            ],
        )
        hour = got["hour"]
        if hour.drop_nulls().len() and hour.max() == 24 and hour.min() >= 1:
            hour = hour - 1
            notice(part, find(cols, "Hour"), "hours written 1-24 (older export): read as 0-23")
        part.follower_activity = pl.DataFrame(
            {"date": dates["date"].cast(pl.Date), "hour": hour, "active": got["active"]}
        ).filter(pl.col("date").is_not_null() & pl.col("hour").is_not_null())
        part.source.rows = frame.height
        return part
    spec = [
        ("views", find(cols, "Video Views"), v.count),
        ("profile_views", find(cols, "Profile Views"), v.count),
        ("likes", find(cols, "Likes"), v.count),
        ("comments", find(cols, "Comments"), v.count),
        ("shares", find(cols, "Shares"), v.count),
        ("followers", find(cols, "Followers"), v.count),
        ("follows", find(cols, "Difference in followers from previous day"), v.count),
    ]
    for key, col in cols.items():  # Viewers.csv: `Total viewers`, `New viewers`, ...
        if "viewers" in key:
            name = "_".join(v.header(col).lower().split()).removeprefix("total_")
            spec.append((name, col, v.count))
    metrics = typed(frame, part, spec)
    part.daily = daily_frame(dates["date"], metrics)
    part.source.rows = frame.height
    return part


def _viewer_types(frame: pl.DataFrame, cols: dict[str, str], part: Part) -> Part:
    """New vs returning viewers, as shares (`Distribution`) or as counts in one wide row."""
    import polars as pl

    share_col = find(cols, "Distribution")
    if share_col is not None:
        key_col = next(c for k, c in cols.items() if "viewer" in k)
        share = typed(frame, part, [("viewers_share", share_col, v.rate)])
        part.breakdowns = breakdown_frame("viewer-type", v.label(frame[key_col]), share)
        part.source.rows = frame.height
        return part
    wide = [(k, c) for k, c in cols.items() if k.endswith("viewers")]
    got = typed(frame, part, [(k, c, v.count) for k, c in wide])
    keys_ = [v.header(c).lower().removesuffix(" viewers") for _, c in wide]
    values = [got[k].sum() for k, _ in wide]  # one row of totals (more are added up)
    part.breakdowns = pl.DataFrame(
        {
            "dimension": ["viewer-type"] * len(wide),
            "key": keys_,
            "metric": ["viewers"] * len(wide),
            "value": [float(x) for x in values],
        }
    )
    part.source.rows = frame.height
    return part


READERS = [Reader("tiktok-studio", detect, read)]
