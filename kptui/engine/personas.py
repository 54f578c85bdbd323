"""Personas: groups of viewers who engage with the same kind of content, as readable cards.

Pipeline (all vectorised; about 2 s for 100k viewers / 1M interactions on 2 cores):
1. `profiles.engagement` (viewer x video weights) and `profiles.content` (video text + tags
   -> TF-IDF -> TruncatedSVD embedding); each viewer's profile is the weighted mean of the
   embeddings of what they engaged with.
2. k-means on the profiles. `k="auto"` fits k = 3..12 once each (one k-means++ start) on a
   sample of at most `SAMPLE_AUTO` viewers and scores each by silhouette on at most
   `SAMPLE_SILHOUETTE` of them, so choosing k costs a fraction of the final fit. The rule:
   from 500 viewers on, at least `K_MIN_ACTIONABLE` personas (the best-separated split of
   real audiences is often 3 broad groups, too coarse to act on: MovieLens' 610 viewers
   separate best at k=3 with silhouette 0.155 and almost as well at k=7, 0.137); among the
   allowed k where no persona is under 3% of viewers, the best silhouette. The choice and
   what it gave up are stated in `k_note` (JSON and the cards' pane). Then k-means refits
   on every viewer starting from the sample's centres, and a persona holding more than
   `MAX_SHARE` (a third) of the viewers is split in two (`_split_catch_alls`; stated in
   `k_note` too): the Stack Exchange community's 42% catch-all became two of 24% and 18%.
3. Personas are numbered by size (largest first, ties by label), so an id means the same
   persona in `personas`, `--assignments` and `recommend --persona` for the same data, k
   and seed.

API (used by the CLI and the TUI):
- `load_or_fit_personas(dataset, k="auto", seed=0, progress=None) -> PersonaModel`: the
  cached model when the data (fingerprint) and parameters are unchanged, else a fresh fit
  that is then cached under `paths.cache_dir()/personas/` (JSON + parquet + npz, no pickle).
- `fit_personas(...)` the same without the cache.
- `PersonaModel.cards` (list of dicts, the `personas --json` entries), `.assignments`
  (polars: user_id, persona_id), `.card(pid)`, `.persona_of(user_id)`, `.members(pid)`,
  `.to_json()`.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kptui.errors import FIELD, DataError, UsageError, check_seed

if TYPE_CHECKING:
    import numpy as np
    import polars as pl

    from kptui.engine.profiles import Content, Engagement
    from kptui.engine.types import Dataset

Progress = Callable[[str | None, float | None], None]

MODEL_VERSION = "6"
K_MIN, K_MAX = 3, 12
MIN_SHARE = 0.03
MAX_SHARE = 1 / 3  # k=auto splits a persona holding more of the audience (a catch-all)
MIN_VIEWERS_AUTO = 6
SAMPLE_FIT = 8000
SAMPLE_AUTO = 2000
SAMPLE_SILHOUETTE = 1000
K_MIN_ACTIONABLE = 5
ACTIONABLE_FROM = 500  # viewers
TOP_N = 8
MIN_LIFT = 1.5  # a label word is at least this much more a persona's than the others'
# Words that say how a title is phrased, not what it is about: never a label, no say in fit.
_FUNCTION_TEXT = """
    关于 开始 我刚 知道 如何 怎样 怎么 怎么办 为何 这么 那么 可是 觉得 以及 然而 并且
    一定 其实 终于 居然 竟然 原来 直接 一直 马上 总是 简单 分钟 第一 第一次 以后 之后
    之前 今年 每天 每个 不会 不能 不用 需要 一次 一种 一条 一篇 这种 那种 所有 全部
    如此 看看 看完 告诉 学会 建议 一步 系列 提升 教程 实战 技巧 方法 干货 分享 保姆级 收藏
    how what why when which who best top new get make vs guide tips ways need know
    across afterwards alone along already although always among anyhow anyone anything
    anyway anywhere around became become becomes becoming behind beside besides beyond
    done due eg either else elsewhere enough etc everyone everything everywhere except
    find first found give go hence however indeed keep last latter least less made may
    meanwhile might moreover mostly namely neither never nevertheless next nobody none
    nothing nowhere often onto others otherwise per perhaps please put rather see seem
    seemed seems several since somehow someone something sometime sometimes somewhere
    take therefore though throughout thru thus together toward towards whatever whenever
    whereas whether whoever whole whose within without thanks thank anybody recently
    trying tried using use used got getting really actually also like just
    one two three four five six seven eight nine ten ii iii iv vi vii viii ix xi
    de le la les el los las du des der die das und et di il lo
