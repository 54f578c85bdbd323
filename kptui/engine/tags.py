"""Tag suggestion for a draft: a hybrid of five sources, weighed per dataset.

- draft: the draft's own words and phrases (English phrases, Chinese words from rjieba taught
  the corpus's tags), each rated by how often the corpus turns that phrase into a tag when
  its text holds it;
- hashtag: `#tags` the draft already carries;
- similar: tags of the most similar videos (TF-IDF cosine), weighted by similarity and by how
  well each video did (views percentile, when the export has metrics);
- cooccur: tags that often come with the strongest candidates above;
- popular: how much the corpus uses a tag, a prior;
- history (`apply_history`, after scoring): how videos with the tag did for this creator.

Each tag also has a kind: `topic` (says what the video is about) or `reach` (a platform-wide
tag creators add to anything, like 感谢快手我要上热门: the corpus's text does not predict it;
see `tagindex`). Front ends show the two groups apart (`by_kind`).

The evidence is turned into a probability by a small logistic model fitted on the dataset's
own videos when the index is built (see `tagmodel`), so a score is in [0, 1]. Candidates
merge by `tagparse.normalize_tag` (`#Python`, `python`, `Python `), and a tag the corpus
knows is shown as the corpus writes it most often.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kptui.engine.tagindex import TagIndex
    from kptui.engine.types import Dataset

Progress = Callable[[str, float | None], None]

# What each `source` and `kind` means, in users' words: `kptui tags suggest --help`, the app's
# help screen and the README say the same (tests check they do).
SOURCES: dict[str, str] = {
    "hashtag": "a #hashtag the draft already has",
    "draft": "a word or phrase of the draft that this dataset often turns into a tag",
    "similar": "a tag of the dataset's videos most like the draft",
    "cooccur": "a tag that often comes with the draft's own tags (co-occurrence; "
    "with the similar videos' tags when the draft has none)",
    "popular": "one of the tags the dataset uses most",
    "history": "videos with this tag did better for you (1.2x your usual or more)",
}
KINDS: dict[str, str] = {
    "topic": "says what the video is about",
    "reach": "a platform-wide tag added to videos on any topic (感谢快手我要上热门): "
    "it may help distribution, it says nothing about the video",
}


@dataclass(frozen=True)
class TagSuggestion:
    tag: str  # as the corpus writes it (or the draft, for a tag the corpus never used)
    score: float  # 0..1, the estimated chance that the tag fits
    source: str  # the source that contributed most: hashtag|draft|similar|cooccur|popular|history
    sources: list[str] = field(default_factory=list)  # every source that proposed it
    history: float | None = None  # this creator's median multiple with the tag (apply_history)
    kind: str = "topic"  # topic | reach (a platform-wide tag: see KINDS)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "tag": self.tag,
            "score": self.score,
            "source": self.source,
            "sources": self.sources,
            "kind": self.kind,
        }
        if self.history is not None:
            out["history"] = self.history
        return out


def tag_index(dataset: Dataset, progress: Progress | None = None, cache: bool = True) -> TagIndex:
    """The dataset's index: from the cache when the fingerprint matches, else built and saved."""
    from kptui.engine.tagindex import TagIndex, cache_folder

    folder = cache_folder(dataset.fingerprint) if cache and dataset.fingerprint else None
    if folder is not None:
        cached = TagIndex.load(folder, dataset.fingerprint)
        if cached is not None:
            return cached
    index = TagIndex.build(dataset.videos, dataset.fingerprint, progress=progress)
    if folder is not None:
        with contextlib.suppress(OSError):  # a read-only cache only costs a rebuild next time
            index.save(folder)
            _drop_older_builds(folder, dataset.fingerprint)
    return index


def _drop_older_builds(folder: Path, fingerprint: str) -> None:
    """Remove this dataset's indexes written by other builds of kptui: never read again."""
    import shutil

    for old in folder.parent.glob(f"{fingerprint}-v*"):
        if old != folder and old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)


def suggest(
    index: TagIndex, title: str, description: str = "", top: int = 10
) -> list[TagSuggestion]:
    """Top `top` tags for a draft, best first, without the clearly unrelated ones (`_shown`,
    the next ones taking their places); [] for a draft with no words and no index tags."""
    import numpy as np

    from kptui.engine.tagmodel import draft_candidates, score, sources_of

    if top <= 0:
        return []
    cands = draft_candidates(index, title or "", description or "")
    if not cands.keys:
        return []
    p, x = score(index.coef, cands)
    # the draft's own #hashtags first (the creator chose them), then by score, then by name
    own = ~np.asarray(cands.hashtag, dtype=bool)
    order = np.lexsort((np.asarray(cands.display, dtype=object), -p, own))
    # a cut tag leaves its place to the next one that is shown (the draft's own words on a
    # corpus about something else) and scores MIN_SCORE or more: a list is only short when
    # nothing else passes
    out = []
    for i in _shown(index, cands, p, x, order[: 3 * top + 20], top):
        names = sources_of(index.coef, x[i], cands.hashtag[i])
        kind = index.kind(cands.keys[i])
        out.append(
            TagSuggestion(cands.display[i], round(float(p[i]), 4), names[0], names, kind=kind)
        )
    return out


