"""A user's column mapping applied on top of a recognised export.

Why this order: a creator who maps a column of a YouTube or TikTok export (a localised header
the reader does not know, or a column they would rather use) still wants everything the
reader does: the Total row skipped, `1.2K` and `Sep 22, 2026` understood, the id found in the
link. So the file is recognised and read first, then each `column -> field` entry whose
column is in the file sets that field from it, parsed as that field's values are (counts,
rates per column, durations, dates), replacing what the reader took. A mapped field the file
has no place for (a per-video field on a per-day table) is ignored with a notice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kptui.engine.exports import values as v
from kptui.engine.exports.common import Context, Part, dates_of, hashtag_lists, keys, notice, typed
from kptui.engine.readers import ROW
from kptui.engine.schema import header_key
from kptui.engine.types import VIDEO_COLUMNS

if TYPE_CHECKING:
    import polars as pl

_RATES = {"ctr", "avg_pct_viewed", "completion_rate"}
_SECONDS = {"duration_s", "avg_view_s"}
_SALES_FIELDS = {"user_id", "ts", "amount"}


def _parser(field: str, part: Part, column: str, ctx: Context):
    kind = VIDEO_COLUMNS[field]
    if field in _RATES:
        return v.rate
    if field in _SECONDS:
        return v.seconds
    if kind == "datetime":
        return dates_of(part, column, window_end=ctx.window_end)
    if kind == "i64":
        return v.count
    if kind == "f64":
        return v.number
    if kind == "list[str]":
        return _tag_list
    return v.text


def _tag_list(series: pl.Series) -> pl.Series:
    """`a|b`, `#a #b` or `a, b` -> ["a", "b"]."""
    import polars as pl

    out = (
        v.text(series)
        .str.replace_all(r"[|,，、;；#＃\s]+", "|")
        .str.strip_chars("|")
        .str.split("|")
        .list.eval(pl.element().filter(pl.element() != ""))
    )
    return out.fill_null(pl.lit([], dtype=pl.List(pl.Utf8))).cast(pl.List(pl.Utf8))


def apply_mapping(part: Part, frame: pl.DataFrame, mapping: dict[str, str], ctx: Context) -> None:
    """Set each mapped field from its column, for the columns this file has (see module)."""
    cols = keys(frame)
    mine = {
        cols[header_key(src)]: field for src, field in mapping.items() if header_key(src) in cols
    }
    if not mine:
        return
    if part.videos is not None:
        _videos(part, frame, mine, ctx)
    elif part.sales is not None:
        _sales(part, frame, mine, ctx)
    else:
        for column, field in mine.items():
            notice(
                part,
                column,
                f"mapping to {field!r} ignored: this {part.source.shape} table has no place for it",
            )


def _videos(part: Part, frame: pl.DataFrame, mine: dict[str, str], ctx: Context) -> None:
    import polars as pl

    spec = []
    for column, field in mine.items():
        if field not in VIDEO_COLUMNS:
            notice(part, column, f"mapping to {field!r} ignored: not a per-video field")
            continue
        spec.append((field, column, _parser(field, part, column, ctx)))
    if not spec:
        return
    got = typed(frame, part, spec)
    videos = part.videos
    assert videos is not None
    mapped = pl.DataFrame({ROW: frame[ROW], **got})
    for field, column, _ in spec:
        took = "a column of its own" if field not in videos.columns else "the reader's choice"
        notice(part, column, f"mapped to {field!r} (replaces {took})")
    # the rows the reader kept (Total and footer rows stay out)
    videos = videos.drop([c for c in got if c in videos.columns])
    videos = videos.join(mapped, on=ROW, how="left", maintain_order="left")
    if "tags" not in got and ({"title", "description"} & set(got)):
        texts = [videos[c] for c in ("title", "description") if c in videos.columns]
        videos = videos.with_columns(hashtag_lists(texts).alias("tags"))
    part.videos = videos.filter(pl.col("video_id").is_not_null())
    part.source.rows = part.videos.height


def _sales(part: Part, frame: pl.DataFrame, mine: dict[str, str], ctx: Context) -> None:
    import polars as pl

    from kptui.engine.exports.stores import _utc, buyer_ids, ctx_salt

    sales = part.sales
    assert sales is not None
    for column, field in mine.items():
        if field not in _SALES_FIELDS:
            notice(part, column, f"mapping to {field!r} ignored: a sales file gives buyer, time "
                   "and amount")  # fmt: skip
            continue
        if field == "user_id":
            value = buyer_ids(frame[column], ctx_salt(ctx))
        elif field == "ts":
            value = _utc(frame[column])
        else:
            value = typed(frame, part, [("amount", column, v.number)])["amount"]
        lookup = pl.DataFrame({ROW: frame[ROW], f"_{field}": value})
        sales = (
            sales.join(lookup, on=ROW, how="left", maintain_order="left")
            .with_columns(pl.col(f"_{field}").alias(field))
            .drop(f"_{field}")
        )
        notice(part, column, f"mapped to {field!r} (replaces the reader's choice)")
    part.sales = sales.filter(pl.col("user_id").is_not_null())
    part.source.rows = part.sales.height