"""
FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
LIFT_CAP = 1.5  # one term moves a persona's odds by at most e^1.5 (4.5x)
PRIOR_MIX = 0.1  # the posterior keeps a tenth of the persona-size prior: never 1.00 or 0.00
GRAM_WEIGHT = 0.1  # character grams are many and correlated: a tenth of a word's say
EVIDENCE_POWER = 0.5  # n words' summed evidence is divided by n ** EVIDENCE_POWER
LIFT_SUPPORT = 10.0  # a term's log-lift is shrunk by n / (n + this), n its viewers


@dataclass
class PersonaModel:
    """Fitted personas; `labels[i]` is the persona of `user_ids[i]`."""

    k: int
    seed: int
    k_requested: str
    cards: list[dict[str, Any]]
    user_ids: list[str]
    labels: np.ndarray  # int32 per viewer
    item_weights: np.ndarray  # k x videos: members' summed row-normalised engagement
    video_ids: list[str]
    item_reach: np.ndarray  # k x videos: share of members who have each video
    fit_terms: list[str]  # words and `#tags` a draft is read in
    fit_loglift: np.ndarray  # k x fit_terms: how much more a persona engages with each term
    fit_grams: list[str]  # character 2-4-grams: a weaker signal for words never seen whole
    fit_gram_loglift: np.ndarray  # k x fit_grams
    fingerprint: str = ""
    from_cache: bool = False
    silhouette: dict[int, float] = field(default_factory=dict)  # k -> score (auto only)
    split_shares: list[float] = field(default_factory=list)  # catch-alls split (auto only)
    _seg: Any = field(default=None, repr=False)
    _term_index: dict[str, int] | None = field(default=None, repr=False)
    _grams: Any = field(default=None, repr=False)

    @property
    def assignments(self) -> pl.DataFrame:
        import polars as pl

        return pl.DataFrame(
            {"user_id": self.user_ids, "persona_id": self.labels.astype("int64")},
            schema={"user_id": pl.String, "persona_id": pl.Int64},
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"k": self.k, "personas": self.cards}
        if self.silhouette:
            out["k_note"] = self.k_note
            out["silhouette"] = {str(a): b for a, b in sorted(self.silhouette.items())}
        return out

    @property
    def k_note(self) -> str:
        """How `k=auto` chose k: its silhouette and smallest persona (the separation / size
        trade-off), and the better-separated k it passed over, if any."""
        if not self.silhouette:
            return f"k={self.k} as asked"
        sil = self.silhouette
        chosen = self.k - len(self.split_shares)
        here = sil.get(chosen)
        best_k = max(sil, key=lambda k: (sil[k], -k))
        note = f"k={chosen} chosen from {min(sil)}-{max(sil)}"
        if here is not None:
            note += f": silhouette {here:.3f}"
        if self.cards:
            note += f", smallest persona {min(c['share'] for c in self.cards):.0%} of viewers"
        if best_k != chosen and here is not None:
            note += (
                f" (k={best_k} separates best, {sil[best_k]:.3f}, but gives "
                f"{'fewer, broader' if best_k < chosen else 'more, smaller'} personas)"
            )
        for share in self.split_shares:
            note += f"; a persona of {share:.0%} of viewers was split in two (too broad to act on)"
        if self.split_shares:
            note += f": k={self.k}"
        return note

    def card(self, pid: int) -> dict[str, Any]:
        if not isinstance(pid, int) or not 0 <= pid < self.k:
            raise UsageError(f"unknown persona {pid!r}: ids are 0..{self.k - 1}")
        return self.cards[pid]

    def persona_of(self, user_id: str) -> int | None:
        import numpy as np

        i = int(np.searchsorted(np.asarray(self.user_ids, dtype=object), user_id))
        if i < len(self.user_ids) and self.user_ids[i] == user_id:
            return int(self.labels[i])
        return None

    def draft_fit(self, title: str, description: str = "") -> list[dict[str, Any]]:
        """Personas ranked by how well a draft fits them, best first.

        Naive-Bayes style: the draft's words and tags (hashtags and known tags it mentions)
        each add log P(term | persona) / P(term), shrunk by the term's support (`_loglift`);
        a Chinese word never seen whole adds the mean of the known terms that contain it, and
        so does a character jieba leaves alone (存 of 存下 reads through 存钱); a sum of money
        (10万, 5000元, $300: `_money_words`) adds `money` and 钱, read the same way (a bare
        number is no word; its digits stay among the grams, since a title's year says
        something: MovieLens draft fit 1.27x the prior with them, 1.20x without);
        its character 2-4-grams and Chinese characters add the same at weight `GRAM_WEIGHT`
        (so `push-ups` still says fitness when only `push` was seen, 存下 says saving through
        存钱). `fit` is the resulting posterior over personas from the persona-size prior (it
        sums to 1; a draft with nothing known gets each persona's share of viewers).
        Calibrated, not all-or-nothing: function words (`FUNCTION_WORDS`, stop words: 如何,
        怎么, how, what) carry no weight, one term moves the odds by at most
        e^`LIFT_CAP`, n terms' summed evidence is divided by n^`EVIDENCE_POWER` (words of
        one draft are far from independent: summed as if they were, a long description
        gave 0.99 to one persona and a worse log score than the prior on the Stack Exchange
        set), and the posterior keeps `PRIOR_MIX` of the prior, so one word never gives
        1.00 / 0.00. `matches` names the words that speak most for that persona. Measured
        in bench/bench_draft_fit.py (held-out videos, against the prior).
        """
        import numpy as np

        from kptui.engine import text as tx

        text = f"{title or ''} {description or ''}".strip()
        if not text:
            raise UsageError("a draft needs a title (or a description) to compare")
        if self._term_index is None:
            self._term_index = {t: j for j, t in enumerate(self.fit_terms)}
            keys = [t[1:] for t in self.fit_terms if t.startswith("#")]
            self._seg = (_segmenter(keys), keys)
        seg, keys = self._seg
        words = set(_draft_terms(seg, text, keys))
        words |= _single_chars(seg, text) | _money_words(text)
        cols = sorted({self._term_index[w] for w in words if w in self._term_index})
        cols = [j for j in cols if _is_topic_word(self.fit_terms[j])]
        lift = np.clip(self.fit_loglift[:, cols], -LIFT_CAP, LIFT_CAP)
        prior = np.array([c["share"] for c in self.cards], dtype=np.float64)
        prior = prior / prior.sum() if prior.sum() > 0 else np.full(self.k, 1.0 / self.k)
        evidence = lift.sum(axis=1) if cols else np.zeros(self.k)
        n_terms = len(cols)
        backoff: list[tuple[str, Any]] = []
        # A Chinese word never seen whole (英语 where the corpus only has #英语学习) reads
        # as the mean of the known terms that contain it.
        for w in sorted(words - self._term_index.keys()):
            if w.startswith("#") or not tx.is_cjk(w) or not _is_topic_word(w):
                continue
            inside = [j for j, t in enumerate(self.fit_terms) if w in t and _is_topic_word(t)]
            if len(w) == 1:  # 存 of 存下: a known word holding it, not a #tag twice over
                inside = [j for j in inside if not self.fit_terms[j].startswith("#")]
            if inside:
                part = np.clip(self.fit_loglift[:, inside], -LIFT_CAP, LIFT_CAP).mean(axis=1)
                evidence = evidence + part
                n_terms += 1
                backoff.append((w, part))
        if self.fit_grams:
            if self._grams is None:
                self._grams = {g: j for j, g in enumerate(self.fit_grams)}
            grams = sorted(
                {
                    self._grams[g]
                    for g in _grams_of(_without_function_words(text))
                    if g in self._grams
                }
            )
            if grams:
                gram = GRAM_WEIGHT * self.fit_gram_loglift[:, grams].sum(axis=1)
                evidence = evidence + np.clip(gram, -LIFT_CAP, LIFT_CAP)
        evidence = evidence / max(1.0, float(n_terms)) ** EVIDENCE_POWER
        score = np.log(np.maximum(prior, 1e-9)) + evidence
        post = np.exp(score - score.max())
        post /= post.sum()
        post = (1.0 - PRIOR_MIX) * post + PRIOR_MIX * prior
        order = np.argsort(-post, kind="stable")
        out = []
        for p in order:
            contrib = self.fit_loglift[p, cols] if cols else np.zeros(0)
            best = [cols[j] for j in np.argsort(-contrib, kind="stable")[:3] if contrib[j] > 0]
            named = [self.fit_terms[j] for j in best]
            named += [w for w, part in backoff if part[p] > 0][: 3 - len(named)]
            out.append(
                {
                    "persona_id": int(p),
                    "label": self.cards[p]["label"],
                    "fit": round(float(post[p]), 4),
                    "matches": named,
                }
            )
        return out

    def members(self, pid: int) -> list[str]:
        import numpy as np

        self.card(pid)
        return [self.user_ids[i] for i in np.flatnonzero(self.labels == pid)]


MAX_K = 30  # more groups than this is a list of viewers, not personas


def parse_k(k: int | str) -> int | None:
    """`auto` -> None; a whole number 2..MAX_K -> that number; anything else is a usage error."""
    if isinstance(k, int) and not isinstance(k, bool):
        value = k
    else:
        text = str(k).strip().lower()
        if text == "auto":
            return None
        try:
            value = int(text)
        except ValueError:
            raise UsageError(
                f"{FIELD} must be a whole number or 'auto', not {k!r}", field="k"
            ) from None
    if not 2 <= value <= MAX_K:
        raise UsageError(f"{FIELD} must be from 2 to {MAX_K} or 'auto' (got {value})", field="k")
    return value


# --------------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------------


def fit_personas(
    dataset: Dataset,
    k: int | str = "auto",
    seed: int = 0,
    progress: Progress | None = None,
    *,
    eng: Engagement | None = None,
    cont: Content | None = None,
) -> PersonaModel:
    """Cluster viewers into personas and describe each one (no cache)."""
    import numpy as np

    from kptui.engine import profiles

    report = progress or profiles.no_progress
    k_fixed = parse_k(k)
    check_seed(seed)
    profiles.require_interactions(dataset)
    eng = eng or profiles.engagement(dataset, progress=report)
    _check_viewers(eng, k_fixed)
    report("video content", 0.15)
    cont = cont or profiles.content(dataset.videos, seed=seed, progress=report)
    report("viewer profiles", 0.35)
    z = profiles.viewer_profiles(eng.matrix, cont.embedding)
    report("clustering", 0.4)
    raw_labels, sil = _cluster(z, k_fixed, seed, report)
    split: list[float] = []
    if k_fixed is None:
        raw_labels, split = _split_catch_alls(z, raw_labels, seed)
    report("describing personas", 0.8)
    cards, labels, weights, reach, fit = _describe(dataset, eng, cont, raw_labels)
    report("done", 1.0)
    return PersonaModel(
        k=len(cards),
        seed=seed,
        k_requested="auto" if k_fixed is None else str(k_fixed),
        cards=cards,
        user_ids=eng.user_ids,
        labels=labels.astype(np.int32),
        item_weights=weights,
        video_ids=eng.video_ids,
        item_reach=reach,
        fit_terms=fit[0],
        fit_loglift=fit[1],
        fit_grams=fit[2],
        fit_gram_loglift=fit[3],
        fingerprint=dataset.fingerprint,
        silhouette=sil,
        split_shares=split,
    )


def _check_viewers(eng: Engagement, k_fixed: int | None) -> None:
    n = eng.n_users
    if k_fixed is None and n < MIN_VIEWERS_AUTO:
        raise DataError(
            f"personas need at least {MIN_VIEWERS_AUTO} viewers with interactions; "
            f"this dataset has {n}"
        )
    if k_fixed is not None and k_fixed > n:
        raise UsageError(
            f"{FIELD} {k_fixed} asks for more personas than there are viewers ({n})", field="k"
        )
    per_user = eng.matrix.getnnz(axis=1)
    if per_user.max() <= 1:
        raise DataError(
            "every viewer has a single interaction: too little history to tell viewers apart "
            "(personas need viewers who engaged with more than one video)"
        )


def _kmeans(z, k: int, seed: int, n_init: int, init: Any = "k-means++"):
    from sklearn.cluster import KMeans

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate points: fewer distinct clusters is fine
        return KMeans(n_clusters=k, n_init=n_init, random_state=seed, init=init).fit(z)


def _cluster(z, k_fixed: int | None, seed: int, report: Progress) -> tuple[Any, dict[int, float]]:
    """Labels per viewer; for `auto` also the silhouette of every k tried."""
    import numpy as np
    from sklearn.metrics import silhouette_score

    n = len(z)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n, size=min(n, SAMPLE_FIT), replace=False))
    zs = z[sample]
    scores: dict[int, float] = {}
    if k_fixed is None:
        k_hi = min(K_MAX, n - 1)
        k_lo = min(K_MIN_ACTIONABLE if n >= ACTIONABLE_FROM else K_MIN, k_hi)
        ks = list(range(min(K_MIN, k_hi), k_hi + 1))
        small = np.sort(rng.choice(len(zs), size=min(len(zs), SAMPLE_AUTO), replace=False))
        za = zs[small]
        sil_idx = rng.choice(len(za), size=min(len(za), SAMPLE_SILHOUETTE), replace=False)
        best: tuple[bool, bool, float, int] | None = None
        centres: dict[int, Any] = {}
        for i, k in enumerate(ks):
            report(f"clustering: trying k={k}", 0.4 + 0.3 * i / len(ks))
            km = _kmeans(za, k, seed, n_init=1)
            lab = km.labels_
            if len(np.unique(lab[sil_idx])) < 2:
                continue
            s = float(silhouette_score(za[sil_idx], lab[sil_idx]))
            scores[k] = round(s, 4)
            share_ok = np.bincount(lab, minlength=k).min() / len(lab) >= MIN_SHARE
            key = (k >= k_lo, bool(share_ok), s, -k)
            centres[k] = km.cluster_centers_
            if best is None or key > best:
                best = key
        if best is None:
            k_final = min(K_MIN, n)
            init: Any = "k-means++"
        else:
            k_final = -best[3]
            init = centres[k_final]
    else:
        k_final = k_fixed
        init = _kmeans(zs, k_final, seed, n_init=4).cluster_centers_ if n > len(zs) else None
    report("clustering: all viewers", 0.75)
    if init is None or isinstance(init, str):
        km = _kmeans(z, k_final, seed, n_init=4)
    else:
        km = _kmeans(z, k_final, seed, n_init=1, init=init)
    return km.labels_, scores


def _split_catch_alls(z, labels, seed: int) -> tuple[Any, list[float]]:
    """Split, in two by k-means, any persona holding more than `MAX_SHARE` of the viewers
    (largest first, while both halves keep `MIN_SHARE` and k stays within `MAX_K`); returns
    the labels and the shares that were split.

    Why: where most viewers have one or two videos (a Q&A community: two thirds of the
    Stack Exchange one), their profiles are single questions and k-means leaves a broad
    group of whatever did not separate: 42% of the viewers, "red-wine · bourbon ·
    cocktails". A persona that is most of the audience is not one a creator can act on,
    and the silhouette does not see it (every k from 3 to 12 kept a group over a third)."""
    import numpy as np

    labels = np.asarray(labels).copy()
    n = len(labels)
    split: list[float] = []
    while n and int(labels.max()) + 1 < MAX_K:
        sizes = np.bincount(labels)
        big = int(np.argmax(sizes))
        if sizes[big] / n <= MAX_SHARE:
            break
        members = np.flatnonzero(labels == big)
        halves = _kmeans(z[members], 2, seed, n_init=4).labels_
        if min(np.bincount(halves, minlength=2)) / n < MIN_SHARE:
            break
        split.append(round(float(sizes[big] / n), 4))
        labels[members[halves == 1]] = int(labels.max()) + 1
    return labels, split


# --------------------------------------------------------------------------------------------
# Cards
# --------------------------------------------------------------------------------------------


def wilson(successes: int, n: int) -> tuple[float | None, float | None]:
    """The 95% Wilson score interval of a proportion (kptui.engine.abtest's, the one the A/B
    verdict shows); (None, None) when n == 0."""
    from kptui.engine.abtest import wilson_interval

    if n <= 0:
        return None, None
    return wilson_interval(successes, n, 0.05)


def _describe(dataset: Dataset, eng: Engagement, cont: Content, raw_labels):
    """Cards in a stable order; returns (cards, relabelled labels, item weights per persona,
    reach shares per persona, and the draft-fit tables: term names, their log-lifts, gram
    names, their log-lifts), every per-persona array in the new id order."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    it = dataset.interactions
    assert it is not None
    n_users = eng.n_users
    uniq = np.unique(raw_labels)
    remap = np.full(int(raw_labels.max()) + 1, -1)
    remap[uniq] = np.arange(len(uniq))
    labels = remap[raw_labels]
    k = len(uniq)
    onehot = sp.csr_matrix(
        (np.ones(n_users, dtype=np.float32), (labels, np.arange(n_users))), shape=(k, n_users)
    )
    weights = np.asarray((onehot @ normalize(eng.matrix, norm="l1")).todense(), dtype=np.float32)
    touched = eng.matrix.copy()
    touched.data[:] = 1.0
    reach = np.asarray((onehot @ touched).todense(), dtype=np.float64)
    sizes = np.bincount(labels, minlength=k)

    tag_names, tag_matrix = cont.tag_names, cont.tag_matrix
    term_names, term_matrix = _term_matrix(dataset.videos)
    tag_top = _distinctive(weights, tag_matrix, tag_names)
    word_cols = [
        j for j, name in enumerate(term_names) if not name.startswith("#") and _is_topic_word(name)
    ]
    term_top = _distinctive(weights, term_matrix[:, word_cols], [term_names[j] for j in word_cols])
    loglift = _loglift(weights, term_matrix)
    gram_names, gram_matrix = _gram_matrix(dataset.videos, cont)
    gram_loglift = _loglift(weights, gram_matrix)

    # Per-viewer facts from the raw interactions (vectorised: polars masks, bincounts).
    import polars as pl

    ucode = eng.user_code
    event = it["event"]
    n_pairs = eng.matrix.getnnz(axis=1)
    engaged_rows = event.is_in(["like", "comment", "share", "follow", "purchase"]).to_numpy()
    pair_key = ucode[engaged_rows].astype(np.int64) * len(eng.video_ids) + eng.video_code[
        engaged_rows
    ].astype(np.int64)
    # distinct pairs by a sort: NumPy 2.4's np.unique hashes, 3 CPU s for 2M keys at 10M
    # interactions (a sort and a comparison: 0.03 s)
    pair_key.sort()
    first = np.ones(len(pair_key), dtype=bool)
    np.not_equal(pair_key[1:], pair_key[:-1], out=first[1:])
    engaged_pairs = np.bincount(
        (pair_key[first] // max(len(eng.video_ids), 1)).astype(np.int64), minlength=n_users
    )
    buys = (event == "purchase").fill_null(False).to_numpy()
    purchaser = np.zeros(n_users, dtype=bool)
    purchaser[ucode[buys]] = True
    amount = it["amount"].cast(pl.Float64)
    has_amount = bool(amount.is_finite().any()) if len(amount) else False
    revenue_u = np.zeros(n_users)
    if has_amount:
        a = np.nan_to_num(amount.to_numpy(), nan=0.0)
        revenue_u = np.bincount(ucode, weights=a, minlength=n_users)
    hour_hist = None
    if it["ts"].null_count() < it.height:
        hour = it["ts"].dt.hour()
        known = hour.is_not_null().to_numpy()
        cell = labels[ucode[known]].astype(np.int64) * 24 + hour.drop_nulls().to_numpy()
        hour_hist = np.bincount(cell, minlength=k * 24)[: k * 24].reshape(k, 24).astype(float)

    videos = dataset.videos
    titles = videos["title"].to_list()
    video_ids = eng.video_ids
    cards: list[dict[str, Any]] = []
    for p in range(k):
        members = labels == p
        size = int(sizes[p])
        tags = tag_top[p][:TOP_N]
        terms = term_top[p][:TOP_N]
        top_v = np.argsort(-reach[p], kind="stable")[:5]
        pairs = int(n_pairs[members].sum())
        engaged = int(engaged_pairs[members].sum())
        buyers = int(purchaser[members].sum())
        lo, hi = wilson(buyers, size)
        card: dict[str, Any] = {
            "id": p,
            "label": "",
            "size": size,
            "share": round(size / n_users, 4),
            "top_terms": terms,
            "top_tags": tags,
            "top_videos": [
                {
                    "video_id": video_ids[v],
                    "title": titles[v],
                    "reach": round(float(reach[p, v]) / max(size, 1), 4),
                }
                for v in top_v
                if reach[p, v] > 0
            ],
            "engagement_rate": round(engaged / pairs, 4) if pairs else None,
            "conversion_rate": round(buyers / size, 4) if size else None,
            "conversion_ci": [
                None if lo is None else round(lo, 4),
                None if hi is None else round(hi, 4),
            ],
            "purchasers": buyers,
            "revenue": round(float(revenue_u[members].sum()), 2) if has_amount else None,
            "active_hours": None,
            "best_hours": [],
        }
        if hour_hist is not None:
            hist = hour_hist[p]
            if hist.sum() > 0:
                shares = hist / hist.sum()
                card["active_hours"] = [round(float(x), 4) for x in shares]
                card["best_hours"] = [int(h) for h in np.argsort(-shares, kind="stable")[:3]]
        cards.append(card)
    _label(cards)
    # Stable ids: biggest first, ties by label, then by first member id.
    first_member = [int(np.flatnonzero(labels == p)[0]) for p in range(k)]
    order = sorted(range(k), key=lambda p: (-cards[p]["size"], cards[p]["label"], first_member[p]))
    new_id = np.empty(k, dtype=np.int64)
    new_id[order] = np.arange(k)
    cards = [cards[p] for p in order]
    for i, card in enumerate(cards):
        card["id"] = i
    share = (reach / np.maximum(sizes[:, None], 1)).astype(np.float32)
    fit = (term_names, loglift[order], gram_names, gram_loglift[order])
    return cards, new_id[labels], weights[order], share[order], fit


def _round(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def _label(cards: list[dict[str, Any]]) -> None:
    """Two or three distinctive tags (else terms) per persona, unique across personas."""
    used: set[str] = set()
    for i, card in enumerate(cards):
        pool = [t for t in card["top_tags"]] or [t for t in card["top_terms"]]
        label = ""
        for n in (3, 4, 5, len(pool)):
            label = " · ".join(pool[:n])
            if label and label not in used:
                break
        if not label or label in used:
            label = f"{label} ({i})" if label else f"persona {i}"
        used.add(label)
        card["label"] = label


def _term_matrix(videos: pl.DataFrame):
    """Binary video x term matrix: words of titles and descriptions (Chinese via rjieba)
    and `#tag` tokens for each video's tags (normalised), the vocabulary drafts are read in."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    from kptui.engine.profiles import video_text
    from kptui.engine.tagparse import normalize_tag

    tag_lists = videos["tags"].to_list()
    seg = _segmenter({normalize_tag(t) for lst in tag_lists for t in (lst or [])})
    docs = []
    for text, tags in zip(video_text(videos), tag_lists, strict=True):
        words = _draft_terms(seg, text, ())
        words += [f"#{normalize_tag(t)}" for t in tags or []]
        docs.append(list(dict.fromkeys(words)))
    vec = CountVectorizer(analyzer=_identity, binary=True, min_df=2 if len(docs) >= 50 else 1)
    try:
        m = vec.fit_transform(docs)
    except ValueError:
        import scipy.sparse as sp

        return [], sp.csc_matrix((len(docs), 0), dtype=np.float32)
    names = vec.get_feature_names_out().tolist()
    return names, m.astype(np.float32).tocsc()


def char_wb_grams(text: str, lo: int = 2, hi: int = 4) -> set[str]:
    """The character n-grams sklearn's `analyzer="char_wb"` takes from `text` (lower-cased,
    each word padded with spaces), without importing sklearn: a draft is scored in ms."""
    import re

    out: set[str] = set()
    for word in re.sub(r"\s\s+", " ", text.lower()).split():
        padded = f" {word} "
        for n in range(lo, hi + 1):
            if len(padded) < n:
                continue
            out.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


def _grams_of(text: str) -> set[str]:
    """The features of `_gram_matrix` in a text: char_wb 2-4-grams and Chinese characters."""
    return char_wb_grams(text) | _cjk_chars(text)


def _cjk_chars(text: str) -> set[str]:
    """Each Chinese character once: one character carries meaning (存 in 存下 and 存钱),
    where one Latin letter does not; a word never seen whole still says something."""
    from kptui.engine.text import cjk_chars

    return cjk_chars(text)


def _gram_vectorizer(vocabulary: list[str] | None = None):
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 4),
        binary=True,
        vocabulary=vocabulary,
        min_df=1,
        dtype=np.float32,
    )


def _gram_matrix(videos: pl.DataFrame, cont: Content | None = None):
    """Binary video x character-gram matrix of titles and descriptions: sklearn's char_wb
    2-4-grams, and single Chinese characters (`_cjk_chars`). The grams are pruned from
    `cont`'s 1-4-gram counts when it has them (`chargrams`: the same columns), so the text
    is not read into grams a second time."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import CountVectorizer

    from kptui.engine import chargrams
    from kptui.engine.profiles import video_text

    texts = video_text(videos)
    vec = _gram_vectorizer()
    if len(texts) >= 50:
        vec.set_params(min_df=2)
    if cont is not None and cont.gram_counts is not None:
        grams, counts = cont.grams, cont.gram_counts
    else:
        grams, counts = chargrams.counts(texts, 1, 4)
    try:
        names, m = chargrams.prune(grams, counts, lengths=(2, 4), min_df=vec.min_df)
        m.data[:] = 1.0  # binary, as CountVectorizer(binary=True)
    except ValueError:
        m, names = sp.csr_matrix((len(texts), 0), dtype=np.float32), []
    chars = CountVectorizer(analyzer=_cjk_chars, binary=True, min_df=vec.min_df, dtype=np.float32)
    try:
        m = sp.hstack([m, chars.fit_transform(texts)], format="csr")
        names += chars.get_feature_names_out().tolist()
    except ValueError:  # no Chinese character anywhere
        pass
    return names, m.astype(np.float32).tocsc()


def _segmenter(tag_keys):
    from kptui.engine.text import Segmenter

    return Segmenter(tag_keys)


def _draft_terms(seg, text: str, tag_keys) -> list[str]:
    """Words of a text (hashtags removed) plus `#tag` for its hashtags and for every known
    tag it mentions (`tag_keys`: normalised tags of the corpus)."""
    from kptui.engine.tagparse import hashtags, normalize_tag, strip_hashtags

    words = seg.words(strip_hashtags(text))
    words += [f"#{normalize_tag(h)}" for h in hashtags(text)]
    if tag_keys:
        folded = normalize_tag(text)
        words += [f"#{key}" for key in tag_keys if len(key) >= 2 and key in folded]
    return words


# A sum of money: a currency sign before a number, or a unit after it (10万 ends a word;
# 10万粉丝 is an audience, not money).
_MONEY_RE = re.compile(
    r"[$¥￥€£]\s?\d|\d(?:[.,]\d+)*\s?(?:元|块钱|块|美元|美金|刀|万(?![\u4e00-\u9fff])"
    r"|(?:dollars?|bucks|usd|rmb|yuan|eur|euros?)\b)",
    re.IGNORECASE,
)


def _single_chars(seg, text: str) -> set[str]:
    """The Chinese characters jieba leaves standing alone that are not stop words (存 of
    存下, 存 + 下): one character still means something, read through the known words that
    hold it (存钱)."""
    from kptui.engine import text as tx
    from kptui.engine.tagparse import strip_hashtags

    return {
        t.text
        for t in seg.tokens(strip_hashtags(text))
        if len(t.text) == 1 and tx.is_cjk(t.text) and t.text not in tx.STOP_WORDS
    }


def _money_words(text: str) -> set[str]:
    """`money` and 钱 when the draft names a sum (10万, 5000元, $300, 40 dollars): a bare
    number says nothing (numbers carry no weight), an amount says the draft is about money,
    read through the words the corpus has for it (存钱, money)."""
    return {"money", "钱"} if _MONEY_RE.search(text) else set()


def _is_topic_word(term: str) -> bool:
    """A word or `#tag` that can speak for a topic: no function word, no number."""
    from kptui.engine import text as tx

    word = term[1:] if term.startswith("#") else term
    if word.lower() in FUNCTION_WORDS or word.lower() in tx.STOP_WORDS:
        return False
    return bool(word) and not word[0].isdigit()


def _without_function_words(text: str) -> str:
    """The text with function words blanked out (Chinese ones as substrings), for grams."""
    import re

    out = text
    for w in FUNCTION_WORDS:
        ascii_word = rf"(?i)\b{re.escape(w)}\b"
        out = re.sub(ascii_word, " ", out) if w.isascii() else out.replace(w, " ")
    return out


def _identity(x: list[str]) -> list[str]:
    return x


def _loglift(weights, matrix, alpha: float = 0.5, support: float | None = None):
    """k x terms: log P(term | persona) - log P(term), additively smoothed (float32), shrunk
    towards 0 by the term's support: times n / (n + `LIFT_SUPPORT`), n the viewers (in
    engagement mass) who met the term. A word three viewers met says little, however
    lopsided those three are (bench/bench_draft_fit.py: beer 1.26x -> 1.40x the prior)."""
    import numpy as np

    raw = np.asarray(weights @ matrix, dtype=np.float64)
    mass = raw + alpha
    p_term = mass.sum(axis=0) / mass.sum()
    p_given = mass / mass.sum(axis=1, keepdims=True)
    lift = np.log(p_given / p_term[None, :])
    n = raw.sum(axis=0)
    c = LIFT_SUPPORT if support is None else support
    if c > 0:
        lift *= (n / (n + c))[None, :]
    return lift.astype(np.float32)


def _distinctive(weights, matrix, names: list[str]) -> list[list[str]]:
    """Per persona, the features it engages with more than the other viewers, best first.

    Score: the persona's share of the feature times its log-lift over the *other* personas
    (not over everyone: a persona of half the viewers is half of "everyone", so its filler
    words looked distinctive), and at least `MIN_LIFT` times more: a label word must be
    both frequent in the persona and characteristic of it.
    """
    import numpy as np

    k = weights.shape[0]
    if not names:
        return [[] for _ in range(k)]
    raw = np.asarray(weights @ matrix, dtype=np.float64)  # k x features
    mass = raw / np.maximum(raw.sum(axis=1, keepdims=True), 1e-12)
    if k > 1:
        rest = raw.sum(axis=0, keepdims=True) - raw
        rest /= np.maximum(rest.sum(axis=1, keepdims=True), 1e-12)
    else:
        rest = mass.copy()
    lift = (mass + 1e-6) / (rest + 1e-6)
    score = mass * np.log(lift)
    if k > 1:
        score[lift < MIN_LIFT] = 0.0
    out: list[list[str]] = []
    for p in range(k):
        order = np.argsort(-score[p], kind="stable")
        picked = [names[j] for j in order[: TOP_N * 2] if score[p, j] > 0 and mass[p, j] > 0]
        out.append(picked[:TOP_N])
    return out


# --------------------------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------------------------


def cache_key(fingerprint: str, k: int | str, seed: int) -> str:
    from kptui.engine.modelcache import key

    k_fixed = parse_k(k)
    return key("personas", MODEL_VERSION, fingerprint, "auto" if k_fixed is None else k_fixed, seed)


def save_model(model: PersonaModel, cache_key_: str) -> Path | None:
    """Write the model atomically; a failure only means it is not cached."""
    import numpy as np
    import polars as pl

    from kptui.engine.modelcache import write_atomic

    def write(tmp: Path) -> None:
        meta = {
            "version": MODEL_VERSION,
            "k": model.k,
            "seed": model.seed,
            "k_requested": model.k_requested,
            "fingerprint": model.fingerprint,
            "cards": model.cards,
            "silhouette": {str(a): b for a, b in model.silhouette.items()},
            "split_shares": model.split_shares,
            "fit_terms": model.fit_terms,
            "fit_grams": model.fit_grams,
        }
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        pl.DataFrame({"user_id": model.user_ids, "persona_id": model.labels}).write_parquet(
            tmp / "assignments.parquet"
        )
        pl.DataFrame({"video_id": model.video_ids}).write_parquet(tmp / "videos.parquet")
        np.savez(
            tmp / "arrays.npz",
            item_weights=model.item_weights,
            item_reach=model.item_reach,
            fit_loglift=model.fit_loglift,
            fit_gram_loglift=model.fit_gram_loglift,
        )

    return write_atomic("personas", cache_key_, write, fingerprint=model.fingerprint)


def load_model(cache_key_: str, fingerprint: str | None = None) -> PersonaModel | None:
    """The cached model, if its manifest matches `fingerprint` and its files' checksums."""
    import numpy as np
    import polars as pl

    from kptui.engine.modelcache import verified

    folder = verified("personas", cache_key_, fingerprint)
    if folder is None:
        return None
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("version") != MODEL_VERSION:
            return None
        assign = pl.read_parquet(folder / "assignments.parquet")
        videos = pl.read_parquet(folder / "videos.parquet")["video_id"].to_list()
        with np.load(folder / "arrays.npz", allow_pickle=False) as arrays:
            weights = arrays["item_weights"]
            reach = arrays["item_reach"]
            loglift = arrays["fit_loglift"]
            gram_loglift = arrays["fit_gram_loglift"]
    except Exception:  # missing or corrupt (json, parquet, npz): refit rather than fail
        return None
    return PersonaModel(
        k=int(meta["k"]),
        seed=int(meta["seed"]),
        k_requested=str(meta["k_requested"]),
        cards=meta["cards"],
        user_ids=assign["user_id"].to_list(),
        labels=assign["persona_id"].to_numpy().astype(np.int32),
        item_weights=weights,
        video_ids=videos,
        item_reach=reach,
        fit_terms=list(meta["fit_terms"]),
        fit_loglift=loglift,
        fit_grams=list(meta["fit_grams"]),
        fit_gram_loglift=gram_loglift,
        fingerprint=meta.get("fingerprint", ""),
        from_cache=True,
        silhouette={int(a): b for a, b in meta.get("silhouette", {}).items()},
        split_shares=[float(x) for x in meta.get("split_shares", [])],
    )


def load_or_fit_personas(
    dataset: Dataset,
    k: int | str = "auto",
    seed: int = 0,
    progress: Progress | None = None,
    *,
    use_cache: bool = True,
    eng: Engagement | None = None,
    cont: Content | None = None,
) -> PersonaModel:
    """The cached personas for this data and parameters, else a fresh fit (then cached)."""
    parse_k(k)
    check_seed(seed)
    key = cache_key(dataset.fingerprint, k, seed) if dataset.fingerprint and use_cache else None
    if key:
        cached = load_model(key, dataset.fingerprint)
        if cached is not None:
            return cached
    if eng is None and cont is None and dataset.has_interactions:
        from kptui.engine.profiles import engagement_and_content

        eng, cont = engagement_and_content(dataset, seed=seed, progress=progress)
    model = fit_personas(dataset, k=k, seed=seed, progress=progress, eng=eng, cont=cont)
    if key:
        save_model(model, key)
    return model


__all__ = [
    "K_MAX",
    "K_MIN",
    "MIN_SHARE",
    "PersonaModel",
    "fit_personas",
    "load_or_fit_personas",
    "parse_k",
    "wilson",
]
