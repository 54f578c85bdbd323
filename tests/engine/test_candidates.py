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


def _random_csr(rng, n: int, width: int, density: float) -> sp.csr_matrix:
    m = sp.random(n, width, density=density, format="csr", random_state=rng, dtype=np.float32)
    m.data[:] = rng.standard_normal(m.nnz).astype(np.float32)
    return m


def test_row_concat_sums_like_coordinates():
    # Segments laid out row by row (repeated columns allowed) give the same product as the
    # matrix built from coordinates, which sums repeats; empty rows and segments included.
    rng = np.random.default_rng(4)
    n, width = 50, 30
    parts = [_random_csr(rng, n, width, d) for d in (0.2, 0.0, 0.5, 0.05)]
    ones = np.ones(n, dtype=np.int64)
    segs = [(np.diff(m.indptr), m.indices, m.data) for m in parts]
    segs.append((ones, rng.integers(0, width, n), np.ones(n, dtype=np.float32)))
    got = candidates._row_concat(n, width, segs)
    rows = np.concatenate([np.repeat(np.arange(n), per) for per, _, _ in segs])
    cols = np.concatenate([c for _, c, _ in segs])
    vals = np.concatenate([v for _, _, v in segs])
    want = sp.csr_matrix((vals, (rows, cols)), shape=(n, width))
    table = _random_csr(rng, width, 40, 0.3)
    np.testing.assert_allclose((got @ table).toarray(), (want @ table).toarray(), atol=1e-5)
    np.testing.assert_allclose(got.toarray(), want.toarray(), atol=1e-6)


@pytest.mark.parametrize("cells", [1, 7, 200, 4_000_000])
def test_lookup_reads_stored_values_whatever_the_scratch_size(cells):
    # The dense scratch holds at most `cells` values (at least one row): every size reads
    # the same values, 0 where nothing is stored.
    rng = np.random.default_rng(5)
    m = _random_csr(rng, 37, 23, 0.3)
    cols = rng.integers(0, 23, size=(37, 6))
    want = m.toarray()[np.arange(37)[:, None], cols]
    got = candidates._lookup(m, cols, cells=cells)
    np.testing.assert_array_equal(got, want)
    assert (got == 0).any() and (got != 0).any()


def test_one_pass_product_is_scipys_product_entry_for_entry():
    rng = np.random.default_rng(5)
    for n, k, m, density in ((300, 80, 120, 0.05), (50, 40, 30, 0.3), (10, 5, 7, 0.0)):
        a = sp.random(n, k, density=density, format="csr", dtype=np.float32, random_state=rng)
        b = sp.random(k, m, density=density, format="csr", dtype=np.float32, random_state=rng)
        # repeated columns within a row (what `_row_concat` builds) and an entry that
        # cancels: the product sums the first and drops the zero, as SciPy's does
        a = sp.vstack([a, sp.csr_matrix(([1.0, 2.0, -3.0], ([0, 0, 0], [1, 1, 1])), (1, k))])
        a = sp.csr_matrix((a.data.astype(np.float32), a.indices, a.indptr), shape=a.shape)
        got, want = candidates.matmul(a, b), (a @ b).tocsr()
        assert got.shape == want.shape and got.dtype == np.float32
        assert np.array_equal(got.indptr, want.indptr)
        assert np.array_equal(got.indices, want.indices)
        assert np.array_equal(got.data, want.data)
