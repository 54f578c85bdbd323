"""Scoring on candidates: the same lists as the dense blend where nothing is cut, never what a
viewer has, the single-viewer and batch paths agree, and the ragged top-k is a top-k."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import scipy.sparse as sp

from kptui.engine import candidates, recommend
from kptui.engine.recommend import fit_recommender, load_or_fit_recommender
from kptui.engine.sample import generate
from kptui.engine.topk import top_k


@pytest.fixture(scope="module")
def wide():
    """More videos than the head and than each video's kept links: candidates are a subset."""
    data = generate(users=900, videos=400, events=15000, seed=3).dataset()
    rec = load_or_fit_recommender(data, use_cache=False)
    assert rec.exact  # small: served densely
    return rec


def _lists(rec, exact: bool, top: int = 10, paid_only: bool = False) -> np.ndarray:
    rec.exact = exact
    try:
        return rec.top_items(None, top=top, paid_only=paid_only)
    finally:
        rec.exact = True


def test_csr_top_k_is_the_top_k_of_the_stored_entries():
    rng = np.random.default_rng(0)
    lengths = rng.choice([0, 1, 3, 9, 40, 300, 2000], size=64)
    rows, cols, vals = [], [], []
    for i, n in enumerate(lengths):
        c = rng.choice(3000, size=n, replace=False)
        rows += [i] * n
        cols += c.tolist()
        vals += rng.standard_normal(n).tolist()
    m = sp.csr_matrix((vals, (rows, cols)), shape=(64, 3000), dtype=np.float32)
    dense = np.full(m.shape, -np.inf, dtype=np.float32)
    dense[np.repeat(np.arange(64), np.diff(m.indptr)), m.indices] = m.data
    want_c, want_v = top_k(dense, 10)
    got_c, got_v = candidates.csr_top_k(m, 10)
    np.testing.assert_array_equal(got_v, want_v)
    finite = np.isfinite(want_v)
    np.testing.assert_array_equal(got_c[finite], want_c[finite])
    assert (got_c[~finite] == -1).all()
    assert (got_c[lengths == 3][:, 3:] == -1).all()


def test_nothing_cut_means_the_dense_scores():
    # Fewer videos than the links kept per video and than the head: every video is a
    # candidate and no table is cut, so the served lists and scores are the dense ones.
    data = generate(users=300, videos=40, events=6000, seed=2).dataset()
    rec = load_or_fit_recommender(data, use_cache=False)
    index = np.arange(rec._engagement().n_users)
    dense = rec.viewer_scores(index)
    rec.exact = False
    sparse = rec.viewer_scores(index)
    finite = np.isfinite(sparse)
    assert finite.sum(axis=1).min() >= 10
    np.testing.assert_allclose(sparse[finite], dense[finite], rtol=1e-4, atol=1e-5)
    assert np.array_equal(np.isfinite(dense).sum(axis=1) >= 10, finite.sum(axis=1) >= 10)
    rec.exact = True
    exact_lists = rec.top_items(None, top=10)
    rec.exact = False
    cand_lists = rec.top_items(None, top=10)
    assert (exact_lists == cand_lists).mean() > 0.97  # only ties may order differently


def test_candidate_lists_never_hold_what_a_viewer_has(wide):
    rec = wide
    items = _lists(rec, exact=False)
    eng = rec._engagement()
    assert items.shape == (eng.n_users, 10)
    assert (items >= 0).all()
    for u in range(0, eng.n_users, 7):
        have = set(eng.matrix[u].indices.tolist())
        assert len(set(items[u].tolist())) == 10
        assert not have & set(items[u].tolist())


def test_candidate_lists_are_close_to_the_dense_ones(wide):
    rec = wide
    exact = _lists(rec, exact=True)
    cand = _lists(rec, exact=False)
    overlap = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, cand, strict=True)])
    assert overlap > 0.85


def test_single_viewer_agrees_with_batch_on_candidates(wide):
    rec = wide
    user = rec.personas.user_ids[11]
    rec.exact = False
    try:
        one = rec.for_user(user, top=10)
        batch = rec.for_users([user], top=10)[user]
    finally:
        rec.exact = True
    assert [i["video_id"] for i in one] == batch
    scores = [i["score"] for i in one]
    assert scores == sorted(scores, reverse=True)


def test_paid_only_on_candidates(wide):
    rec = wide
    items = _lists(rec, exact=False, top=3, paid_only=True)
    assert rec.paid.sum() >= 3
    assert rec.paid[items[items >= 0]].all()
    assert (items >= 0).all()


def test_big_data_is_served_on_candidates_and_cached_so(monkeypatch, tmp_path):
    monkeypatch.setenv("KPTUI_CACHE_DIR", str(tmp_path))
    data = generate(users=300, videos=200, events=5000, seed=4).dataset()
    monkeypatch.setattr(recommend, "EXACT_BUDGET", 1000)
    first = load_or_fit_recommender(data)
    second = load_or_fit_recommender(data)
    assert not first.exact and not second.exact and second.from_cache
    np.testing.assert_array_equal(first.top_items(None), second.top_items(None))
    eng = first._engagement()
    forced = fit_recommender(data, first.personas, exact=True, blend=first.blend)
    assert forced.exact
    assert forced.top_items(np.arange(5)).shape == (5, 10)
    assert eng.n_users * len(first.video_ids) > 1000


def test_cold_video_is_a_candidate_through_content(wide):
    rec = wide
    nb = rec._neighbours()
    # every video has content neighbours, so a never-watched one can still be reached
    assert (np.diff(nb.content.indptr) > 0).mean() > 0.95
    assert not set(np.diff(nb.ease.indptr).tolist()) - set(range(candidates.NEIGHBOURS + 1))
    assert pl.Series(nb.head).is_sorted()
