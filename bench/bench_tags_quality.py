"""Tag suggestion quality on real data, against three baselines, on three splits.

Protocol: bench/TAGS_PROTOCOL.md. Run from the repo root:

    python bench/bench_tags_quality.py                 # test figures (the README table)
    python bench/bench_tags_quality.py --validation    # the same on validation splits of train
    python bench/bench_tags_quality.py --folds 5       # 5-fold cross-validation inside train
    python bench/bench_tags_quality.py --misses        # also: where the answers are (below)

Data: ../shared/data (or --data-root). Prints P/R/F1@10 per method and split, and the ratio
of our F1@10 to the best baseline's. With `--misses`, a table per split of the answer tags
by kind (reach, topic tags the training part uses by how many videos, tags it never uses,
in the draft's text or not), how many kptui and the best baseline find, and where kptui
ranks the rest among its candidates (11-20, 21-50, further, not a candidate at all): what a
change could still win, and which answers no candidate list of kptui's holds.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kptui.engine import text as tx  # noqa: E402
from kptui.engine.tagindex import TagIndex  # noqa: E402
from kptui.engine.tagmodel import draft_candidates, score  # noqa: E402
from kptui.engine.tagparse import normalize_tag, strip_hashtags  # noqa: E402
from kptui.engine.tags import suggest  # noqa: E402

K = 10
SEED = 0
TEST_SHARE = 0.2
BOOT = 2000  # paired bootstrap resamples of the drafts, for the ratio's interval


@dataclass
class Split:
    name: str
    train: pl.DataFrame
    test: pl.DataFrame  # drafts: title, description (hashtags already removed if needed), truth


# ---------------------------------------------------------------------------- data


def load_videos(path: Path) -> pl.DataFrame:
    from kptui.engine.io import load_dataset

    return load_dataset(path).videos


def random_split(
    videos: pl.DataFrame, seed: int, share: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    n = videos.height
    perm = rng.permutation(n)
    n_test = round(n * share)
    test_idx = np.sort(perm[:n_test])
    mask = np.zeros(n, dtype=bool)
    mask[test_idx] = True
    return videos.filter(pl.Series(~mask)), videos.filter(pl.Series(mask))


def channel_split(
    videos: pl.DataFrame, seed: int, share: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Whole channels go to one side; channels are drawn at random until `share` of videos."""
    rng = np.random.default_rng(seed)
    ch = videos.get_column("channel").fill_null("").to_list()
    channels = sorted(set(ch))
    counts = Counter(ch)
    order = rng.permutation(len(channels))
    target = round(len(ch) * share)
    test_ch: set[str] = set()
    total = 0
    for i in order:
        if total >= target:
            break
        test_ch.add(channels[i])
        total += counts[channels[i]]
    mask = np.array([c in test_ch for c in ch])
    return videos.filter(pl.Series(~mask)), videos.filter(pl.Series(mask))


def random_folds(videos: pl.DataFrame, seed: int, k: int) -> list[np.ndarray]:
    """`k` disjoint test masks of about equal size, videos in random order."""
    perm = np.random.default_rng(seed).permutation(videos.height)
    masks = []
    for part in np.array_split(perm, k):
        mask = np.zeros(videos.height, dtype=bool)
        mask[part] = True
        masks.append(mask)
    return masks


def channel_folds(videos: pl.DataFrame, seed: int, k: int) -> list[np.ndarray]:
    """`k` disjoint test masks of whole channels: channels in random order, each to the fold
    with the fewest videos so far."""
    rng = np.random.default_rng(seed)
    ch = videos.get_column("channel").fill_null("").to_list()
    channels = sorted(set(ch))
    counts = Counter(ch)
    sizes = [0] * k
    fold_of: dict[str, int] = {}
    for i in rng.permutation(len(channels)):
        f = int(np.argmin(sizes))
        fold_of[channels[i]] = f
        sizes[f] += counts[channels[i]]
    fold = np.array([fold_of[c] for c in ch])
    return [fold == f for f in range(k)]


