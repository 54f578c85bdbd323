"""Scoring each viewer only on the videos they could plausibly get next (their candidates).

Why: the viewer score of `recommend` (EASE of the recency-weighted history, what comes next,
what was taken up at the viewer's latest moment, content, popularity) was computed densely,
viewers x videos: at 1M viewers x 20k videos that is 20 billion scores per part, which no
time budget holds, even in blocks. Every part but popularity and the moment's activity is
the viewer's few videos times an item x item table, so each video's strongest links of each
table (`Neighbours`: `NEIGHBOURS` per video, EASE's by size so negative links count too)
give candidates: the videos linked to what the viewer has, plus the `HEAD` most popular
videos and the `TREND_TOP` most taken-up ones of the viewer's moment. A video nothing links
to the viewer, neither popular nor in vogue, is not scored. Cost grows with the viewers'
interactions times `NEIGHBOURS`, not with viewers x videos.

`rank` scores in two stages: all candidates with the cut tables (a sparse product each), then
the `SHORTLIST` best again exactly as the dense blend does (EASE from the whole of B, content
from the embeddings), and ranks by that. On MovieLens, Stack Exchange beer, the sample and
1M-interaction data of two generators the lists find each viewer's held-out latest video at
least as often as the dense blend (HR@10 and NDCG@10, bench/bench_candidates.py).

`Neighbours.build(...)` once per fitted recommender; `rank(...)` per block of viewers;
`csr_top_k` the best k stored entries of each CSR row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

HEAD = 100  # the most popular videos are candidates for everyone
NEIGHBOURS = 50  # links kept per video, per table (EASE, what comes next, content)
TREND_TOP = 50  # the most taken-up videos of each time bin are candidates at that moment
EPS = 1e-30  # marks a candidate that only a pattern (head, moment) brought in
SEEN = -1e30
CONTENT_LINKS = 20  # nearest videos kept per video for content (a weak part: fewer suffice)
SHORTLIST = 30  # stage-1 best per viewer that are scored exactly (see `rank`)


@dataclass
class Neighbours:
    """Each video's strongest links (videos x videos CSR, dataset order) and the heads."""

    ease: sp.csr_matrix  # top NEIGHBOURS positive EASE weights of each video's row of B
    follows: sp.csr_matrix  # top NEIGHBOURS "comes next" counts of each video
    content: sp.csr_matrix  # cosine to each video's NEIGHBOURS nearest videos (> 0)
    trend_top: sp.csr_matrix  # (TIME_BINS + 1) x videos pattern; the last row is empty
    trend_dense: np.ndarray  # the trending rows flat, then a row of zeros (bin -1)
    head: np.ndarray  # video indices of the HEAD most popular, sorted
    cf_pos: np.ndarray  # per video, its row in B (-1: not in B)
    table: sp.csr_matrix  # identity; head row; trend_top (stacked): sums the parts (`rank`)

    @classmethod
    def build(
        cls,
        *,
        n_videos: int,
        cf_items: np.ndarray,
        B: np.ndarray,
        follows: Any,
        embedding: np.ndarray,
        popularity: np.ndarray,
        trending: np.ndarray | None,
        keep: int | None = None,
    ) -> Neighbours:
        import numpy as np
        import scipy.sparse as sp

        keep = NEIGHBOURS if keep is None else keep
        # by size, negative links too: EASE's negative weights are what keeps a video
        # that goes with one of the viewer's videos but not with the rest down
        ease = _dense_top(B, keep, rows=cf_items, cols=cf_items, n=n_videos, positive=False)
        fol = csr_top_rows(sp.csr_matrix(follows, dtype=np.float32), keep)
        content = _content_top(embedding, CONTENT_LINKS if keep == NEIGHBOURS else keep)
        head = np.sort(np.argsort(-popularity, kind="stable")[:HEAD]).astype(np.int64)
        if trending is None or not trending.size:
            trend = sp.csr_matrix((1, n_videos), dtype=np.float32)
            trend_dense = np.zeros(n_videos, dtype=np.float32)
        else:
            bins = trending.shape[0]
            t = min(TREND_TOP, n_videos)
            top = np.argpartition(-trending, t - 1, axis=1)[:, :t]
            vals = np.take_along_axis(trending, top, axis=1)
            ok = vals > 0
            r = np.broadcast_to(np.arange(bins)[:, None], top.shape)[ok]
            trend = sp.csr_matrix(
                (np.full(int(ok.sum()), EPS, dtype=np.float32), (r, top[ok])),
                shape=(bins + 1, n_videos),
            )
            trend_dense = np.concatenate(
                [np.asarray(trending, dtype=np.float32).ravel(), np.zeros(n_videos, np.float32)]
            )
        cf_pos = np.full(n_videos, -1, dtype=np.int64)
        cf_pos[np.asarray(cf_items, dtype=np.int64)] = np.arange(len(cf_items))
        head_row = sp.csr_matrix(
            (
                np.full(len(head), EPS, dtype=np.float32),
                (np.zeros(len(head), dtype=np.int64), head),
            ),
            shape=(1, n_videos),
        )
        ident = sp.identity(n_videos, dtype=np.float32, format="csr")
        table = sp.vstack([ident, head_row, trend], format="csr")
        return cls(ease, fol, content, trend, trend_dense, head, cf_pos, table.astype(np.float32))


