"""What every platform reader shares: the part of a dataset one file gives, column lookup by
header, typed columns with their problems reported, and the marker rows exports add."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kptui.engine.exports import values
from kptui.engine.readers import ROW
from kptui.engine.schema import header_key
from kptui.engine.types import Problem, Source

if TYPE_CHECKING:
    import polars as pl


@dataclass
class Context:
    """What a reader may know beyond the file: where it came from and when it was exported."""

    label: str
    window_end: dt.date | None = None  # from a zip name or a sibling table, when known
    salt: bytes = b""  # keys the buyers' hashed ids (stores)


@dataclass
class Part:
    """What one recognised file contributes. Frames hold only what the file says."""

    source: Source
    videos: pl.DataFrame | None = None  # video_id plus any VIDEO_COLUMNS, typed; _file, ROW
    daily: pl.DataFrame | None = None
    breakdowns: pl.DataFrame | None = None
    follower_activity: pl.DataFrame | None = None
    sales: pl.DataFrame | None = None  # buyer, order_id, item_id, item_name, item_link, ts, amount
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    rank: int = 5  # merging per-video sources: a lower rank wins a column both fill
    table: Any = None  # the RawTable read (for the dataset's fingerprint)
    columns: list[str] = field(default_factory=list)  # the header read (below any banner)


@dataclass
class Reader:
    """One export format: `detect` answers the shape from the header keys, or None."""

    kind: str
    detect: Callable[[list[str]], str | None]
    read: Callable[[pl.DataFrame, str, Context], Part]


def keys(frame: pl.DataFrame) -> dict[str, str]:
    """header key -> column name, stray spaces and BOMs ignored."""
    out: dict[str, str] = {}
    for col in frame.columns:
        if col != ROW:
            out.setdefault(header_key(values.header(col)), col)
    return out


def find(cols: dict[str, str], *names: str, prefix: bool = False) -> str | None:
    """The first column whose key is one of `names` (or starts with one, with `prefix`)."""
    for name in names:
        k = header_key(name)
        if k in cols:
            return cols[k]
    if prefix:
        for name in names:
            k = header_key(name)
            for key, col in cols.items():
                if key.startswith(k):
                    return col
    return None


def notice(part: Part, column: str | None, message: str, rows: list[int] | None = None) -> None:
    rows = rows or []
    part.notices.append(
        Problem(
            part.source.file,
            rows[0] if rows else None,
            column,
            message,
            max(1, len(rows)),
            rows[:5],
            severity="notice",
        )
    )


def problem(part: Part, column: str, message: str, rows: list[int]) -> None:
    part.problems.append(Problem(part.source.file, rows[0], column, message, len(rows), rows[:5]))


TOTAL_WORDS = ("total", "totals", "合计", "总计", "汇总", "合計", "gesamt", "totale")


def drop_marker_rows(frame: pl.DataFrame, first: str, part: Part) -> pl.DataFrame:
    """Drop the `Total` row, `Showing top 500 results` footers and blank rows, with notices.

    Two anchored regexes over the first column (a date or an id fails them at its first
    character) instead of lower-casing a million cells; the frame is returned as it is,
    not copied, when it has no such row (the usual case for Chart data)."""
    import re

    import polars as pl

    cell = frame[first].cast(pl.Utf8)
    words = "|".join(re.escape(w) for w in TOTAL_WORDS)
    total = cell.str.contains(rf"(?i)^\s*(?:{words})\s*$").fill_null(False)
    footer = cell.str.contains(r"(?i)^\s*(?:showing top|显示前|only the top)").fill_null(False)
    blank = cell.is_null() | cell.str.contains(r"^\s*$").fill_null(True)
    others = [c for c in frame.columns if c not in (ROW, first)]
    if blank.any():  # an empty first cell: blank only when every other cell is empty too
        rest = frame.filter(blank)
        empty = rest.select(
            pl.all_horizontal(
                pl.col(c).cast(pl.Utf8).str.strip_chars().fill_null("") == "" for c in others
            )
            if others
            else pl.lit(True)
        ).to_series()
        blank = blank.scatter(blank.arg_true(), empty)
    drop = total | footer | blank
    if not drop.any():
        return frame
    if total.any():
        rows = frame.filter(total)[ROW].to_list()
        notice(part, first, "Total row skipped (not a data row)", rows)
    if footer.any():
        rows = frame.filter(footer)[ROW].to_list()
        text = frame.filter(footer)[first][0]
        notice(part, first, f"footer row {text!r} skipped", rows)
    return frame.filter(~drop)


def typed(
    frame: pl.DataFrame,
    part: Part,
    spec: list[tuple[str, str | None, Callable[[pl.Series], pl.Series]]],
) -> dict[str, pl.Series]:
    """field -> typed Series for each (field, column, parser); a present value that does not
    parse becomes null and is reported once per column with its rows."""
    import polars as pl

    out: dict[str, pl.Series] = {}
    for name, column, parse in spec:
        if column is None:
            continue
        src = frame[column]
        got = parse(src)
        bad = got.is_null() & src.is_not_null()
        if bad.any():  # placeholders (`-`, `NAN`) are empty, not bad
            bad = bad & values.text(src).is_not_null()
        if bad.any():
            shown = src.filter(bad).unique(maintain_order=True).head(3).to_list()
            rows = frame.filter(bad)[ROW].to_list()
            problem(
                part,
                column,
                f"not understood ({', '.join(map(repr, shown))}); value left empty",
                rows,
            )
        out[name] = got.alias(name)
    return {k: (v if v.dtype != pl.Null else v.cast(pl.Utf8)) for k, v in out.items()}


def dates_of(part: Part, column: str, **kw) -> Callable[[pl.Series], pl.Series]:
    """A parser for `typed` that parses dates and says what it guessed in notices."""

    def parse(series: pl.Series) -> pl.Series:
        out, reading = values.dates(series, **kw)
        if reading.yearless:
            across = ", across a year boundary" if reading.across_years else ""
            notice(
                part,
                column,
                # what happened first: a narrow table shows the start of the message
                f"year guessed for {reading.yearless} date(s) written without one, from "
                f"{reading.year_from}{across}",
            )
        if reading.day_first is not None:
            order = "day first (D/M/Y)" if reading.day_first else "month first (M/D/Y)"
            notice(part, column, f"numeric dates read {order}, as the values show")
        elif reading.ambiguous:
            notice(
                part,
                column,
                f"{reading.ambiguous} numeric date(s) could be D/M or M/D: read month first",
            )
        return out

    return parse


def videos_frame(part: Part, frame: pl.DataFrame, cols: dict[str, pl.Series]) -> pl.DataFrame:
    """The per-video columns a file gave, with its row numbers and file label, and tags from
    the #hashtags in the title and description (vectorised: exports have 100k+ rows)."""
    import polars as pl

    out = pl.DataFrame({ROW: frame[ROW], **cols})
    texts = [out[c] for c in ("title", "description") if c in out.columns]
    if texts:
        out = out.with_columns(hashtag_lists(texts).alias("tags"))
    return out.with_columns(pl.lit(part.source.file).alias("_file"))


