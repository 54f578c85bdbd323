"""Put the parts of a dataset together: zip members read one by one, per-video sources
joined by video id (each column from the source that knows it best), sales matched to the
catalogue and turned into `purchase` interactions, the long tables stacked."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kptui.engine.exports import read_part, window_from_name
from kptui.engine.exports.common import Part
from kptui.engine.readers import ROW, SUPPORTED_EXTS, RawTable, read_bytes
from kptui.engine.types import (
    BREAKDOWN_COLUMNS,
    DAILY_COLUMNS,
    FOLLOWER_ACTIVITY_COLUMNS,
    VIDEO_COLUMNS,
    Problem,
    empty_frame,
    polars_dtype,
)
from kptui.errors import DataError

if TYPE_CHECKING:
    import polars as pl

MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 512 * 1024 * 1024


def is_zip(path: Path, head: bytes | None = None) -> bool:
    """A `.zip` (or any non-Excel file in a zip container)."""
    if path.suffix.lower() == ".zip":
        return True
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return False
    if head is None:
        try:
            with path.open("rb") as fh:
                head = fh.read(4)
        except OSError:
            return False
    return head[:4] == b"PK\x03\x04" and path.suffix.lower() not in SUPPORTED_EXTS


def dataset_window(files: list[Path]) -> dt.date | None:
    """The latest export date any file or zip name of the dataset carries (TikTok puts the
    export's epoch in `Overview_<start>_<epoch>_<handle>.zip`); year-less dates elsewhere in
    the same dataset are resolved against it."""
    days = [d for d in (window_from_name(p.name) for p in files) if d]
    return max(days) if days else None


def zip_tables(path: Path) -> Iterator[tuple[RawTable, dt.date | None]]:
    """Each data file inside the zip (`export.zip/Table data.csv`), with the export date the
    zip's name carries (TikTok's epoch, a `YYYY-MM-DD`)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(f"not a readable zip file ({exc})", file=str(path)) from None
    window = window_from_name(path.name)
    with archive:
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir()
            and Path(m.filename).suffix.lower() in SUPPORTED_EXTS
            and not Path(m.filename).name.startswith((".", "~$"))
            and "__MACOSX" not in m.filename
        ]
        if not members:
            raise DataError("no data files inside this zip", file=str(path))
        for m in members[:MAX_MEMBERS]:
            if m.file_size > MAX_MEMBER_BYTES:
                raise DataError(
                    "a file inside the zip is too large", file=f"{path.name}/{m.filename}"
                )
            raw = archive.read(m)
            label = f"{path.name}/{m.filename}"
            yield (
                read_bytes(raw, label, Path(m.filename).suffix.lower()),
                (window or window_from_name(m.filename)),
            )


def read_parts(
    tables: list[tuple[RawTable, dt.date | None]],
    salt: Callable[[], bytes],
    default_window: dt.date | None = None,
    mapping: dict[str, str] | None = None,
) -> tuple[list[Part], list[RawTable]]:
    """(recognised parts, tables that are no known export: kptui's own schema or unknown).
    `default_window`: the export date another file of the dataset carries in its name;
    `mapping`: the user's column -> field entries, applied on top of each reader's choice."""
    parts: list[Part] = []
    rest: list[RawTable] = []
    for table, window in tables:
        part = read_part(table, window or default_window, salt, mapping)
        if part is None:
            rest.append(table)
        else:
            parts.append(part)
    return parts, rest


# ---------------------------------------------------------------------------------------


def merge_videos(base: pl.DataFrame | None, parts: list[Part], notices: list[Problem]):
    """One row per video id, every VIDEO_COLUMNS column from the first source (by rank:
    kptui's own file, then Takeout, then Studio, then the rest) that has a value for it."""
    import polars as pl

    frames = []
    if base is not None:
        frames.append(base.with_columns(pl.lit(0).alias("_rank")))
    for part in parts:
        if part.videos is None or part.videos.height == 0:
            continue
        frame = part.videos
        dups = frame.height - frame["video_id"].n_unique()
        if dups:
            notices.append(
                Problem(
                    part.source.file,
                    None,
                    "video_id",
                    f"duplicate video id: {dups} extra row(s) merged (kept the last)",
                    dups,
                    severity="notice",
                )
            )
            frame = frame.unique(subset="video_id", keep="last", maintain_order=True)
        frames.append(frame.with_columns(pl.lit(part.rank).alias("_rank")))
    if not frames:
        return _empty_videos()
    wanted = [c for c in VIDEO_COLUMNS]
    typed = []
    for f in frames:
        f = f.with_columns(
            pl.lit(None, dtype=polars_dtype(VIDEO_COLUMNS[c])).alias(c)
            for c in wanted
            if c not in f.columns
        )
        f = f.with_columns(
            pl.col(c).cast(polars_dtype(VIDEO_COLUMNS[c])) for c in wanted if c != "tags"
        )
        # empty text and empty tag lists do not hide another source's value
        f = f.with_columns(
            pl.when(pl.col("tags").list.len() > 0).then(pl.col("tags")).alias("tags"),
            *[
                pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c)).alias(c)
                for c in ("title", "description", "channel", "format")
            ],
        )
        typed.append(f.select([*wanted, "_rank"]).with_row_index("_order"))
    if len(typed) == 1:
        return finish_videos(typed[0].drop("_rank", "_order"))
    _join_notice(typed, parts, base, notices)
    stacked = pl.concat(typed, how="vertical")
    first_seen = stacked.group_by("video_id").agg(pl.col("_rank").min(), pl.col("_order").min())
    merged = (
        stacked.sort(["_rank", "_order"])
        .group_by("video_id", maintain_order=True)
        .agg(pl.col(c).drop_nulls().first() for c in wanted if c != "video_id")
    )
    merged = (
        merged.join(first_seen, on="video_id").sort(["_rank", "_order"]).drop("_rank", "_order")
    )
    return finish_videos(merged)