# Of the top tags, those a user should not be shown: a tag that is not the draft's own (a
# word, phrase, #hashtag or @mention of it) with a score under MIN_SCORE, or a topic tag
# under RELATIVE x the best topic tag's score (健身 at 0.04 next to Python at 0.51 for
# 零基础学Python: a neighbour's tag with nothing else behind it). Both are the largest that
# left F1@10 unchanged on all three validation splits (bench/TAGS_PROTOCOL.md): the scores
# are calibrated, so a higher cut drops real hits (0.03: KuaiRec -0.004; 0.15: YouTube -0.001).
MIN_SCORE = 0.02
RELATIVE = 0.1
# Two signs that a topic tag from elsewhere is about another subject, each cutting it under
# a larger share of the best topic tag's score:
# - the draft has its own topic tag, scored OWN_STRONG or more, that the corpus has seen on
#   OWN_MIN_DF videos or more, and the tag never comes with it (on at most one of them):
#   UI设计 (0.07) for 零基础学Python, where only neighbours sharing 零基础学 carry it and no
#   Python video does; cut under CONTRA x the best;
# - every neighbour that votes for it shares less than SHARED_COVER of the terms of a draft
#   of SHARED_MIN_TERMS terms or more, and no tag of the draft's own comes with it (tags that
#   come with the neighbours' tags are no more evidence than the neighbours): `cinema sins`
#   (0.07) for "Index funds vs stocks: what beginners get wrong" on YouTube, from
#   "Everything Wrong With ..." (1 of 9 terms), `car flip accident` from "FLIPPING OVER
#   SUPERCAR! *GONE VERY WRONG*" (2 of 9); cut under SHARED x the best.
# Chosen on the 5-fold cross-validation of the three bench splits: F1@10 unchanged on each
# (bench/TAGS_PROTOCOL.md); 0.5 for CONTRA, or 5 videos for OWN_MIN_DF, cost YouTube 0.001.
OWN_STRONG = 0.3
OWN_MIN_DF = 20
CONTRA = 0.35
SHARED_MIN_TERMS = 5
SHARED_COVER = 0.25
SHARED = 0.5


def _shown(index: TagIndex, cands: Any, p: Any, x: Any, order: Any, top: int) -> list[int]:
    """The rows of `order` (candidates, best first) that are shown, at most `top` of them."""
    from kptui.engine.tagmodel import FEATURES

    if not cands.n_query:  # a draft with no words gets the most used tags, as its note says
        return order.tolist()[:top]  # (their prior-only scores are all under MIN_SCORE)
    own_cols = x[:, [FEATURES.index("in_draft"), FEATURES.index("mention")]].max(axis=1) > 0
    cooccur = x[:, FEATURES.index("cooccur")] > 0
    rows = order.tolist()
    tids = [index.tag_id.get(cands.keys[i]) for i in rows]
    topic = [t is None or not bool(index.reach[t]) for t in tids]
    best = max((float(p[i]) for i, tp in zip(rows, topic, strict=True) if tp), default=0.0)
    strong = [
        t
        for i, t, tp in zip(rows, tids, topic, strict=True)
        if t is not None and tp and (x[i, FEATURES.index("in_draft")] > 0 or cands.hashtag[i])
        and p[i] >= OWN_STRONG and index.tag_df[t] >= OWN_MIN_DF
    ]  # fmt: skip
    support: dict[int, int] | None = None
    shown: list[int] = []
    for rank, (i, t, tp) in enumerate(zip(rows, tids, topic, strict=True)):
        score = float(p[i])
        if own_cols[i] or cands.hashtag[i]:  # the draft's own: shown in its place
            ok = rank < top or score >= MIN_SCORE
        elif score < MIN_SCORE or (tp and score < RELATIVE * best):
            ok = False
        elif not tp or t is None:
            ok = True
        else:
            apart = (
                score < CONTRA * best
                and bool(strong)
                and not any(_together(index, s, t) for s in strong)
            )
            few_terms = (
                score < SHARED * best
                and cands.n_query >= SHARED_MIN_TERMS
                and not (cooccur[i] and cands.own_seeds)
            )
            if few_terms:
                support = _support(index, cands) if support is None else support
                few_terms = 0 < support.get(t, 0) < SHARED_COVER * cands.n_query
            ok = not (apart or few_terms)
        if ok:
            shown.append(i)
            if len(shown) == top:
                break
    return shown