# tagparse's hashtag rule without look-behind (polars' regex has none): a `#` at the start,
# after a non-word character or after a CJK character (Chinese captions glue tags on).
_TAG_RE = (
    r"(?:^|[^\w&]|[\p{Han}\p{Hiragana}\p{Katakana}])[#＃]"
    r"[^\s#＃,，、;；.。!！?？:：()（）\[\]【】\"'“”]+"
)
_TRAIL = "\"'“”‘’.,，。、;；:：!！?？ "


def hashtag_lists(texts: list[pl.Series]) -> pl.Series:
    """Per row, the #hashtags of all `texts` in order, deduplicated case- and width-blind
    (as `tagparse.dedupe`), without the `#`.

    Element-wise list expressions run on the flat values at once; the costly dedupe (NFKC
    keys, first of each key per row) runs only on rows that may hold duplicates: two or
    more tags and either a repeated lower-cased tag or any non-ASCII text."""
    import polars as pl

    found = [t.cast(pl.Utf8).str.extract_all(_TAG_RE) for t in texts]
    both = (
        pl.select(
            pl.concat_list([pl.lit(f).fill_null(pl.lit([], dtype=pl.List(pl.Utf8))) for f in found])
        ).to_series()
        if len(found) > 1
        else found[0]
    )
    el = pl.element()
    frame = pl.DataFrame({"tags": both}).with_columns(
        pl.col("tags")
        .fill_null(pl.lit([], dtype=pl.List(pl.Utf8)))
        # a match is `#tag` or one character then `#tag`
        .list.eval(el.str.replace(r"^[^#＃]?[#＃]", "").str.strip_chars(_TRAIL))
        .list.eval(el.filter(el != ""))
    )
    tags = frame["tags"]
    maybe = tags.list.len() >= 2
    if maybe.any():
        lower = tags.list.eval(el.str.to_lowercase())
        wide = pl.any_horizontal(
            [(t.str.len_bytes() != t.str.len_chars()).fill_null(False) for t in texts]
        )  # non-ASCII text: a full-width tag may repeat another
        maybe = pl.select(maybe & ((lower.list.n_unique() < tags.list.len()) | wide)).to_series()
    if not maybe.any():
        return tags.cast(pl.List(pl.Utf8)).alias("tags")
    frame = frame.with_row_index("_i")
    fixed = (
        frame.filter(maybe)
        .explode("tags")
        .with_columns(pl.col("tags").str.normalize("NFKC").str.to_lowercase().alias("_k"))
        .filter(pl.struct("_i", "_k").is_first_distinct())
        .group_by("_i", maintain_order=True)
        .agg("tags")
    )
    out = pl.concat([frame.filter(~maybe), fixed]).sort("_i")["tags"]
    return out.cast(pl.List(pl.Utf8)).alias("tags")


