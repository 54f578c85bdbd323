"""Candidates, their evidence, and the small model that weighs the evidence.

Every candidate tag for a draft gets a feature row (what the draft says about it, what
similar videos say, what co-occurrence and popularity say). A logistic regression turns the
row into a probability. It is fitted per dataset when the index is built, on the dataset's
own videos used as drafts (their hashtags removed, each video left out of every statistic
it would otherwise leak into), so an English YouTube export and a Chinese Kuaishou export
each get the weighting that suits them. Without enough tagged videos to fit, fixed weights
chosen on the benchmark's validation splits are used instead.

numpy only: fitting is a few Newton steps on 24 features (48 weights with their in-draft
interactions), no sklearn import (850 ms).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kptui.engine import text as tx
from kptui.engine.tagparse import clean_tag, hashtags, normalize_tag, strip_hashtags

if TYPE_CHECKING:
    import numpy as np

    from kptui.engine.tagindex import TagIndex

DRAFT_CAP = 5000  # characters of a draft that are read; a 100 KB paste stays fast
NEIGHBOURS = 30
# Tags of the neighbours kept as candidates (by vote). 30 YouTube neighbours carry 600+ tags,
# each a Python row of evidence: 100 instead of 1,000 left the 5-fold F1@10 where it was
# (youtube-random 0.2349 -> 0.2361, by channel 0.1858 -> 0.1856, KuaiRec unchanged) and cut
# a YouTube draft's suggest from 8.5 to 4.5 ms CPU and an index build from 3.8 to 2.2 s.
SIMILAR_TOP = 100
COOCCUR_TOP = 40  # co-occurring tags kept as candidates
SEEDS = 5  # strongest candidates whose co-occurring tags are proposed
POPULAR_TOP = 30  # most used tags the prior proposes
MAX_DRAFT_PHRASES = 80  # draft phrases kept as candidates (by extraction rate)
BLEND = 5.0  # similarity mass the corpus rate counts for in the neighbours' vote
SHRINK = 2.0  # pseudo-count pulling a phrase's own rate towards the novel-phrase rate

FEATURES = (
    "bias",
    "in_draft",
    "draft_logit",  # logit of the corpus's rate of turning this phrase into a tag
    "draft_seen_logit",  # the same, only for phrases the corpus text did hold
    "draft_known",  # a draft phrase that is also a tag the corpus uses
    "head_noun",  # a Chinese phrase ending in a noun (jieba's part of speech): tags are nouns
    "head_verb",
    "mention",  # an account the draft mentions (`@快手母婴`)
    "mention_logit",  # how often the corpus tags a video with the account it mentions
    "in_title",
    "two_words",
    "three_words",
    "draft_tf",
    "phrase_common",  # log share of corpus videos whose text has the phrase
    "similar",  # similarity-weighted vote of the nearest videos
    "similar_sqrt",
    "similar_x_top",  # vote times the best similarity: a vote from far neighbours is weak
    "similar_log",  # with popular_log: how much more the neighbours use it than everyone
    "blend_logit",  # neighbours' vote shrunk towards the corpus rate (Bayesian average)
    "cooccur",
    "known",  # the corpus uses this tag
    "popular_log",
    "cjk",
    "popular_x_short",  # the prior matters more when the draft says little
)
SOURCE_OF = {
    "in_draft": "draft",
    "draft_logit": "draft",
    "draft_seen_logit": "draft",
    "draft_known": "draft",
    "head_noun": "draft",
    "head_verb": "draft",
    "mention": "draft",
    "mention_logit": "draft",
    "in_title": "draft",
    "two_words": "draft",
    "three_words": "draft",
    "draft_tf": "draft",
    "phrase_common": "draft",
    "similar": "similar",
    "similar_sqrt": "similar",
    "similar_x_top": "similar",
    "similar_log": "similar",
    "blend_logit": "similar",
    "cooccur": "cooccur",
    "known": "popular",
    "popular_log": "popular",
    "popular_x_short": "popular",
}
SOURCES = ("hashtag", "draft", "similar", "cooccur", "popular")
# Used when a dataset has too few tagged videos (< MIN_FIT_DRAFTS) to fit its own: the mean of
# the weights fitted on the three validation splits of bench/bench_tags_quality.py.
DEFAULT_COEF: dict[str, float] = {
    "bias": -1.64,
    "in_draft": -0.1,
    "draft_logit": 0.19,
    "draft_known": -0.07,
    "head_noun": -0.11,
    "head_verb": -0.22,
    "mention": 0.13,
    "mention_logit": -0.36,
    "in_title": 0.41,
    "three_words": -0.18,
    "draft_tf": 0.3,
    "phrase_common": -0.25,
    "similar": 0.45,
    "similar_sqrt": 0.26,
    "similar_x_top": 0.4,
    "similar_log": 0.32,
    "blend_logit": 1.29,
    "cooccur": 2.37,
    "known": -0.18,
    "popular_log": -0.23,
    "cjk": -0.19,
    "popular_x_short": 0.05,
}
# ... and the extra weights for draft phrases (see `expand`).
DEFAULT_DRAFT_COEF: dict[str, float] = {
    "bias": -0.1,
    "in_draft": -0.1,
    "draft_logit": 0.19,
    "draft_known": -0.07,
    "head_noun": -0.11,
    "head_verb": -0.22,
    "in_title": 0.41,
    "three_words": -0.18,
    "draft_tf": 0.3,
    "phrase_common": -0.25,
    "similar_log": -0.64,
    "blend_logit": -0.67,
    "cooccur": 0.17,
    "popular_log": 0.17,
}
# A dataset without any tags: only the draft's own phrases can be offered, ranked like
# keywords (in the title, repeated, rare in the corpus, a noun, an account it mentions).
EXTRACTIVE_COEF: dict[str, float] = {
    "bias": -3.0,
    "in_title": 1.0,
    "draft_tf": 0.5,
    "phrase_common": -0.3,
    "two_words": 0.3,
    "three_words": -0.5,
    "head_noun": 0.5,
    "head_verb": -0.3,
    "mention": 0.5,
}
_IN_DRAFT = FEATURES.index("in_draft")
_FEATURE_INDEX = {name: i for i, name in enumerate(FEATURES) if name != "bias"}
HASHTAG_PRIOR = 0.9  # the draft's own #tags: the creator already chose them


@dataclass
class Exclude:
    """A corpus video used as a training draft, to be left out of every statistic."""

    video: int
    tags: set[int]
    phrases: set[str]


@dataclass
class Candidates:
    keys: list[str] = field(default_factory=list)
    display: list[str] = field(default_factory=list)
    hashtag: list[bool] = field(default_factory=list)
    rows: list[dict[str, float]] = field(default_factory=list)  # feature name -> value
    n_query: int = 0  # terms in the draft's similarity query
    neighbours: list[int] = field(default_factory=list)  # the videos that voted (`similar`)
    shared: list[int] = field(default_factory=list)  # query terms each of them has
    own_seeds: bool = False  # co-occurrence came from the draft's own tags, not neighbours'

    def matrix(self) -> np.ndarray:
        """Rows as a dense matrix in FEATURES order (absent features are 0, bias is 1)."""
        import numpy as np

        x = np.zeros((len(self.rows), len(FEATURES)))
        x[:, 0] = 1.0
        for i, r in enumerate(self.rows):
            for name, value in r.items():
                j = _FEATURE_INDEX.get(name)
                if j is not None:
                    x[i, j] = value
        return x


def draft_candidates(
    index: TagIndex,
    title: str,
    description: str,
    exclude: Exclude | None = None,
    seg: tx.Segmenter | None = None,
) -> Candidates:
    """Every candidate tag for a draft with its feature row."""
    import numpy as np

    title = (title or "")[:DRAFT_CAP]
    description = (description or "")[: max(DRAFT_CAP - len(title), 0)]
    feats: dict[str, dict[str, float]] = {}
    display: dict[str, str] = {}
    tagged: set[str] = set()

    def row(key: str) -> dict[str, float]:
        r = feats.get(key)
        if r is None:
            r = feats[key] = {}
        return r

    for tag in hashtags(title) + hashtags(description):
        key = normalize_tag(tag)
        if key:
            tagged.add(key)
            row(key)
            display.setdefault(key, clean_tag(tag))

    # Draft words and phrases; the similarity query is built from the same tokens.
    seg = seg or index.segmenter
    assert seg is not None
    n_corpus = max(index.n_counted - (1 if exclude else 0), 1)
    query: dict[str, float] = {}
    phrase_rows: dict[str, dict[str, float]] = {}
    from kptui.engine.tagterms import MAX_PHRASE, TITLE_WEIGHT, draft_terms

    for where, chunk, weight in (("title", title, TITLE_WEIGHT), ("desc", description, 1.0)):
        if not chunk:
            continue
        for tag in hashtags(chunk):
            for key in draft_terms(seg, tag):
                query[key] = query.get(key, 0.0) + weight
        chunk = strip_hashtags(chunk)
        cleaned = tx.clean(chunk)
        shown = _display_source(chunk, cleaned)
        toks = seg.tokens_of_clean(cleaned)
        for key, i, size in tx.phrases(cleaned, toks, MAX_PHRASE):
            if size <= 2:
                query[key] = query.get(key, 0.0) + weight
            tkey = normalize_tag(key)
            if not tkey or (tkey not in index.tag_id and fragment(seg, toks, i, size)):
                continue
            r = phrase_rows.get(tkey)
            if r is not None:
                r["draft_tf"] += 1.0
                continue
            prior = index.novel_rate.get(f"{where}:{min(size, 3)}", 0.01)
            cnt, hit = index.phrase_df.get(key, (0, 0))
            if exclude is not None and key in exclude.phrases and cnt > 0:
                cnt -= 1
                tid = index.tag_id.get(tkey)
                hit = max(hit - int(tid is not None and tid in exclude.tags), 0)
            rate = (hit + SHRINK * prior) / (cnt + SHRINK)
            phrase_rows[tkey] = {
                "in_draft": 1.0,
                "draft_logit": _logit(rate),
                "draft_seen_logit": _logit(rate) if cnt > 0 else 0.0,
                "in_title": float(where == "title"),
                "two_words": float(size == 2),
                "three_words": float(size >= 3),
                "head_noun": float(toks[i + size - 1].pos.startswith("n")),
                "head_verb": float(toks[i + size - 1].pos.startswith("v")),
                "draft_tf": 1.0,
                "phrase_common": math.log((cnt + 1) / (n_corpus + 1)),
                "_rate": rate,
            }
            if shown is not None:
                display.setdefault(
                    tkey, " ".join(shown[toks[i].start : toks[i + size - 1].end].split())
                )
        for name in tx.mentions(chunk):
            nkey = normalize_tag(name)
            mkey = "@" + nkey
            query[mkey] = query.get(mkey, 0.0) + weight
            cnt, hit = index.phrase_df.get(mkey, (0, 0))
            if exclude is not None and mkey in exclude.phrases and cnt > 0:
                cnt -= 1
                tid = index.tag_id.get(nkey)
                hit = max(hit - int(tid is not None and tid in exclude.tags), 0)
            prior = index.novel_rate.get("mention", 0.01)
            r = row(nkey)
            r["mention"] = 1.0
            r["mention_logit"] = _logit((hit + SHRINK * prior) / (cnt + SHRINK))
            display.setdefault(nkey, name)
    if len(phrase_rows) > MAX_DRAFT_PHRASES:
        keep = sorted(phrase_rows, key=lambda k: -phrase_rows[k]["_rate"])[:MAX_DRAFT_PHRASES]
        phrase_rows = {k: phrase_rows[k] for k in keep}
    for key, r in phrase_rows.items():
        r["draft_tf"] = math.log(r["draft_tf"]) + 1.0
        row(key).update(r)

    # Tags of similar videos.
    knn_total = 0.0
    own_seeds = False
    neighbours: list[int] = []
    if query and index.has_tags:
        found = _similarities(index, query)
        if found is not None:
            sims, shared = found
            if exclude is not None:
                sims[exclude.video] = 0.0
            nz = np.flatnonzero(sims)
            if nz.size:
                k = min(NEIGHBOURS, nz.size)
                best = nz[np.argpartition(-sims[nz], k - 1)[:k]]
                top = float(sims[best].max())
                sw = sims[best] * index.quality[best]
                total = knn_total = float(sw.sum())
                neighbours = best.tolist()
                votes: dict[int, float] = {}
                for v, s in zip(neighbours, (sw / total).tolist(), strict=True):
                    for t in index.y_indices[index.y_indptr[v] : index.y_indptr[v + 1]].tolist():
                        votes[t] = votes.get(t, 0.0) + s
                if len(votes) > SIMILAR_TOP:
                    kept = sorted(votes, key=votes.__getitem__, reverse=True)[:SIMILAR_TOP]
                    votes = {t: votes[t] for t in kept}
                for t, s in votes.items():
                    r = row(index.tag_keys[t])
                    r["similar"] = s
                    r["similar_sqrt"] = math.sqrt(s)
                    r["similar_x_top"] = s * top
                    r["similar_log"] = math.log(s + 0.01) - math.log(0.01)

    # Co-occurring tags of the strongest corpus-known candidates so far: of the draft's own
    # words and hashtags when some are tags of the corpus, else of the neighbours' tags. A
    # neighbour that shares only a generic word (零基础学...) would otherwise pull in its
    # topic's tags (UI设计 for 零基础学Python); validation: KuaiRec +0.002, YouTube +0.004 /
    # -0.002 (bench/TAGS_PROTOCOL.md).
    if index.has_tags:
        seeds, own = [], []
        for key, r in feats.items():
            t = index.tag_id.get(key)
            if t is None or index.reach[t]:
                continue  # a reach tag goes with anything: what comes with it is no evidence
            strength = 1.0 if key in tagged else max(r.get("_rate", 0.0), r.get("similar", 0.0))
            (own if key in tagged or "in_draft" in r else seeds).append((strength, t))
        own_seeds = bool(own)
        seeds = sorted(own or seeds, reverse=True)
        co: dict[int, float] = {}
        for strength, t in seeds[:SEEDS]:
            df_t = int(index.tag_df[t]) - int(exclude is not None and t in exclude.tags)
            if df_t <= 0 or strength <= 0:
                continue
            lo, hi = index.co_indptr[t], index.co_indptr[t + 1]
            for j, c in zip(
                index.co_indices[lo:hi].tolist(), index.co_data[lo:hi].tolist(), strict=True
            ):
                if exclude is not None and t in exclude.tags and j in exclude.tags:
                    c -= 1.0
                p = strength * c / df_t
                if p > co.get(j, 0.0):
                    co[j] = p
        for j in sorted(co, key=co.__getitem__, reverse=True)[:COOCCUR_TOP]:
            if co[j] > 0:
                row(index.tag_keys[j])["cooccur"] = co[j]

    # Popularity prior, and what every known tag carries. A draft whose words no video of the
    # corpus has (English on a Kuaishou corpus) is about something the corpus is not: of the
    # most used tags it gets the reach ones only, a popular topic tag would be off-topic.
    if index.has_tags:
        unrelated = bool(query) and knn_total == 0.0
        for t in index.popular[:POPULAR_TOP].tolist():
            if not unrelated or index.reach[t]:
                row(index.tag_keys[t])
    n_tagged = max(index.n_tagged - (1 if exclude else 0), 1)
    short = float(len(query) < 4)
    out = Candidates(n_query=len(query), own_seeds=own_seeds, neighbours=neighbours)
    if neighbours:
        out.shared = shared[best].tolist()
    for key, r in feats.items():
        t = index.tag_id.get(key)
        df_t = 0 if t is None else int(index.tag_df[t])
        if exclude is not None and t is not None and t in exclude.tags:
            df_t -= 1
        prior = (df_t if df_t > 0 else 0.5) / n_tagged
        if df_t > 0:
            r["known"] = 1.0
            r["draft_known"] = r.get("in_draft", 0.0)
        r["popular_log"] = math.log(prior)
        vote = r.get("similar", 0.0) * knn_total
        r["blend_logit"] = _logit((vote + BLEND * prior) / (knn_total + BLEND))
        r["cjk"] = float(tx.is_cjk(key))
        r["popular_x_short"] = r["popular_log"] * short
        out.keys.append(key)
        out.display.append(index.tag_display[t] if t is not None else display.get(key, key))
        out.hashtag.append(key in tagged)
        out.rows.append(r)
    return out


def score(coef: np.ndarray, cands: Candidates) -> tuple[np.ndarray, np.ndarray]:
    """Probability per candidate and the feature matrix it came from."""
    import numpy as np

    x = cands.matrix()
    p = 1.0 / (1.0 + np.exp(-np.clip(expand(x) @ coef, -30.0, 30.0)))  # no overflow warning
    hashtag = np.asarray(cands.hashtag, dtype=bool)
    # the draft's own hashtags: noisy-or with a strong prior, so they come first
    p = np.where(hashtag, 1.0 - (1.0 - p) * (1.0 - HASHTAG_PRIOR), p)
    return p, x


def expand(x: np.ndarray) -> np.ndarray:
    """Features plus the same features for draft phrases only: a phrase of the draft and a
    tag from elsewhere follow different rules (an interaction a linear model needs spelled out)."""
    import numpy as np

    return np.hstack([x, x * x[:, _IN_DRAFT : _IN_DRAFT + 1]])


def sources_of(coef: np.ndarray, x_row: np.ndarray, is_hashtag: bool) -> list[str]:
    """Sources that raised this candidate's score, strongest first."""
    contrib: dict[str, float] = {}
    for f, name in enumerate(FEATURES):
        src = SOURCE_OF.get(name)
        if src is None or x_row[f] == 0:
            continue
        own = coef[f] + (coef[f + len(FEATURES)] if x_row[_IN_DRAFT] > 0 else 0.0)
        contrib[src] = contrib.get(src, 0.0) + float(own * x_row[f])
    # a source counts when the candidate has its evidence, even if its pull is small
    present = {
        "draft": x_row[FEATURES.index("in_draft")] > 0,
        "similar": x_row[FEATURES.index("similar")] > 0,
        "cooccur": x_row[FEATURES.index("cooccur")] > 0,
        "popular": x_row[FEATURES.index("known")] > 0,
    }
    names = [s for s in ("draft", "similar", "cooccur") if present[s]]
    names.sort(key=lambda s: -contrib.get(s, 0.0))
    if is_hashtag:
        names.insert(0, "hashtag")
    if present["popular"] and (not names or contrib.get("popular", 0.0) > 0):
        names.append("popular")
    if not names:
        names = ["popular"] if present["popular"] else ["draft"]
    return names


