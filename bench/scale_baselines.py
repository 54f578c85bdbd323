"""The two pipelines bench/bench_scale.py runs next to kptui: a strong hand-written script and
a naive one. Each reads a `kptui data sample`-shaped folder (videos.csv, interactions.csv),
finds viewer groups and writes every viewer's top 10 to OUT (CSV user_id,rank,video_id).

    python bench/scale_baselines.py strong|naive DATA OUT

strong: what a good data scientist writes in 40 lines: polars read of three columns, event
  weights aggregated per (viewer, video) in polars, a scipy sparse matrix, EASE on the 4,000
  most-watched videos (float32 Gram matrix, `scipy.linalg.inv`), k-means (fixed k=8, one
  init) on 64 TruncatedSVD factors of the row-normalised matrix, top 10 per viewer in blocks
  of 4,096 with `argpartition`. No validation, no cards, no labels, no reasons.
naive: what a tutorial does: pandas read, a Python dict of each viewer's videos, item-item
  cosine similarity, k-means for k = 3..12 on SVD factors chosen by silhouette (on 10,000
  viewers), then a Python loop over viewers that sums similarities and sorts all videos.
"""

from __future__ import annotations

import sys

WEIGHTS = {"view": 1.0, "like": 2.0, "comment": 3.0, "share": 4.0, "follow": 4.0, "purchase": 6.0}


def strong(data: str, out: str) -> None:
    import numpy as np
    import polars as pl
    import scipy.linalg as la
    import scipy.sparse as sp
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    it = pl.scan_csv(f"{data}/interactions.csv", schema_overrides={"user_id": pl.String})
    pairs = (
        it.select("user_id", "video_id", pl.col("event").replace_strict(WEIGHTS, default=1.0))
        .group_by("user_id", "video_id")
        .agg(pl.col("event").sum().log1p().alias("w"))
        .with_columns(
            (pl.col("user_id").rank("dense") - 1).alias("u"),
            (pl.col("video_id").rank("dense") - 1).alias("v"),
        )
        .collect()
    )
    u, v = pairs["u"].to_numpy(), pairs["v"].to_numpy()
    n_u, n_v = int(u.max()) + 1, int(v.max()) + 1
    x = sp.csr_matrix((pairs["w"].to_numpy().astype(np.float32), (u, v)), shape=(n_u, n_v))
    video_ids = pairs.select("v", "video_id").unique("v").sort("v")["video_id"]
    binary = x.copy()
    binary.data[:] = 1.0
    counts = np.asarray(binary.sum(axis=0)).ravel()
    cf = np.sort(np.argsort(-counts)[:4000])
    xb = binary[:, cf].tocsc().tocsr()
    gram = (xb.T @ xb).toarray().astype(np.float32)
    gram[np.diag_indices_from(gram)] += 300.0
    p = la.inv(gram, check_finite=False)
    b = (-p / np.diag(p)[None, :]).astype(np.float32)
    np.fill_diagonal(b, 0.0)
    factors = TruncatedSVD(64, random_state=0).fit_transform(normalize(x, norm="l1"))
    KMeans(8, n_init=1, random_state=0).fit(normalize(factors))
    items = []
    for start in range(0, n_u, 4096):
        block = xb[start : start + 4096]
        scores = np.asarray(block @ b)
        r, c = block.nonzero()
        scores[r, c] = -np.inf
        top = np.argpartition(scores, -10, axis=1)[:, -10:]
        order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1)
        items.append(cf[np.take_along_axis(top, order, axis=1)])
    idx = np.vstack(items)
    user_ids = pairs.select("u", "user_id").unique("u").sort("u")["user_id"]
    pl.DataFrame(
        {
            "user_id": user_ids.gather(np.repeat(np.arange(n_u), 10)),
            "rank": np.tile(np.arange(1, 11), n_u),
            "video_id": video_ids.gather(idx.ravel()),
        }
    ).write_csv(out)


def naive(data: str, out: str) -> None:
    import csv

    import numpy as np
    import pandas as pd
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.metrics import silhouette_score
    from sklearn.metrics.pairwise import cosine_similarity

    it = pd.read_csv(f"{data}/interactions.csv", dtype={"user_id": str, "video_id": str})
    it["w"] = it["event"].map(WEIGHTS).fillna(1.0)
    agg = it.groupby(["user_id", "video_id"], as_index=False)["w"].sum()
    users = sorted(agg["user_id"].unique())
    videos = sorted(agg["video_id"].unique())
    uix = {x: i for i, x in enumerate(users)}
    vix = {x: i for i, x in enumerate(videos)}
    history: dict[int, list[int]] = {}
    import scipy.sparse as sp

    rows = [uix[x] for x in agg["user_id"]]
    cols = [vix[x] for x in agg["video_id"]]
    for r, c in zip(rows, cols, strict=True):
        history.setdefault(r, []).append(c)
    x = sp.csr_matrix((np.log1p(agg["w"].to_numpy()), (rows, cols)))
    sim = cosine_similarity(x.T, dense_output=True)
    np.fill_diagonal(sim, 0.0)
    factors = TruncatedSVD(64, random_state=0).fit_transform(x)
    sample = np.random.default_rng(0).choice(len(users), min(10_000, len(users)), replace=False)
    best = None
    for k in range(3, 13):
        km = KMeans(k, n_init=10, random_state=0).fit(factors)
        score = silhouette_score(factors[sample], km.labels_[sample])
        if best is None or score > best[0]:
            best = (score, k)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["user_id", "rank", "video_id"])
        for u, user in enumerate(users):
            seen = history[u]
            scores = sim[seen].sum(axis=0)
            scores[seen] = -np.inf
            for rank, v in enumerate(np.argsort(-scores)[:10], start=1):
                writer.writerow([user, rank, videos[v]])


if __name__ == "__main__":
    {"strong": strong, "naive": naive}[sys.argv[1]](sys.argv[2], sys.argv[3])