def _dense_top(values, keep: int, *, rows, cols, n: int, positive: bool):
    """The `keep` largest entries (`positive`: the largest positive ones; else the largest
    in size, either sign) of each row of a dense matrix as an n x n CSR, its rows and columns
    mapped through `rows` / `cols` (indices into the n videos)."""
    import numpy as np
    import scipy.sparse as sp

    if not values.size:
        return sp.csr_matrix((n, n), dtype=np.float32)
    width = values.shape[1]
    m = min(keep, width)
    size = values if positive else np.abs(values)
    top = np.argpartition(size, width - m, axis=1)[:, width - m :]
    vals = np.take_along_axis(values, top, axis=1)
    ok = vals > 0 if positive else vals != 0
    r = np.broadcast_to(np.asarray(rows)[:, None], top.shape)[ok]
    out = sp.csr_matrix((vals[ok].astype(np.float32), (r, np.asarray(cols)[top[ok]])), shape=(n, n))
    out.sum_duplicates()
    return out


def _content_top(embedding, keep: int, block: int = 1024):
    """Each video's `keep` nearest other videos by cosine (> 0), in blocks of rows."""
    import numpy as np
    import scipy.sparse as sp

    n = embedding.shape[0]
    parts = []
    for start in range(0, n, block):
        sims = embedding[start : start + block] @ embedding.T
        idx = np.arange(start, min(start + block, n))
        sims[idx - start, idx] = -np.inf  # a video is not its own neighbour
        parts.append(
            _dense_top(sims, keep, rows=idx, cols=np.arange(n), n=n, positive=True)[
                start : start + block
            ]
        )
    if not parts:
        return sp.csr_matrix((0, 0), dtype=np.float32)
    return sp.vstack(parts, format="csr")


def csr_top_rows(m, keep: int):
    """The `keep` largest stored entries of each row of a CSR matrix (ties: lower column)."""
    import numpy as np
    import scipy.sparse as sp

    m = m.tocsr()
    m.sum_duplicates()
    lengths = np.diff(m.indptr)
    if not m.nnz or lengths.max() <= keep:
        return m
    cols, vals = csr_top_k(m, keep)
    ok = cols >= 0
    r = np.broadcast_to(np.arange(m.shape[0])[:, None], cols.shape)[ok]
    out = sp.csr_matrix((vals[ok], (r, cols[ok])), shape=m.shape, dtype=m.dtype)
    out.sum_duplicates()
    return out


def _rows_of(m):
    import numpy as np

    return np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))


