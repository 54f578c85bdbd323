"""Blocked top-k: the same lists as a full sort, whatever the block size, within the budget."""

from __future__ import annotations

import numpy as np

from kptui.engine.topk import block_rows, blocked_top_k, top_k


def test_top_k_matches_a_full_sort():
    rng = np.random.default_rng(0)
    scores = rng.standard_normal((50, 40)).astype(np.float32)
    scores[3, :35] = -np.inf  # only five allowed items in row 3
    idx, vals = top_k(scores.copy(), 10)
    full = np.argsort(-scores, axis=1, kind="stable")[:, :10]
    assert np.array_equal(np.sort(idx, axis=1)[:3], np.sort(full, axis=1)[:3])
    assert (np.diff(np.delete(vals, 3, axis=0), axis=1) <= 0).all()
    assert np.isfinite(vals[3]).sum() == 5


def test_blocks_give_the_same_answer_and_map_columns():
    rng = np.random.default_rng(1)
    dense = rng.standard_normal((1000, 60)).astype(np.float32)
    columns = np.arange(60) * 3 + 7  # item ids of the columns
    seen_blocks = []

    def score(chunk):
        seen_blocks.append(len(chunk))
        return dense[chunk].copy()

    rows = np.arange(1000)
    one, v1 = blocked_top_k(rows, 5, score, columns, block=1000)
    many, v2 = blocked_top_k(rows, 5, score, columns, block=64)
    assert np.array_equal(one, many) and np.array_equal(v1, v2)
    assert max(seen_blocks[1:]) == 64
    expect = columns[np.argsort(-dense, axis=1, kind="stable")[:, :5]]
    assert np.array_equal(one, expect)


def test_block_size_follows_the_budget():
    assert block_rows(5000, budget=4_000_000) == 800
    assert block_rows(10**9) == 1
    assert block_rows(1) == 8192


def test_grouped_selection_is_exact_on_wide_rows():
    rng = np.random.default_rng(2)
    for n in (5000, 4999, 257):
        scores = rng.standard_normal((40, n)).astype(np.float32)
        scores[:, rng.choice(n, n // 2, replace=False)] = -np.inf
        scores[5, :] = -np.inf
        scores[5, [3, 99]] = [1.0, 2.0]
        idx, vals = top_k(scores.copy(), 10)
        expect = np.argsort(-scores, axis=1, kind="stable")[:, :10]
        ok = np.isfinite(vals)
        assert np.array_equal(np.where(ok, idx, -1)[:5], expect[:5])
        assert np.array_equal(idx[5, :2], [99, 3]) and ok[5].sum() == 2
        assert np.array_equal(vals[ok], np.take_along_axis(scores, idx, axis=1)[ok])
