"""The generator plants what personas and recommendations must find, and is repeatable."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kptui.engine.sample import generate, write_sample
from kptui.engine.types import EVENTS, INTERACTION_COLUMNS, VIDEO_COLUMNS
from kptui.errors import UsageError

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def small():
    return generate(users=300, videos=60, events=6000, seed=3, lang="mixed")


def test_exact_counts_and_canonical_columns(small):
    assert small.interactions.height == 6000
    assert small.videos.height == 60
    assert list(small.videos.columns) == list(VIDEO_COLUMNS)
    assert list(small.interactions.columns) == list(INTERACTION_COLUMNS)
    assert small.interactions["user_id"].n_unique() == 300  # everyone acts
    assert set(small.interactions["event"].unique()) <= set(EVENTS)
    assert small.truth.height == 300
    assert small.truth["group"].n_unique() == 6


def test_ids_are_text_with_leading_zeros(small):
    assert small.interactions["user_id"].dtype == pl.String
    assert small.truth["user_id"][0] == "u00000"
    assert small.videos["video_id"][0] == "v0000"


def test_deterministic_per_seed():
    a = generate(users=100, videos=30, events=2000, seed=7)
    b = generate(users=100, videos=30, events=2000, seed=7)
    c = generate(users=100, videos=30, events=2000, seed=8)
    assert a.interactions.equals(b.interactions)
    assert a.videos.equals(b.videos)
    assert not a.interactions.equals(c.interactions)


def test_funnel_and_purchases_pay_the_price(small):
    it = small.interactions.join(small.videos.select("video_id", "price"), on="video_id")
    buys = it.filter(pl.col("event") == "purchase")
    assert buys.height > 0
    assert (buys["price"] > 0).all()
    assert (buys["amount"] == buys["price"]).all()
    assert (
        it.filter(pl.col("event") != "purchase")["amount"].null_count() == it.height - buys.height
    )
    # Every purchase comes after a like of the same video by the same viewer, and a view first.
    firsts = it.group_by("user_id", "video_id", "event").agg(pl.col("ts").min())
    wide = firsts.pivot(on="event", index=["user_id", "video_id"], values="ts")
    bought = wide.filter(pl.col("purchase").is_not_null())
    assert (bought["view"] < bought["like"]).all()
    assert (bought["like"] < bought["purchase"]).all()
    # Only views carry watch time.
    views = it.filter(pl.col("event") == "view")
    assert views["watch_s"].null_count() == 0
    assert it.filter(pl.col("event") != "view")["watch_s"].null_count() == it.height - views.height


def test_interactions_follow_publication(small):
    it = small.interactions.join(small.videos.select("video_id", "published_at"), on="video_id")
    assert (it["ts"] >= it["published_at"]).all()


def test_groups_prefer_their_topics(small):
    # The hidden groups watch different things: each group's most watched tag differs.
    it = (
        small.interactions.filter(pl.col("event") == "view")
        .join(small.truth, on="user_id")
        .join(small.videos.select("video_id", "tags"), on="video_id")
        .explode("tags")
    )
    top = (
        it.group_by("group", "tags")
        .len()
        .sort(["group", "len", "tags"], descending=[False, True, False])
        .group_by("group", maintain_order=True)
        .first()
    )
    assert top["tags"].n_unique() == top.height


def test_groups_have_distinct_active_hours(small):
    hours = (
        small.interactions.join(small.truth, on="user_id")
        .group_by("group")
        .agg(pl.col("ts").dt.hour().mode().first().alias("peak"))
    )
    assert hours["peak"].n_unique() >= 4


def test_long_tail_popularity():
    data = generate(users=1000, videos=200, events=30000, seed=1)
    views = data.videos.sort("views", descending=True)["views"].to_numpy()
    # The top 10% of videos take a large share of views; the tail is thin but present.
    assert views[: len(views) // 10].sum() > 0.25 * views.sum()
    assert views[-1] < views[0] / 10


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_language_choice(lang):
    data = generate(users=50, videos=24, events=500, seed=0, lang=lang)
    titles = " ".join(data.videos["title"].to_list())
    has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in titles)
    assert has_cjk == (lang == "zh")
    assert "#" in titles


def test_mixed_has_both_languages_and_hashtags_are_tags(small):
    titles = small.videos["title"].to_list()
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in titles)
    assert any(t.isascii() for t in titles)
    row = small.videos.filter(pl.col("title").str.contains("#", literal=True)).row(0, named=True)
    tag = row["title"].split("#")[1].split(" ")[0].strip()
    assert tag in row["tags"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_sample_files(tmp_path, fmt):
    info = write_sample(tmp_path / "out", users=80, videos=30, events=1500, seed=2, fmt=fmt)
    names = sorted(Path(f).name for f in info["files"])
    assert names == sorted([f"videos.{fmt}", f"interactions.{fmt}", "viewer_groups.csv"])
    assert info == {**info, "videos": 30, "viewers": 80, "interactions": 1500}
    read = pl.read_csv if fmt == "csv" else pl.read_parquet
    videos = read(
        tmp_path / "out" / f"videos.{fmt}", **({"infer_schema": False} if fmt == "csv" else {})
    )
    assert videos["video_id"][0] == "v0000"
    assert videos["tags"].str.contains("|", literal=True).any()
    inter = read(tmp_path / "out" / f"interactions.{fmt}")
    assert inter.height == 1500
    truth = pl.read_csv(tmp_path / "out" / "viewer_groups.csv", infer_schema=False)
    assert truth.columns == ["user_id", "group"]


def test_bad_arguments(tmp_path):
    with pytest.raises(UsageError):
        generate(users=0)
    with pytest.raises(UsageError):
        generate(lang="fr")
    with pytest.raises(UsageError):
        generate(users=2, videos=2, events=5)
    with pytest.raises(UsageError):
        write_sample(tmp_path, users=10, videos=10, events=10, fmt="xlsx")


def test_tiny_dataset_works():
    data = generate(users=1, videos=1, events=1, seed=0)
    assert data.interactions.height == 1
    assert data.videos.height == 1


def test_bundled_sample_is_the_seed_0_sample_and_both_copies_match():
    pkg = REPO / "kptui" / "sample_data"
    top = REPO / "sample_data"
    for name in ("videos.csv", "interactions.csv", "viewer_groups.csv"):
        assert (pkg / name).read_bytes() == (top / name).read_bytes(), name
    inter = pl.read_csv(pkg / "interactions.csv", infer_schema=False)
    assert inter.height == 50000
    assert inter["user_id"].n_unique() == 2000
    fresh = generate(users=2000, videos=300, events=50000, seed=0, lang="mixed")
    assert inter["user_id"].to_list()[:100] == fresh.interactions["user_id"].to_list()[:100]