def drafts(test: pl.DataFrame, strip: bool) -> pl.DataFrame:
    """Test videos with at least one tag, as drafts; KuaiRec drafts lose their hashtags."""
    t = test.filter(pl.col("tags").list.len() > 0)
    titles = t.get_column("title").to_list()
    descs = t.get_column("description").to_list()
    if strip:
        titles = [strip_hashtags(x) for x in titles]
        descs = [strip_hashtags(x) for x in descs]
    truth = [
        sorted({normalize_tag(x) for x in tags} - {""}) for tags in t.get_column("tags").to_list()
    ]
    return pl.DataFrame(
        {"title": titles, "description": descs, "truth": truth},
        schema={"title": pl.String, "description": pl.String, "truth": pl.List(pl.String)},
    )


def make_splits(
    data_root: Path, validation: bool, folds: int = 0, only: str | None = None
) -> list[Split]:
    """Test splits; with `validation`, one validation split of each train part (seed 1);
    with `folds`, that many cross-validation folds of each train part (seed 1), named
    `<split>/<fold>`."""
    yt = load_videos(data_root / "youtube")
    kr = load_videos(data_root / "kuairec")
    out = []
    for name, videos, splitter, folder, strip in (
        ("youtube-random", yt, random_split, random_folds, False),
        ("youtube-channel", yt, channel_split, channel_folds, False),
        ("kuairec-random", kr, random_split, random_folds, True),
    ):
        if only and only != name:
            continue
        train, test = splitter(videos, SEED, TEST_SHARE)
        if folds:
            for f, mask in enumerate(folder(train, SEED + 1, folds)):
                keep, held = train.filter(pl.Series(~mask)), train.filter(pl.Series(mask))
                out.append(Split(f"{name}/{f}", keep, drafts(held, strip)))
            continue
        if validation:  # tune on a validation part of train, the same way it was split
            train, test = splitter(train, SEED + 1, TEST_SHARE)
        out.append(Split(name, train, drafts(test, strip)))
    return out


# ---------------------------------------------------------------------------- methods


def _analyzer(seg: tx.Segmenter):
    def analyze(doc: str) -> list[str]:
        cleaned = tx.clean(doc)
        toks = seg.tokens_of_clean(cleaned)
        return [k for k, _, n in tx.phrases(cleaned, toks, 2)]

    return analyze


class Baselines:
    """(a) most frequent tags, (b) top TF-IDF uni+bigrams of the draft, (c) kNN propagation."""

    def __init__(self, train: pl.DataFrame) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        tags = [[normalize_tag(t) for t in ts] for ts in train.get_column("tags").to_list()]
        self.freq = [t for t, _ in Counter(t for ts in tags for t in set(ts) if t).most_common(K)]
        seg = tx.Segmenter(t for ts in train.get_column("tags").to_list() for t in ts)
        docs = [
            f"{a} {b}"
            for a, b in zip(
                train.get_column("title").to_list(),
                train.get_column("description").to_list(),
                strict=True,
            )
        ]
        self.vec = TfidfVectorizer(analyzer=_analyzer(seg), sublinear_tf=True)
        self.x = self.vec.fit_transform(docs)
        self.idf = dict(zip(self.vec.get_feature_names_out(), self.vec.idf_, strict=True))
        self.max_idf = float(max(self.vec.idf_)) if len(self.vec.idf_) else 1.0
        self.analyze = _analyzer(seg)
        self.tags = tags

    def frequent(self, title: str, desc: str) -> list[str]:
        return self.freq

    def tfidf(self, title: str, desc: str) -> list[str]:
        terms = Counter(self.analyze(f"{title} {desc}"))
        scored = sorted(
            terms, key=lambda t: (-(1 + np.log(terms[t])) * self.idf.get(t, self.max_idf), t)
        )
        return [normalize_tag(t) for t in scored[:K]]

    def knn(self, title: str, desc: str) -> list[str]:
        q = self.vec.transform([f"{title} {desc}"])
        sims = (self.x @ q.T).toarray().ravel()
        nz = np.flatnonzero(sims)
        if not nz.size:
            return []
        best = nz[np.argsort(-sims[nz], kind="stable")[:20]]
        score: Counter[str] = Counter()
        for v in best:
            for t in self.tags[v]:
                score[t] += sims[v]
        return [t for t, _ in sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))[:K]]


