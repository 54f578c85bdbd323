"""Viewer x video engagement and video content features: what personas and recommenders share.

Why one module: personas cluster viewers by *what* they engage with (content), and the
recommender needs *who engaged with what* (the matrix) plus the same content space for items
nobody has touched yet. Both are built once per dataset here, vectorised, from the canonical
frames of `kptui.engine.io`.

- `engagement(dataset) -> Engagement`: a sparse user x video matrix of engagement strength
  (view 1, scaled by the share of the video watched when `watch_s` is known; like 2;
  comment 3; share 4; follow 4; purchase 6; summed per pair, then `log1p` so one binge does
  not drown the rest), with sorted user ids and per-viewer counts.
- `content(videos) -> Content`: TF-IDF of character 1-3-grams of title + description
  (works for Chinese and English without segmentation) next to a tag vocabulary, reduced by
  TruncatedSVD to a dense, L2-normalised embedding per video.
- `viewer_profiles(engagement, content)`: each viewer's row-normalised engagement times
  the video embeddings, L2-normalised: the space personas are clustered in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kptui.errors import DataError

if TYPE_CHECKING:
    import numpy as np
    import polars as pl
    import scipy.sparse as sp

    from kptui.engine.types import Dataset

Progress = Callable[[str | None, float | None], None]

EVENT_WEIGHTS: dict[str, float] = {
    "view": 1.0,
    "like": 2.0,
    "comment": 3.0,
    "share": 4.0,
    "follow": 4.0,
    "purchase": 6.0,
}
ENGAGED = ("like", "comment", "share", "follow", "purchase")
EMBED_DIM = 64


def no_progress(stage: str | None = None, fraction: float | None = None) -> None:
    return None


@dataclass
class Engagement:
    """Who engaged with what, how strongly; rows follow `user_ids` (sorted), columns the
    dataset's video order."""

    user_ids: list[str]
    video_ids: list[str]
    matrix: sp.csr_matrix  # float32, log1p of summed event weights
    user_code: np.ndarray  # per interaction row: viewer index
    video_code: np.ndarray  # per interaction row: video index
    last_ts: np.ndarray | None  # per viewer the latest ts of their pairs (epoch s), or None
    # per stored pair of `matrix` (CSR order): its latest time (epoch s, nan unknown) and
    # latest row; what `sequence.from_grouped` needs, so the pairs are grouped once
    pair_t: np.ndarray | None = None
    pair_r: np.ndarray | None = None

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    def user_index(self) -> dict[str, int]:
        return {u: i for i, u in enumerate(self.user_ids)}


@dataclass
class Content:
    """Video content features: sparse TF-IDF (text + tags) and its dense embedding."""

    features: sp.csr_matrix  # videos x (char n-grams + tags), rows L2-normalised
    embedding: np.ndarray  # videos x d, float32, rows L2-normalised
    text_vectorizer: Any  # fitted TfidfVectorizer over title + description
    tag_vectorizer: Any  # fitted TfidfVectorizer over normalised tags
    tag_display: dict[str, str]  # normalised tag -> as the data writes it
    svd: Any  # fitted TruncatedSVD or None when the features are tiny
    tag_names: list[str]  # tag columns as the data writes them
    tag_matrix: sp.csc_matrix  # videos x tags, binary
    # every char_wb 1-4-gram of title + description (`chargrams.counts`): the TF-IDF above
    # was pruned from them, and personas' draft-fit grams are, instead of reading it again
    grams: list[str] = field(default_factory=list)
    gram_counts: sp.csr_matrix | None = None

    def transform(self, text: str, tags: list[str]) -> sp.csr_matrix:
        """A draft (text + tags) in the same sparse space as `features`."""
        import scipy.sparse as sp
        from sklearn.preprocessing import normalize

        from kptui.engine.tagparse import normalize_tag

        x_text = self.text_vectorizer.transform([text])
        x_tags = self.tag_vectorizer.transform([[normalize_tag(t) for t in tags]])
        return normalize(sp.hstack([x_text, x_tags], format="csr"))


