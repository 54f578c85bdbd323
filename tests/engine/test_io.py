"""The data layer on real exports, every supported format, and messy values."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from kptui.engine.io import from_frames, load_dataset, parse_times
from kptui.engine.overview import summarize
from kptui.errors import DataError

REAL = Path(__file__).resolve().parents[1] / "data" / "real"


def test_youtube_ca_loads_as_exported():
    ds = load_dataset(REAL / "CAvideos.csv")
    assert ds.videos.height == 577
    assert ds.duplicates_merged == 786 - 577
    assert ds.interactions is None
    row = ds.videos.filter(pl.col("video_id") == "n1WpP7iowLc").row(0, named=True)
    assert row["title"].startswith("Eminem - Walk On Water")
    assert row["tags"][:4] == ["Eminem", "Walk", "On", "Water"]
    assert row["published_at"] == dt.datetime(2017, 11, 10, 17, 0, 3)
    assert row["channel"] == "EminemVEVO"
    assert row["views"] is not None and row["views"] > 0
    assert "\n" in row["description"]  # literal \n escapes became line breaks
    # `[none]` means no tags, never a tag called "none"
    assert not ds.videos.filter(pl.col("tags").list.contains("[none]")).height


def test_youtube_gb_keeps_the_latest_trending_row():
    ds = load_dataset(REAL / "GBvideos.csv")
    assert ds.videos.height == 297
    raw = pl.read_csv(REAL / "GBvideos.csv", infer_schema=False)
    vid = raw.group_by("video_id").len().filter(pl.col("len") > 2)["video_id"][0]
    rows = raw.filter(pl.col("video_id") == vid)
    latest = max(
        rows.iter_rows(named=True),
        key=lambda r: dt.datetime.strptime(r["trending_date"], "%y.%d.%m"),
    )
    kept = ds.videos.filter(pl.col("video_id") == vid).row(0, named=True)
    assert kept["views"] == int(latest["views"])
    published = ds.videos["published_at"]
    assert published.null_count() == 0
    assert published.max() == dt.datetime(2017, 11, 14, 15, 40, 22) or published.max().year == 2017
    assert published.dt.year().value_counts().sort("count")["published_at"][-1] == 2017


def test_kuairec_caption_is_text_and_topic_tag_its_tags():
    ds = load_dataset(REAL / "kuairec_captions_even.csv")
    assert ds.videos.height == 5364
    row = ds.videos.filter(pl.col("video_id") == "4").row(0, named=True)
    assert "完美搭配" in row["title"]
    assert set(row["tags"]) == {"五爱市场", "感谢快手我要上热门", "搞笑"}
    tagged = ds.videos.filter(pl.col("tags").list.len() > 0).height
    assert 2500 < tagged < 3500


def test_kuairec_cover_text_is_the_description_and_unknown_is_empty():
    ds = load_dataset(REAL / "kuairec_captions_even.csv")
    descs = dict(
        zip(ds.videos["video_id"].to_list(), ds.videos["description"].to_list(), strict=True)
    )
    assert descs["4"] == "五爱街最美美女 一天1q"  # manual_cover_text
    assert descs["0"] == ""  # `UNKNOWN` in the export
    assert "UNKNOWN" not in set(descs.values())


def test_folder_with_both_youtube_files(tmp_path: Path):
    for name in ("CAvideos.csv", "GBvideos.csv"):
        (tmp_path / name).write_bytes((REAL / name).read_bytes())
    ds = load_dataset(tmp_path)
    assert sorted(ds.files) == ["CAvideos.csv", "GBvideos.csv"]
    ca = load_dataset(REAL / "CAvideos.csv").videos["video_id"]
    gb = load_dataset(REAL / "GBvideos.csv").videos["video_id"]
    assert ds.videos.height == len(set(ca) | set(gb))


def _write_pair(folder: Path, videos: pl.DataFrame, inter: pl.DataFrame, fmt: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        videos.write_csv(folder / "videos.csv")
        inter.write_csv(folder / "interactions.csv")
    elif fmt == "tsv":
        videos.write_csv(folder / "videos.tsv", separator="\t")
        inter.write_csv(folder / "interactions.tsv", separator="\t")
    elif fmt == "parquet":
        videos.write_parquet(folder / "videos.parquet")
        inter.write_parquet(folder / "interactions.parquet")
    elif fmt == "jsonl":
        videos.write_ndjson(folder / "videos.jsonl")
        inter.write_ndjson(folder / "interactions.jsonl")
    elif fmt == "xlsx":
        videos.write_excel(folder / "videos.xlsx")
        inter.write_excel(folder / "interactions.xlsx")


VIDEOS = pl.DataFrame(
    {
        "video_id": ["007", "008", "010"],
        "title": ["Learn #Python fast", "机器学习入门 #机器学习", "SQL for creators"],
        "tags": ["python|coding", "机器学习、AI", "[sql, databases]"],
        "price": ["0", "99.5", ""],
        "views": ["1,200", "3.5万", "40"],
    }
)
INTER = pl.DataFrame(
    {
        "user_id": ["0001", "0001", "0002", "0003"],
        "video_id": ["007", "008", "008", "010"],
        "event": ["view", "Purchase", "点赞", "share"],
        "ts": ["2024-03-01T10:00:00Z", "1709287200", "1709287200000", "2024/03/02"],
    }
)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "parquet", "jsonl", "xlsx"])
def test_every_format_gives_the_same_dataset(tmp_path: Path, fmt: str):
    _write_pair(tmp_path / fmt, VIDEOS, INTER, fmt)
    ds = load_dataset(tmp_path / fmt)
    assert ds.problems == []
    assert ds.videos["video_id"].to_list() == ["007", "008", "010"]  # leading zeros kept
    assert ds.videos["views"].to_list() == [1200, 35000, 40]
    assert ds.videos["price"].to_list() == [0.0, 99.5, 0.0]
    assert ds.videos["tags"].to_list() == [
        ["python", "coding"],  # the title's `#Python` merges into `python`
        ["机器学习", "AI"],
        ["sql", "databases"],
    ]
    assert ds.interactions is not None
    assert ds.interactions["user_id"].to_list() == ["0001", "0001", "0002", "0003"]
    assert ds.interactions["event"].to_list() == ["view", "purchase", "like", "share"]
    assert ds.interactions["ts"].to_list() == [
        dt.datetime(2024, 3, 1, 10),
        dt.datetime(2024, 3, 1, 10),
        dt.datetime(2024, 3, 1, 10),
        dt.datetime(2024, 3, 2),
    ]


def test_gbk_chinese_headers_and_bom(tmp_path: Path):
    text = "视频ID,标题,简介,话题,播放量\n01,学习Python编程,零基础,编程|Python,1200\n"
    (tmp_path / "gbk.csv").write_bytes(text.encode("gbk"))
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    for name in ("gbk.csv", "bom.csv"):
        ds = load_dataset(tmp_path / name)
        row = ds.videos.row(0, named=True)
        assert row["video_id"] == "01"
        assert row["title"] == "学习Python编程"
        assert row["description"] == "零基础"
        assert row["tags"] == ["编程", "Python"]
        assert row["views"] == 1200


def test_invisible_characters_in_headers_still_match(tmp_path: Path):
    # a zero-width space before a name and a no-break space after one (copied from a web page)
    (tmp_path / "videos.csv").write_text("\u200bvideo_id,title\u00a0,\ufeffviews\nv1,Hello,5\n")
    ds = load_dataset(tmp_path / "videos.csv")
    assert ds.videos["video_id"].to_list() == ["v1"]
    assert ds.videos["title"].to_list() == ["Hello"]
    assert ds.videos["views"].to_list() == [5]


def test_map_overrides_aliases(tmp_path: Path):
    (tmp_path / "v.csv").write_text("clip,headline,plays\nc1,Hello,5\n")
    with pytest.raises(DataError) as err:
        load_dataset(tmp_path / "v.csv")
    assert err.value.column == "video_id"
    ds = load_dataset(
        tmp_path / "v.csv", mapping={"clip": "video_id", "headline": "title", "plays": "views"}
    )
    assert ds.videos.row(0, named=True)["title"] == "Hello"
    assert ds.videos["views"].to_list() == [5]


def test_parse_times_mixed_formats():
    s = pl.Series(
        "ts",
        [
            "2017-11-10T17:00:03.000Z",
            "2020-01-02 03:04:05",
            "2020/01/02",
            "17.14.11",
            "1510333203",
            "1510333203000",
            "2020-01-02T03:04:05+08:00",
            "nonsense",
            None,
        ],
    )
    out = parse_times(s).to_list()
    assert out == [
        dt.datetime(2017, 11, 10, 17, 0, 3),
        dt.datetime(2020, 1, 2, 3, 4, 5),
        dt.datetime(2020, 1, 2),
        dt.datetime(2017, 11, 14),
        dt.datetime(2017, 11, 10, 17, 0, 3),
        dt.datetime(2017, 11, 10, 17, 0, 3),
        dt.datetime(2020, 1, 1, 19, 4, 5),
        None,
        None,
    ]


def test_from_frames_matches_files(tmp_path: Path):
    _write_pair(tmp_path, VIDEOS, INTER, "csv")
    a = load_dataset(tmp_path)
    b = from_frames(VIDEOS, INTER)
    assert a.videos.equals(b.videos)
    assert a.interactions.equals(b.interactions)


def test_fingerprint_follows_content(tmp_path: Path):
    _write_pair(tmp_path, VIDEOS, INTER, "csv")
    first = load_dataset(tmp_path).fingerprint
    assert load_dataset(tmp_path).fingerprint == first
    (tmp_path / "videos.csv").write_text((tmp_path / "videos.csv").read_text() + "011,New,,,1\n")
    assert load_dataset(tmp_path).fingerprint != first


def test_summary_shape(tmp_path: Path):
    _write_pair(tmp_path, VIDEOS, INTER, "csv")
    summary = summarize(load_dataset(tmp_path))
    assert summary["videos"] == 3
    assert summary["viewers"] == 3
    assert summary["interactions"] == 4
    assert summary["events"]["purchase"] == 1 and summary["events"]["follow"] == 0
    assert summary["date_range"] == ["2024-03-01T10:00:00", "2024-03-02T00:00:00"]
    assert summary["tagged_share"] == 1.0
    json.dumps(summary, allow_nan=False)


def test_from_frames_accepts_tag_lists():
    videos = pl.DataFrame(
        {"video_id": ["a", "b"], "title": ["One", "Two"], "tags": [["x", "机器学习"], []]}
    )
    ds = from_frames(videos)
    assert ds.videos["tags"].to_list() == [["x", "机器学习"], []]
