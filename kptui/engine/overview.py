"""What a dataset holds, at a glance: the numbers `data inspect` prints and the Data pane draws."""

from __future__ import annotations

from typing import Any

from kptui.engine.types import EVENTS, Dataset

FUNNEL = (("view",), ("like",), ("comment", "share"), ("purchase",))


def summarize(dataset: Dataset) -> dict[str, Any]:
    """The `data inspect --json` document (SPEC section 3); keys are a contract."""
    import polars as pl

    videos = dataset.videos
    inter = dataset.interactions
    events = {e: 0 for e in EVENTS}
    viewers = 0
    first = last = None
    if inter is not None and inter.height:
        for ev, n in inter.group_by("event").len().iter_rows():
            events[ev] = int(n)
        viewers = int(inter["user_id"].n_unique())
        ts = inter["ts"].drop_nulls()
        if ts.len():
            first, last = ts.min(), ts.max()
    if first is None:
        pub = videos["published_at"].drop_nulls()
        if pub.len():
            first, last = pub.min(), pub.max()
    tagged = videos.select((pl.col("tags").list.len() > 0).mean()).item() if videos.height else 0.0
    return {
        "files": list(dataset.files),
        "videos": int(videos.height),
        "paid_items": int((videos["price"] > 0).sum()),
        "viewers": viewers,
        "interactions": int(inter.height) if inter is not None else 0,
        "events": events,
        "date_range": [_iso(first), _iso(last)],
        "tagged_share": round(float(tagged or 0.0), 4),
        "duplicates_merged": int(dataset.duplicates_merged),
        "problems": [p.to_json() for p in dataset.problems],
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def funnel(dataset: Dataset) -> list[tuple[str, int]]:
    """Viewers reaching each step: view -> like -> comment/share -> purchase."""
    import polars as pl

    inter = dataset.interactions
    if inter is None or inter.height == 0:
        return []
    out = []
    for step in FUNNEL:
        n = inter.filter(pl.col("event").is_in(list(step)))["user_id"].n_unique()
        out.append(("/".join(step), int(n)))
    return out


def hourly_activity(dataset: Dataset) -> list[int]:
    """Interactions per hour of day (UTC as exported), 24 counts; empty without timestamps."""
    import polars as pl

    inter = dataset.interactions
    if inter is None or inter["ts"].null_count() == inter.height:
        return []
    counts = inter.select(pl.col("ts").dt.hour().alias("h")).drop_nulls().group_by("h").len()
    by_hour = dict(counts.iter_rows())
    return [int(by_hour.get(h, 0)) for h in range(24)]


def top_videos(dataset: Dataset, limit: int = 50):
    """Videos ranked by views (the export's metric, else interactions counted), with reach."""
    import polars as pl

    videos = dataset.videos.select("video_id", "title", "price", "views", "likes", "tags")
    inter = dataset.interactions
    if inter is not None and inter.height:
        counts = inter.group_by("video_id").agg(
            pl.len().alias("interactions"),
            pl.col("user_id").n_unique().alias("viewers"),
            (pl.col("event") == "purchase").sum().alias("purchases"),
        )
        videos = videos.join(counts, on="video_id", how="left").with_columns(
            pl.col("interactions", "viewers", "purchases").fill_null(0)
        )
        key = pl.coalesce("views", "viewers")
    else:
        key = pl.col("views").fill_null(0)
    return videos.sort(key, descending=True, nulls_last=True).head(limit)