def fit(
    index: TagIndex,
    drafts: list[tuple[str, str, Exclude]],
    l2: float = 10.0,
    seg: tx.Segmenter | None = None,
) -> np.ndarray:
    """Logistic regression (Newton steps, L2) on the corpus's own videos used as drafts.

    `seg` segments those drafts: one that was not taught the tags only they carry, else
    `机器学习` would come out of a training draft whole because it is its own tag, and the
    model would learn that new phrases are tags far more often than they are.
    """
    import numpy as np

    xs, ys, ws = [], [], []
    for title, desc, ex in drafts:
        cands = draft_candidates(index, strip_hashtags(title), strip_hashtags(desc), ex, seg)
        if not cands.keys:
            continue
        truth = {index.tag_keys[t] for t in ex.tags}
        xs.append(cands.matrix())
        ys.append(np.asarray([k in truth for k in cands.keys], dtype=np.float64))
        # F1@10 of a draft is 2*hits/(10 + |truth|): a hit on a lightly tagged video is worth more
        ws.append(np.full(len(cands.keys), 1.0 / (10.0 + len(truth))))
    if not xs:
        return default_coef()
    x = expand(np.vstack(xs))
    y = np.concatenate(ys)
    sw = np.concatenate(ws)
    sw *= len(sw) / sw.sum()
    if y.sum() < 5 or y.sum() > len(y) - 5:
        return default_coef()
    d = x.shape[1]
    # The penalty pulls towards the benchmark-fitted weights, not towards zero: a small
    # corpus keeps close to what worked elsewhere, a large one moves where its data says.
    prior = default_coef()
    coef = prior.copy()
    reg = np.full(d, l2)
    reg[0] = 0.0
    # One BLAS thread: the products are small (about 25,000 x 48), and OpenBLAS's threads
    # fighting other programs for the cores made 8 Newton steps take 1.1 s instead of 0.04 s
    # on a loaded 2-core machine (the fit was most of a 10,000-video build there).
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        for _ in range(25):
            z = np.clip(x @ coef, -30, 30)
            p = 1.0 / (1.0 + np.exp(-z))
            g = x.T @ (sw * (p - y)) + reg * (coef - prior)
            h = (x * (sw * p * (1 - p))[:, None]).T @ x + np.diag(reg + 1e-6)
            step = np.linalg.solve(h, g)
            coef -= step
            if float(np.abs(step).max()) < 1e-6:
                break
    return coef