def finish_videos(frame: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    return frame.with_columns(
        pl.col("title").fill_null(""),
        pl.col("description").fill_null(""),
        pl.col("tags").fill_null(pl.lit([], dtype=pl.List(pl.Utf8))),
        pl.col("price").fill_null(0.0),
    ).select(list(VIDEO_COLUMNS))


def _empty_videos():
    return empty_frame(VIDEO_COLUMNS)


def _join_notice(frames, parts, base, notices) -> None:
    """Say what matched what: how many ids each per-video source shares with the others."""
    sets = [set(f["video_id"].to_list()) for f in frames]
    names = (["kptui videos"] if base is not None else []) + [
        p.source.file for p in parts if p.videos is not None and p.videos.height
    ]
    for i, (name, ids) in enumerate(zip(names, sets, strict=False)):
        others = set().union(*(s for j, s in enumerate(sets) if j != i))
        shared = len(ids & others)
        notices.append(
            Problem(
                name,
                None,
                "video_id",
                f"{shared} of {len(ids)} video(s) joined by video id with the other "
                "per-video sources",
                shared,
                severity="notice",
            )
        )


def sales_interactions(parts: list[Part], videos: pl.DataFrame, notices: list[Problem]):
    """(purchase/follow interactions, videos with the unmatched items added, the matches)."""
    import polars as pl

    from kptui.engine import tagparse
    from kptui.engine.exports.match import match_items, paid_items

    sales = [p.sales for p in parts if p.sales is not None and p.sales.height]
    if not sales:
        return None, videos, []
    frame = pl.concat(sales, how="diagonal_relaxed")
    frame, matches = match_items(frame, videos)
    for m in matches[:20]:
        how = f"by {m.by}" + (f" (score {m.score:.0f})" if m.by == "title" else "")
        text = (
            f"item {m.item!r} -> {m.video_id} {m.title!r} {how}"
            if m.by != "new paid item"
            else f"item {m.item!r} matched nothing in the catalogue: a paid item of its own "
            f"({m.video_id})"
        )
        notices.append(Problem(m.file, None, "item", text, severity="notice"))
    if len(matches) > 20:
        notices.append(
            Problem(
                frame["_file"][0],
                None,
                "item",
                f"{len(matches) - 20} more item(s) matched",
                len(matches) - 20,
                severity="notice",
            )
        )
    new = paid_items(frame, matches)
    if new.height:
        tags = [tagparse.dedupe(tagparse.hashtags(t)) for t in new["title"].to_list()]
        rows = new.with_columns(pl.Series("tags", tags, dtype=pl.List(pl.Utf8)))
        rows = rows.with_columns(
            pl.lit(None, dtype=polars_dtype(t)).alias(c)
            for c, t in VIDEO_COLUMNS.items()
            if c not in rows.columns
        )
        videos = pl.concat([videos, finish_videos(rows)], how="vertical")
    inter = frame.select(
        "user_id",
        "video_id",
        "event",
        pl.col("ts").cast(pl.Datetime("us")),
        pl.lit(None, dtype=pl.Float64).alias("watch_s"),
        pl.col("amount").cast(pl.Float64),
        "_file",
        ROW,
    )
    return inter, videos, matches


def stack(parts: list[Part], attr: str):
    """All parts' `daily` / `breakdowns` / `follower_activity`, typed, or None."""
    import polars as pl

    columns = {
        "daily": DAILY_COLUMNS,
        "breakdowns": BREAKDOWN_COLUMNS,
        "follower_activity": FOLLOWER_ACTIVITY_COLUMNS,
    }[attr]
    frames = [getattr(p, attr) for p in parts if getattr(p, attr) is not None]
    frames = [f for f in frames if f.height]
    if not frames:
        return None
    schema = {c: polars_dtype(t) for c, t in columns.items()}
    return pl.concat(
        [f.select(pl.col(c).cast(t) for c, t in schema.items()) for f in frames], how="vertical"
    )
