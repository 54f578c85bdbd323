"""Audiences written as real CSV files, for tests of more than one front end (tests/ is on
the import path through its conftest)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl


def drifting_audience(drift: bool = True) -> tuple[pl.DataFrame, pl.DataFrame]:
    """240 viewers, half on Python videos and half on cooking ones, each watching 8 of their
    topic and, five days later, 4 more: of the other topic for every third viewer when
    `drift` (the tuner then serves those the other persona's list, `persona_now` > 0), else
    of their own. The videos and the view events (`ts` as datetimes)."""
    rng = np.random.default_rng(3)
    py = [f"p{i}" for i in range(30)]
    ck = [f"c{i}" for i in range(30)]
    videos = pl.DataFrame(
        {
            "video_id": py + ck,
            "title": [f"python code tutorial {i}" for i in range(30)]
            + [f"cooking recipe dinner {i}" for i in range(30)],
        }
    )
    rows = []
    for u in range(240):
        home, other = (py, ck) if u % 2 == 0 else (ck, py)
        t0 = datetime(2022, 1, 1) + timedelta(days=int(rng.integers(0, 700)))
        first = rng.choice(30, 8, replace=False)
        rows += [(f"u{u:03d}", home[v], t0 + timedelta(hours=j)) for j, v in enumerate(first)]
        later = other if drift and u % 3 == 0 else home
        pick = [v for v in rng.permutation(30) if later is other or v not in set(first)][:4]
        rows += [
            (f"u{u:03d}", later[v], t0 + timedelta(days=5, hours=j)) for j, v in enumerate(pick)
        ]
    inter = pl.DataFrame(rows, schema=["user_id", "video_id", "ts"], orient="row")
    return videos, inter.with_columns(event=pl.lit("view"))


def write_drifting_audience(folder: Path) -> Path:
    """`drifting_audience()` as CSV files in `folder`."""
    videos, inter = drifting_audience()
    folder.mkdir(parents=True)
    videos.write_csv(folder / "videos.csv")
    inter.with_columns(ts=pl.col("ts").dt.strftime("%Y-%m-%d %H:%M:%S")).write_csv(
        folder / "interactions.csv"
    )
    return folder
