"""Insights on small hand-computed cases, and intervals that cover the truth on simulated data."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from kptui.engine import insights
from kptui.engine.insights.baseline import score
from kptui.engine.insights.funnel import funnel
from kptui.engine.insights.stats import bootstrap_medians, ratio_of_sums
from kptui.engine.insights.tagfx import tag_effects
from kptui.engine.insights.trends import trends
from kptui.engine.insights.when import when
from kptui.engine.types import Dataset


def videos(n: int, **columns: list) -> pl.DataFrame:
    start = datetime(2026, 3, 2, 19, 0)  # a Monday, 19h
    base = {
        "video_id": [f"v{i}" for i in range(n)],
        "title": [f"video {i}" for i in range(n)],
        "published_at": [start + timedelta(days=i) for i in range(n)],
        "tags": [[] for _ in range(n)],
        "duration_s": [60.0] * n,
    }
    base.update(columns)
    return pl.DataFrame(base)


def dataset(frame: pl.DataFrame, **tables: pl.DataFrame) -> Dataset:
    ds = Dataset(videos=frame, interactions=None, files=[])
    for name, table in tables.items():
        setattr(ds, name, table)
    return ds


def test_multiple_is_views_over_the_median_of_the_other_nearby_videos() -> None:
    got = score(videos(5, views=[10, 20, 30, 40, 100])).frame
    # video 4: the others are 10, 20, 30, 40 -> median 25 -> 100 / 25 = 4.0x;
    # video 2: 10, 20, 40, 100 -> 30
    assert got.get_column("b_views").to_list() == [35.0, 35.0, 30.0, 25.0, 25.0]
    assert got.get_column("x_views")[4] == pytest.approx(4.0)
    assert got.get_column("x_views")[0] == pytest.approx(10 / 35)
    assert got.get_column("n_views").to_list() == [4] * 5


def test_baseline_is_the_ten_nearest_in_publish_order_and_shifts_at_the_ends() -> None:
    views = list(range(1, 31))  # 1..30 in publish order
    frame = videos(30, views=views).sample(fraction=1.0, shuffle=True, seed=3)
    got = score(frame).frame.sort("published_at")
    base = got.get_column("b_views").to_list()
    # video 15 (views 15): neighbours 10..14 and 16..20 -> median 15
    assert base[14] == 15.0
    # the first video: the next ten, 2..11 -> 6.5; the last: 20..29 -> 24.5
    assert base[0] == 6.5 and base[29] == 24.5
    assert set(got.get_column("n_views").to_list()) == {10}


def test_format_splits_the_baseline_and_a_rare_format_uses_the_whole_channel() -> None:
    n = 14
    fmt = ["video", "image"] * 6 + ["live", "video"]
    views = [100, 10] * 6 + [50, 100]
    got = score(videos(n, views=views, format=fmt)).frame
    assert got.get_column("x_views").to_list()[:2] == [1.0, 1.0]  # each against its own kind
    # the one live video (index 12) is compared with its 10 nearest of the whole channel
    assert got.get_column("n_views")[12] == 10
    assert got.get_column("b_views")[12] == pytest.approx(55.0)


def test_no_views_says_what_each_section_needs() -> None:
    frame = videos(6, likes=[None] * 6).drop("likes")
    out = insights.run(dataset(frame))
    for name in insights.SECTIONS:
        assert out[name]["status"] == "needs", name
        assert out[name]["needs"]
    assert "per-day" in out["trends"]["needs"]


def test_outliers_rank_and_name_what_the_best_share() -> None:
    views = [100] * 20
    tags = [["x"] for _ in range(20)]
    for i in (5, 10, 15):
        views[i] = 400
        tags[i] = ["repost", "x"]
    views[7] = 20
    out = insights.run(dataset(videos(20, views=views, tags=tags)), ["outliers"])["outliers"]
    assert out["status"] == "ok" and out["over_count"] == 3 and out["under_count"] == 1
    assert [v["video_id"] for v in out["over"]] == ["v5", "v10", "v15"]
    assert out["over"][0]["multiple"] == pytest.approx(4.0) and out["over"][0]["n"] == 10
    assert out["under"][0]["video_id"] == "v7" and out["under"][0]["multiple"] == 0.2
    top = out["common"]["over"]["tags"][0]
    assert top["tag"] == "repost" and top["share"] == 1.0 and top["share_all"] == 3 / 20
    assert out["common"]["over"]["hour"] == {"hour": 19, "count": 3, "n": 3}


def test_when_cells_medians_thin_cells_and_one_recommendation() -> None:
    start = datetime(2026, 3, 5, 19, 30)  # Thursday 19:30
    stamps, views = [], []
    for week in range(8):  # every Thursday 19h: 300 views; every Monday 8h: 100 views
        stamps += [start + timedelta(weeks=week), start + timedelta(weeks=week, days=4, hours=-11)]
        views += [300, 100]
    stamps.append(datetime(2026, 3, 7, 13, 0))  # one Saturday post: a thin cell
    views.append(5000)
    frame = videos(len(views), views=views, published_at=stamps)
    activity = pl.DataFrame(
        {
            "date": [date(2026, 3, 1)] * 24 + [date(2026, 3, 2)] * 24,
            "hour": list(range(24)) * 2,
            "active": [float(h == 20) * 90 + 10 for h in range(24)] * 2,
        }
    )
    out = when(score(frame), follower_activity=activity)
    cells = {(c["weekday_name"], c["hours"][0]): c for c in out["cells"]}
    assert cells[("Sat", 12)]["thin"] and cells[("Sat", 12)]["ci"] is None
    thu = cells[("Thu", 18)]
    assert thu["n"] == 8 and not thu["thin"]
    rec = out["recommendation"]
    assert (rec["weekday_name"], rec["hours"]) == ("Thu", [18, 21])
    assert rec["median"] == thu["median"] and rec["median"] > cells[("Mon", 6)]["median"]
    assert thu["ci"][0] <= thu["median"] <= thu["ci"][1]
    assert out["audience"]["source"] == "follower_activity" and 20 in out["audience"]["peak_hours"]
    assert rec["text"].startswith("Thu 18-21h: 8 posts, median")
    assert "followers most active" in rec["text"] and "20h" in rec["text"]


def test_when_falls_back_to_the_time_of_day_then_says_what_it_needs() -> None:
    frame = videos(5, views=[10, 20, 30, 40, 50])  # five weekdays, all at 19h
    out = when(score(frame))
    assert all(c["thin"] for c in out["cells"])
    rec = out["recommendation"]
    assert rec["basis"] == "time of day" and rec["weekday"] is None and rec["n"] == 5
    assert rec["text"].startswith("any day 18-21h: 5 posts")
    assert out["audience"] is None and "FollowerActivity" in out["audience_needs"]
    out = when(score(videos(4, views=[10, 20, 30, 40])))
    assert out["status"] == "ok" and out["recommendation"] is None
    assert "at least 5 posts" in out["recommendation_needs"]


def test_funnel_rates_are_ratios_of_sums_and_the_weakest_step_is_named() -> None:
    frame = videos(
        3,
        impressions=[1000, 2000, 1000],
        views=[100, 100, 200],
        completion_rate=[0.5, 0.3, 0.4],
        follows=[10, 2, 0],
        purchases=[1, 0, 1],
    )
    out = funnel(frame)
    assert [s["step"] for s in out["steps"]] == [
        "impressions",
        "views",
        "engaged",
        "follows",
        "purchases",
    ]
    rates = {c["to"]: c["rate"] for c in out["conversions"]}
    assert rates["views"] == pytest.approx(400 / 4000)
    assert rates["engaged"] == pytest.approx((50 + 30 + 80) / 400)
    assert rates["follows"] == pytest.approx(12 / 160)
    assert rates["purchases"] == pytest.approx(2 / 12)
    assert out["weakest"]["to"] == "follows"
    assert out["missing"] == ["profile_visits"]
    assert out["conversions"][0]["n"] == 3 and out["conversions"][0]["ci"] is not None


def test_funnel_needs_two_steps() -> None:
    out = funnel(videos(3, views=[1, 2, 3]))
    assert out["status"] == "needs" and "impressions" in out["needs"]


def test_trends_rolling_median_and_week_over_week() -> None:
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(14)]
    views = [100.0] * 7 + [150.0] * 7
    followers = [1000.0 + 10 * i for i in range(7)] + [1080.0 + 20 * i for i in range(7)]
    daily = pl.DataFrame(
        {
            "date": days * 2 + days,
            "metric": ["views"] * 14 + ["followers"] * 14 + ["views"] * 14,
            "value": views + followers + [1.0] * 14,
            "dimension": [None] * 28 + ["traffic source"] * 14,
            "key": [None] * 28 + ["search"] * 14,
        }
    )
    out = trends(daily)
    assert out["status"] == "ok"
    by = {s["metric"]: s for s in out["series"]}
    v = by["views"]  # the per-source rows are not added to the channel totals
    assert v["days"] == 14 and v["values"][-1]["value"] == 150.0
    assert v["values"][9]["median7"] == 100.0  # days 3..9: 4 x 100, 3 x 150
    assert v["values"][10]["median7"] == 150.0  # days 4..10: 3 x 100, 4 x 150
    assert v["wow"]["change"] == pytest.approx(0.5)
    assert v["wow"]["this_week"] == 1050.0 and v["wow"]["last_week"] == 700.0
    f = by["followers"]  # a level: gains of 20 a day against 10 a day (first day: no diff)
    assert f["kind"] == "level" and f["wow"]["change"] == pytest.approx(1.0)


def test_trends_sums_a_split_only_metric_over_one_dimension() -> None:
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(3)]
    daily = pl.DataFrame(
        {
            "date": days * 4,
            "metric": ["views"] * 12,
            "value": [1.0] * 3 + [2.0] * 3 + [5.0] * 6,
            "dimension": ["geo"] * 6 + ["source"] * 6,
            "key": ["US"] * 3 + ["GB"] * 3 + ["a"] * 3 + ["b"] * 3,
        }
    )
    out = trends(daily)
    assert [p["value"] for p in out["series"][0]["values"]] == [3.0, 3.0, 3.0]
    assert out["series"][0]["wow"] is None


def test_tag_multiple_is_median_with_over_median_without() -> None:
    multiples = np.array([2.0, 4.0, 3.0, 1.0, 1.0, 0.5, 1.5])
    tags = [["a"], ["a"], ["a"], [], ["b"], ["b"], ["b"]]
    got = {r["tag"]: r for r in tag_effects(tags, multiples, min_uses=3)}
    assert got["a"]["multiple"] == pytest.approx(3.0 / 1.0)  # median(2,4,3) / median(1,1,.5,1.5)
    assert got["a"]["n_with"] == 3 and got["a"]["n_without"] == 4
    assert got["b"]["multiple"] == pytest.approx(1.0 / 2.5)
    assert got["a"]["ci"][0] <= 3.0 <= got["a"]["ci"][1]


def test_tag_effects_from_a_polars_column_match_the_lists_and_count_a_tag_once_a_video() -> None:
    multiples = np.array([2.0, 4.0, 3.0, 1.0, 1.0, 0.5, 1.5, 1.0])
    tags = [["a", "a"], ["a"], ["a", "b"], [], ["b"], ["b"], ["b"], None]
    from_lists = tag_effects(tags, multiples, min_uses=3)
    column = pl.Series("tags", tags, dtype=pl.List(pl.String))
    assert tag_effects(column, multiples, min_uses=3) == from_lists
    a = next(r for r in from_lists if r["tag"] == "a")
    assert a["n_with"] == 3 and a["n_without"] == 5  # ["a", "a"] is one use
    # without intervals: the same multiples, no bootstrap
    bare = tag_effects(column, multiples, min_uses=3, intervals=False)
    assert [(r["tag"], r["multiple"]) for r in bare] == [
        (r["tag"], r["multiple"]) for r in from_lists
    ]
    assert all(r["ci"] is None for r in bare)


def test_score_keeps_the_export_order_and_can_score_the_primary_metric_alone() -> None:
    frame = videos(30, views=list(range(1, 31)), likes=[1] * 30)
    frame = frame.sample(fraction=1.0, shuffle=True, seed=5)
    full = score(frame)
    assert full.frame.get_column("video_id").to_list() == frame.get_column("video_id").to_list()
    alone = score(frame, primary_only=True)
    assert alone.metrics == ["views"] and "x_likes" not in alone.frame.columns
    assert alone.frame.get_column("x_views").to_list() == full.frame.get_column("x_views").to_list()


def test_bootstrap_medians_match_resampling() -> None:
    rng = np.random.default_rng(7)
    for n in (5, 8, 31):
        x = rng.lognormal(size=n)
        exact = bootstrap_medians(x, 100_000, rng)
        naive = np.median(x[rng.integers(0, n, (100_000, n))], axis=1)
        q = [0.025, 0.25, 0.5, 0.75, 0.975]
        assert np.quantile(exact, q) == pytest.approx(np.quantile(naive, q), rel=0.05)


def test_tag_interval_covers_the_true_multiple_at_its_nominal_rate() -> None:
    """Simulated creators: a tag multiplies performance by 1.5; 95% intervals cover ~95%."""
    rng = np.random.default_rng(2026)
    reps, covered = 300, 0
    for rep in range(reps):
        n = 120
        has = rng.random(n) < 0.3
        multiples = np.exp(rng.normal(0.0, 0.6, n)) * np.where(has, 1.5, 1.0)
        tags = [["t"] if h else ["u"] for h in has]
        row = next(r for r in tag_effects(tags, multiples, seed=rep) if r["tag"] == "t")
        covered += row["ci"][0] <= 1.5 <= row["ci"][1]
    # binomial noise at 300 reps: sd 1.3 points; percentile intervals of medians run a bit wide
    assert 0.90 <= covered / reps <= 0.99


def test_ratio_of_sums_interval_covers_at_its_nominal_rate() -> None:
    rng = np.random.default_rng(11)
    reps, covered = 400, 0
    for _ in range(reps):
        den = rng.poisson(200, 60).astype(float)
        num = rng.binomial(den.astype(int), 0.05).astype(float)
        _, ci = ratio_of_sums(num, den)
        covered += ci[0] <= 0.05 <= ci[1]
    assert 0.91 <= covered / reps <= 0.98


def test_tag_history_feeds_the_tag_suggester() -> None:
    views = [100] * 12
    tags = [["plain"] for _ in range(12)]
    for i in (2, 5, 8):
        views[i], tags[i] = 300, ["hit", "plain"]
    history = insights.tag_history(dataset(videos(12, views=views, tags=tags)))
    assert history["hit"] == pytest.approx(3.0)


def test_run_rejects_an_unknown_section() -> None:
    with pytest.raises(ValueError, match="unknown insights section"):
        insights.run(dataset(videos(2, views=[1, 2])), ["nope"])


def test_audience_hours_from_interactions_when_there_is_no_follower_activity() -> None:
    stamps = [datetime(2026, 3, 2, h, 5) for h in (9, 20, 20, 20, 21, 21, 21, 21)]
    inter = pl.DataFrame({"user_id": ["u"] * 8, "video_id": ["v0"] * 8, "ts": stamps})
    out = when(score(videos(6, views=[1, 2, 3, 4, 5, 6])), interactions=inter)
    aud = out["audience"]
    assert aud["source"] == "interactions" and aud["n"] == 8 and aud["n_unit"] == "events"
    assert aud["by_hour"][21] == 4.0 and aud["by_hour"][9] == 1.0
    assert aud["peak_hours"] == [20, 21]  # 9h is far below the busiest hour


def test_dates_without_times_compare_weekdays_only() -> None:
    start = datetime(2026, 3, 2)  # midnight: the export gave dates only
    frame = videos(
        21, views=[100] * 21, published_at=[start + timedelta(days=i) for i in range(21)]
    )
    out = when(score(frame))
    assert out["timed"] is False and out["block_hours"] == 24
    assert {c["hours"][0] for c in out["cells"]} == {0} and len(out["cells"]) == 7
    assert out["recommendation"] is None  # three posts per weekday: too few
    assert "5 posts" in out["recommendation_needs"]


def test_the_newest_posts_are_not_called_under_performers_yet() -> None:
    views = [100] * 20
    views[19] = 10  # posted yesterday: few views so far
    views[5] = 10
    out = insights.run(dataset(videos(20, views=views)), ["outliers"])["outliers"]
    assert [v["video_id"] for v in out["under"]] == ["v5"]
    assert out["recent_excluded"] == 1 and out["recent_days"] == 7


def test_the_suggesters_tag_history_is_cached_by_fingerprint_and_checked() -> None:
    from kptui.engine import modelcache
    from kptui.services.insights import tag_history

    views = [100] * 12
    tags = [["plain"] for _ in range(12)]
    for i in (2, 5, 8):
        views[i], tags[i] = 300, ["hit", "plain"]
    ds = Dataset(videos=videos(12, views=views, tags=tags), interactions=None, files=[])
    ds.fingerprint = "fp-a"
    first = tag_history(ds)
    assert first["hit"] == pytest.approx(3.0)
    files = list((modelcache.folder("tag-history", "x").parent).rglob("history.json"))
    assert len(files) == 1
    # the cached copy is what is read back: edit it and the checksum no longer matches
    files[0].write_text('{"hit": 9.0}', encoding="utf-8")
    assert tag_history(ds)["hit"] == pytest.approx(3.0)  # recomputed, not 9.0
    assert tag_history(ds) == first
    # another dataset (another fingerprint) never reads this one's history
    other = Dataset(videos=videos(12, views=[100] * 12, tags=tags), interactions=None, files=[])
    other.fingerprint = "fp-b"
    assert tag_history(other)["hit"] == pytest.approx(1.0)
