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
    sklearn's `CountVectorizer` counts them before it prunes; ([], empty) without text.

    The same steps as sklearn's (`_char_wb_ngrams`, `_count_vocab`, `_sort_features`), so
    the same matrix bit for bit, entries in the same order (tests/engine/test_chargrams.py),
    but each distinct word is cut into grams once: a word's grams are its own (padded with a
    space each side), so a document's are its words' one after another, and a gram's id is
    given where the corpus first meets it, as sklearn gives it. Words repeat across titles
    (the 1M sample's 5,000 videos: 57,000 words, 3,200 distinct), so this takes 0.45 CPU s
    where sklearn's loop per character takes 1.1 (1.3 -> 0.6 s on the 150 MB file's 8,000)."""
    import re
    from array import array
    from collections import Counter, defaultdict

    import numpy as np
    import scipy.sparse as sp

    white = re.compile(r"\s\s+")  # sklearn's `_white_spaces`
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__  # a new gram: the next id, as sklearn
    words: dict[str, list[int]] = {}
    j_indices = array("i")
    values = array("i")
    indptr = array("i", [0])
    for doc in texts:
        seq: list[int] = []
        for w in white.sub(" ", doc.lower()).split():
            ids = words.get(w)
            if ids is None:
                ids = []
                padded = f" {w} "
                size = len(padded)
                for n in range(lo, hi + 1):
                    ids += [vocabulary[padded[o : o + n]] for o in range(max(size - n, 0) + 1)]
                    if size <= n:  # a short word is counted once (sklearn's `offset == 0`)
                        break
                words[w] = ids
            seq += ids
        counter = Counter(seq)  # first appearance order, as sklearn's feature_counter
        j_indices.extend(counter.keys())
        values.extend(counter.values())
        indptr.append(len(j_indices))
    if not vocabulary:  # no text at all
        return [], sp.csr_matrix((len(texts), 0), dtype=np.float32)
    m = sp.csr_matrix(
        (
            np.frombuffer(values, dtype=np.intc),
            np.frombuffer(j_indices, dtype=np.int32),
            np.frombuffer(indptr, dtype=np.int32),
        ),
        shape=(len(texts), len(vocabulary)),
        dtype=np.float32,
    )
    m.sort_indices()
    ordered = sorted(vocabulary.items())
    new_of = np.empty(len(ordered), dtype=m.indices.dtype)
    new_of[[old for _, old in ordered]] = np.arange(len(ordered), dtype=m.indices.dtype)
    m.indices = new_of.take(m.indices, mode="clip")
    return [gram for gram, _ in ordered], m


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