def _support(index: TagIndex, cands: Any) -> dict[int, int]:
    """Per tag of the neighbours: the most query terms any of them carrying it shares with the
    draft."""
    import numpy as np

    if not cands.neighbours:
        return {}
    ptr = index.y_indptr
    parts = [index.y_indices[ptr[v] : ptr[v + 1]] for v in cands.neighbours]
    counts = np.repeat(np.asarray(cands.shared), [len(x) for x in parts])
    order = np.argsort(counts, kind="stable")  # the last of a tag's entries is its largest
    tags = np.concatenate(parts)[order]
    return dict(zip(tags.tolist(), counts[order].tolist(), strict=True))


def _together(index: TagIndex, s: int, t: int) -> bool:
    """Whether the corpus has tags `s` and `t` on the same video (twice or more)."""
    import numpy as np

    lo, hi = int(index.co_indptr[s]), int(index.co_indptr[s + 1])
    j = lo + int(np.searchsorted(index.co_indices[lo:hi], t))
    return j < hi and int(index.co_indices[j]) == t


def by_kind(suggestions: list[TagSuggestion]) -> list[TagSuggestion]:
    """Topic tags first, then reach tags, each group best first: how front ends show them."""
    return [s for s in suggestions if s.kind != "reach"] + [
        s for s in suggestions if s.kind == "reach"
    ]


def suggest_many(
    index: TagIndex, drafts: Iterable[tuple[str, str]], top: int = 10
) -> list[list[TagSuggestion]]:
    """One index, many drafts (the `--input FILE` batch)."""
    return [suggest(index, t, d, top) for t, d in drafts]


def apply_history(
    suggestions: list[TagSuggestion],
    history: Mapping[str, float],
    *,
    worked: float = 1.2,
    weak: float = 0.8,
) -> list[TagSuggestion]:
    """Say which suggested tags worked for this creator, and rank down those that did not.

    `history` maps a normalised tag (`tagparse.normalize_tag`) to the median performance
    multiple of the creator's videos with it against those without
    (`engine.insights.tag_history`). A tag at `worked` or more keeps its score and gets
    `history` as its source; one at `weak` or less has its score scaled by the multiple, so
    it ranks lower. Either way the multiple is kept on the suggestion.
    """
    from kptui.engine.tagparse import normalize_tag

    if not history:
        return suggestions
    out = []
    for s in suggestions:
        multiple = history.get(normalize_tag(s.tag))
        if multiple is None or weak < multiple < worked:
            out.append(s)
        elif multiple >= worked:
            sources = ["history", *(x for x in s.sources if x != "history")]
            out.append(replace(s, source="history", sources=sources, history=multiple))
        else:
            score = round(s.score * max(multiple, 0.0), 4)
            out.append(replace(s, score=score, sources=[*s.sources, "history"], history=multiple))
    out.sort(key=lambda s: -s.score)  # stable: equal scores keep their order
    return out


def index_note(index: TagIndex) -> str | None:
    """What a user should know about the corpus before trusting the suggestions."""
    if not index.has_tags:
        return "this dataset has no tags: suggestions are words and phrases from the draft only"
    if index.n_source > index.n_videos:
        return (
            f"suggestions come from {index.n_videos:,} of the dataset's {index.n_source:,} "
            "videos, taken at random"
        )
    return None


def draft_note(index: TagIndex, title: str, description: str = "") -> str | None:
    """What a user should know about this draft's suggestions (empty, word-less, too long)."""
    from kptui.engine import text as tx
    from kptui.engine.tagmodel import DRAFT_CAP
    from kptui.engine.tagparse import hashtags

    title, description = title or "", description or ""
    seg = index.segmenter
    assert seg is not None
    has_words = bool(
        hashtags(title) or hashtags(description) or tx.mentions(title + " " + description)
    )
    if not has_words:
        head = (title + " " + description)[:DRAFT_CAP]
        has_words = any(tx.is_content(t.text) for t in seg.tokens(head))
    if not has_words:
        what = "is empty" if not (title.strip() or description.strip()) else "has no words"
        if index.has_tags:
            return f"the draft {what}: these are the dataset's most used tags"
        return f"the draft {what} and the dataset has no tags: nothing to suggest"
    if len(title) + len(description) > DRAFT_CAP:
        return f"only the first {DRAFT_CAP:,} characters of the draft were read"
    return None