def synthetic_ids(title: pl.Series, published: pl.Series | None, prefix: str) -> pl.Series:
    """A stable id for exports without one (Douyin, Xiaohongshu): a digest of title + publish
    time. blake2b, not polars' `hash` (which may change between polars versions and would
    change every work's id with it); these exports hold at most 1,000 works."""
    import hashlib

    import polars as pl

    basis = title.cast(pl.Utf8).fill_null("")
    if published is not None:
        basis = basis + "|" + published.cast(pl.Utf8).fill_null("")
    ids = [
        prefix + hashlib.blake2b(b.encode("utf-8"), digest_size=8).hexdigest()
        for b in basis.to_list()
    ]
    return pl.Series("video_id", ids, dtype=pl.Utf8)


def long_metrics(
    frame: pl.DataFrame, ids: dict[str, pl.Series], metrics: dict[str, pl.Series]
) -> pl.DataFrame:
    """A wide table of metrics -> long rows (ids..., metric, value)."""
    import polars as pl

    if not metrics:
        return pl.DataFrame()
    wide = pl.DataFrame({**ids, **{m: s.cast(pl.Float64) for m, s in metrics.items()}})
    return wide.unpivot(
        index=list(ids), on=list(metrics), variable_name="metric", value_name="value"
    ).filter(pl.col("value").is_not_null())


def daily_frame(
    date: pl.Series, metrics: dict[str, pl.Series], dimension: str | None = None, key=None
) -> pl.DataFrame:
    """Rows of `DAILY_COLUMNS` from a date column and metric columns (and a dimension)."""
    import polars as pl

    ids = {"date": date.cast(pl.Date)}
    if key is not None:
        ids["key"] = key.cast(pl.Utf8)
    out = long_metrics(pl.DataFrame(), ids, metrics)
    if out.is_empty():
        return out
    out = out.filter(pl.col("date").is_not_null())
    if key is None:
        out = out.with_columns(pl.lit(None, dtype=pl.Utf8).alias("key"))
    return out.with_columns(pl.lit(dimension, dtype=pl.Utf8).alias("dimension")).select(
        "date", "metric", "value", "dimension", "key"
    )


def breakdown_frame(dimension: str, key: pl.Series, metrics: dict[str, pl.Series]):
    """Rows of `BREAKDOWN_COLUMNS` from a key column and metric columns."""
    import polars as pl

    out = long_metrics(pl.DataFrame(), {"key": key.cast(pl.Utf8)}, metrics)
    return out.with_columns(pl.lit(dimension).alias("dimension")).select(
        "dimension", "key", "metric", "value"
    )


def slug(name: str) -> str:
    """`Traffic source` -> `traffic-source` (for shapes and dimension names)."""
    return "-".join(values.header(name).lower().replace("_", " ").split())