def _id_codes(series: pl.Series) -> tuple[list[str], np.ndarray]:
    """Sorted unique ids and each row's index among them (polars, no Python loop)."""
    import polars as pl

    frame = pl.DataFrame({"id": series})
    codes = frame.select((pl.col("id").rank("dense") - 1).cast(pl.Int64)).to_series().to_numpy()
    uniq = series.unique().sort().to_list()
    return uniq, codes


def _sorted_codes(ids: pl.Series, hashes: pl.Series | None = None) -> tuple[pl.Series, np.ndarray]:
    """The sorted distinct ids and each row's index among them (int64), as
    `ids.unique().sort()` and a lookup of every row in it would give.

    Why not that: at 10M rows both the unique and the lookup hash every id string (6.2 CPU s
    of the 10M job's 11 in `engagement`). Here the strings are hashed once (`Series.hash`,
    a u64 each) and ranked as integers, one row per distinct hash is taken as its id, and
    every row's id is checked against its hash's (a string compare): 3.1 CPU s. Two ids
    sharing a hash (a chance of about 3 in 10^8 at 1M distinct ids) fail the check, and
    then the plain way is taken: the same result either way. `hashes`: the ids' u64
    hashes (default `ids.hash()`)."""
    import numpy as np
    import polars as pl

    if not len(ids):
        return ids.unique().sort(), np.zeros(0, dtype=np.int64)
    hashes = ids.hash() if hashes is None else hashes
    codes = (hashes.rank("dense") - 1).cast(pl.Int64).to_numpy()
    n = int(codes.max()) + 1
    first = np.empty(n, dtype=np.int64)
    first[codes] = np.arange(len(codes))  # a row of each hash (the last one written)
    rep = ids.gather(first)
    if not bool(rep.gather(codes).eq_missing(ids).all()):  # a hash shared by two ids
        uniq = ids.unique().sort()
        lookup = ids.replace_strict(uniq, pl.int_range(len(uniq), eager=True, dtype=pl.Int64))
        return uniq, lookup.cast(pl.Int64).to_numpy()
    order = rep.arg_sort().to_numpy()
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rep.gather(order), rank[codes]


def _weight_expr(duration: str = "duration_s"):
    """Per interaction row, its engagement weight (views scaled by the share watched)."""
    import polars as pl

    base = pl.col("event").replace_strict(EVENT_WEIGHTS, default=1.0, return_dtype=pl.Float64)
    watched = (pl.col("watch_s") / pl.col(duration)).clip(0.0, 1.0)
    factor = (
        pl.when((pl.col("event") == "view") & watched.is_not_null() & (pl.col(duration) > 0))
        .then(0.5 + watched)
        .otherwise(1.0)
    )
    return (base * factor).alias("w")


def interaction_weights(interactions: pl.DataFrame, videos: pl.DataFrame) -> np.ndarray:
    """Per interaction row, its engagement weight (views scaled by the share watched)."""
    duration = videos.select("video_id", "duration_s")
    frame = interactions.select("video_id", "event", "watch_s").join(
        duration, on="video_id", how="left", maintain_order="left"
    )
    return frame.select(_weight_expr()).to_series().to_numpy()


