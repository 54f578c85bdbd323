"""Every documented export format, written from EXPORTS.md's headers and quirks, loads with
the right kind, shape, rows, dates and values, and several sources make one dataset."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import polars as pl
import pytest
from export_fixtures import (
    EMAILS,
    YT_TABLE,
    write_douyin,
    write_stores,
    write_tiktok,
    write_wechat,
    write_xiaohongshu_resaved,
    write_youtube,
)

from kptui.engine.io import load_dataset


def kinds(ds):
    return {Path(s.file).name: (s.kind, s.shape, s.rows) for s in ds.sources}


def video(ds, vid):
    return ds.videos.filter(pl.col("video_id") == vid).row(0, named=True)


def test_youtube_zip_breakdowns_and_takeout_are_one_dataset(tmp_path: Path):
    write_youtube(tmp_path)
    ds = load_dataset(tmp_path)
    assert kinds(ds) == {
        "Table data.csv": ("youtube-studio", "per-video", 3),
        "Chart data.csv": ("youtube-studio", "per-day-by-content", 9),
        "Totals.csv": ("youtube-studio", "per-day", 9),
        "Table data (1).csv": ("youtube-studio", "by-city", 2),
        "Table data-Age.csv": ("youtube-studio", "by-age", 3),
        "videos.csv": ("youtube-takeout", "per-video", 3),
    }
    assert ds.problems == []
    # 3 from Studio + 1 only in Takeout, joined by id (the leading-space id included)
    assert ds.videos.height == 4
    py = video(ds, "dQw4w9WgXcQ")
    assert py["title"] == "Python in 10 minutes: the full beginner course #python"  # Takeout's
    assert py["description"].startswith("Learn Python fast.")
    assert py["views"] == 12000 and py["watch_hours"] == pytest.approx(400.1234)
    assert py["ctr"] == pytest.approx(0.061) and py["avg_pct_viewed"] == pytest.approx(0.452)
    assert py["avg_view_s"] == 120 and py["revenue"] == pytest.approx(35.10)
    assert py["published_at"] == dt.datetime(2026, 9, 22, 10, 0)  # Takeout's full timestamp
    assert "python" in [t.lower() for t in py["tags"]]
    budget = video(ds, "-jBLlV16Dko")
    assert budget["follows"] == -9  # negative Subscribers are real
    assert budget["duration_s"] == 70
    tip = video(ds, "abc123XYZ00")
    assert tip["published_at"] == dt.datetime(2026, 1, 3) and tip["duration_s"] == 31
    messages = " ".join(n.message for n in ds.notices)
    assert "Total row skipped" in messages and "Showing top 500 results" in messages
    assert "joined by video id" in messages
    daily = ds.daily
    by_content = daily.filter(pl.col("dimension") == "content")
    assert by_content["key"].unique().to_list() == ["dQw4w9WgXcQ"]
    assert by_content.filter(pl.col("date") == dt.date(2026, 9, 30))["value"].to_list() == [300]
    age = ds.breakdowns.filter(pl.col("dimension") == "age")
    assert "13–17 years" in age["key"].to_list()  # en dash kept
    share = age.filter((pl.col("key") == "18–24 years") & (pl.col("metric") == "views_share"))
    assert share["value"].to_list() == pytest.approx([0.402])
    city = ds.breakdowns.filter(pl.col("dimension") == "city")
    assert city.filter(pl.col("metric") == "views")["value"].sum() == 1400


def test_youtube_table_resaved_as_utf16_with_sep_line(tmp_path: Path):
    text = "sep=,\r\n" + YT_TABLE.replace("\n", "\r\n")
    path = tmp_path / "Table data.csv"
    path.write_bytes(text.encode("utf-16"))  # BOM + UTF-16LE
    ds = load_dataset(path)
    assert kinds(ds) == {"Table data.csv": ("youtube-studio", "per-video", 3)}
    assert video(ds, "-jBLlV16Dko")["views"] == 6000


def test_totals_resaved_day_first(tmp_path: Path):
    path = tmp_path / "Totals.csv"
    path.write_text("Date,Views\r\n20/6/2022,5\r\n1/7/2022,7\r\n", encoding="utf-8")
    ds = load_dataset(path)
    assert ds.daily["date"].to_list() == [dt.date(2022, 6, 20), dt.date(2022, 7, 1)]
    assert any("day first" in n.message for n in ds.notices)


def test_tiktok_zips_with_yearless_dates_across_new_year(tmp_path: Path):
    write_tiktok(tmp_path)
    ds = load_dataset(tmp_path)
    assert kinds(ds) == {
        "Content.csv": ("tiktok-studio", "per-video", 3),
        "Overview.csv": ("tiktok-studio", "per-day", 4),
        "FollowerHistory.csv": ("tiktok-studio", "per-day", 3),
        "FollowerActivity.csv": ("tiktok-studio", "per-hour", 48),
        "FollowerGender.csv": ("tiktok-studio", "by-gender", 3),
        "FollowerTopTerritories.csv": ("tiktok-studio", "by-territory", 2),
        "Viewers.csv": ("tiktok-studio", "per-day", 2),
    }
    assert ds.problems == []
    morning = video(ds, "7312345678901234567")  # the id from inside the link
    assert morning["likes"] == 1200 and morning["views"] == 18400
    assert morning["published_at"] == dt.datetime(2025, 12, 30)  # export dated 2026-01-05
    assert set(morning["tags"]) >= {"productivity", "study"}
    tricks = video(ds, "7312345678901234999")
    assert tricks["published_at"] == dt.datetime(2026, 1, 2)
    assert tricks["views"] == 3_400_000 and tricks["comments"] is None  # `undefined`
    assert video(ds, "7300000000000000001")["likes"] is None  # `NAN`
    views = ds.daily.filter((pl.col("metric") == "views") & pl.col("dimension").is_null())
    overview = views.filter(pl.col("date") >= dt.date(2025, 12, 30)).sort("date")
    assert overview["date"].to_list() == [
        dt.date(2025, 12, 30),
        dt.date(2025, 12, 31),
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 2),
    ]
    assert overview["value"].to_list() == [1200, 1500, 2000, 900]
    follows = ds.daily.filter(pl.col("metric") == "follows").sort("date")
    assert follows["value"].to_list() == [12, -10, 60]  # ` Difference ...` header, stray space
    fa = ds.follower_activity
    assert fa["hour"].min() == 0 and fa["hour"].max() == 23  # 1-24 read as 0-23
    assert fa["date"].unique().sort().to_list() == [dt.date(2025, 12, 31), dt.date(2026, 1, 1)]
    gender = dict(
        ds.breakdowns.filter(pl.col("dimension") == "gender").select("key", "value").iter_rows()
    )
    assert gender == pytest.approx({"Female": 0.62, "Male": 0.35, "Other": 0.03})
    terr = ds.breakdowns.filter(pl.col("dimension") == "territory")
    assert terr["value"].to_list() == pytest.approx([0.59, 0.21])
    notes = " ".join(n.message for n in ds.notices)
    assert "year guessed for" in notes and "across a year boundary" in notes
    assert "2026-01-05" in notes and "1-24" in notes


def test_douyin_works_list(tmp_path: Path):
    write_douyin(tmp_path)
    ds = load_dataset(tmp_path)
    assert kinds(ds) == {"作品列表导出.xlsx": ("douyin", "per-video", 3)}
    assert ds.problems == []
    first, second, third = ds.videos.sort("published_at").iter_rows(named=True)
    assert first["views"] == 12000 and first["completion_rate"] == pytest.approx(0.074074)
    assert first["avg_view_s"] == 18 and first["saves"] == 120 and first["follows"] == 45
    assert first["published_at"] == dt.datetime(2026, 3, 1, 12, 0)
    assert set(first["tags"]) >= {"编程", "Python"} or set(first["tags"]) >= {"编程", "python"}
    assert second["avg_view_s"] == pytest.approx(9.53) and second["comments"] is None
    assert third["format"] == "图文" and third["completion_rate"] is None
    assert ds.videos["video_id"].str.starts_with("douyin-").all()


def test_douyin_percent_rates(tmp_path: Path):
    path = tmp_path / "作品列表导出.csv"
    path.write_text("作品名称,发布时间,播放量,完播率\na,2026-03-01 12:00:00,10,12.5%\n")
    ds = load_dataset(path)
    assert ds.videos["completion_rate"].to_list() == [0.125]


def test_wechat_channels(tmp_path: Path):
    write_wechat(tmp_path)
    ds = load_dataset(tmp_path)
    assert kinds(ds) == {"视频号动态数据明细.csv": ("wechat-channels", "per-video", 2)}
    assert ds.problems == []
    v = video(ds, "export/UzFfAgtgekIEAQAAAAAAb")
    assert v["title"] == "三分钟讲清复利" and "#复利" in v["description"]
    assert v["completion_rate"] == pytest.approx(0.1114) and v["avg_view_s"] == 32.5
    assert v["views"] == 1203 and v["follows"] == 5
    assert v["published_at"] == dt.datetime(2024, 5, 1)


def test_xiaohongshu_resaved_without_banner(tmp_path: Path):
    write_xiaohongshu_resaved(tmp_path)
    ds = load_dataset(tmp_path)
    assert kinds(ds) == {"笔记列表明细表.csv": ("xiaohongshu", "per-video", 2)}
    first = ds.videos.sort("published_at").row(0, named=True)
    assert first["published_at"] == dt.datetime(2026, 3, 24, 17, 33, 5)
    assert first["ctr"] == pytest.approx(0.075) and first["impressions"] == 12235


def test_stores_become_purchases_by_hashed_buyers(tmp_path: Path):
    write_youtube(tmp_path / "yt")
    files = write_stores(tmp_path / "stores")
    ds = load_dataset([tmp_path / "yt", *files.values()], salt_fn=lambda: b"test-salt")
    got = kinds(ds)
    assert got["sales.csv"] == ("gumroad", "sales", 2)  # Totals row and a refund left out
    assert got["orders-lemon.csv"] == ("lemonsqueezy", "sales", 1)
    assert got["unified_payments.csv"] == ("stripe", "sales", 1)
    assert got["members.csv"] == ("memberstack", "members", 4)
    assert got["订单.csv"] == ("orders", "sales", 2)
    inter = ds.interactions
    assert inter["user_id"].str.contains(r"^b-[0-9a-f]{16}$").all()
    assert not inter["user_id"].is_in(list(EMAILS)).any()
    # Gumroad and Lemon Squeezy sell "Python in 10 minutes": matched to the video by title
    py = inter.filter(pl.col("video_id") == "dQw4w9WgXcQ")
    assert sorted(py["amount"].to_list()) == [29.0, 29.0]  # 2900 cents -> 29.0
    # the same buyer (same email) in two stores is one viewer
    ana = inter.filter(pl.col("amount") == 15.0)["user_id"]
    assert ana.len() == 1
    refunds = [n for n in ds.notices if "left out" in n.message]
    assert sum(n.count for n in refunds) == 5  # 1 Gumroad, 1 Lemon, 2 Stripe, 1 orders
    # unmatched items are paid items of their own, priced at their median sale
    coaching = ds.videos.filter(pl.col("title") == "Coaching call").row(0, named=True)
    assert coaching["price"] == 49.0 and coaching["video_id"].startswith("item-")
    camp = ds.videos.filter(pl.col("title") == "理财训练营").row(0, named=True)
    assert camp["price"] == 199.0
    assert inter.filter(pl.col("event") == "follow").height == 2  # free plans
    match = [n for n in ds.notices if "by title" in n.message]
    assert match and "score" in match[0].message
    # the same salt gives the same ids; another salt other ids
    again = load_dataset([tmp_path / "yt", *files.values()], salt_fn=lambda: b"test-salt")
    assert again.interactions["user_id"].equals(inter["user_id"])
    other = load_dataset(files["sales.csv"], salt_fn=lambda: b"other")
    assert not other.interactions["user_id"].is_in(inter["user_id"].implode()).any()


def test_a_zip_of_a_zip_member_is_named_in_the_source(tmp_path: Path):
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as z:
        z.writestr("Table data.csv", YT_TABLE)
        z.writestr("notes.txt.bak", "junk")
    ds = load_dataset(tmp_path / "export.zip")
    assert [s.file for s in ds.sources] == ["export.zip/Table data.csv"]


def test_memberstack_members_say_that_amounts_are_absent(tmp_path: Path):
    files = write_stores(tmp_path)
    ds = load_dataset(files["members.csv"], salt_fn=lambda: b"s")
    assert kinds(ds) == {"members.csv": ("memberstack", "members", 4)}
    paid = ds.interactions.filter(pl.col("event") == "purchase")
    assert paid.height == 2 and paid["amount"].is_null().all()  # never a made-up 0.0
    (note,) = [n for n in ds.notices if "no amounts" in n.message]
    assert "2 paid-plan purchase(s)" in note.message and note.column == "Paid Plans (price ids)"
    assert ds.interactions["ts"].dt.date().min() == dt.date(2026, 9, 13)  # M/D/YYYY


def test_works_without_an_id_keep_the_same_id_in_every_version(tmp_path: Path):
    # the id of a Douyin work is a blake2b digest of its title and publish time, written
    # here literally, so that no library upgrade can silently renumber a creator's works
    write_douyin(tmp_path)
    ds = load_dataset(tmp_path)
    assert "douyin-9abc821af157a0a0" in ds.videos["video_id"].to_list()  # 理财入门 #理财
