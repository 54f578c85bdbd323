"""Timestamps as kptui's own files and the SPEC write them, parsed to naive UTC.

Its own module because two readers need it: `kptui.engine.io` (kptui's files) and
`kptui.engine.exports.values` (platform exports, which add their own date spellings on top).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

# Without fractions first: `%.f` also takes whole seconds, so it came first and parsed every
# column, at 3.7x the cost (0.72 s against 0.19 s for 3.4M timestamps); a value either form
# reads is read the same by both, so the order changes no result.
_TIME_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%#z",
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%y.%d.%m",  # YouTube trending_date
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
)


def parse_times(text: pl.Series) -> pl.Series:
    """Timestamps in any format the SPEC lists (mixed within a column), as naive UTC."""
    import polars as pl

    if text.dtype == pl.Date:
        return text.cast(pl.Datetime("us"))
    if isinstance(text.dtype, pl.Datetime):
        if text.dtype.time_zone:
            return (
                text.dt.convert_time_zone("UTC").dt.replace_time_zone(None).cast(pl.Datetime("us"))
            )
        return text.cast(pl.Datetime("us"))
    s = text.cast(pl.Utf8)
    if s.str.contains(r"^\s|\s$").any():  # a stripped copy only when one is needed
        s = s.str.strip_chars()
    present = s.is_not_null() & (s != "")
    result = pl.Series(text.name, [], dtype=pl.Datetime("us")).extend_constant(None, len(s))
    # Decide the formats on a spread sample of values, parse the column once per format that
    # matches, then look again at whatever is still unparsed (a second format mixed in late).
    # The values still to do are indices, not a copy of the column (millions of rows).
    for _ in range(3):
        todo = (present & result.is_null()).arg_true()
        if todo.len() == 0:
            break
        picked = todo.gather_every(max(1, todo.len() // 20_000))
        sample = s.gather(picked).unique()
        # polars' per-value cache pays when values repeat (a daily export); on timestamps to
        # the second, mostly distinct, it doubles the parse (0.19 s against 0.10 s, 3.4M rows)
        repeats = sample.len() < picked.len() // 2
        found = _parse_with_formats(s, sample.head(4000), cache=repeats)
        if not found:
            break
        result = pl.select(pl.coalesce([result, *found])).to_series()
    return result.alias(text.name)


def _parse_with_formats(s: pl.Series, sample: pl.Series, cache: bool = True) -> list[pl.Series]:
    import polars as pl

    epoch_re = r"^\d{9,13}(\.\d+)?$"
    candidates: list[pl.Series] = []
    if sample.str.contains(epoch_re).any():
        num = pl.select(
            pl.when(s.str.contains(epoch_re)).then(s.cast(pl.Float64, strict=False))
        ).to_series()
        micros = pl.select(
            pl.when(num > 1e11).then(num * 1_000).otherwise(num * 1_000_000).cast(pl.Int64)
        ).to_series()
        candidates.append(micros.cast(pl.Datetime("us")))
        sample = sample.filter(~sample.str.contains(epoch_re))
    for fmt in _TIME_FORMATS:
        if sample.len() == 0:
            break
        probe = sample.str.to_datetime(format=fmt, strict=False, exact=True)
        if probe.null_count() == probe.len():
            continue
        parsed = s.str.to_datetime(format=fmt, strict=False, exact=True, cache=cache)
        if isinstance(parsed.dtype, pl.Datetime) and parsed.dtype.time_zone:
            parsed = parsed.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        candidates.append(parsed.cast(pl.Datetime("us")))
        sample = sample.filter(probe.is_null())
    return candidates