def rank(
    blend: Any,
    rows,
    back,
    bins: np.ndarray,
    *,
    recent,
    latest,
    nb: Neighbours,
    B: np.ndarray,
    embedding: np.ndarray,
    popularity: np.ndarray,
    trending: np.ndarray | None,
    head: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
    shortlist: int = SHORTLIST,
) -> tuple[np.ndarray, np.ndarray]:
    """A block of viewers' best candidates and their blend scores, best first: (videos,
    scores), both n x `shortlist`, -1 / -inf where a viewer has fewer candidates.

    Two stages. 1: every candidate's score with each table cut to its strongest links (one
    sparse product per table, the parts summed through `Neighbours.table`).
    2: the `shortlist` best of stage 1 are scored again exactly as the dense blend does
    (EASE from the whole of B, content from the embeddings), which is what they are ranked
    by. `rows`/`back`/`bins` as `recommend._blend_scores`, `recent` the recency weights of
    `back` at the blend's half-life, `latest` its last few videos (`recommend._latest`);
    `head` replaces `nb.head` (e.g. the most popular paid videos) and `allowed` (bool per
    video) drops the others."""
    import numpy as np
    import scipy.sparse as sp

    n, nv = rows.shape
    rows = sp.csr_matrix(rows, dtype=np.float32)
    back = sp.csr_matrix(back, dtype=np.float32)
    recent = sp.csr_matrix(recent, dtype=np.float32)
    latest = sp.csr_matrix(latest, dtype=np.float32)
    segs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (per row, columns, values)
    ones = np.ones(n, dtype=np.int64)

    def add(m, scale) -> None:
        per = np.diff(m.indptr)
        segs.append((per, m.indices, m.data * np.repeat(scale.astype(np.float32), per)))

    # stage 1: each part's product with its cut table once (its row maximum is what the
    # dense blend divides by), then the scaled parts, the seen videos, the head and the
    # moment's top summed by one product with `Neighbours.table` (identity; patterns): the
    # sum costs one step per stored entry, not another pass through the cut tables
    max_e = np.ones(n, dtype=np.float32)
    if nb.ease.nnz:
        links = matmul(recent, nb.ease)
        max_e = _row_max(links)
        add(links, 1.0 / max_e)
    max_n = np.ones(n, dtype=np.float32)
    nxt = None
    if blend.next and nb.follows.nnz:
        nxt = matmul(latest, nb.follows)
        max_n = _row_max(nxt)
        add(nxt, blend.next / max_n)
    prof = None
    if blend.content:
        w = rows.multiply(recent).tocsr()
        prof = np.asarray(w @ embedding, dtype=np.float32)
        norm = np.maximum(np.linalg.norm(prof, axis=1), 1e-9).astype(np.float32)
        prof /= norm[:, None]
        if nb.content.nnz:
            add(matmul(w, nb.content), blend.content / norm)
    for m in (rows, back):  # what the viewer has: at about SEEN, never shortlisted
        segs.append((np.diff(m.indptr), m.indices, np.full(m.nnz, SEEN, dtype=np.float32)))
    head = nb.head if head is None else head
    head_row = nv
    if len(head):
        segs.append((ones, np.full(n, head_row), np.ones(n, dtype=np.float32)))
    if trending is not None and blend.recent and nb.trend_top.nnz:
        empty = nb.trend_top.shape[0] - 1
        at = head_row + 1 + np.where(bins >= 0, np.minimum(bins, empty - 1), empty)
        segs.append((ones, at, np.ones(n, dtype=np.float32)))
    x = _row_concat(n, nb.table.shape[0], segs)
    table = nb.table if head is nb.head else _with_head(nb, head)
    s = matmul(x, table)
    c, v = s.indices, s.data
    # np.take, not fancy indexing: several times faster for these gathers; seen videos stay
    # in place at about SEEN (no copy of the product) and never make the shortlist
    if blend.pop:
        v += blend.pop * np.take(popularity, c)
    if trending is not None and blend.recent:
        at = np.repeat(np.where(bins >= 0, bins, len(trending)) * nv, np.diff(s.indptr)) + c
        v += blend.recent * np.take(nb.trend_dense, at)
    if allowed is not None:
        v[~np.take(allowed, c)] = SEEN
    cols, best = csr_top_k(s, min(shortlist, nv), ordered=False)
    cols[best < SEEN / 2] = -1

    # stage 2: the shortlist scored exactly
    valid = cols >= 0
    safe = np.where(valid, cols, 0)
    final = np.zeros(cols.shape, dtype=np.float32)
    if len(nb.cf_pos) and B.size:
        final += _ease_exact(recent, safe, nb.cf_pos, B) / max_e[:, None]
    if nxt is not None:
        final += (blend.next / max_n)[:, None] * _lookup(nxt, safe)
    if prof is not None:
        final += (
            blend.content * np.matmul(np.take(embedding, safe, axis=0), prof[:, :, None])[:, :, 0]
        )
    if blend.pop:
        final += blend.pop * np.take(popularity, safe)
    if trending is not None and blend.recent:
        ok = bins >= 0
        final[ok] += blend.recent * np.take(trending, bins[ok][:, None] * nv + safe[ok])
    final[~valid] = -np.inf
    order = np.argsort(-final, axis=1, kind="stable")
    return np.take_along_axis(np.where(valid, cols, -1), order, axis=1), np.take_along_axis(
        final, order, axis=1
    )


