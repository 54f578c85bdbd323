"""The shared char n-gram counts give bit for bit what sklearn's own vectorizers give."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from kptui.engine import chargrams, profiles
from kptui.engine.personas import _gram_matrix
from kptui.engine.sample import generate

ODD = [
    "ΟΔΟΣ İstanbul Straße a I xy",
    "Ａ\u00a0B\x1cc\td  a",
    "",
    "   ",
    "hello world hello",
    "学习 机器学习 python",
]


@pytest.fixture(scope="module")
def texts():
    videos = generate(users=300, videos=120, events=3000, seed=3).dataset().videos
    return profiles.video_text(videos) + ODD


@pytest.mark.parametrize("max_features", [60000, 40])
def test_tfidf_from_the_shared_counts_is_sklearns(texts, max_features):
    n = len(texts)
    ref = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 3), min_df=2, max_df=0.5, sublinear_tf=True,
        max_features=max_features, dtype=np.float32,
    )  # fmt: skip
    a = ref.fit_transform(texts)
    grams, counts = chargrams.counts(texts, 1, 4)
    names, sub = chargrams.prune(
        grams, counts, lengths=(1, 3), min_df=2, max_df=0.5, max_features=max_features
    )
    from sklearn.feature_extraction.text import TfidfTransformer

    b = TfidfTransformer(sublinear_tf=True).fit_transform(sub)
    assert names == ref.get_feature_names_out().tolist()
    assert len(names) == (max_features if max_features < 1000 else len(names))
    assert a.shape == b.shape == (n, len(names))
    for part in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(a, part), getattr(b, part))


def test_content_and_draft_grams_are_the_vectorizers(texts):
    import polars as pl

    videos = pl.DataFrame(
        {"title": texts, "description": [None] * len(texts), "tags": [["x"]] * len(texts)},
        schema_overrides={"tags": pl.List(pl.String)},
    )
    cont = profiles.content(videos)
    ref = CountVectorizer(
        analyzer="char_wb", ngram_range=(2, 4), binary=True, min_df=2, dtype=np.float32
    )
    g = ref.fit_transform(profiles.video_text(videos))
    names, m = _gram_matrix(videos, cont)
    latin = len(ref.get_feature_names_out())
    assert names[:latin] == ref.get_feature_names_out().tolist()
    assert (m[:, :latin] != g).nnz == 0
    assert _gram_matrix(videos)[0] == names  # without the shared counts: the same
    # the fitted text vectorizer reads a draft into the same columns
    x = cont.text_vectorizer.transform(["hello world"])
    assert x.shape[1] == len(cont.text_vectorizer.vocabulary_) and x.nnz > 0


def test_no_text_at_all():
    grams, counts = chargrams.counts(["", "  "], 1, 4)
    assert grams == [] and counts.shape == (2, 0)
    with pytest.raises(ValueError):
        chargrams.prune(grams, counts, lengths=(1, 3))


@pytest.mark.parametrize(("lo", "hi"), [(1, 4), (2, 4), (1, 3), (3, 5)])
def test_counts_are_countvectorizers(texts, lo, hi):
    # words cut into grams once each and reused: the same matrix, entries in the same order
    repeated = [*texts, "hello hello world", "world hello", "a a a", "ab ab"]
    ref = CountVectorizer(analyzer="char_wb", ngram_range=(lo, hi), dtype=np.float32)
    a = ref.fit_transform(repeated)
    grams, b = chargrams.counts(repeated, lo, hi)
    assert grams == ref.get_feature_names_out().tolist()
    assert a.shape == b.shape
    for part in ("indptr", "indices", "data"):
        assert getattr(a, part).dtype == getattr(b, part).dtype
        assert np.array_equal(getattr(a, part), getattr(b, part))