def prf(pred: list[str], truth: list[str]) -> tuple[float, float, float]:
    seen: list[str] = []
    for p in pred:
        if p and p not in seen:
            seen.append(p)
    hits = len(set(seen[:K]) & set(truth))
    p = hits / K
    r = hits / len(truth) if truth else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(predict, d: pl.DataFrame) -> dict[str, float]:
    """Mean P/R/F1@10 over the drafts, and every draft's F1 (`f1s`, for the bootstrap)."""
    ps, rs, fs = [], [], []
    for title, desc, truth in d.iter_rows():
        p, r, f = prf(predict(title, desc), truth)
        ps.append(p)
        rs.append(r)
        fs.append(f)
    return {
        "P": float(np.mean(ps)),
        "R": float(np.mean(rs)),
        "F1": float(np.mean(fs)),
        "f1s": np.asarray(fs),
    }


def ratio_interval(mine: np.ndarray, base: np.ndarray, seed: int = 0) -> tuple[float, float]:
    """5th and 95th percentiles of F1(mine) / F1(base) over drafts resampled with replacement
    (paired: the same drafts for both), to show how much of a ratio is noise."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(mine), size=(BOOT, len(mine)))
    a, b = mine[idx].mean(axis=1), base[idx].mean(axis=1)
    r = a[b > 0] / b[b > 0]
    return float(np.percentile(r, 5)), float(np.percentile(r, 95))


def ours(index: TagIndex):
    def predict(title: str, desc: str) -> list[str]:
        return [normalize_tag(s.tag) for s in suggest(index, title, desc, K)]

    return predict


# ---------------------------------------------------------------------------- misses

KINDS = ("reach", "topic df 1-4", "topic df 5-19", "topic df 20+", "new, in text", "new")
RANKS = ("top 10", "11-20", "21-50", "51+", "no candidate")


def answer_kind(index: TagIndex, tag: str, text: str) -> str:
    """Which of KINDS an answer tag is, for this index and the draft's text."""
    t = index.tag_id.get(tag)
    if t is None:
        return "new, in text" if tag in text else "new"
    if index.reach[t]:
        return "reach"
    df = int(index.tag_df[t])
    return "topic df 1-4" if df < 5 else "topic df 5-19" if df < 20 else "topic df 20+"


def rank_bucket(rank: int | None) -> str:
    if rank is None:
        return "no candidate"
    return "top 10" if rank < 10 else "11-20" if rank < 20 else "21-50" if rank < 50 else "51+"


def misses(index: TagIndex, d: pl.DataFrame, predict) -> Counter:
    """Answer tags counted by (kind, "answers" | "kptui" | "baseline" | rank bucket): kptui's
    shown top 10, the baseline `predict`'s top 10, and kptui's rank of the answer among all
    its scored candidates, ordered as `suggest` orders them."""
    out: Counter = Counter()
    for title, desc, truth in d.iter_rows():
        cands = draft_candidates(index, title, desc)
        rank: dict[str, int] = {}
        if cands.keys:
            p, _ = score(index.coef, cands)
            own = ~np.asarray(cands.hashtag, dtype=bool)
            order = np.lexsort((np.asarray(cands.display, dtype=object), -p, own))
            rank = {cands.keys[i]: r for r, i in enumerate(order.tolist())}
        shown = {normalize_tag(s.tag) for s in suggest(index, title, desc, K)}
        base = set(predict(title, desc)[:K])
        text = f"{title} {desc}".casefold()
        for tag in truth:
            kind = answer_kind(index, tag, text)
            out[kind, "answers"] += 1
            out[kind, "kptui"] += tag in shown
            out[kind, "baseline"] += tag in base
            out[kind, rank_bucket(rank.get(tag))] += 1
    return out


def print_misses(name: str, counts: Counter, baseline: str) -> None:
    print(
        f"\nwhere {name}'s answers are (kptui's rank among its candidates; best baseline "
        f"{baseline}):"
    )
    print("| answer tags | answers | kptui finds | baseline finds | " + " | ".join(RANKS) + " |")
    print("|---|" + "---|" * (3 + len(RANKS)))
    for kind in (*KINDS, "all"):
        keys = KINDS if kind == "all" else (kind,)
        row = [sum(counts[k, c] for k in keys) for c in ("answers", "kptui", "baseline", *RANKS)]
        if row[0]:
            print(f"| {kind} | " + " | ".join(str(v) for v in row) + " |")


# ---------------------------------------------------------------------------- main


