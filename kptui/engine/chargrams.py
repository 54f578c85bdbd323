"""Character n-gram counts of video texts, made once for both readers of them.

Why: a fit read the video text as sklearn char_wb n-grams twice (TF-IDF of 1-3-grams for
the content embedding, `profiles.content`; binary 2-4-grams for draft fit,
`personas._gram_matrix`), and sklearn makes them in a Python loop per character: 0.40 +
0.33 CPU s on the 1M sample's 5,000 videos, 0.60 + 0.49 s on 8,000 videos with
descriptions, against 0.45 s and 0.60 s for the 1-4-grams once. `counts` gives those
once; `prune` takes each reader's columns from them as sklearn's own pruning
(`CountVectorizer._limit_features`: lengths, min_df, max_df, max_features) would, and a
column subset keeps each row's entries in sklearn's order, so the TF-IDF computed from it
is bit for bit the one `TfidfVectorizer` gives (tests/engine/test_chargrams.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import scipy.sparse as sp


def counts(texts: list[str], lo: int = 1, hi: int = 4) -> tuple[list[str], sp.csr_matrix]:
    """(sorted grams, documents x grams float32 counts) of every char_wb lo..hi-gram, as
    sklearn's `CountVectorizer` counts them before it prunes; ([], empty) without text."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import CountVectorizer

    vec = CountVectorizer(analyzer="char_wb", ngram_range=(lo, hi), dtype=np.float32)
    try:
        m = vec.fit_transform(texts)
    except ValueError:  # no text at all
        return [], sp.csr_matrix((len(texts), 0), dtype=np.float32)
    return vec.get_feature_names_out().tolist(), m


def prune(
    names: list[str],
    m: sp.csr_matrix,
    *,
    lengths: tuple[int, int] | None = None,
    min_df: int = 1,
    max_df: float | int = 1.0,
    max_features: int | None = None,
) -> tuple[list[str], sp.csr_matrix]:
    """The columns sklearn's `CountVectorizer` would keep (its `_limit_features`): grams
    of `lengths` (lo, hi; all when None), in at least `min_df` and at most `max_df`
    documents (a float: that share of them), then the `max_features` most frequent.
    Raises ValueError as sklearn does when nothing is left."""
    import numpy as np

    n_doc = m.shape[0]
    cols = np.arange(len(names))
    if lengths is not None:
        size = np.fromiter((len(g) for g in names), dtype=np.int64, count=len(names))
        cols = np.flatnonzero((size >= lengths[0]) & (size <= lengths[1]))
        m = m[:, cols]
    if not len(cols):
        raise ValueError("empty vocabulary")
    high = max_df if isinstance(max_df, int) and not isinstance(max_df, bool) else max_df * n_doc
    dfs = np.bincount(m.indices, minlength=m.shape[1])
    mask = (dfs <= high) & (dfs >= min_df)
    if max_features is not None and mask.sum() > max_features:
        tfs = np.asarray(m.sum(axis=0)).ravel()
        top = (-tfs[mask]).argsort()[:max_features]
        new_mask = np.zeros(len(dfs), dtype=bool)
        new_mask[np.where(mask)[0][top]] = True
        mask = new_mask
    kept = np.where(mask)[0]
    if not len(kept):
        raise ValueError("After pruning, no terms remain.")
    return [names[cols[j]] for j in kept], m[:, kept]