def matmul(a, b):
    """`a @ b` of two float32 CSR matrices, the same entries in the same order, in one pass
    of SciPy's kernel instead of two: `a @ b` first counts the product's entries
    (`csr_matmat_maxnnz`, a third of each product's time on the candidate path), where the
    bound (the lengths of `b`'s rows that each row of `a` meets) costs one gather, and the
    buffers are sized by it (1.1-2x the entries at 1M interactions: the videos viewers'
    neighbours share). `a @ b` itself where SciPy's kernel is not found, or not float32."""
    import numpy as np
    import scipy.sparse as sp

    a, b = a.tocsr(), b.tocsr()
    n, m = a.shape[0], b.shape[1]
    try:
        from scipy.sparse._sparsetools import csr_matmat
    except ImportError:  # pragma: no cover - a SciPy without the private kernel module
        return (a @ b).tocsr()
    if a.dtype != np.float32 or b.dtype != np.float32 or a.shape[1] != b.shape[0]:
        return (a @ b).tocsr()
    lengths = np.diff(b.indptr)
    ends = np.zeros(a.nnz + 1, dtype=np.int64)
    np.cumsum(np.take(lengths, a.indices), out=ends[1:])
    per = np.minimum(ends[a.indptr[1:]] - ends[a.indptr[:-1]], m)
    bound = int(per.sum())
    if bound == 0:
        return sp.csr_matrix((n, m), dtype=np.float32)
    big = max(bound, a.nnz, b.nnz, n + 1, m + 1, a.shape[1] + 1)
    idx = np.int32 if big < 2**31 - 1 else np.int64
    indptr = np.empty(n + 1, dtype=idx)
    indices = np.empty(bound, dtype=idx)
    data = np.empty(bound, dtype=np.float32)
    try:
        csr_matmat(
            n,
            m,
            np.asarray(a.indptr, dtype=idx),
            np.asarray(a.indices, dtype=idx),
            a.data,
            np.asarray(b.indptr, dtype=idx),
            np.asarray(b.indices, dtype=idx),
            b.data,
            indptr,
            indices,
            data,
        )
    except (TypeError, ValueError):  # pragma: no cover - the kernel's signature changed
        return (a @ b).tocsr()
    nnz = int(indptr[-1])
    return sp.csr_matrix((data[:nnz], indices[:nnz], indptr), shape=(n, m))


def _row_concat(n: int, width: int, segs):
    """The CSR whose row i holds every segment's row i one after another; each segment is
    (entries per row, columns, values) in row order. Columns may repeat within a row (a
    product sums them), so nothing is sorted: O(entries), where building it from
    coordinates sorts every row."""
    import numpy as np
    import scipy.sparse as sp

    total = np.zeros(n, dtype=np.int64)
    for per, _, _ in segs:
        total += per
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(total, out=indptr[1:])
    nnz = int(indptr[-1])
    index_type = np.int32 if max(nnz, width) < 2**31 else np.int64
    indices = np.empty(nnz, dtype=index_type)
    data = np.empty(nnz, dtype=np.float32)
    filled = indptr[:-1].copy()  # next free slot of each row
    for per, cols, vals in segs:
        starts = np.cumsum(per) - per  # first entry of each row within the segment
        pos = np.repeat(filled - starts, per) + np.arange(int(per.sum()))
        indices[pos] = cols
        data[pos] = vals
        filled += per
    return sp.csr_matrix((data, indices, indptr.astype(index_type)), shape=(n, width))


def _row_max(m) -> np.ndarray:
    """Each row's largest stored value, 1 where it is not positive (the dense rownorm)."""
    import numpy as np

    m = m.tocsr()
    lengths = np.diff(m.indptr)
    big = np.ones(m.shape[0], dtype=np.float32)
    has = lengths > 0
    if m.nnz:
        big[has] = np.maximum.reduceat(m.data, m.indptr[:-1][has])
    return np.where(big > 0, big, 1.0).astype(np.float32)


