"""Values as platforms write them, turned into numbers, fractions, seconds and dates.

Each function takes a text column (a polars Series) and returns a typed one; a value that is a
placeholder (`-`, `--`, `undefined`, `NAN`, empty) becomes null, never zero. They are
vectorised: a 100 MB export is parsed column by column, not row by row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

PLACEHOLDERS = ("", "-", "--", "—", "–", "undefined", "nan", "null", "none", "n/a")
# every capitalisation seen, so that matching needs no lower-casing of the whole column
_PLACEHOLDER_FORMS = sorted(
    {f for p in PLACEHOLDERS for f in (p, p.upper(), p.capitalize(), p.title())} | {"NaN"}
)
_SCALES = {"k": 1e3, "m": 1e6, "b": 1e9, "w": 1e4, "万": 1e4, "亿": 1e8}
_SUFFIX_CHARS = "kKmMbBwW万亿"


def text(values: pl.Series) -> pl.Series:
    """Stripped text with every placeholder as null."""
    import polars as pl

    s = values.cast(pl.Utf8).str.strip_chars()
    return s.set(s.is_in(_PLACEHOLDER_FORMS).fill_null(False), None)


def label(values: pl.Series) -> pl.Series:
    """A breakdown's key as written, stripped (only an empty one is missing): `None` is a
    subtitle language and `-` a traffic source there, not placeholders."""
    import polars as pl

    s = values.cast(pl.Utf8).str.strip_chars()
    return s.set((s == "").fill_null(False), None)


def number(values: pl.Series) -> pl.Series:
    """`18,400`, `1.2K`, `3.4M`, `1.2万`, `3亿`, `31.0`, `7.4999999999999997E-2`, `$12.50` -> f64.

    Thousands separators (`,`, spaces) are dropped; a trailing K/M/B (or w/万/亿) scales. A
    column whose commas are decimal points (`49,00`, `1.234,50`: see `_decimal_comma`) is
    read so.
    `NaN` and `inf` are missing, as placeholders are. A value that is still not a number
    becomes null (callers report it). Each step is one vectorised pass, and the costly ones
    (the currency and space clean-up, the suffix scale) run only when a value needs them.
    """
    import polars as pl

    if values.dtype.is_numeric():
        out = values.cast(pl.Float64)
        return out.set(~out.is_finite().fill_null(True), None)
    direct = values.cast(pl.Float64, strict=False)  # the common case: plain numbers
    if direct.null_count() == values.null_count():
        return direct.set(~direct.is_finite().fill_null(True), None).alias(values.name)
    s = text(values)
    if s.str.contains(",", literal=True).any() and _decimal_comma(s):
        # `49,00`, `1.234,50` (a European store export): the comma is the decimal point
        s = s.str.replace_all(r"[.\s\u00a0]", "").str.replace(",", ".", literal=True)
    if s.str.contains(r"[^0-9.,eE+\-kKmMbBwW万亿]").any():
        s = s.str.replace_all(r"[,\s\u00a0]|^[+$¥￥€£]|^(US|CN|RMB)\$?", "")
    else:
        s = s.str.replace_all(",", "", literal=True)
    base = s.str.strip_chars_end(_SUFFIX_CHARS)
    scaled = base.str.len_bytes() != s.str.len_bytes()
    out = base.cast(pl.Float64, strict=False)
    if scaled.any():
        suffix = s.str.slice(-1).str.to_lowercase()
        scale = suffix.replace_strict(_SCALES, default=None, return_dtype=pl.Float64)
        # one suffix only: `1.2KK` is not a number
        twice = (base.str.len_chars() + 1 != s.str.len_chars()) & scaled
        out = pl.select(
            pl.when(pl.lit(twice))
            .then(None)
            .when(pl.lit(scaled))
            .then(pl.lit(out) * pl.lit(scale))
            .otherwise(pl.lit(out))
        ).to_series()
    return out.set(~out.is_finite().fill_null(True), None).alias(values.name)


def _decimal_comma(s: pl.Series) -> bool:
    """Decided per column: some value has one comma followed by 1 or 2 digits (`49,00`,
    `1.234,5`) and none has a comma before 3 digits (`18,400`, `1,234,567`: thousands)."""
    decimal = s.str.contains(r"^[+\-]?[$€£¥￥]?\d{1,3}(?:\.\d{3})*,\d{1,2}$|^[+\-]?\d+,\d{1,2}$")
    thousands = s.str.contains(r"\d,\d{3}(?:\D|$)")
    return bool(decimal.any()) and not bool(thousands.any())


def count(values: pl.Series) -> pl.Series:
    """`number` rounded to a whole count (i64): `12235.0` -> 12235, `1.2K` -> 1200."""
    import polars as pl

    return number(values).round(0).cast(pl.Int64)


def rate(values: pl.Series, percent: bool | None = None) -> pl.Series:
    """A rate as a fraction 0..1.

    `12.5%` is always 12.5 per cent. A bare number is per cent when `percent` is True (the
    header says `(%)`, as YouTube's do) and a fraction when False; when None it is decided for
    the whole column: if any bare value is above 1 the column is in per cent, else fractions
    (`0.125`, `7.4999999999999997E-2`, as Douyin and Xiaohongshu write them).
    """
    import polars as pl

    s = text(values)
    has_pct = s.str.ends_with("%").fill_null(False)
    n = number(s.str.strip_suffix("%"))
    if percent is None:
        bare = n.filter(~has_pct).drop_nulls()
        percent = bool(bare.len() and (bare.abs() > 1.0).any())
    out = pl.select(
        pl.when(pl.lit(has_pct) | pl.lit(percent)).then(pl.lit(n) / 100.0).otherwise(pl.lit(n))
    ).to_series()
    return out.alias(values.name)


_CLOCK = r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$"
_UNITS = (
    r"^(?:(\d+(?:\.\d+)?)\s*(?:小时|h|hr|hours?))?\s*"
    r"(?:(\d+(?:\.\d+)?)\s*(?:分钟|分|m|min|minutes?))?\s*"
    r"(?:(\d+(?:\.\d+)?)\s*(?:秒|s|sec|seconds?))?$"
)


def seconds(values: pl.Series) -> pl.Series:
    """A duration in seconds: `0:01:10`, `1:10`, `18秒`, `32.50秒`, `1分20秒`, `2m 5s`, `9.53`."""
    import polars as pl

    if values.dtype.is_numeric():
        return values.cast(pl.Float64)
    s = text(values)
    clock = s.str.extract_groups(_CLOCK).struct.unnest()
    units = s.str.extract_groups(_UNITS).struct.unnest()
    f = pl.Float64
    by_clock = (
        clock[:, 0].cast(f, strict=False).fill_null(0) * 3600
        + clock[:, 1].cast(f, strict=False) * 60
        + clock[:, 2].cast(f, strict=False)
    )
    unit_cols = [units[:, i].cast(f, strict=False) for i in range(3)]
    any_unit = unit_cols[0].is_not_null() | unit_cols[1].is_not_null() | unit_cols[2].is_not_null()
    by_unit = (
        unit_cols[0].fill_null(0) * 3600
        + unit_cols[1].fill_null(0) * 60
        + unit_cols[2].fill_null(0)
    )
    by_unit = by_unit.set(~any_unit.fill_null(False), None)
    plain = s.cast(f, strict=False)
    return pl.select(pl.coalesce(pl.lit(by_clock), pl.lit(by_unit), pl.lit(plain))).to_series()


# ---------------------------------------------------------------------------------------
# dates

_MONTHS: dict[str, int] = {}
for _n, _names in enumerate(
    (
        "january jan enero ene janvier janv janeiro januar gennaio",
        "february feb febrero febr février fevrier févr fevereiro fev februar febbraio",
        "march mar marzo mars março marco märz maerz",
        "april apr abril abr avril avr aprile",
        "may mayo mai maio maggio mag",
        "june jun junio juin junho juni giugno giu",
        "july jul julio juillet juil julho juli luglio lug",
        "august aug agosto ago août aout",
        "september sep sept septiembre septembre setembro set settembre",
        "october oct octubre octobre outubro out oktober okt ottobre ott",
        "november nov noviembre novembre novembro",
        "december dec diciembre dic décembre decembre déc dezembro dez dezember dicembre",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _n

# `Sep 22, 2026`, `April 12`, `8 de marzo`, `11 septembre 2025`, `22. März 2026`, `Sept. 3`
_NAMED_DAY_FIRST = r"^(\d{1,2})\.?\s+(?:de\s+)?([^\d\s,.]+)\.?(?:,?\s+(?:de\s+)?(\d{4}))?(.*)$"
_NAMED_MONTH_FIRST = r"^([^\d\s,.]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?(.*)$"
_NUMERIC = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(.*)$"  # 20/6/2022, 6/20/2022, 20-06-2022
_CHINESE = (
    r"^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:(\d{1,2})[时:](\d{1,2})[分:]?(?:(\d{1,2})秒?)?)?$"
)


@dataclass
class DateReading:
    """What `dates` decided, for the notices: nothing here loses data, but the user should know."""

    day_first: bool | None = None  # None: no numeric d/m/y dates, or no evidence either way
    ambiguous: int = 0  # numeric dates where day and month could be swapped (read month first)
    yearless: int = 0  # dates written without a year
    year_from: str = ""  # where the year came from
    across_years: bool = False  # year-less dates spanning a year boundary
    notes: list[str] = field(default_factory=list)


def dates(
    values: pl.Series, *, window_end: dt.date | None = None, ordered: bool = True
) -> tuple[pl.Series, DateReading]:
    """Dates and times as platforms and spreadsheets write them -> naive Datetime("us").

    Handles everything `times.parse_times` does plus `Sep 22, 2026`, `2026年03月24日17时33分05秒`,
    numeric `20/6/2022` vs `6/20/2022` (day first when any first part exceeds 12, month first
    when any second part does, month first otherwise and counted as ambiguous), and dates
    without a year (`April 12`, `8 de marzo`, `11 septembre`): each gets the latest year that
    puts it on or before `window_end` (the export's end: today when unknown); when `ordered`
    (the file lists days in order) a run that wraps from December to January stays in order.
    """
    import polars as pl

    from kptui.engine.times import parse_times

    reading = DateReading()
    if values.dtype != pl.Utf8:
        return parse_times(values), reading
    uniques = values.unique(maintain_order=True)
    if len(values) > 1000 and len(uniques) * 2 < len(values):
        # a per-day table repeats each date once per key: parse each spelling once (in
        # first-seen order, so a file's own order still resolves year-less dates)
        parsed, reading = dates(uniques, window_end=window_end, ordered=ordered)
        lookup = pl.DataFrame({"v": uniques, "d": parsed})
        joined = pl.DataFrame({"v": values}).join(lookup, on="v", how="left", maintain_order="left")
        for name in ("yearless", "ambiguous"):  # counts of rows, not of spellings
            if getattr(reading, name) == len(uniques):
                setattr(reading, name, len(values) - values.null_count())
        return joined["d"].alias(values.name), reading
    s = text(values)
    iso = s

    cn = s.str.extract_groups(_CHINESE).struct.unnest()
    cn_text = pl.select(
        pl.format(
            "{}-{}-{} {}:{}:{}",
            cn[:, 0],
            cn[:, 1].str.zfill(2),
            cn[:, 2].str.zfill(2),
            cn[:, 3].fill_null("0").str.zfill(2),
            cn[:, 4].fill_null("0").str.zfill(2),
            cn[:, 5].fill_null("0").str.zfill(2),
        )
    ).to_series()
    iso = pl.select(pl.when(cn[:, 0].is_not_null()).then(cn_text).otherwise(iso)).to_series()

    num = s.str.extract_groups(_NUMERIC).struct.unnest()
    a = num[:, 0].cast(pl.Int64, strict=False)
    b = num[:, 1].cast(pl.Int64, strict=False)
    if a.drop_nulls().len():
        if (a > 12).any():
            reading.day_first = True
        elif (b > 12).any():
            reading.day_first = False
        else:
            reading.ambiguous = int(((a <= 12) & (b <= 12)).sum())
        day, month = (num[:, 0], num[:, 1]) if reading.day_first else (num[:, 1], num[:, 0])
        num_text = pl.select(
            pl.format(
                "{}-{}-{}{}", num[:, 2], month.str.zfill(2), day.str.zfill(2), num[:, 3]
            ).str.strip_chars()
        ).to_series()
        iso = pl.select(pl.when(a.is_not_null()).then(num_text).otherwise(iso)).to_series()

    named = _named(s)
    if named is not None:
        month, day, year, rest = named
        have = month.is_not_null() & day.is_not_null()
        missing_year = have & year.is_null()
        if missing_year.any():
            year = _resolve_years(month, day, year, missing_year, window_end, ordered, reading)
        named_text = pl.select(
            pl.format(
                "{}-{}-{} {}",
                year,
                month.cast(pl.Utf8).str.zfill(2),
                day.cast(pl.Utf8).str.zfill(2),
                rest.str.strip_chars().str.strip_prefix(",").str.strip_chars(),
            ).str.strip_chars()
        ).to_series()
        iso = pl.select(pl.when(have).then(named_text).otherwise(iso)).to_series()
    return parse_times(iso.alias(values.name)), reading


def _named(s: pl.Series):
    """(month, day, year, rest) for values with a month name, else None."""
    import polars as pl

    if not s.str.contains(r"[^\W\d_]{3}").any():
        return None
    lookup = {k: v for k, v in _MONTHS.items()}
    d1 = s.str.extract_groups(_NAMED_DAY_FIRST).struct.unnest()
    m1 = d1[:, 1].str.to_lowercase().replace_strict(lookup, default=None, return_dtype=pl.Int64)
    d2 = s.str.extract_groups(_NAMED_MONTH_FIRST).struct.unnest()
    m2 = d2[:, 0].str.to_lowercase().replace_strict(lookup, default=None, return_dtype=pl.Int64)
    use1 = m1.is_not_null()
    pick = lambda x, y: pl.select(pl.when(use1).then(x).otherwise(y)).to_series()  # noqa: E731
    month = pick(m1, m2)
    day = pick(d1[:, 0], d2[:, 1]).cast(pl.Int64, strict=False)
    day = day.set(month.is_null(), None)
    year = pick(d1[:, 2], d2[:, 2]).cast(pl.Int64, strict=False)
    rest = pick(d1[:, 3], d2[:, 3]).fill_null("")
    if month.null_count() == len(month):
        return None
    return month, day, year, rest


def _resolve_years(month, day, year, missing, window_end, ordered, reading: DateReading):
    """Give year-less dates the year that ends the window on or after them (see `dates`)."""
    import polars as pl

    end = window_end or dt.date.today()
    reading.year_from = (
        f"the export window ending {end.isoformat()}"
        if window_end
        else f"today's date ({end.isoformat()})"
    )
    md = (month * 100 + day).set(~missing, None)
    end_md = end.month * 100 + end.day
    frame = pl.DataFrame({"md": md}).with_row_index("i")
    seq = frame.drop_nulls("md")
    years = pl.Series([end.year] * len(md), dtype=pl.Int64).set(~missing, None)
    if seq.height:
        diffs = seq["md"].diff().drop_nulls()
        # steps of under ~6 months show the direction; a bigger one is a wrap at New Year
        small = diffs.filter(diffs.abs() <= 600)
        big = diffs.filter(diffs.abs() > 600)
        ups, downs = int((small > 0).sum()), int((small < 0).sum())
        if ups == downs and big.len():
            ups, downs = int((big < 0).sum()), int((big > 0).sum())
        if ordered and seq.height > 2 and min(ups, downs) <= 2 and ups != downs:
            ascending = ups > downs
            wraps = (seq["md"].diff() < 0) if ascending else (seq["md"].diff() > 0)
            step = wraps.fill_null(False).cast(pl.Int64).cum_sum()
            if not ascending:
                step = -step
            # anchor the most recent row on the window end
            latest_i = seq.height - 1 if ascending else 0
            latest_md = int(seq["md"][latest_i])
            latest_year = end.year if latest_md <= end_md else end.year - 1
            offset = latest_year - int(step[latest_i])
            seq_years = step + offset
            reading.across_years = seq_years.n_unique() > 1
        else:
            seq_years = pl.Series(
                [end.year if int(v) <= end_md else end.year - 1 for v in seq["md"]],
                dtype=pl.Int64,
            )
            reading.across_years = seq_years.n_unique() > 1
        years = years.scatter(seq["i"], seq_years)
    reading.yearless = int(missing.sum())
    out = pl.select(pl.coalesce(pl.lit(year), pl.lit(years))).to_series()
    return out.cast(pl.Utf8)


def header(name: str) -> str:
    """A header name without a BOM, soft hyphens (German Studio headers), stray spaces or
    doubled inner spaces."""
    return " ".join(str(name).replace("\ufeff", "").replace("\xad", "").split())
