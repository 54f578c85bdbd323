"""Recommendation quality on real interactions (and the sample), against strong baselines.

Protocol (all in one process, same split and same matrix for every method):
- data: `bench/realdata.py` (MovieLens small, Beer Stack Exchange, the bundled sample);
- leave-last-out by time: each viewer's latest video is the test item; the validation split
  is cut the same way from the training part. Every baseline picks its hyper-parameters on
  validation (grid below), is refitted on the whole training part and scored on test.
  kptui runs with its shipped constants (chosen on the validation splits of both real sets);
- every method ranks every video the viewer has not seen in training; ties count half;
- HR@10, NDCG@10, coverage (share of all videos that appear in some top-10 list) and
  fit + predict seconds.
Baselines: popularity, TruncatedSVD (PureSVD scoring x V Vᵀ on the binary matrix), implicit
ALS (`implicit` package, CPU), plain EASE (Steck 2019, videos with >= 2 viewers) and item-kNN
(cosine, top-k neighbours). kptui per viewer (`Recommender.viewer_scores`) and per persona
(each viewer gets a persona's list as it stood at the viewer's latest training moment,
`viewer_persona_rows`: the list a creator would have pushed to that persona then; the
persona is the viewer's own, or the one their latest videos are nearest where the tuner
found that pays, `Blend.persona_now`); for comparison,
"persona, at the end": the lists as of the data's end (what the app shows now) served to
every viewer, however long ago they were last active.
Goals (issue 14): per viewer >= 1.3x HR@10 of the best baseline, per persona >= 1.5x
popularity, on both real sets. Each ratio is printed with its 90% interval over the test
viewers resampled with replacement (paired): a few hundred held-out videos move a ratio
by tenths, so a ratio is read with its interval.

`--val-folds N` also cuts N-1 earlier leave-last-out folds from the training part (each
viewer's second latest video, third latest...: validation only, never the test item) and
prints the validation ratios pooled over the N folds (every baseline with the settings it
picked on the first): N times the held-out videos, so a steadier read of a change than
the one test split.

Usage: python bench/bench_recommend_real.py [--only movielens|beer|sample|PATH] [--no-val]
                                            [--val-folds N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # implicit asks for it; numpy is fine
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import polars as pl
import realdata

from kptui.engine import profiles
from kptui.engine.personas import fit_personas
from kptui.engine.recommend import ease, fit_recommender
from kptui.engine.types import Dataset

TOP = 10
LAST_HITS: list[np.ndarray] = []
BOOT = 2000  # paired bootstrap resamples of the test viewers, for the ratios' interval


def ratio_interval(mine: np.ndarray, base: np.ndarray, seed: int = 0) -> tuple[float, float]:
    """5th and 95th percentiles of HR(mine) / HR(base) over viewers resampled with
    replacement (paired: the same viewers for both), to show how much of a ratio is noise."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(mine), size=(BOOT, len(mine)))
    a, b = mine[idx].mean(axis=1), base[idx].mean(axis=1)
    r = a[b > 0] / b[b > 0]
    return float(np.percentile(r, 5)), float(np.percentile(r, 95))


Scorer = Callable[[object], np.ndarray]  # rows of the train matrix -> scores (n x videos)
GRIDS: dict[str, list[dict]] = {
    "popularity": [{}],
    "TruncatedSVD": [{"rank": r} for r in (16, 32, 64, 128)],
    "ALS (implicit)": [
        {"factors": f, "reg": r, "alpha": a} for f in (32, 64) for r in (0.1, 1.0) for a in (1, 10)
    ],
    "EASE": [{"lam": x} for x in (50.0, 200.0, 500.0, 1500.0)],
    "item-kNN": [{"k": x} for x in (20, 100, 400)],
}


def binary_of(matrix):
    b = matrix.copy().astype(np.float32)
    b.data[:] = 1.0
    return b