def n_coef() -> int:
    """Length of a weight vector: every feature, plain and for draft phrases (see `expand`)."""
    return 2 * len(FEATURES)


def model_params() -> list[float]:
    """The constants that shape candidates and features: a cache built with others is stale."""
    return [DRAFT_CAP, NEIGHBOURS, SIMILAR_TOP, COOCCUR_TOP, SEEDS, POPULAR_TOP,
            MAX_DRAFT_PHRASES, BLEND, SHRINK, HASHTAG_PRIOR]  # fmt: skip


def default_coef(has_tags: bool = True) -> np.ndarray:
    """Weights when none can be fitted: hand-set, or keyword-style for an untagged corpus."""
    import numpy as np

    table = DEFAULT_COEF if has_tags else EXTRACTIVE_COEF
    extra = DEFAULT_DRAFT_COEF if has_tags else {}
    base = [table.get(f, 0.0) for f in FEATURES] + [extra.get(f, 0.0) for f in FEATURES]
    return np.asarray(base, dtype=np.float64)


# jieba's parts of speech a tag does not end with: numerals and measure words (一颗),
# adverbs (往往), pronouns (这样), prepositions, conjunctions, particles, direction words...
# and those it does not start with either (pronouns and question words included: 如何存钱,
# 这样做). Adjectives, idioms and set phrases stay (健康, 真人真事, 无人机 are tags), and a
# phrase the corpus does use as a tag is always kept (日常, 一起, 我是吃货, 零基础).
_PARTICLES = {"p", "c", "u", "ud", "ug", "uj", "ul", "uv", "uz", "y", "o", "e", "zg", "k"}
NOT_LAST_POS = frozenset(_PARTICLES | {"m", "mq", "q", "d", "ad", "r", "rr", "rz", "f"})
NOT_FIRST_POS = frozenset(_PARTICLES | {"d", "ad", "f", "r", "rr", "rz", "q"})
EDGE_WORDS_EN = frozenset({"vs", "versus"})  # English function words STOP_EN lacks
_NUMBER_CHARS = frozenset("第个两几半多余")


