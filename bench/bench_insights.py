"""`kptui insights` on a big creator: 10,000 videos and a 3-year daily export, after load.

    python bench/bench_insights.py [--videos 10000 --years 3 --runs 5]

Target (issue 13): every section answers in <= 1 s after load (median of --runs in this
one process; the first, cold run with its imports is printed too). The dataset is built in
memory in kptui's own schema (the shape the export readers produce): per-video metrics of
every kind, formats and tags, a daily table (channel totals for views, followers, follows,
revenue, watch hours, plus views per traffic source and per country) and hourly follower
activity. The same channel is then written as YouTube Studio files (Table data, Totals,
Chart data by traffic source), loaded by the export readers and timed again. Per-section
times show where the second goes.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, datetime, timedelta


def build(videos: int, years: int, seed: int = 0):
    import numpy as np
    import polars as pl

    from kptui.engine.types import Dataset

    rng = np.random.default_rng(seed)
    days = 365 * years
    start = datetime(2023, 1, 1)
    offsets = np.sort(rng.uniform(0, days * 86400, videos))
    published = [start + timedelta(seconds=float(s)) for s in offsets]
    vocab = [f"tag{i}" for i in range(300)]
    tag_p = 1 / np.arange(1, 301) ** 0.9
    tag_p /= tag_p.sum()
    tags = [list(set(rng.choice(vocab, size=rng.integers(1, 8), p=tag_p))) for _ in range(videos)]
    views = rng.lognormal(7, 1.0, videos).astype(np.int64)
    impressions = (views / rng.uniform(0.03, 0.12, videos)).astype(np.int64)
    follows = rng.binomial(views, 0.01)
    frame = pl.DataFrame(
        {
            "video_id": [f"v{i:05d}" for i in range(videos)],
            "title": [f"video {i} #" + " #".join(t) for i, t in enumerate(tags)],
            "description": [""] * videos,
            "tags": tags,
            "published_at": published,
            "duration_s": rng.uniform(15, 900, videos),
            "price": np.zeros(videos),
            "views": views,
            "likes": rng.binomial(views, 0.05),
            "comments": rng.binomial(views, 0.005),
            "shares": rng.binomial(views, 0.003),
            "purchases": rng.binomial(follows, 0.1),
            "watch_hours": views * rng.uniform(0.005, 0.02, videos),
            "avg_view_s": rng.uniform(5, 120, videos),
            "avg_pct_viewed": rng.uniform(0.1, 0.9, videos),
            "completion_rate": rng.uniform(0.05, 0.6, videos),
            "impressions": impressions,
            "ctr": views / impressions,
            "saves": rng.binomial(views, 0.01),
            "follows": follows,
            "profile_visits": rng.binomial(views, 0.03),
            "revenue": views * rng.uniform(0.0005, 0.004, videos),
            "format": rng.choice(["short", "long", "live"], videos, p=[0.7, 0.25, 0.05]),
        }
    )
    dates = [date(2023, 1, 1) + timedelta(days=i) for i in range(days)]
    rows = []
    level = 1000.0
    followers = []
    for _ in dates:
        level += float(rng.poisson(30))
        followers.append(level)
    series = {
        "views": rng.poisson(20000, days).astype(float),
        "followers": np.asarray(followers),
        "follows": rng.poisson(30, days).astype(float),
        "revenue": rng.gamma(5, 8, days),
        "watch_hours": rng.gamma(20, 10, days),
    }
    for metric, values in series.items():
        rows.append(
            pl.DataFrame(
                {"date": dates, "metric": metric, "value": values, "dimension": None, "key": None},
                schema_overrides={"dimension": pl.Utf8, "key": pl.Utf8},
            )
        )
    for dimension, keys in (("traffic source", 12), ("geography", 60)):
        n = days * keys
        rows.append(
            pl.DataFrame(
                {
                    "date": dates * keys,
                    "metric": "views",
                    "value": rng.poisson(300, n).astype(float),
                    "dimension": dimension,
                    "key": [f"{dimension[:3]}{k}" for k in range(keys) for _ in range(days)],
                }
            )
        )
    daily = pl.concat(rows)
    activity = pl.DataFrame(
        {
            "date": [d for d in dates for _ in range(24)],
            "hour": list(range(24)) * days,
            "active": rng.gamma(5, 100, days * 24),
        }
    )
    return Dataset(
        videos=frame,
        interactions=None,
        files=[],
        fingerprint="bench",
        daily=daily,
        follower_activity=activity,
    )


def write_youtube_studio(folder, dataset) -> None:
    """The same channel as YouTube Studio exports it: per-video Table data, per-day Totals,
    per-day Chart data by traffic source (what `load_dataset` reads back)."""
    import polars as pl

    v = dataset.videos
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    table = pl.DataFrame(
        {
            "Content": v["video_id"],
            "Video title": v["title"],
            "Video publish time": [
                f"{months[d.month - 1]} {d.day}, {d.year}" for d in v["published_at"].to_list()
            ],
            "Duration": v["duration_s"].round(0).cast(pl.Int64),
            "Views": v["views"],
            "Watch time (hours)": v["watch_hours"].round(4),
            "Subscribers": v["follows"],
            "Impressions": v["impressions"],
            "Impressions click-through rate (%)": (v["ctr"] * 100).round(2),
            "Average percentage viewed (%)": (v["avg_pct_viewed"] * 100).round(2),
            "Likes": v["likes"],
            "Shares": v["shares"],
            "Comments added": v["comments"],
            "Your estimated revenue (USD)": v["revenue"].round(3),
        }
    )
    table.write_csv(folder / "Table data.csv")
    daily = dataset.daily
    totals = daily.filter(pl.col("metric") == "views", pl.col("dimension").is_null())
    totals.select(pl.col("date").alias("Date"), pl.col("value").cast(pl.Int64).alias("Views")).sort(
        "Date"
    ).write_csv(folder / "Totals.csv")
    chart = daily.filter(pl.col("dimension") == "traffic source")
    chart.select(
        pl.col("date").alias("Date"),
        pl.col("key").alias("Traffic source"),
        pl.col("value").cast(pl.Int64).alias("Views"),
    ).write_csv(folder / "Chart data.csv")


def timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--videos", type=int, default=10_000)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    t0 = time.perf_counter()
    dataset = build(args.videos, args.years)
    print(
        f"built {args.videos:,} videos, {dataset.daily.height:,} daily rows, "
        f"{dataset.follower_activity.height:,} hourly rows in {time.perf_counter() - t0:.2f} s"
    )
    from kptui.engine.insights import SECTIONS
    from kptui.services.insights import insights

    t0 = time.perf_counter()
    result = insights(dataset)
    print(f"first run (imports included): {time.perf_counter() - t0:.3f} s")
    assert all(result[s]["status"] == "ok" for s in SECTIONS), {
        s: result[s]["needs"] for s in SECTIONS
    }
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        insights(dataset)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    print(
        f"all sections: {med:.3f} s median of {args.runs} (target <= 1.0 s): "
        f"{'OK' if med <= 1.0 else 'OVER'}"
    )
    for name in SECTIONS:
        per = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            insights(dataset, [name])
            per.append(time.perf_counter() - t0)
        print(f"  --section {name:<8} {statistics.median(per):.3f} s")

    # the same channel written as YouTube Studio files and read back by the export readers
    import tempfile
    from pathlib import Path

    from kptui.engine.io import load_dataset
    from kptui.errors import KptuiError

    with tempfile.TemporaryDirectory() as tmp:
        write_youtube_studio(Path(tmp), dataset)
        t0 = time.perf_counter()
        try:
            loaded = load_dataset(Path(tmp))
        except KptuiError as exc:
            print(f"YouTube Studio files: not read by this build ({exc})")
            return
        load_s = time.perf_counter() - t0
        yt = insights(loaded)
        answered = [s for s in SECTIONS if yt[s]["status"] == "ok"]
        med_yt = timed(lambda: insights(loaded), args.runs)
        print(
            f"YouTube Studio files ({loaded.videos.height:,} videos, "
            f"{0 if loaded.daily is None else loaded.daily.height:,} daily rows): load "
            f"{load_s:.2f} s, then insights {med_yt:.3f} s median; answered: "
            f"{', '.join(answered)}; needs: "
            + "; ".join(f"{s}: {yt[s]['needs']}" for s in SECTIONS if s not in answered)
        )


if __name__ == "__main__":
    main()