def fit_baseline(name: str, params: dict, eng) -> Scorer:
    import scipy.sparse as sp

    x = binary_of(eng.matrix)
    if name == "popularity":
        pop = np.asarray(x.sum(axis=0)).ravel().astype(np.float32)
        return lambda rows: np.tile(pop, (rows.shape[0], 1))
    if name == "TruncatedSVD":
        from sklearn.decomposition import TruncatedSVD

        rank = min(params["rank"], min(x.shape) - 1)
        v = TruncatedSVD(rank, random_state=0).fit(x).components_.astype(np.float32)
        return lambda rows: np.asarray((binary_of(rows) @ v.T) @ v)
    if name == "ALS (implicit)":
        from implicit.cpu.als import AlternatingLeastSquares

        model = AlternatingLeastSquares(
            factors=params["factors"],
            regularization=params["reg"],
            alpha=float(params["alpha"]),
            iterations=15,
            random_state=0,
            num_threads=2,
        )
        model.fit(x.tocsr(), show_progress=False)
        items = np.asarray(model.item_factors)

        def score(rows):
            users = np.asarray(model.recalculate_user(np.arange(rows.shape[0]), binary_of(rows)))
            return users @ items.T

        return score
    if name == "EASE":
        counts = np.asarray(x.sum(axis=0)).ravel()
        cols = np.flatnonzero(counts >= 2)
        b = ease(x.tocsc()[:, cols].tocsr(), params["lam"])

        def score(rows):
            out = np.zeros((rows.shape[0], x.shape[1]), dtype=np.float32)
            out[:, cols] = np.asarray(binary_of(rows)[:, cols] @ b)
            return out

        return score
    if name == "item-kNN":
        from sklearn.preprocessing import normalize

        xn = normalize(x.tocsc(), axis=0)
        sim = np.asarray((xn.T @ xn).todense(), dtype=np.float32)
        np.fill_diagonal(sim, 0.0)
        k = min(params["k"], sim.shape[0] - 1)
        if k < sim.shape[0] - 1:
            cut = np.partition(sim, sim.shape[0] - k, axis=0)[sim.shape[0] - k]
            sim[sim < cut[None, :]] = 0.0
        s = sp.csr_matrix(sim)
        return lambda rows: np.asarray((binary_of(rows) @ s).todense())
    raise ValueError(name)


def metrics(score: Scorer, x, target: np.ndarray) -> tuple[float, float, float]:
    """HR@10, NDCG@10 and coverage of scores for the rows of `x` (seen videos excluded);
    each viewer's hit (0 or 1) is kept in `LAST_HITS`."""
    hits, gains, shown = [], [], set()
    for start in range(0, x.shape[0], 1024):
        rows = x[start : start + 1024]
        s = np.array(score(rows), dtype=np.float64)
        r, c = rows.nonzero()
        s[r, c] = -np.inf
        t = target[start : start + 1024]
        tgt = s[np.arange(len(t)), t]
        rank = (s > tgt[:, None]).sum(axis=1) + 0.5 * ((s == tgt[:, None]).sum(axis=1) - 1)
        hit = rank < TOP
        hits.append(hit)
        gains.append(np.where(hit, 1.0 / np.log2(np.floor(rank) + 2), 0.0))
        part = np.argpartition(-s, TOP, axis=1)[:, :TOP]
        shown.update(np.unique(part).tolist())
    LAST_HITS[:] = [np.concatenate(hits).astype(np.float64)]
    return (
        float(np.concatenate(hits).mean()),
        float(np.concatenate(gains).mean()),
        len(shown) / x.shape[1],
    )