def fragment(seg: tx.Segmenter, toks: list[tx.Token], i: int, size: int) -> bool:
    """A draft phrase that is not a whole phrase: it starts or ends on a number or a function
    word, or (Chinese) holds a one-character word, which is where jieba cut a word it did not
    know (`基金定` of 基金定投, `天减脂` of 21天减脂, `分提到` of 60分提到120分), or starts or
    ends like one (`小白必` of 小白必看, a word jieba guessed: its last character is an adverb).

    The caller keeps a phrase the corpus uses as a tag whatever this says.
    """
    first, last = toks[i], toks[i + size - 1]
    if _number(first.text) or (_number(last.text) and not _numbered_name(toks, i, size)):
        return True
    if first.text in EDGE_WORDS_EN or last.text in EDGE_WORDS_EN:
        return True
    if first.pos in NOT_FIRST_POS or last.pos in NOT_LAST_POS:
        return True
    if any(len(t.text) == 1 and tx.is_cjk(t.text) for t in toks[i : i + size]):
        return True
    guessed_first = tx.is_cjk(first.text) and not seg.knows(first.text)
    if guessed_first and seg.pos_of(first.text[0]) in NOT_FIRST_POS:
        return True
    guessed_last = tx.is_cjk(last.text) and not seg.knows(last.text)
    return guessed_last and seg.pos_of(last.text[-1]) in NOT_LAST_POS


