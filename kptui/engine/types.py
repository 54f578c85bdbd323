"""The shapes every engine module agrees on: a loaded dataset and the problems found in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

EVENTS: tuple[str, ...] = ("view", "like", "comment", "share", "follow", "purchase")

# Canonical columns of the two tables. Loaders always produce these (missing optional ones
# are filled with nulls, `description` with "", `tags` with []), so downstream code never
# has to ask whether a column exists.
VIDEO_COLUMNS: dict[str, str] = {
    "video_id": "str",
    "title": "str",
    "description": "str",
    "tags": "list[str]",  # normalised for display as the corpus writes them, deduplicated
    "published_at": "datetime",
    "duration_s": "f64",
    "price": "f64",  # 0.0 when absent; > 0 marks a paid course or item
    "channel": "str",  # channel / author name when the export has one, else null
    "views": "i64",
    "likes": "i64",
    "comments": "i64",
    "shares": "i64",
    "purchases": "i64",
    # What platform analytics measure per video (null when the export does not say).
    # Rates are always fractions 0..1, whatever the export wrote (`12.5%` or `0.125`).
    "watch_hours": "f64",
    "avg_view_s": "f64",
    "avg_pct_viewed": "f64",  # fraction of the video watched on average
    "completion_rate": "f64",  # fraction of views watched to the end (完播率)
    "impressions": "i64",
    "ctr": "f64",  # impressions click-through rate, a fraction
    "saves": "i64",
    "follows": "i64",  # followers / subscribers gained by the video (may be negative)
    "profile_visits": "i64",
    "revenue": "f64",  # in the export's currency
    "format": "str",  # post type when known (体裁: 视频 / 图文, Shorts, ...)
}
INTERACTION_COLUMNS: dict[str, str] = {
    "user_id": "str",
    "video_id": "str",
    "event": "str",  # one of EVENTS
    "ts": "datetime",  # naive UTC, microseconds; null when the export has none
    "watch_s": "f64",
    "amount": "f64",
}


def polars_dtype(name: str):
    """The polars type for a type name used in the column tables above."""
    import polars as pl

    return {
        "str": pl.Utf8,
        "list[str]": pl.List(pl.Utf8),
        "datetime": pl.Datetime("us"),
        "date": pl.Date,
        "f64": pl.Float64,
        "i64": pl.Int64,
    }[name]


def empty_frame(columns: dict[str, str]) -> pl.DataFrame:
    """A frame with no rows and the given typed columns (e.g. `DAILY_COLUMNS`)."""
    import polars as pl

    return pl.DataFrame(schema={c: polars_dtype(t) for c, t in columns.items()})


@dataclass
class Problem:
    """One kind of problem in one file and column; `row` is the first example (header = row 1)."""

    file: str
    row: int | None
    column: str | None
    message: str
    count: int = 1
    examples: list[int] = field(default_factory=list)  # up to five row numbers
    # "warning": rows dropped or values nulled; "error": file unusable; "notice": nothing lost
    severity: str = "warning"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "count": self.count,
            "examples": self.examples,
            "severity": self.severity,
        }


@dataclass
class Source:
    """One input file as recognised: which platform wrote it and what one row stands for.

    `kind`: youtube-studio, youtube-takeout, tiktok-studio, douyin, xiaohongshu,
    wechat-channels, gumroad, lemonsqueezy, stripe, memberstack, orders, kptui.
    `shape`: per-video, per-day, per-day-by-<dimension>, per-hour, by-<dimension>, sales,
    members (and videos / interactions for kptui's own schema). `rows` counts the data rows
    used (Total rows, footers and banners excluded).
    """

    file: str
    kind: str
    shape: str
    rows: int

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "kind": self.kind, "shape": self.shape, "rows": self.rows}


# Long tables beside `videos`. Metric names are the video column names (views, watch_hours,
# follows, revenue, likes, ...) plus `followers` (follower count) and `profile_views`.
DAILY_COLUMNS: dict[str, str] = {
    "date": "date",
    "metric": "str",
    "value": "f64",
    "dimension": "str",  # null: the channel total; else e.g. "traffic source", "geography"
    "key": "str",  # the dimension's value ("YouTube search", "US"); null with a null dimension
}
BREAKDOWN_COLUMNS: dict[str, str] = {
    "dimension": "str",
    "key": "str",
    "metric": "str",
    "value": "f64",
}
FOLLOWER_ACTIVITY_COLUMNS: dict[str, str] = {"date": "date", "hour": "i64", "active": "f64"}


@dataclass
class Dataset:
    """A creator's export, typed and validated.

    `interactions` is None for a videos-only dataset. `fingerprint` changes whenever the
    content (or the column mapping) changes, and keys every model cache.
    """

    videos: pl.DataFrame
    interactions: pl.DataFrame | None
    files: list[str]
    problems: list[Problem] = field(default_factory=list)
    duplicates_merged: int = 0
    fingerprint: str = ""
    source: str = ""  # the folder or first file the user named
    daily: pl.DataFrame | None = None  # DAILY_COLUMNS, long: one row per date x metric (x key)
    breakdowns: pl.DataFrame | None = None  # BREAKDOWN_COLUMNS
    follower_activity: pl.DataFrame | None = None  # FOLLOWER_ACTIVITY_COLUMNS
    sources: list[Source] = field(default_factory=list)
    # What was done to the data that the user should know but that loses nothing: a Total row
    # skipped, duplicates merged, a year guessed. Problem objects with severity "notice".
    notices: list[Problem] = field(default_factory=list)

    @property
    def has_interactions(self) -> bool:
        return self.interactions is not None and self.interactions.height > 0
