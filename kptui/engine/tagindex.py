"""The corpus side of tag suggestion: everything about a dataset's tags, computed once.

`TagIndex.build(videos)` reads titles, descriptions and tags and keeps:
- the tag vocabulary (merge key -> the spelling the corpus uses most, how many videos use it);
- a TF-IDF matrix of the videos' words and two-word phrases (to find similar videos);
- which videos carry which tags, and how well each video did (views percentile, if known);
- tag co-occurrence (how often tag j appears on videos tagged i);
- for every phrase seen in the corpus text, how often a video whose text holds it also has it
  as a tag ("extraction rate"), plus a rate for phrases the corpus never wrote;
- each tag's *kind* (`reach_lift`): how much more often a video's nearest neighbours by text
  carry the tag than videos at large do. A topic tag (美食, python) clusters with the words
  that go with it (lift 5-40); a platform-wide tag that creators add to anything
  (感谢快手我要上热门, 作品推广) does not (lift about 1): text says nothing about it, so it is a
  `reach` tag, shown apart and never used to pull in tags that co-occur with it.

It is saved with numpy `.npz` and JSON (never pickle) under
`cache_dir()/tags/<fingerprint>/` and read back in a fraction of the build time.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kptui.engine import text as tx
from kptui.engine.tagparse import hashtags, normalize_tag, strip_hashtags
from kptui.engine.tagterms import MAX_PHRASE, TITLE_WEIGHT, draft_terms

if TYPE_CHECKING:
    import numpy as np
    import polars as pl

# Bump FORMAT when the meaning of a saved field changes; the schema key below also changes by
# itself when the feature list, the array set or a model parameter changes, so a cache written
# by another build of the code is never read as if it were this one's.
FORMAT = 5
# Long descriptions (YouTube's link lists, 100 KB pastes) add time, not signal.
TITLE_CAP = 500
DESC_CAP = 600
FIT_DRAFTS = 300  # corpus videos used as drafts to fit the evidence weights
# Videos an index is built from: a bigger export is sampled (tagged videos first, at random,
# seed 0) before any text is read. Build time is linear in the videos read (about 1.5 s per
# 10,000 on 2 cores, nearly all of it segmenting text), and 1.5M videos took 60+ s and 10 GB;
# 10,000 is the size the speed budget is set at (bench_tags_speed.py), and the evidence a
# draft needs (its neighbours, phrase rates, tags with a few dozen videos) is there at 10,000.
MAX_VIDEOS = 10_000
MIN_FIT_DRAFTS = 30
# A tag is `reach` when the text does not predict it: its videos' 10 nearest neighbours (text
# only, hashtags and mentions left out) carry it at most REACH_LIFT times as often as videos
# at large, measured on up to REACH_QUERIES videos, for tags on >= REACH_MIN_DF videos (and
# >= 1% of the tagged ones): fewer say too little. Chosen on the three corpora's lists
# (bench/TAGS_PROTOCOL.md): KuaiRec's promote-me tags sit at 0.9-3.4, its topics at 7-40.
REACH_NEIGHBOURS = 10
REACH_QUERIES = 1000
REACH_MIN_DF = 10
REACH_LIFT = 3.5

Progress = Callable[[str, float | None], None]

# What `save` writes to index.npz: name -> number of dimensions.
ARRAYS: dict[str, int] = {
    "tag_df": 1,
    "idf": 1,
    "xt_indptr": 1,
    "xt_indices": 1,
    "xt_data": 1,
    "y_indptr": 1,
    "y_indices": 1,
    "quality": 1,
    "co_indptr": 1,
    "co_indices": 1,
    "co_data": 1,
    "coef": 1,
    "phrase_counts": 2,
    "reach_lift": 1,
}
META_KEYS = frozenset(
    {"schema", "fingerprint", "n_videos", "n_source", "tag_keys", "tag_display", "terms",
     "phrase_keys", "novel_rate"}
)  # fmt: skip


def schema_key() -> str:
    """A short hash of everything a cached index must agree with to be read back."""
    import hashlib

    from kptui.engine import tagmodel
    from kptui.engine import text as tx

    params = {
        "stop_words": hashlib.sha1(" ".join(sorted(tx.STOP_WORDS)).encode()).hexdigest(),
        "format": FORMAT,
        "features": list(tagmodel.FEATURES),
        "n_coef": tagmodel.n_coef(),
        "arrays": ARRAYS,
        "meta": sorted(META_KEYS),
        "index": [
            TITLE_CAP,
            DESC_CAP,
            MAX_PHRASE,
            TITLE_WEIGHT,
            FIT_DRAFTS,
            MIN_FIT_DRAFTS,
            MAX_VIDEOS,
        ],
        "reach": [REACH_NEIGHBOURS, REACH_QUERIES, REACH_MIN_DF, REACH_LIFT],
        "model": tagmodel.model_params(),
    }
    blob = json.dumps(params, sort_keys=True, ensure_ascii=True).encode()
    return f"{FORMAT}-{hashlib.sha1(blob).hexdigest()[:12]}"


@dataclass
class TagIndex:
    """Read-only after build; `suggest` in `kptui.engine.tags` uses it."""

    fingerprint: str
    n_videos: int
    tag_keys: list[str]
    tag_display: list[str]
    tag_df: np.ndarray  # videos carrying each tag
    terms: dict[str, int]  # similarity vocabulary: term -> column
    idf: np.ndarray
    xt_indptr: np.ndarray  # term -> videos postings of the l2-normalised TF-IDF matrix
    xt_indices: np.ndarray
    xt_data: np.ndarray
    y_indptr: np.ndarray  # video -> tag ids
    y_indices: np.ndarray
    quality: np.ndarray  # per-video weight from how well it did (1.0 without metrics)
    co_indptr: np.ndarray  # tag -> co-occurring tags, with the count of videos carrying both
    co_indices: np.ndarray
    co_data: np.ndarray
    # phrase key -> (tagged videos whose text has it, of those tagged with it); every video
    # when the corpus has no tags
    phrase_df: dict[str, tuple[int, int]]
    novel_rate: dict[str, float]  # "title:1", "desc:2"... -> tag rate of phrases seen once
    coef: np.ndarray | None = None  # fitted evidence weights (None: tagmodel.DEFAULT_COEF)
    reach_lift: np.ndarray | None = None  # per tag (see the module docstring); -1: not measured
    tag_id: dict[str, int] = field(default_factory=dict)
    segmenter: tx.Segmenter | None = None
    popular: np.ndarray | None = None  # tag ids, most used first
    n_source: int = 0  # videos in the export (more than n_videos when it was sampled)

    def __post_init__(self) -> None:
        import numpy as np

        if not self.tag_id:
            self.tag_id = {k: i for i, k in enumerate(self.tag_keys)}
        if self.segmenter is None:
            self.segmenter = tx.Segmenter(self.tag_display)
        if self.popular is None:
            self.popular = np.argsort(-self.tag_df, kind="stable")[:100]
        if self.coef is None:
            from kptui.engine.tagmodel import default_coef

            self.coef = default_coef(bool(self.tag_keys))
        if self.reach_lift is None:
            self.reach_lift = np.full(len(self.tag_keys), -1.0, dtype=np.float32)
        self.reach = (self.reach_lift >= 0) & (self.reach_lift <= REACH_LIFT)

    def kind(self, key: str) -> str:
        """`reach` for a platform-wide tag the text does not predict, else `topic`."""
        t = self.tag_id.get(key)
        return "reach" if t is not None and bool(self.reach[t]) else "topic"

    @property
    def tags(self) -> list[str]:
        """Every tag the corpus uses, as it writes them."""
        return self.tag_display

    @property
    def has_tags(self) -> bool:
        return bool(self.tag_keys)

    @property
    def n_counted(self) -> int:
        """Videos the phrase statistics count: the tagged ones, or all when none is."""
        return self.n_tagged if self.has_tags else self.n_videos

    @property
    def n_tagged(self) -> int:
        import numpy as np

        return int(np.count_nonzero(np.diff(self.y_indptr)))

    # ------------------------------------------------------------------ build

    @classmethod
    def build(
        cls, videos: pl.DataFrame, fingerprint: str = "", progress: Progress | None = None
    ) -> TagIndex:
        import numpy as np

        report = progress or (lambda stage, fraction=None: None)
        report("reading tags", 0.0)
        n_source = videos.height
        videos = _capped(videos, MAX_VIDEOS)
        titles = _column(videos, "title")
        descs = _column(videos, "description")
        tag_lists = (
            videos.get_column("tags").to_list() if "tags" in videos.columns else [[]] * len(titles)
        )
        n = len(titles)

        # Tag vocabulary: one entry per merge key, shown as the corpus writes it most often.
        spellings: dict[str, Counter[str]] = {}
        video_tags: list[list[int]] = []
        tag_id: dict[str, int] = {}
        for tags in tag_lists:
            ids: list[int] = []
            for tag in tags or ():
                key = normalize_tag(tag)
                if not key:
                    continue
                spellings.setdefault(key, Counter())[tag.strip().lstrip("#＃").strip()] += 1
                tid = tag_id.setdefault(key, len(tag_id))
                if tid not in ids:
                    ids.append(tid)
            video_tags.append(ids)
        tag_keys = list(tag_id)
        tag_display = [spellings[k].most_common(1)[0][0] for k in tag_keys]
        y_indptr = np.zeros(n + 1, dtype=np.int64)
        y_indptr[1:] = np.cumsum([len(t) for t in video_tags])
        y_indices = np.fromiter((t for ts in video_tags for t in ts), dtype=np.int32)
        tag_df = np.bincount(y_indices, minlength=len(tag_keys)).astype(np.int32)

        report("segmenting text", 0.15)
        seg = tx.Segmenter(tag_display)
        rng = np.random.default_rng(0)
        tagged_ids = np.flatnonzero(np.diff(y_indptr) > 0)
        fit_ids = set(rng.permutation(tagged_ids)[:FIT_DRAFTS].tolist())
        fit_phrases: dict[int, set[str]] = {}
        doc_terms: list[dict[str, float]] = []
        text_terms: list[set[str]] = []
        phrase_counts: dict[str, list[Any]] = {}
        tag_terms: dict[str, list[str]] = {}  # hashtag -> its similarity terms
        # Drafts are written to be tagged, so a phrase's tag rate and a draft's neighbours come
        # from the videos that carry tags; an untagged video (43% of the KuaiRec captions)
        # would only dilute both. A corpus without any tags counts every video.
        counted = [bool(ts) for ts in video_tags] if tag_keys else [True] * n
        for i in range(n):
            tagset = {tag_keys[t] for t in video_tags[i]}
            terms: dict[str, float] = {}
            seen: dict[str, str] = {}
            words: set[str] = set()  # the text's own terms, for the tags' kind
            for where, chunk, w in (
                ("title", titles[i][:TITLE_CAP], TITLE_WEIGHT),
                ("desc", descs[i][:DESC_CAP], 1.0),
            ):
                if not chunk:
                    continue
                for tag in hashtags(chunk):  # hashtag words still make videos similar
                    keys = tag_terms.get(tag)
                    if keys is None:  # the same few hashtags come back on video after video
                        keys = tag_terms[tag] = draft_terms(seg, tag)
                    for key in keys:
                        terms[key] = terms.get(key, 0.0) + w
                for name in tx.mentions(chunk):  # `@快手母婴` says a lot about a Kuaishou video
                    key = "@" + normalize_tag(name)
                    terms[key] = terms.get(key, 0.0) + w
                    seen.setdefault(key, "mention")
                cleaned = tx.clean(strip_hashtags(chunk))
                toks = seg.tokens_of_clean(cleaned)
                for key, _, size in tx.phrases(cleaned, toks, MAX_PHRASE):
                    if size <= 2:
                        terms[key] = terms.get(key, 0.0) + w
                        words.add(key)
                    if key not in seen:
                        seen[key] = f"{where}:{min(size, 3)}"
            # phrase statistics: does a video whose (hashtag-free) text has it carry it as a tag?
            for key, where in seen.items() if counted[i] else ():
                is_tag = (key[1:] if where == "mention" else key) in tagset
                entry = phrase_counts.get(key)
                if entry is None:
                    phrase_counts[key] = [1, int(is_tag), where]
                else:
                    entry[0] += 1
                    entry[1] += int(is_tag)
            if i in fit_ids:
                fit_phrases[i] = set(seen)
            doc_terms.append(terms)
            text_terms.append(words if counted[i] and video_tags[i] else set())
            if progress and i % 2000 == 0:
                report("segmenting text", 0.15 + 0.5 * i / max(n, 1))

        # Rates for phrases the corpus wrote once: the best guess for a draft's new phrases.
        novel_hits: Counter[str] = Counter()
        novel_all: Counter[str] = Counter()
        for cnt, hit, where in phrase_counts.values():
            if cnt == 1:
                novel_all[where] += 1
                novel_hits[where] += hit
        novel_rate = {k: (novel_hits[k] + 0.1) / (novel_all[k] + 1.0) for k in novel_all}
        # A phrase seen once and never a tag is what the novel rate already says: not kept.
        phrase_df = {k: (v[0], v[1]) for k, v in phrase_counts.items() if v[0] > 1 or v[1] > 0}

        report("weighting terms", 0.65)
        terms_vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for i, terms in enumerate(doc_terms):
            for term, tf in terms.items():
                col = terms_vocab.setdefault(term, len(terms_vocab))
                rows.append(i)
                cols.append(col)
                vals.append(tf)
        rows_a = np.asarray(rows, dtype=np.int32)
        cols_a = np.asarray(cols, dtype=np.int32)
        tf_a = np.asarray(vals, dtype=np.float32)
        df = np.bincount(cols_a, minlength=len(terms_vocab)).astype(np.float32)
        idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        # every video weighs the words (idf); only the ones that can vote are searched
        votes = np.asarray(counted, dtype=bool)[rows_a] if n else np.zeros(0, dtype=bool)
        rows_a, cols_a, tf_a = rows_a[votes], cols_a[votes], tf_a[votes]
        w = (1.0 + np.log(tf_a)) * idf[cols_a]
        norms = np.sqrt(np.bincount(rows_a, weights=w * w, minlength=n))
        norms[norms == 0] = 1.0
        w = (w / norms[rows_a]).astype(np.float32)
        # transpose: term -> videos postings, sorted by term
        order = np.argsort(cols_a, kind="stable")
        xt_indices = rows_a[order]
        xt_data = w[order]
        xt_indptr = np.zeros(len(terms_vocab) + 1, dtype=np.int64)
        xt_indptr[1:] = np.cumsum(np.bincount(cols_a, minlength=len(terms_vocab)))

        report("co-occurrence", 0.7)
        reach_lift = _reach_lift(text_terms, terms_vocab, idf, video_tags, len(tag_keys))
        quality = _quality(videos)
        co_indptr, co_indices, co_data = _cooccurrence(y_indptr, y_indices, tag_df, n)
        index = cls(
            fingerprint=fingerprint,
            n_videos=n,
            n_source=n_source,
            tag_keys=tag_keys,
            tag_display=tag_display,
            tag_df=tag_df,
            terms=terms_vocab,
            idf=idf,
            xt_indptr=xt_indptr,
            xt_indices=xt_indices,
            xt_data=xt_data,
            y_indptr=y_indptr,
            y_indices=y_indices,
            quality=quality,
            co_indptr=co_indptr,
            co_indices=co_indices,
            co_data=co_data,
            phrase_df=phrase_df,
            novel_rate=novel_rate,
            tag_id=dict(tag_id),
            segmenter=seg,
            reach_lift=reach_lift,
        )
        report("weighing the evidence", 0.75)
        if len(fit_ids) >= MIN_FIT_DRAFTS:
            from kptui.engine.tagmodel import Exclude, fit

            drafts = [
                (titles[i], descs[i], Exclude(i, set(video_tags[i]), fit_phrases[i]))
                for i in sorted(fit_ids)
            ]
            fit_seg = _fit_segmenter(seg, tag_display, tag_df, [video_tags[i] for i in fit_ids])
            index.coef = fit(index, drafts, seg=fit_seg)
        report("done", 1.0)
        return index

    # ------------------------------------------------------------------ cache

    def save(self, folder: Path) -> None:
        """Write `index.npz` + `index.json` atomically (temp files renamed into place)."""
        import numpy as np

        folder.mkdir(parents=True, exist_ok=True)
        arrays = {
            "tag_df": self.tag_df,
            "idf": self.idf,
            "xt_indptr": self.xt_indptr,
            "xt_indices": self.xt_indices,
            "xt_data": self.xt_data,
            "y_indptr": self.y_indptr,
            "y_indices": self.y_indices,
            "quality": self.quality,
            "co_indptr": self.co_indptr,
            "co_indices": self.co_indices,
            "co_data": self.co_data,
            "coef": self.coef,
            "reach_lift": self.reach_lift,
        }
        keys = list(self.phrase_df)
        counts = np.asarray([self.phrase_df[k] for k in keys], dtype=np.int32).reshape(-1, 2)
        arrays["phrase_counts"] = counts
        meta: dict[str, Any] = {
            "schema": schema_key(),
            "fingerprint": self.fingerprint,
            "n_videos": self.n_videos,
            "n_source": self.n_source,
            "tag_keys": self.tag_keys,
            "tag_display": self.tag_display,
            "terms": list(self.terms),
            "phrase_keys": keys,
            "novel_rate": self.novel_rate,
        }
        _atomic_write(folder / "index.npz", lambda f: np.savez(f, **arrays), binary=True)
        _atomic_write(
            folder / "index.json",
            lambda f: json.dump(meta, f, ensure_ascii=False, separators=(",", ":")),
            binary=False,
        )
        from kptui.engine.modelcache import checksum

        sums = {name: checksum(folder / name) for name in ("index.npz", "index.json")}
        _atomic_write(folder / "checksums.json", lambda f: json.dump(sums, f), binary=False)

    @classmethod
    def load(cls, folder: Path, fingerprint: str | None = None) -> TagIndex | None:
        """The cached index, or None when absent, written by another build, or inconsistent.

        Anything unexpected counts as "no cache" (the caller rebuilds and overwrites): a cache
        is a convenience, and a stale one must never reach `suggest` with arrays of the wrong
        shape.
        """
        import numpy as np

        from kptui.engine.modelcache import checksum

        try:
            with open(folder / "checksums.json", encoding="utf-8") as f:
                sums = json.load(f)
            if any(checksum(folder / n) != sums.get(n) for n in ("index.npz", "index.json")):
                return None  # edited or swapped files: rebuild
            with open(folder / "index.json", encoding="utf-8") as f:
                meta = json.load(f)
            if not isinstance(meta, dict) or set(meta) != META_KEYS:
                return None
            if fingerprint is not None and meta["fingerprint"] != fingerprint:
                return None  # another dataset's index
            if meta["schema"] != schema_key():
                return None
            with np.load(folder / "index.npz", allow_pickle=False) as z:
                if set(z.files) != set(ARRAYS):
                    return None
                arrays = {k: z[k] for k in z.files}
            if not _consistent(meta, arrays):
                return None
            counts = arrays.pop("phrase_counts")
            phrase_df = {
                k: (int(a), int(b))
                for k, (a, b) in zip(meta["phrase_keys"], counts.tolist(), strict=True)
            }
            return cls(
                fingerprint=str(meta["fingerprint"]),
                n_videos=int(meta["n_videos"]),
                n_source=int(meta["n_source"]),
                tag_keys=list(meta["tag_keys"]),
                tag_display=list(meta["tag_display"]),
                terms={t: i for i, t in enumerate(meta["terms"])},
                phrase_df=phrase_df,
                novel_rate={k: float(v) for k, v in meta["novel_rate"].items()},
                **arrays,
            )
        except Exception:  # any unreadable cache means "rebuild"
            return None


def _consistent(meta: dict[str, Any], a: dict[str, Any]) -> bool:
    """Shapes agree with each other and with this code (the checks `suggest` relies on)."""
    import numpy as np

    from kptui.engine.tagmodel import n_coef

    n, n_tags, n_terms = int(meta["n_videos"]), len(meta["tag_keys"]), len(meta["terms"])
    if any(a[k].ndim != d for k, d in ARRAYS.items()):
        return False
    return (
        a["coef"].shape == (n_coef(),)
        and bool(np.isfinite(a["coef"]).all())
        and len(meta["tag_display"]) == n_tags
        and a["tag_df"].shape == (n_tags,)
        and a["idf"].shape == (n_terms,)
        and a["xt_indptr"].shape == (n_terms + 1,)
        and a["xt_indices"].shape == a["xt_data"].shape == (int(a["xt_indptr"][-1]),)
        and (a["xt_indices"].size == 0 or int(a["xt_indices"].max()) < n)
        and a["y_indptr"].shape == (n + 1,)
        and a["y_indices"].shape == (int(a["y_indptr"][-1]),)
        and (a["y_indices"].size == 0 or int(a["y_indices"].max()) < n_tags)
        and a["quality"].shape == (n,)
        and a["co_indptr"].shape == (n_tags + 1,)
        and a["co_indices"].shape == a["co_data"].shape == (int(a["co_indptr"][-1]),)
        and (a["co_indices"].size == 0 or int(a["co_indices"].max()) < n_tags)
        and a["phrase_counts"].shape == (len(meta["phrase_keys"]), 2)
        and a["reach_lift"].shape == (n_tags,)
    )


def _reach_lift(text_terms, vocab, idf, video_tags, n_tags):
    """Per tag: share of its videos' text neighbours that carry it / share of all videos that
    do (-1 when the tag is on too few videos with text to tell). Cosine over TF-IDF of the
    text alone (hashtags and mentions left out: a tag's own hashtag would make its videos
    neighbours), neighbours with no word in common not counted.
    """
    import numpy as np
    from scipy import sparse

    lift = np.full(n_tags, -1.0, dtype=np.float32)
    rows = [i for i, words in enumerate(text_terms) if words]
    n = len(rows)
    if n_tags == 0 or n <= REACH_NEIGHBOURS:
        return lift
    ri, ci = [], []
    for r, i in enumerate(rows):
        for word in text_terms[i]:
            ri.append(r)
            ci.append(vocab[word])
    w = np.asarray(idf, dtype=np.float32)[ci]
    x = sparse.csr_matrix((w, (ri, ci)), shape=(n, len(vocab)), dtype=np.float32)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    x = sparse.diags(1.0 / np.maximum(norms, 1e-12)).astype(np.float32) @ x
    yr = [r for r, i in enumerate(rows) for _ in video_tags[i]]
    yc = [t for i in rows for t in video_tags[i]]
    y = sparse.csr_matrix((np.ones(len(yr), dtype=np.float32), (yr, yc)), shape=(n, n_tags))
    df = np.asarray(y.sum(axis=0)).ravel()
    queries = np.random.default_rng(0).permutation(n)[:REACH_QUERIES]
    queries.sort()
    hits = np.zeros(n_tags)  # neighbours carrying the tag, summed over its query videos
    slots = np.zeros(n_tags)  # neighbours counted for its query videos
    xt = x.T.tocsc()
    for lo in range(0, len(queries), 500):
        q = queries[lo : lo + 500]
        sims = (x[q] @ xt).toarray()
        sims[np.arange(len(q)), q] = 0.0
        k = REACH_NEIGHBOURS
        nb = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        ok = np.take_along_axis(sims, nb, axis=1) > 0
        nb_tags = y[nb.ravel()]  # (len(q) * k) x tags
        counted = sparse.diags(ok.ravel().astype(np.float32)) @ nb_tags
        rows_of_query = sparse.kron(sparse.identity(len(q)), np.ones((1, k)), format="csr")
        per_query = rows_of_query @ counted  # query x tags: its neighbours carrying each tag
        own = y[q]
        hits += np.asarray(own.multiply(per_query).sum(axis=0)).ravel()
        slots += np.asarray(own.T @ ok.sum(axis=1).astype(np.float32)).ravel()
    measured = (df >= max(REACH_MIN_DF, 0.01 * n)) & (slots >= REACH_MIN_DF)
    base = df / n
    lift[measured] = (hits[measured] / slots[measured]) / base[measured]
    return lift


def _fit_segmenter(seg, tag_display, tag_df, fit_tags):
    """A segmenter for the training drafts: not taught the tags only those drafts carry."""
    import numpy as np

    left = np.asarray(tag_df, dtype=np.int64).copy()
    for ts in fit_tags:
        left[ts] -= 1
    if (left > 0).all():
        return seg
    return tx.Segmenter(d for d, k in zip(tag_display, left.tolist(), strict=True) if k > 0)


def _capped(videos: pl.DataFrame, cap: int) -> pl.DataFrame:
    """At most `cap` rows: every video when there are fewer, else a random sample (seed 0)
    of the tagged ones, topped up with untagged ones at random if fewer than `cap` are tagged.
    Done in polars on row numbers, so a 1.5M-row export costs a filter, not 1.5M Python rows.
    """
    import numpy as np
    import polars as pl

    n = videos.height
    if n <= cap:
        return videos
    if "tags" in videos.columns:
        tagged = videos.get_column("tags").list.len().fill_null(0).to_numpy() > 0
    else:
        tagged = np.zeros(n, dtype=bool)
    rng = np.random.default_rng(0)
    first = rng.permutation(np.flatnonzero(tagged))[:cap]
    rest = rng.permutation(np.flatnonzero(~tagged))[: cap - first.size]
    keep = np.sort(np.concatenate([first, rest]))
    return videos[pl.Series(keep, dtype=pl.Int64)]


def _column(videos: pl.DataFrame, name: str) -> list[str]:
    if name not in videos.columns:
        return [""] * videos.height
    return [v or "" for v in videos.get_column(name).to_list()]


def _quality(videos: pl.DataFrame) -> np.ndarray:
    """0.5..1.5 by the views percentile (likes when no views); 1.0 without metrics.

    Why a percentile: raw views span six orders of magnitude and a viral outlier would
    otherwise speak for every tag it carries.
    """
    import numpy as np

    n = videos.height
    for col in ("views", "likes"):
        if col in videos.columns:
            vals = videos.get_column(col).cast(float, strict=False).to_numpy()
            known = ~np.isnan(vals)
            if known.sum() >= 2:
                ranks = np.full(n, 0.5)
                order = np.argsort(vals[known], kind="stable")
                r = np.empty(order.size)
                r[order] = np.arange(order.size) / (order.size - 1)
                ranks[known] = r
                return (0.5 + ranks).astype(np.float32)
    return np.ones(n, dtype=np.float32)


def _cooccurrence(y_indptr, y_indices, tag_df, n_videos):
    """How many videos carry both tags, as CSR; pairs seen once are dropped (noise)."""
    import numpy as np
    from scipy import sparse

    n_tags = len(tag_df)
    if n_tags == 0 or n_videos == 0:
        z = np.zeros(1, dtype=np.int64)
        return (
            np.zeros(n_tags + 1, dtype=np.int64),
            z[:0].astype(np.int32),
            z[:0].astype(np.float32),
        )
    y = sparse.csr_matrix(
        (np.ones(len(y_indices), dtype=np.float32), y_indices, y_indptr), shape=(n_videos, n_tags)
    )
    c = (y.T @ y).tocsr()
    c.setdiag(0)
    c.data[c.data < 2] = 0
    c.eliminate_zeros()
    c.sort_indices()
    return c.indptr.astype(np.int64), c.indices.astype(np.int32), c.data.astype(np.float32)


def _atomic_write(path: Path, write: Callable[[Any], None], *, binary: bool) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(
            fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})
        ) as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cache_folder(fingerprint: str) -> Path:
    from kptui.paths import cache_dir

    return cache_dir() / "tags" / f"{fingerprint}-v{schema_key()}"