def engagement(dataset: Dataset, progress: Progress | None = None) -> Engagement:
    """The viewer x video matrix; `DataError` when the dataset has no interactions.

    Everything up to the (viewer, video) weights happens in polars, as a lookup, a hash
    join and one group-by (no sort of 10M id strings, no `ufunc.at`): numpy only sees the
    codes per row, which personas need, and the aggregated pairs, already in CSR order."""
    import numpy as np
    import polars as pl
    import scipy.sparse as sp

    require_interactions(dataset)
    report = progress or no_progress
    report("indexing viewers", None)
    it = dataset.interactions
    assert it is not None
    video_ids = dataset.videos["video_id"].to_list()
    users, ucode = _sorted_codes(it["user_id"])
    user_ids = users.to_list()
    vmap = dataset.videos.select("video_id", pl.col("duration_s").alias("_dur")).with_row_index(
        "_v"
    )
    has_ts = it["ts"].null_count() < it.height
    # viewers' codes from their hashes (`_sorted_codes`); the pairs grouped by one integer
    # key (two keys cost three times as much), sorted: CSR order
    rows = (
        it.lazy()
        .select(
            pl.lit(pl.Series(ucode)).alias("_u"),
            "video_id",
            "event",
            "watch_s",
            *(["ts"] if has_ts else []),
        )
        .join(vmap.lazy(), on="video_id", how="left", maintain_order="left")
        .select(
            "_u",
            pl.col("_v").cast(pl.Int64).fill_null(-1),
            _weight_expr("_dur"),
            *([pl.col("ts").dt.epoch("s").cast(pl.Float64).alias("_t")] if has_ts else []),
        )
        .collect()
    )
    vcode = rows["_v"].to_numpy()
    n_videos = max(len(video_ids), 1)
    pairs = (
        rows.lazy()
        .with_row_index("_r")
        .filter(pl.col("_v") >= 0)
        .group_by(_k=pl.col("_u") * n_videos + pl.col("_v"))
        .agg(
            pl.col("w").sum(),
            pl.col("_r").max().cast(pl.Int64),
            *([pl.col("_t").max()] if has_ts else []),
        )
        .sort("_k")
        .collect()
    )
    key = pairs["_k"].to_numpy()
    counts = np.bincount(key // n_videos, minlength=len(user_ids))
    indptr = np.zeros(len(user_ids) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    data = np.log1p(pairs["w"].to_numpy().astype(np.float32))
    m = sp.csr_matrix(
        (data, (key % n_videos).astype(np.int32), indptr),
        shape=(len(user_ids), len(video_ids)),
    )
    pair_t = (
        pairs["_t"].fill_null(float("nan")).to_numpy() if has_ts else np.full(pairs.height, np.nan)
    )
    last_ts = None
    if has_ts:  # each viewer's latest pair (fmax skips pairs without a time)
        latest = np.full(len(user_ids), np.nan)
        has = counts > 0
        if has.any():
            latest[has] = np.fmax.reduceat(pair_t, indptr[:-1][has])
        last_ts = np.where(np.isfinite(latest), latest, np.iinfo(np.int64).min).astype(np.int64)
    return Engagement(user_ids, video_ids, m, ucode, vcode, last_ts, pair_t, pairs["_r"].to_numpy())


def require_interactions(dataset: Dataset) -> None:
    inter = dataset.interactions
    if not dataset.has_interactions and inter is not None:
        # an interactions file was read, but every row of it was rejected: say why
        first = next((p for p in dataset.problems if p.severity != "notice"), None)
        why = f" (first problem: {first.file}: {first.message})" if first else ""
        raise DataError(
            "no usable interactions: every interaction row was skipped" + why,
            file=dataset.source or None,
        )
    if not dataset.has_interactions:
        raise DataError(
            "this dataset has videos only; personas and recommendations need interactions "
            "(an interactions.* file with user_id, video_id, event)",
            file=dataset.source or None,
        )


def video_text(videos: pl.DataFrame) -> list[str]:
    import polars as pl

    return (
        videos.select(
            pl.concat_str(
                [pl.col("title").fill_null(""), pl.col("description").fill_null("")], separator=" "
            )
        )
        .to_series()
        .to_list()
    )


def content(videos: pl.DataFrame, seed: int = 0, progress: Progress | None = None) -> Content:
    """TF-IDF of text and tags per video, and a dense embedding of it."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
    from sklearn.preprocessing import normalize

    from kptui.engine import chargrams
    from kptui.engine.tagparse import normalize_tag

    report = progress or no_progress
    report("reading video text", None)
    n = videos.height
    texts = video_text(videos)
    # TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), min_df, max_df, max_features,
    # sublinear_tf) bit for bit, from the 1-4-gram counts that personas' grams share
    grams, gram_counts = chargrams.counts(texts, 1, 4)
    text_vec = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32
    )
    try:
        names, x_counts = chargrams.prune(
            grams,
            gram_counts,
            lengths=(1, 3),
            min_df=2 if n >= 50 else 1,
            max_df=0.5 if n >= 50 else 1.0,
            max_features=60000,
        )
        tfidf = TfidfTransformer(sublinear_tf=True)
        x_text = tfidf.fit_transform(x_counts)
        text_vec.set_params(vocabulary=names)
        text_vec.idf_ = tfidf.idf_  # fitted: `Content.transform` reads a draft with it
    except ValueError:  # no usable text at all (every title empty)
        text_vec = TfidfVectorizer(analyzer="char", dtype=np.float32).fit(["?"])
        x_text = sp.csr_matrix((n, 1), dtype=np.float32)
    tag_lists = videos["tags"].to_list()
    display: dict[str, str] = {}
    norm_lists = []
    for tags in tag_lists:
        keys = []
        for tag in tags or []:
            key = normalize_tag(tag)
            if key:
                display.setdefault(key, tag)
                keys.append(key)
        norm_lists.append(keys)
    tag_vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float32)
    if display:
        x_tags = tag_vec.fit_transform(norm_lists)
        tag_names = [display[key] for key in tag_vec.get_feature_names_out()]
        tag_matrix = x_tags.tocsc(copy=True)
        tag_matrix.data[:] = 1.0
    else:
        tag_vec.fit([["?"]])
        x_tags = sp.csr_matrix((n, 1), dtype=np.float32)
        tag_names = []
        tag_matrix = sp.csc_matrix((n, 0), dtype=np.float32)
    # Tags are few but deliberate: give them as much say as the whole text.
    features = normalize(sp.hstack([normalize(x_text), normalize(x_tags)], format="csr"))
    report("embedding videos", None)
    dim = min(EMBED_DIM, features.shape[1] - 1, n - 1)
    svd = None
    if dim >= 2:
        svd = TruncatedSVD(n_components=dim, random_state=seed, algorithm="randomized", n_iter=5)
        emb = svd.fit_transform(features)
    else:
        emb = features.toarray()
    emb = normalize(np.asarray(emb, dtype=np.float32))
    return Content(
        features, emb, text_vec, tag_vec, display, svd, tag_names, tag_matrix, grams, gram_counts
    )


def engagement_and_content(
    dataset: Dataset, seed: int = 0, progress: Progress | None = None
) -> tuple[Engagement, Content]:
    """`engagement` and `content`, the inputs both fits share. With a core to spare
    (`kptui.threads.spare_core`) the video text (char n-grams: mostly Python) is read on a
    second thread while the matrix is built (polars and numpy, which release the GIL): the
    same results as one after the other, its peak under the reading's."""
    from concurrent.futures import ThreadPoolExecutor

    from kptui.threads import spare_core

    report = progress or no_progress
    require_interactions(dataset)
    if not spare_core():
        eng = engagement(dataset, progress=report)
        report("video content", 0.1)
        return eng, content(dataset.videos, seed=seed, progress=report)
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(content, dataset.videos, seed=seed)
        eng = engagement(dataset, progress=report)
        report("video content", 0.1)
        return eng, pending.result()


def _identity(tags: list[str]) -> list[str]:
    return tags


def viewer_profiles(matrix: sp.csr_matrix, embedding: np.ndarray) -> np.ndarray:
    """Each viewer as the engagement-weighted mean of their videos' embeddings, L2-normalised."""
    import numpy as np
    from sklearn.preprocessing import normalize

    prof = normalize(matrix, norm="l1") @ embedding
    return normalize(np.asarray(prof, dtype=np.float32))


__all__ = [
    "ENGAGED",
    "EVENT_WEIGHTS",
    "Content",
    "Engagement",
    "content",
    "engagement",
    "engagement_and_content",
    "interaction_weights",
    "require_interactions",
    "viewer_profiles",
]