class Case:
    """One train/holdout pair with everything shared across methods built once."""

    def __init__(self, train: Dataset, holdout: pl.DataFrame):
        self.train = train
        t0 = time.perf_counter()
        self.eng = profiles.engagement(train)
        self.eng_s = time.perf_counter() - t0
        uidx = self.eng.user_index()
        vidx = {v: i for i, v in enumerate(self.eng.video_ids)}
        keep = holdout.filter(pl.col("user_id").is_in(list(uidx)))
        self.rows = np.array([uidx[u] for u in keep["user_id"].to_list()], dtype=np.int64)
        self.target = np.array([vidx[v] for v in keep["test"].to_list()], dtype=np.int64)
        self.x = self.eng.matrix[self.rows]
        self.hits: dict[str, np.ndarray] = {}  # method -> per-viewer hits (latest run)

    def baseline(self, name: str, params: dict) -> tuple[float, float, float, float]:
        t0 = time.perf_counter()
        scorer = fit_baseline(name, params, self.eng)
        hr, ndcg, cov = metrics(scorer, self.x, self.target)
        self.hits[name] = LAST_HITS[0]
        return hr, ndcg, cov, time.perf_counter() - t0 + self.eng_s

    def kptui(self) -> dict[str, tuple[float, float, float, float]]:
        t0 = time.perf_counter()
        cont = profiles.content(self.train.videos)
        personas = fit_personas(self.train, eng=self.eng, cont=cont)
        rec = fit_recommender(self.train, personas, eng=self.eng, cont=cont)
        fit_s = time.perf_counter() - t0 + self.eng_s
        t1 = time.perf_counter()
        starts = iter(range(0, len(self.rows), 1024))

        def viewer_score(rows):
            start = next(starts)
            return rec.viewer_scores(self.rows[start : start + rows.shape[0]])

        viewer = metrics(viewer_score, self.x, self.target)
        self.hits["kptui per viewer"] = LAST_HITS[0]
        self.blend = rec.blend
        viewer_s = fit_s + time.perf_counter() - t1
        t1 = time.perf_counter()
        labels = personas.labels
        rows_iter = iter(range(0, len(self.rows), 1024))

        def persona_score(rows):
            start = next(rows_iter)
            return rec.viewer_persona_rows(self.rows[start : start + rows.shape[0]])

        persona = metrics(persona_score, self.x, self.target)
        self.hits["kptui per persona"] = LAST_HITS[0]
        persona_s = fit_s + time.perf_counter() - t1
        # The same lists frozen at the data's end ("now", what the app shows), served to
        # every viewer however long ago they were last active: for comparison only.
        now = rec.persona_scores()
        now_iter = iter(range(0, len(self.rows), 1024))

        def static_score(rows):
            start = next(now_iter)
            return now[labels[self.rows[start : start + rows.shape[0]]]]

        frozen = metrics(static_score, self.x, self.target)
        self.k = personas.k
        return {
            "kptui per viewer": (*viewer, viewer_s),
            "kptui per persona": (*persona, persona_s),
            "persona, at the end": (*frozen, persona_s),
        }


def pooled(folds: list[Case], table: dict) -> None:
    """Validation ratios pooled over `folds` (see the module docstring)."""
    hits: dict[str, list[np.ndarray]] = {}
    for case in folds:
        for method in GRIDS:
            case.baseline(method, table[method]["params"])
            hits.setdefault(method, []).append(case.hits[method])
        case.kptui()
        for mine in ("kptui per viewer", "kptui per persona"):
            hits.setdefault(mine, []).append(case.hits[mine])
    hr = {m: float(np.concatenate(h).mean()) for m, h in hits.items()}
    best = max(GRIDS, key=lambda m: hr[m])
    per_fold = " ".join(
        f"{a.mean() / max(b.mean(), 1e-12):.2f}x"
        for a, b in zip(hits["kptui per persona"], hits["popularity"], strict=True)
    )
    print(
        f"validation, {len(folds)} folds pooled ({sum(len(c.rows) for c in folds):,} held-out "
        f"videos): kptui per viewer {hr['kptui per viewer'] / hr[best]:.2f}x {best}, "
        f"per persona {hr['kptui per persona'] / hr['popularity']:.2f}x popularity "
        f"(per fold {per_fold})"
    )


