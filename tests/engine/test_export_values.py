"""Values as platforms write them: each parser on the spellings EXPORTS.md lists."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from kptui.engine.exports import values as v


def s(*items):
    return pl.Series("x", list(items), dtype=pl.Utf8)


def test_numbers_with_suffixes_separators_and_placeholders():
    got = v.number(s("1.2K", "3.4M", "1.2万", "3亿", "18,400", "31.0", "7.4999999999999997E-2"))
    assert got.to_list() == pytest.approx([1200, 3.4e6, 12000, 3e8, 18400, 31, 0.075])
    assert v.number(s("-", "--", "undefined", "NAN", "", None)).null_count() == 6
    assert v.number(s("-5", "$12.50", "2.5w", "oops")).to_list() == [-5.0, 12.5, 25000.0, None]
    assert v.count(s("12235.0", "1.2K")).to_list() == [12235, 1200]
    assert v.count(s("12235.0")).dtype == pl.Int64


def test_rates_are_fractions_decided_per_column():
    assert v.rate(s("12.5%", "0.125")).to_list() == pytest.approx([0.125, 0.125])
    # a column of bare values all <= 1 is in fractions (Douyin, Xiaohongshu)
    assert v.rate(s("0.221", "7.4999999999999997E-2")).to_list() == pytest.approx([0.221, 0.075])
    # any bare value above 1: the whole column is in per cent
    assert v.rate(s("9.49", "0.5")).to_list() == pytest.approx([0.0949, 0.005])
    # a `(%)` header says per cent even when every value is small
    assert v.rate(s("0.5"), percent=True).to_list() == pytest.approx([0.005])
    assert v.rate(s("-", "NAN")).null_count() == 2


def test_durations_in_seconds():
    got = v.seconds(s("0:01:10", "1:10", "18秒", "32.50秒", "1分20秒", "9.53", "2m 5s", "--"))
    assert got.to_list() == [70.0, 70.0, 18.0, 32.5, 80.0, 9.53, 125.0, None]


def dates(*items, **kw):
    out, reading = v.dates(s(*items), **kw)
    return [d.date() if d else None for d in out.to_list()], reading


def test_dates_in_words_and_chinese():
    got, _ = dates("Sep 22, 2026", "May 27, 2024", "September 3, 2025")
    assert got == [dt.date(2026, 9, 22), dt.date(2024, 5, 27), dt.date(2025, 9, 3)]
    out, _ = v.dates(s("2026年03月24日17时33分05秒", "2026年3月4日"))
    assert out.to_list() == [dt.datetime(2026, 3, 24, 17, 33, 5), dt.datetime(2026, 3, 4)]
    got, _ = dates("2025/10/31", "2021-03-13 20:04", "2024-05-01T10:00:00Z")
    assert got == [dt.date(2025, 10, 31), dt.date(2021, 3, 13), dt.date(2024, 5, 1)]


def test_day_first_is_detected_per_file():
    got, reading = dates("20/6/2022", "1/6/2022")
    assert got == [dt.date(2022, 6, 20), dt.date(2022, 6, 1)] and reading.day_first is True
    got, reading = dates("6/20/2022", "6/1/2022")
    assert got == [dt.date(2022, 6, 20), dt.date(2022, 6, 1)] and reading.day_first is False
    got, reading = dates("20-06-2022", "01-07-2022")
    assert got == [dt.date(2022, 6, 20), dt.date(2022, 7, 1)]
    _, reading = dates("1/6/2022", "2/6/2022")
    assert reading.day_first is None and reading.ambiguous == 2


def test_yearless_dates_across_a_year_boundary():
    got, reading = dates("Dec 30", "Dec 31", "January 1", "Jan 2", window_end=dt.date(2026, 1, 5))
    assert got == [dt.date(2025, 12, 30), dt.date(2025, 12, 31), dt.date(2026, 1, 1),
                   dt.date(2026, 1, 2)]  # fmt: skip
    assert reading.yearless == 4 and reading.across_years
    assert "2026-01-05" in reading.year_from
    # newest first, as TikTok lists them, also across the boundary
    got, _ = dates("Jan 2", "January 1", "Dec 31", window_end=dt.date(2026, 3, 1))
    assert got == [dt.date(2026, 1, 2), dt.date(2026, 1, 1), dt.date(2025, 12, 31)]


def test_yearless_dates_in_the_ui_language():
    got, reading = dates(
        "8 de marzo", "11 septembre", "12 avril", window_end=dt.date(2026, 4, 20), ordered=False
    )
    assert got == [dt.date(2026, 3, 8), dt.date(2025, 9, 11), dt.date(2026, 4, 12)]
    assert reading.yearless == 3


def test_headers_lose_stray_spaces_and_bom():
    assert v.header("\ufeffTotal shares ") == "Total shares"
    assert v.header(" New  followers") == "New followers"


def test_nan_and_inf_are_missing_not_numbers():
    # `NAN` parses as a float: it must become null, and a count of it must not fail
    assert v.number(s("1", "NAN", "inf", "-inf")).to_list() == [1.0, None, None, None]
    assert v.count(s("7", "NaN")).to_list() == [7, None]
    assert v.number(pl.Series([1.0, float("nan")])).to_list() == [1.0, None]
    # one scale suffix only; spaces and currency signs are cleaned only where present
    assert v.number(s("1.2KK", "1 234", "US$5", "+3", "2b")).to_list() == [
        None,
        1234.0,
        5.0,
        3.0,
        2e9,
    ]


def test_hashtags_per_row_deduplicated_case_and_width_blind():
    from kptui.engine.exports.common import hashtag_lists

    title = s(
        "#Python and #python #ｐｙｔｈｏｎ #AI",
        None,
        "no tags",
        "学习#干货#干货 #分享",
        "#a, #b. #a!",
    )
    desc = s("#ai #new", "#d", None, None, "")
    assert hashtag_lists([title]).to_list() == [
        ["Python", "AI"],
        [],
        [],
        ["干货", "分享"],
        ["a", "b"],
    ]
    assert hashtag_lists([title, desc]).to_list() == [
        ["Python", "AI", "new"],
        ["d"],
        [],
        ["干货", "分享"],
        ["a", "b"],
    ]


def test_decimal_commas_are_decided_per_column():
    # a European store export: `49,00` is 49, not 4900
    assert v.number(s("49,00", "1.234,50", "12,5", "-3,75")).to_list() == pytest.approx(
        [49.0, 1234.5, 12.5, -3.75]
    )
    # any `18,400` in the column says the commas are thousands separators
    assert v.number(s("18,400", "12,5")).to_list() == [18400.0, 125.0]
    assert v.number(s("1,234,567", "7")).to_list() == [1234567.0, 7.0]
