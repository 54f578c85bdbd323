"""The real exports creators published load as they are: kind, shape, rows, dates, values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from kptui.engine.io import load_dataset

REAL = Path(__file__).resolve().parents[1] / "data" / "exports" / "real"


@pytest.fixture(scope="module")
def youtube():
    return load_dataset(REAL / "youtube")


def test_every_youtube_file_is_recognised(youtube):
    got = {s.file: (s.kind, s.shape, s.rows) for s in youtube.sources}
    assert got == {
        "geography_Chart data.csv": ("youtube-studio", "per-day-by-geography", 1500),
        "geography_Table data.csv": ("youtube-studio", "by-geography", 201),
        "geography_Totals.csv": ("youtube-studio", "per-day", 365),
        "traffic-source-2_Chart_data.csv": ("youtube-studio", "per-day-by-traffic-source", 10439),
        "traffic-source-2_Totals.csv": ("youtube-studio", "per-day", 803),
        "traffic-source_Chart data.csv": ("youtube-studio", "per-day-by-traffic-source", 420),
        "traffic-source_Table data.csv": ("youtube-studio", "by-traffic-source", 15),
        "traffic-source_Totals.csv": ("youtube-studio", "per-day", 28),
    }
    assert youtube.problems == []
    totals = [n for n in youtube.notices if "Total row" in n.message]
    assert {(n.file, n.row) for n in totals} == {
        ("geography_Table data.csv", 2),
        ("traffic-source_Table data.csv", 2),
    }


def test_youtube_values(youtube):
    b = youtube.breakdowns
    search = b.filter(
        (pl.col("key") == "YouTube search") & (pl.col("dimension") == "traffic-source")
    )
    values = dict(search.select("metric", "value").iter_rows())
    assert values["views"] == 310588
    assert values["watch_hours"] == pytest.approx(8153.1893)
    assert values["avg_view_s"] == 94  # 0:01:34
    assert values["ctr"] == pytest.approx(0.1167)  # `(%)` header: per cent -> fraction
    assert values["impressions"] == 2081278
    # Total row skipped: no "Total" key anywhere
    assert b.filter(pl.col("key") == "Total").height == 0
    d = youtube.daily
    day = d.filter(
        (pl.col("date") == dt.date(2025, 2, 27))
        & pl.col("dimension").is_null()
        & (pl.col("metric") == "views")
    )
    assert day["value"].to_list() == [16481]
    us = d.filter((pl.col("dimension") == "geography") & (pl.col("key") == "AD"))
    assert us["date"].min() == dt.date(2020, 12, 31)


def test_xiaohongshu_note_list_with_its_banner():
    ds = load_dataset(REAL / "xiaohongshu")
    (src,) = ds.sources
    assert (src.kind, src.shape, src.rows) == ("xiaohongshu", "per-video", 41)
    assert ds.videos.height == 41 and ds.problems == []
    assert any("banner" in n.message for n in ds.notices)
    first = ds.videos.row(0, named=True)
    assert first["published_at"] == dt.datetime(2026, 7, 11, 3, 9, 5)
    assert first["format"] == "视频"
    assert ds.videos["ctr"].max() <= 1.0  # fractions as written
    assert ds.videos["video_id"].str.starts_with("xhs-").all()
    assert ds.videos["video_id"].n_unique() == 41
    # the same file loads to the same ids (they key caches and assignments)
    assert load_dataset(REAL / "xiaohongshu").videos["video_id"].equals(ds.videos["video_id"])
