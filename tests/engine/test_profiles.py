"""Viewer codes of the engagement matrix (the sorted distinct ids and each row's index) and the
recency moments' counts."""

from __future__ import annotations

import numpy as np
import polars as pl

from kptui.engine import profiles
from kptui.engine.sample import generate


def plain(ids: pl.Series) -> tuple[list, np.ndarray]:
    uniq = ids.unique().sort()
    lookup = {v: i for i, v in enumerate(uniq.to_list())}
    return uniq.to_list(), np.array([lookup[v] for v in ids.to_list()], dtype=np.int64)


IDS = pl.Series(["u10", "u2", "小明", "", "u2", "U2", "u10", "ü", "u2 ", "小明", "a"] * 3)


def test_codes_are_the_sorted_ids_and_each_rows_index() -> None:
    uniq, codes = profiles._sorted_codes(IDS)
    want_uniq, want_codes = plain(IDS)
    assert uniq.to_list() == want_uniq
    assert codes.dtype == np.int64 and codes.tolist() == want_codes.tolist()


def test_ids_sharing_a_hash_are_told_apart() -> None:
    # every id given the same hash (and then two pairs sharing one): the check finds the
    # rows whose id is not their hash's, and the codes are still the plain ones
    want_uniq, want_codes = plain(IDS)
    for hashes in (
        pl.Series(np.zeros(len(IDS), dtype=np.uint64)),
        IDS.hash().set(IDS == "u2", IDS.hash()[0]),
    ):
        uniq, codes = profiles._sorted_codes(IDS, hashes=hashes)
        assert uniq.to_list() == want_uniq
        assert codes.tolist() == want_codes.tolist()


def test_engagement_rows_follow_the_sorted_viewers() -> None:
    ds = generate(users=300, videos=60, events=3000, seed=3, lang="mixed").dataset()
    eng = profiles.engagement(ds)
    it = ds.interactions
    assert eng.user_ids == sorted(set(it["user_id"].to_list()))
    assert [eng.user_ids[c] for c in eng.user_code] == it["user_id"].to_list()
    # a viewer's row holds exactly the videos of their interactions
    who = eng.user_ids[7]
    mine = set(it.filter(pl.col("user_id") == who)["video_id"].to_list())
    assert {eng.video_ids[j] for j in eng.matrix[7].indices} == mine


def test_counts_up_to_each_value_are_searchsorted_right() -> None:
    from kptui.engine import sequence

    rng = np.random.default_rng(2)
    ts = np.sort(rng.integers(0, 50, 2000).astype(np.float64))  # many ties
    values = np.concatenate([rng.integers(-5, 55, 700).astype(np.float64), ts[::7]])
    rng.shuffle(values)
    got = sequence.count_upto(ts, values)
    assert got.tolist() == np.searchsorted(ts, values, side="right").tolist()
    assert sequence.count_upto(ts, values[:0]).tolist() == []