def run(name: str, validate: bool, val_folds: int = 1) -> dict:
    data = realdata.load(name)
    train, test = realdata.leave_last_out(data)
    val_case = Case(*realdata.leave_last_out(train)) if validate else None
    test_case = Case(train, test)
    n_users = data.interactions["user_id"].n_unique()
    print(
        f"\n== {name}: {n_users:,} viewers, {data.videos.height:,} videos, "
        f"{data.interactions.height:,} interactions; test viewers {len(test_case.rows):,}"
        + (f", validation viewers {len(val_case.rows):,}" if val_case else "")
    )
    table: dict[str, dict] = {}
    for method, grid in GRIDS.items():
        best, best_hr = grid[0], None
        if val_case is not None and len(grid) > 1:
            for params in grid:
                hr = val_case.baseline(method, params)[0]
                if best_hr is None or hr > best_hr:
                    best, best_hr = params, hr
        elif val_case is not None:
            best_hr = val_case.baseline(method, best)[0]
        hr, ndcg, cov, secs = test_case.baseline(method, best)
        table[method] = dict(params=best, val=best_hr, hr=hr, ndcg=ndcg, cov=cov, secs=secs)
    kval = val_case.kptui() if val_case is not None else {}
    for method, (hr, ndcg, cov, secs) in test_case.kptui().items():
        val = kval.get(method, (None,))[0]
        table[method] = dict(params={}, val=val, hr=hr, ndcg=ndcg, cov=cov, secs=secs)
    best_base = max(table[m]["hr"] for m in GRIDS)
    best_val = max((table[m]["val"] or 0.0) for m in GRIDS) if val_case else None
    pop, pop_val = table["popularity"]["hr"], table["popularity"]["val"]
    print(f"personas: k={test_case.k}; kptui blend (tuned on training): {test_case.blend}")
    print(
        f"{'method':<19}{'params':<32}{'val HR':>8}{'HR@10':>8}{'NDCG@10':>9}"
        f"{'cover':>7}{'secs':>7}{'ratio':>8}{'val ratio':>10}"
    )
    for method, row in table.items():
        params = ",".join(f"{k}={v}" for k, v in row["params"].items())
        val = f"{row['val']:.4f}" if row["val"] is not None else "-"
        ratio = vratio = ""
        if method == "kptui per viewer":
            ratio = f"{row['hr'] / best_base:.2f}x"
            vratio = f"{row['val'] / best_val:.2f}x" if best_val else ""
        elif method in ("kptui per persona", "persona, at the end"):
            ratio = f"{row['hr'] / pop:.2f}x"
            vratio = f"{row['val'] / pop_val:.2f}x" if pop_val else ""
        print(
            f"{method:<19}{params:<32}{val:>8}{row['hr']:>8.4f}{row['ndcg']:>9.4f}"
            f"{row['cov']:>7.3f}{row['secs']:>7.2f}{ratio:>8}{vratio:>10}"
        )
    best_name = max(GRIDS, key=lambda m: table[m]["hr"])
    hits = test_case.hits
    for mine, base in (("kptui per viewer", best_name), ("kptui per persona", "popularity")):
        lo, hi = ratio_interval(hits[mine], hits[base])
        print(
            f"{mine} / {base}: {table[mine]['hr'] / max(table[base]['hr'], 1e-12):.2f}x, "
            f"90% interval {lo:.2f}x-{hi:.2f}x (paired bootstrap over the "
            f"{len(test_case.rows):,} test viewers)"
        )
        table[mine]["interval"] = (lo, hi)
    if val_case is not None and val_folds > 1:
        folds, part = [val_case], train
        for _ in range(val_folds - 1):
            part, _held = realdata.leave_last_out(part)
            folds.append(Case(*realdata.leave_last_out(part)))
        pooled(folds, table)
    return table


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--only",
        metavar="NAME|PATH",
        help=f"one of {', '.join(realdata.NAMES)}, or the path of a dataset kptui reads "
        "(videos + timed interactions: a held-out set)",
    )
    ap.add_argument("--no-val", action="store_true", help="skip validation (baseline defaults)")
    ap.add_argument("--val-folds", type=int, default=1, help="validation folds to pool")
    args = ap.parse_args()
    for name in [args.only] if args.only else realdata.NAMES:
        run(name, validate=not args.no_val, val_folds=max(1, args.val_folds))


if __name__ == "__main__":
    main()