def _numbered_name(toks: list[tx.Token], i: int, size: int) -> bool:
    """`iPhone 8`, `FIFA 18`, `Riverdale 2x07`: a Latin name and its number, a whole phrase."""
    name, num = toks[i].text, toks[i + 1].text if size == 2 else ""
    return (
        size == 2 and name.isascii() and name.isalpha() and num.isascii() and num.isalnum()
        and len(num) <= 5
    )  # fmt: skip


def _number(word: str) -> bool:
    """`10`, `40k`, `2017`, `10万`, `第一个`: a word that starts with a digit or is all numerals."""
    if not word:
        return False
    if word[0].isdigit():
        return True
    return tx.is_cjk(word) and all(c.isnumeric() or c in _NUMBER_CHARS for c in word)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _similarities(index: TagIndex, query: dict[str, float]):
    """Cosine similarity of the query to every video and how many of the query's terms each
    has, from the term postings; None if no overlap."""
    import numpy as np

    cols, vals = [], []
    for term, tf in query.items():
        col = index.terms.get(term)
        if col is not None:
            cols.append(col)
            vals.append((1.0 + math.log(tf)) * float(index.idf[col]))
    if not cols:
        return None
    q = np.asarray(vals, dtype=np.float64)
    q /= float(np.sqrt((q * q).sum())) or 1.0
    ptr = index.xt_indptr
    parts_i = [index.xt_indices[ptr[c] : ptr[c + 1]] for c in cols]
    parts_d = [index.xt_data[ptr[c] : ptr[c + 1]] * qv for c, qv in zip(cols, q, strict=True)]
    videos = np.concatenate(parts_i)
    sims = np.bincount(videos, weights=np.concatenate(parts_d), minlength=index.n_videos)
    return sims, np.bincount(videos, minlength=index.n_videos)


def _display_source(original: str, cleaned: str) -> str | None:
    """The draft as written (NFKC, case kept) when its offsets line up with the cleaned text."""
    shown = unicodedata.normalize("NFKC", original)
    return shown if len(shown) == len(cleaned) else None