def _ease_exact(recent, cols: np.ndarray, cf_pos: np.ndarray, B: np.ndarray) -> np.ndarray:
    """n x K: sum over each viewer's videos i of recency(i) * B[i, j] for the K videos j."""
    import numpy as np

    n, k = cols.shape
    out = np.zeros((n, k), dtype=np.float32)
    hp = cf_pos[recent.indices]
    has = hp >= 0
    if not has.any():
        return out
    hr = _rows_of(recent)[has]
    hw = recent.data[has].astype(np.float32)
    target = np.take(cf_pos, cols)  # n x K, -1 for videos outside B
    tgt = np.maximum(target, 0)
    hp = hp[has]
    flat = B.reshape(-1)
    size = B.shape[1]
    step = max(1, 4_000_000 // max(k, 1))
    for start in range(0, len(hr), step):
        r = hr[start : start + step]
        at = hp[start : start + step, None] * size + np.take(tgt, r, axis=0)
        _add_rows(out, r, np.take(flat, at) * hw[start : start + step, None])
    out[target < 0] = 0.0
    return out


def _add_rows(out: np.ndarray, r: np.ndarray, g: np.ndarray) -> None:
    """out[r[i]] += g[i] for sorted r (runs summed with reduceat, no ufunc.at)."""
    import numpy as np

    if not len(r):
        return
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    out[r[starts]] += np.add.reduceat(g, starts, axis=0)


def _lookup(m, cols: np.ndarray, cells: int = 4_000_000) -> np.ndarray:
    """n x K: m[i, cols[i, j]] for a CSR m without repeated entries (a product), 0 where not
    stored. Rows are spread into a dense scratch of at most `cells` values a few at a time
    and read back: O(entries), no sort of the rows."""
    import numpy as np

    n, nv = m.shape
    out = np.zeros(cols.shape, dtype=np.float32)
    if not m.nnz or not n:
        return out
    step = max(1, cells // max(nv, 1))
    scratch = np.zeros(min(step, n) * nv, dtype=np.float32)
    for start in range(0, n, step):
        stop = min(start + step, n)
        lo, hi = m.indptr[start], m.indptr[stop]
        per = np.diff(m.indptr[start : stop + 1])
        at = np.repeat(np.arange(stop - start, dtype=np.int64) * nv, per) + m.indices[lo:hi]
        scratch[at] = m.data[lo:hi]
        want = np.arange(stop - start, dtype=np.int64)[:, None] * nv + cols[start:stop]
        out[start:stop] = np.take(scratch, want)
        scratch[at] = 0.0
    return out


def _with_head(nb: Neighbours, head: np.ndarray):
    """The stacked table with another head row (e.g. the most popular paid videos)."""
    import numpy as np
    import scipy.sparse as sp

    nv = nb.table.shape[1]
    row = sp.csr_matrix(
        (np.full(len(head), EPS, dtype=np.float32), (np.zeros(len(head), dtype=np.int64), head)),
        shape=(1, nv),
    )
    top = nb.table[:nv]
    rest = nb.table[nv + 1 :]
    return sp.vstack([top, row, rest], format="csr")


def only_columns(m, allowed: np.ndarray):
    """The CSR with only the entries whose column is `allowed` (a bool per column)."""
    import numpy as np
    import scipy.sparse as sp

    keep = allowed[m.indices]
    indptr = np.zeros(m.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(_rows_of(m)[keep], minlength=m.shape[0]), out=indptr[1:])
    return sp.csr_matrix((m.data[keep], m.indices[keep], indptr), shape=m.shape)


def csr_top_k(m, k: int, ordered: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of the `k` largest stored entries of each CSR row (best
    first when `ordered`); rows with fewer end in column -1, value -inf. Rows are grouped by
    length (powers of two) and each group is padded to its longest row, so a few long rows
    never widen the rest."""
    import numpy as np

    n = m.shape[0]
    cols = np.full((n, k), -1, dtype=np.int64)
    vals = np.full((n, k), -np.inf, dtype=np.float32)
    if k <= 0 or not m.nnz:
        return cols, vals
    lengths = np.diff(m.indptr)
    width = np.maximum(k, 1 << np.ceil(np.log2(np.maximum(lengths, 1))).astype(np.int64))
    width[lengths == 0] = 0
    for w in np.unique(width[width > 0]):
        group = np.flatnonzero(width == w)
        glen = lengths[group]
        wmax = int(glen.max())
        first = m.indptr[group]
        total = int(glen.sum())
        slot = np.arange(total) - np.repeat(np.cumsum(glen) - glen, glen)
        pos = np.repeat(first, glen) + slot
        padded = np.full(len(group) * wmax, -np.inf, dtype=np.float32)
        np.put(padded, np.repeat(np.arange(len(group)) * wmax, glen) + slot, np.take(m.data, pos))
        padded = padded.reshape(len(group), wmax)
        kk = min(k, wmax)
        if kk < wmax:
            part = np.argpartition(padded, wmax - kk, axis=1)[:, wmax - kk :]
        else:
            part = np.broadcast_to(np.arange(wmax), padded.shape).copy()
        best = np.take_along_axis(padded, part, axis=1)
        if ordered:
            order = np.argsort(-best, axis=1, kind="stable")
            part = np.take_along_axis(part, order, axis=1)
            best = np.take_along_axis(best, order, axis=1)
        ok = np.isfinite(best)
        picked = np.take(m.indices, np.minimum(first[:, None] + part, max(m.nnz - 1, 0)))
        cols[group, :kk] = np.where(ok, picked, -1)
        vals[group, :kk] = best
    return cols, vals


__all__ = [
    "HEAD",
    "NEIGHBOURS",
    "SHORTLIST",
    "Neighbours",
    "csr_top_k",
    "csr_top_rows",
    "only_columns",
    "rank",
]
