"""A user's mapping applies on top of a recognised export: the reader still skips the Total
row, parses `Sep 22, 2026` and `1.2K`; the mapped columns replace or add fields."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from export_fixtures import EMAILS, YT_TABLE, YT_TOTALS, write_stores, write_tiktok

from kptui.engine.io import load_dataset


def kinds(ds):
    return {Path(s.file).name: (s.kind, s.shape, s.rows) for s in ds.sources}


def test_mapping_on_a_studio_table_keeps_the_readers_work(tmp_path: Path):
    # a Studio column the reader does not know (`Shown in feed`), mapped to `impressions`,
    # replacing the reader's `Impressions`; and one it knows as `likes` read as `saves`
    table = YT_TABLE.replace("Your estimated revenue (USD)", "Shown in feed")
    path = tmp_path / "Table data.csv"
    path.write_text(table, encoding="utf-8")
    ds = load_dataset(path, mapping={"Shown in feed": "impressions", "Likes": "saves"})
    assert kinds(ds) == {"Table data.csv": ("youtube-studio", "per-video", 3)}
    assert "Total" not in ds.videos["video_id"].to_list()  # the Total row is still skipped
    row = ds.videos.filter(pl.col("video_id") == "dQw4w9WgXcQ").row(0, named=True)
    assert row["impressions"] == 35  # from `Shown in feed` (35.10 rounded), not 80000
    assert row["saves"] == 700 and row["likes"] == 700
    assert row["published_at"] == dt.datetime(2026, 9, 22)  # the reader's date parsing
    messages = [n.message for n in ds.notices]
    assert any("mapped to 'impressions'" in m for m in messages)
    assert ds.problems == []


def test_mapping_a_title_column_recomputes_tags_and_dates(tmp_path: Path):
    write_tiktok(tmp_path)
    plain = load_dataset(tmp_path)
    ds = load_dataset(tmp_path, mapping={"Time": "published_at"})
    assert kinds(ds) == kinds(plain)  # every file still recognised, same shapes and rows
    morning = ds.videos.filter(pl.col("video_id") == "7312345678901234567").row(0, named=True)
    assert morning["published_at"] == dt.datetime(2026, 1, 5)  # from `Time`, not `Post time`
    assert morning["likes"] == 1200  # `1.2K` still read by the TikTok reader


def test_mapping_a_per_video_field_on_a_per_day_table_is_a_notice(tmp_path: Path):
    path = tmp_path / "Totals.csv"
    path.write_text(YT_TOTALS, encoding="utf-8")
    ds = load_dataset(path, mapping={"Views": "likes", "Nope": "title"})
    assert kinds(ds) == {"Totals.csv": ("youtube-studio", "per-day", 9)}
    messages = " ".join(n.message for n in ds.notices)
    assert "mapping to 'likes' ignored" in messages
    assert "'Nope' (mapped to 'title') is in no file read" in messages


def test_mapping_a_store_export_amount_column(tmp_path: Path):
    write_stores(tmp_path)
    plain = load_dataset(tmp_path)
    ds = load_dataset(tmp_path, mapping={"Net Total ($)": "amount"})
    assert kinds(ds) == kinds(plain)
    # the amounts of the Gumroad rows now come from `Net Total ($)` (fees taken off)
    before = plain.interactions["amount"].sum()
    after = ds.interactions["amount"].sum()
    assert after < before
    text = ds.interactions.write_csv()
    assert not any(e in text for e in EMAILS)


def test_a_file_that_is_no_known_export_is_mapped_as_before(tmp_path: Path):
    # a file that is no known export: the mapping works as before (kptui's own schema)
    path = tmp_path / "mine.csv"
    path.write_text("编号,名字,播放\nv1,第一个 #学习,10\nv2,第二个,20\n", encoding="utf-8")
    ds = load_dataset(path, mapping={"编号": "video_id", "名字": "title", "播放": "views"})
    assert ds.sources[0].kind == "kptui"
    assert ds.videos["views"].to_list() == [10, 20]


def test_a_column_below_a_banner_is_not_reported_missing():
    real = Path(__file__).resolve().parents[1] / "data" / "exports" / "real" / "xiaohongshu"
    ds = load_dataset(real, mapping={"涨粉": "likes"})
    messages = " ".join(n.message for n in ds.notices)
    assert "mapped to 'likes'" in messages and "is in no file read" not in messages
    assert ds.videos["likes"].sum() == ds.videos["follows"].sum()  # both from 涨粉 now
