"""YouTube Studio (Advanced mode -> Export: Table data, Chart data, Totals) and Google Takeout
`videos.csv`. The first column of a Studio table names its dimension: `Content` (video id)
is per video, `Date` per day (per day by a dimension when a second text column follows),
anything else (`Traffic source`, `Geography`, `Viewer age`, ...) a breakdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kptui.engine.exports import studio_lang
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
    typed,
    videos_frame,
)
from kptui.engine.schema import header_key
from kptui.engine.types import Source

if TYPE_CHECKING:
    import polars as pl

# Studio metric headers (English; a few localised ones) -> (field, parser). `(%)` columns are
# per cent written as bare numbers.
_PCT = lambda s: v.rate(s, percent=True)  # noqa: E731
METRICS: dict[str, tuple[str, object]] = {
    "views": ("views", v.count),
    "views (%)": ("views_share", _PCT),  # age and gender tables: shares of the total
    "watch time (hours) (%)": ("watch_hours_share", _PCT),
    "watch time (hours)": ("watch_hours", v.number),
    "subscribers": ("follows", v.count),
    "subscribers gained": ("follows", v.count),
    "impressions": ("impressions", v.count),
    "impressions click-through rate (%)": ("ctr", _PCT),
    "average view duration": ("avg_view_s", v.seconds),
    "average percentage viewed (%)": ("avg_pct_viewed", _PCT),
    "likes": ("likes", v.count),
    "shares": ("shares", v.count),
    "comments added": ("comments", v.count),
    "comments": ("comments", v.count),
    "engaged views": ("engaged_views", v.count),
    "unique viewers": ("unique_viewers", v.count),
    "stayed to watch (%)": ("stayed_to_watch", _PCT),
    "your estimated revenue": ("revenue", v.number),
    "estimated revenue": ("revenue", v.number),
    "推定収益": ("revenue", v.number),
    "rpm": ("rpm", v.number),
}
for _english, _names in studio_lang.METRICS.items():  # the Studio UI languages
    for _name in _names:
        METRICS.setdefault(_name.lower(), METRICS[_english])
for _name in studio_lang.METRICS["views"]:  # age and gender tables: `視聴回数 (%)`
    METRICS.setdefault(f"{_name.lower()} (%)", METRICS["views (%)"])
for _name in studio_lang.METRICS["watch time (hours)"]:
    METRICS.setdefault(f"{_name.lower()} (%)", METRICS["watch time (hours) (%)"])
_METRIC_KEYS = {header_key(k): f for k, f in METRICS.items()}
# headers that carry a currency after them: `Your estimated revenue (USD)`, `推定収益 (JPY)`
_CURRENCY_KEYS = {
    header_key(k)
    for k in ("your estimated revenue", "estimated revenue", "rpm")
    + studio_lang.METRICS["estimated revenue"]
}
VIDEO_FIELDS = {
    "views",
    "watch_hours",
    "follows",
    "impressions",
    "ctr",
    "avg_view_s",
    "avg_pct_viewed",
    "likes",
    "shares",
    "comments",
    "revenue",
}
# per-video descriptive columns, not metrics
_TITLE = ("Video title", *studio_lang.DESCRIPTIVE["video title"])
_PUBLISHED = ("Video publish time", *studio_lang.DESCRIPTIVE["video publish time"])
_DURATION = ("Duration", *studio_lang.DESCRIPTIVE["duration"])
_DESCRIPTIVE = {header_key(k) for k in (*_TITLE, *_PUBLISHED, *_DURATION)}
_CONTENT_KEYS = {header_key(k) for k in ("Content", *studio_lang.CONTENT)}
_DATE_KEYS = {header_key(k) for k in ("Date", *studio_lang.DATE)}
DIMENSIONS = {
    "traffic source": "traffic-source",
    "geography": "geography",
    "cities": "city",
    "city": "city",
    "subscription status": "subscription-status",
    "viewer age": "age",
    "viewer gender": "gender",
    "device type": "device-type",
    "operating system": "operating-system",
    "playback location": "playback-location",
    "subtitles and cc": "subtitles",
    "content type": "content-type",
    "sharing service": "sharing-service",
    "content": "content",
    "new and returning viewers": "new-and-returning",
}
_DIM_KEYS = {header_key(k): d for k, d in DIMENSIONS.items()}
for _english, _names in studio_lang.DIMENSIONS.items():
    _DIM_KEYS.update({header_key(n): DIMENSIONS[_english] for n in _names})


def _metric_of(key: str):
    if key in _METRIC_KEYS:
        return _METRIC_KEYS[key]
    for k in _CURRENCY_KEYS:  # `Your estimated revenue (USD)`, `RPM (JPY)`, `推定収益 (JPY)`
        if key.startswith(k):
            return _METRIC_KEYS[k]
    return None


def _metric_columns(cols: dict[str, str], skip: set[str]) -> dict[str, tuple[str, object]]:
    """column -> (metric field, parser) for every known metric column not in `skip`."""
    out = {}
    for key, col in cols.items():
        if key in skip:
            continue
        m = _metric_of(key)
        if m is not None and m[0] not in {f for f, _ in out.values()}:
            out[col] = m
    return out


def detect_studio(names: list[str]) -> str | None:
    if not names:
        return None
    first = names[0]
    metrics = [k for k in names[1:] if _metric_of(k) is not None]
    if not metrics:
        return None
    if first in _CONTENT_KEYS:
        return "per-video"
    if first in _DATE_KEYS:
        dims = [k for k in names[1:] if k in _DIM_KEYS]
        if dims:
            return f"per-day-by-{_DIM_KEYS[dims[0]]}"
        if all(_metric_of(k) is not None for k in names[1:]):
            return "per-day"
        others = [k for k in names[1:] if _metric_of(k) is None and k not in _DESCRIPTIVE]
        if len(others) == 1 and set(names[1:]) & (_STUDIO_ONLY | {"views"}):
            return f"per-day-by-{first_slug(others[0])}"
        return None
    if first in _DIM_KEYS:
        return f"by-{_DIM_KEYS[first]}"
    if set(names[1:]) & _STUDIO_ONLY and first not in _NOT_DIMENSIONS:
        return f"by-{first_slug(first)}"  # a breakdown Studio added later (`Audio track`...)
    return None


# metrics only Studio writes: a table with one of them is Studio's, whatever its dimension
_STUDIO_ONLY = {
    header_key(k)
    for k in (
        "Watch time (hours)",
        "Average view duration",
        "Impressions click-through rate (%)",
        "Average percentage viewed (%)",
    )
}
_NOT_DIMENSIONS = {header_key(k) for k in ("video_id", "title", "video title", "id")}


def first_slug(key: str) -> str:
    return key.replace("(", "").replace(")", "").replace("%", "") or "dimension"


def read_studio(frame: pl.DataFrame, label: str, ctx: Context) -> Part:
    import polars as pl

    cols = keys(frame)
    names = list(cols)
    shape = detect_studio(names) or "per-video"
    part = Part(Source(label, "youtube-studio", shape, 0), rank=2)
    first = cols[names[0]]
    frame = drop_marker_rows(frame, first, part)
    if shape == "per-video":
        title = find(cols, *_TITLE)
        published = find(cols, *_PUBLISHED)
        duration = find(cols, *_DURATION)
        metric_cols = _metric_columns(cols, _DESCRIPTIVE)
        spec = [
            ("video_id", first, v.text),
            ("title", title, v.text),
            ("published_at", published, dates_of(part, published or "", window_end=ctx.window_end)),
            ("duration_s", duration, v.seconds),
            *[(f, c, p) for c, (f, p) in metric_cols.items() if f in VIDEO_FIELDS],
        ]
        got = typed(frame, part, spec)
        part.videos = videos_frame(part, frame, got).filter(pl.col("video_id").is_not_null())
        part.source.rows = part.videos.height
        return part
    if shape.startswith("per-day"):
        dates = typed(frame, part, [("date", first, dates_of(part, first))])["date"]
        dim_col = None
        dimension = None
        if shape != "per-day":
            dimension = shape.removeprefix("per-day-by-")
            dim_col = next(
                (c for k, c in cols.items() if k in _DIM_KEYS),
                next(
                    c
                    for k, c in cols.items()
                    if k != names[0] and _metric_of(k) is None and k not in _DESCRIPTIVE
                ),
            )
        metric_cols = _metric_columns(cols, {names[0], *_DESCRIPTIVE})
        metrics = typed(frame, part, [(f, c, p) for c, (f, p) in metric_cols.items()])
        key = v.label(frame[dim_col]) if dim_col else None
        part.daily = daily_frame(dates, metrics, dimension, key)
        part.source.rows = frame.height
        return part
    dimension = shape.removeprefix("by-")
    metric_cols = _metric_columns(cols, {names[0]})
    metrics = typed(frame, part, [(f, c, p) for c, (f, p) in metric_cols.items()])
    part.breakdowns = breakdown_frame(dimension, v.label(frame[first]), metrics)
    part.source.rows = frame.height
    return part


# ---------------------------------------------------------------------------------------
# Google Takeout: video metadata/videos.csv


def detect_takeout(names: list[str]) -> str | None:
    wanted = {"videoid", "videotitle(original)"}
    if wanted <= set(names) or ("videoid" in names and "approxduration(ms)" in names):
        return "per-video"
    return None


def read_takeout(frame: pl.DataFrame, label: str, ctx: Context) -> Part:
    import polars as pl

    cols = keys(frame)
    part = Part(Source(label, "youtube-takeout", "per-video", 0), rank=1)
    published = find(cols, "Video publish timestamp", "Video create timestamp")
    duration = find(cols, "Approx duration (ms)")
    spec = [
        ("video_id", find(cols, "Video ID"), v.text),
        ("title", find(cols, "Video title (original)", "Video title"), v.text),
        ("description", find(cols, "Video description (original)", "Video description"), v.text),
        ("published_at", published, dates_of(part, published or "")),
        ("duration_s", duration, lambda s: v.number(s) / 1000.0),
    ]
    got = typed(frame, part, spec)
    part.videos = videos_frame(part, frame, got).filter(pl.col("video_id").is_not_null())
    part.source.rows = part.videos.height
    return part


READERS = [
    Reader("youtube-takeout", detect_takeout, read_takeout),
    Reader("youtube-studio", detect_studio, read_studio),
]