BASELINES = ("frequent", "tfidf", "knn")


def run(splits: list[Split], answers: dict[str, Counter] | None = None) -> dict[str, dict]:
    """Every method on every split; with `answers`, also each split's `misses` counts (folds
    added up under the split's name)."""
    results: dict[str, dict[str, dict]] = {}
    for sp in splits:
        t0 = time.perf_counter()
        index = TagIndex.build(sp.train)
        build_s = time.perf_counter() - t0
        base = Baselines(sp.train)
        res = {
            "frequent": evaluate(base.frequent, sp.test),
            "tfidf": evaluate(base.tfidf, sp.test),
            "knn": evaluate(base.knn, sp.test),
            "ours": evaluate(ours(index), sp.test),
        }
        results[sp.name] = res
        if answers is not None:
            best_m = max(BASELINES, key=lambda m: res[m]["F1"])
            fn = {"frequent": base.frequent, "tfidf": base.tfidf, "knn": base.knn}[best_m]
            answers.setdefault(sp.name.split("/")[0], Counter()).update(misses(index, sp.test, fn))
            answers.setdefault("_best", Counter())[sp.name.split("/")[0], best_m] += 1
        best_name = max(BASELINES, key=lambda m: res[m]["F1"])
        best = res[best_name]["F1"]
        print(
            f"\n{sp.name}: train {sp.train.height} videos, {sp.test.height} drafts, "
            f"index {build_s:.2f} s"
        )
        for m, r in res.items():
            print(f"  {m:9s} P@10 {r['P']:.4f}  R@10 {r['R']:.4f}  F1@10 {r['F1']:.4f}")
        ratio = res["ours"]["F1"] / best if best else float("inf")
        lo, hi = ratio_interval(res["ours"]["f1s"], res[best_name]["f1s"])
        res["ours"]["interval"] = (lo, hi)
        print(
            f"  ratio ours / best baseline ({best_name}): {ratio:.3f}  (goal >= 1.15); "
            f"90% interval {lo:.2f}x-{hi:.2f}x (paired bootstrap over the drafts)"
        )
    return results


def pooled(results: dict[str, dict[str, dict]]) -> dict[str, dict[str, dict]]:
    """Folds `<split>/<k>` pooled per split: every draft of every fold counts once."""
    out: dict[str, dict[str, dict]] = {}
    for name, res in results.items():
        base = name.split("/")[0]
        acc = out.setdefault(base, {m: {"f1s": []} for m in res})
        for m, r in res.items():
            acc[m]["f1s"].append(r["f1s"])
    for acc in out.values():
        for r in acc.values():
            r["f1s"] = np.concatenate(r["f1s"])
            r["F1"] = float(r["f1s"].mean())
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data-root", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--validation", action="store_true", help="validation split of train, not test")
    ap.add_argument(
        "--folds", type=int, default=0, help="k-fold cross-validation inside train (tuning)"
    )
    ap.add_argument("--only", help="one split: youtube-random, youtube-channel, kuairec-random")
    ap.add_argument("--misses", action="store_true", help="where the answer tags are (slower)")
    args = ap.parse_args()
    splits = make_splits(args.data_root, args.validation, args.folds, args.only)
    answers: dict[str, Counter] | None = {} if args.misses else None
    results = run(splits, answers)
    if args.folds:
        results = pooled(results)
    print("\n| split | most frequent | TF-IDF terms | kNN (20) | kptui | ratio | 90% interval |")
    print("|---|---|---|---|---|---|---|")
    for name, res in results.items():
        best_name = max(BASELINES, key=lambda m: res[m]["F1"])
        f1 = {m: r["F1"] for m, r in res.items()}
        lo, hi = ratio_interval(res["ours"]["f1s"], res[best_name]["f1s"])
        print(
            f"| {name} | {f1['frequent']:.4f} | {f1['tfidf']:.4f} | {f1['knn']:.4f} "
            f"| **{f1['ours']:.4f}** | {f1['ours'] / f1[best_name]:.2f}x | {lo:.2f}x-{hi:.2f}x |"
        )
    for name, counts in (answers or {}).items():
        if name != "_best":
            best = [m for (n, m), c in answers["_best"].most_common() if n == name]
            print_misses(name, counts, "/".join(sorted(set(best))))


if __name__ == "__main__":
    main()
