"""Recommendations per viewer, per persona, and which personas a draft fits.

Per viewer, a blend of five parts, each scaled so a viewer's best item in it scores 1:
- EASE (Steck 2019), the closed-form item-item model `B = I - P / diag(P)` with
  `P = (XᵀX + λI)⁻¹` over the binary viewer x video matrix (the `MAX_CF_ITEMS` most-watched
  videos), queried with the viewer's history *recency-weighted*: a video counts half every
  `half` interactions further back. What someone did lately says most about what is next.
- what comes next: how often each video came right after the viewer's last three videos in
  other viewers' histories (`sequence.transitions`; a course watched in order, a thread read
  after another).
- what was being taken up when the viewer was last active: every video's activity around
  the viewer's latest moment, on a time scale measured in shares of all interactions
  (`sequence.activity`), so it suits a three-week export and a twenty-year one alike.
- content: cosine between the viewer's recency-weighted content profile and each video's
  embedding (`profiles.content`), all a never-watched video has; popularity, a small prior.
The weights (and λ, the half-life, the time bandwidth) are not constants tuned on one data
set: `tune_blend` fits them per dataset on the dataset's own leave-last-out split (each
viewer's latest video held out, and the one before it as a second fold, EASE on at most
`TUNE_ITEMS` videos so tuning costs a fraction of the fit), like the tag model's weights.
Why: on MovieLens the recency-weighted EASE and "what comes next" carry most of the gain,
on the Stack Exchange community the activity at the moment carries it, on the synthetic
sample plain EASE is best; one fixed blend loses on two of the three
(bench/bench_recommend_real.py). Why two folds: a small community has few viewers with
enough history to hold one out (the Stack Exchange one: 118), and on so few the tuner
picked a weak moment weight by chance (per viewer 1.32x ALS); the second fold gives it
281 held-out videos and it picks a strong, narrow moment (2.21x). The moment's weight and
bandwidth are searched together, since a strong moment only pays with a narrow window.
Anything the viewer already has is never returned; `paid_only` keeps `price > 0`.

Per persona: the members' recency-weighted rows (each member's summing to 1) times `B`
(what the persona as a whole takes up next), plus `PERSONA_REACH` times those rows
themselves (what members took up lately), plus the content and popularity terms, plus
`persona_recent` times what everyone is taking up at the moment (now: the data's latest
moment), plus `persona_recent_ease` times what goes with that (EASE of the moment, as if
the audience's latest activity were one viewer's history). A persona list has no single
viewer's last videos to go on, so the moment carries most of what can be known about what
comes next; both weights, and the moment's width for persona lists
(`persona_bandwidth`), are tuned like the rest, each held-out video of the internal split
ranked in its viewer's persona list, by NDCG@50 (`_tune_persona_recent` says why: HR@10 of
a shared list rests on a few dozen hits and swung between folds). Then `persona_fresh`
(of `FRESH_GRID`) times how new each video is at the moment (`_fresh`: 1 in the time bin
of its first interaction, decaying over `FRESH_WIDTH` of all interactions, 0 before it
was out): new videos are what a persona takes up next more often than their counts say
(four validation folds of MovieLens pooled, 1.87x -> 2.11x popularity; the Stack Exchange
community and the sample level; the tuner keeps 0 where it does not pay). Whose list a
viewer gets (`persona_now`, `viewer_persona_rows`): their persona's, or, with `persona_now`
a recency half-life (of `PERSONA_NOW_GRID`, tuned the same way; 0 is off), the list of the
persona whose centre, in the content space the personas were clustered in, is nearest what
the viewer watched lately (`_nearest_persona`). A persona is the long run; a member whose
latest videos are another persona's kind is taking up what that persona takes up, so that
is the list to push to them; it is still one of the k lists, and the personas and their
members do not change. Found once at fit time for every viewer (`push`, cached with the
model): the assignments' `push_persona_id` and the cards' "list goes to" counts.
Four validation folds of MovieLens pooled: 186 -> 207 hits
(2.07x -> 2.30x popularity); the tuner picks 3 on three folds and 0 on the fourth, where 3
read lower; the Stack Exchange community and the sample pick 0 on every fold (3 forced
there: -1% and -2%). Mixing the two nearest personas' lists by their similarity (soft
assignment, temperature 0.05-0.3) read 2.10x-2.27x, half of each of the own and the
nearest 2.30x: no better than one list, so one list. Tried and left out on
MovieLens, all within the noise of 610 held-out ratings or worse on validation: each
persona's own distinctive videos (lift over popularity) or its members' own activity at
the moment instead of everyone's, a product instead of a sum, wider or multi-scale
moments, the members' own top-N lists pooled, and counting each viewer once per moment;
and, measured on four successive leave-last-out folds of the training part pooled (2,440
held-out ratings): the members' activity at the moment added to everyone's or its EASE
added (at any width), what usually comes after the moment's activity (`follows`), the
moment's momentum (short minus long window), a per-persona popularity weight,
reciprocal-rank fusion of the parts instead of their sum, and the members' recency
half-life at 1, 3 or 10 interactions or none: each within +-0.1x of the tuned lists
(1.87x popularity), none steadily above; on the first fold only, the mean of the members'
own per-viewer scores (the persona's centre in score space: 1.16x alone) and the moment
times the persona's lift were worse. More personas (k fixed at 8, 12, 16, 24 against auto's
5-8) read 1.97x, 1.87x, 2.09x, 1.93x: noise, not a trend. Personas formed on recent
behaviour (each viewer moved to the persona whose centre is nearest their recency-weighted
profile, half-life 3 or 10 interactions; or k-means on those profiles) read 1.90x-2.02x on
MovieLens and 5.67x on beer, but moved 42-47% of MovieLens viewers (half-life 3), left a
beer persona empty on one fold, and is within the folds' noise: not shipped (that moved
the viewers, so each persona's members and its list changed too, at one fixed half-life;
`persona_now` keeps the personas and their lists and changes only which of the k lists a
viewer is served, where the tuner finds it pays; finer personas under it, k-means at 8, 12
or 20 or each persona split in 2 or 3, read 2.19x-2.27x pooled against its 2.30x). Pooled
again: the static parts reweighted (EASE of the members' activity, that activity,
content, each 0.5-2x or none), and the members' own activity at wide moments (0.03-0.3)
next to `persona_fresh`, within the noise on MovieLens; leaving out videos not yet taken up at
the moment, 1.91x on MovieLens but 5.07x against 5.73x on beer (a question asked after
the moment is often what a member answers next). What
members bought is discounted by the share who bought it, and a video at least
`MOST_BOUGHT` of them bought is not offered (a bought course is not taken up twice); each
item says what share of members watched it and what share bought it. A draft fits a
persona by how much more that persona engages with the draft's words and tags than viewers
overall (`PersonaModel.draft_fit`).

API (CLI and TUI):
- `load_or_fit_recommender(dataset, k="auto", seed=0, progress=None) -> Recommender`
  (cached under `paths.cache_dir()/recommend/` by the data fingerprint; personas come from
  `personas.load_or_fit_personas` with the same k and seed).
- `Recommender.viewer_scores(index)` / `.score_block(rows, back, bins)`: scores of a block of
  viewers (every part is row-local, so any block scores as the whole set would);
- `Recommender.for_user(user_id, top=10, paid_only=False) -> list[dict]` (video_id, title,
  score, reason); `.for_users(user_ids=None, top=10, paid_only=False) -> dict[str, list[str]]`
  (None: every viewer; batched); `.for_persona(pid, top=10, paid_only=False) -> list[dict]`;
  `.for_personas(top, paid_only) -> list[dict]` (SPEC's `--persona all` shape);
  `.persona_rows(pids, bins)`: persona lists as they stood at given time bins (benchmarks);
  `.persona_now(index)`: whose list each viewer gets; `.viewer_persona_rows(index)`: that
  list at the viewer's latest moment (benchmarks); `.push_labels()` / `.push_of(user_id)` /
  `.push_counts()`: the same for every viewer as found at fit time, one viewer's, and per
  persona how many viewers its list goes to now (members kept, viewers drawn);
  `.draft_fit(title, description="") -> list[dict]` (persona_id, label, fit, best first).
Unknown viewers or personas raise `UsageError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kptui.errors import DataError, KptuiError, UsageError

if TYPE_CHECKING:
    import numpy as np

    from kptui.engine.personas import PersonaModel
    from kptui.engine.profiles import Content, Engagement
    from kptui.engine.sequence import History
    from kptui.engine.types import Dataset

Progress = Callable[[str | None, float | None], None]

MODEL_VERSION = "9"
EXACT_BUDGET = 50_000_000  # viewers x videos scored densely below this; candidates above
CANDIDATE_BLOCK = 4096  # viewers per block on the candidate path
OVERLAP_MAX_PAIRS = 1_500_000  # personas fitted next to the tuner up to this many pairs
MAX_CF_ITEMS = 4000
PUSH_BLOCK = 65_536  # viewers per block when `_push_of` finds whose list each one gets
TUNE_ITEMS = 1500  # EASE size on the internal validation split: (1500/4000)^3 of the fit
KEEP_PARTS = 4  # the tuner's viewers x videos parts kept at once (see `tune_blend`)
TUNE_VIEWERS = 600  # held-out videos the tuner ranks (viewers x folds)
TUNE_CHUNK_FLOATS = 65536  # the tuner sums this many scores at a time (256 KB, in cache)
TUNE_FOLDS = 2  # each viewer's latest video held out, then the one before it
MIN_TUNE_VIEWERS = 30
PERSONA_REACH = 0.5  # persona lists: what members took up lately, next to EASE of it
PERSONA_RECENT_GRID = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)
PERSONA_RECENT_EASE_GRID = (0.0, 0.5, 1.0, 2.0)  # 0 first (see `_tune_persona_recent`)
FRESH_GRID = (0.0, 0.5)  # persona lists: weight of how new a video is (see `_fresh`)
PERSONA_NOW_GRID = (0.0, 3.0, 10.0)  # half-lives for "the persona a viewer's latest fit" (0: off)
CENTRE_VIEWERS = 50_000  # the tuner places the persona centres on at most about this many
FRESH_WIDTH = 0.1  # ... a video's newness halves every ~0.07 of all interactions after its first
BANDWIDTH_GRID = (0.003, 0.01, 0.03)  # the moment's width, viewers' and persona lists' own
PERSONA_DEPTH = 50  # the persona weights are chosen by NDCG at this depth (see the tuner)
TUNE_BLOCK = 131_072  # scores per block of rows in the persona weights' search (CPU cache)
MOST_BOUGHT = 0.5  # a video at least this share of a persona bought is not offered to it
NEXT_FROM = 3  # "what comes next" looks at the viewer's last three videos
LAMBDA = 300.0
CONTENT_WEIGHT = 0.1
POP_WEIGHT = 0.02


@dataclass
class Blend:
    """How the parts of a viewer's score are weighed (fitted per dataset, `tune_blend`)."""

    half: float = 10.0  # recency half-life, in the viewer's own interactions (0: no decay)
    lam: float = LAMBDA  # EASE ridge
    recent: float = 0.5  # what everyone took up around the viewer's latest moment
    bandwidth: float = 0.01  # ... within this share of all interactions either side
    next: float = 0.5  # what usually comes right after the viewer's last few videos
    content: float = CONTENT_WEIGHT
    pop: float = POP_WEIGHT
    persona_recent: float = 2.0  # persona lists: what everyone takes up at the moment
    persona_recent_ease: float = 0.0  # ... and what goes with that (EASE of the moment)
    persona_bandwidth: float = 0.01  # ... the moment's width for persona lists
    persona_fresh: float = 0.0  # ... and how new each video is at the moment (`_fresh`)
    persona_now: float = 0.0  # half-life of "the persona a viewer's latest fit" (0: home)
    tuned_on: int = 0  # viewers of the internal validation split (0: defaults)

    def to_json(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.__dict__.items()}


@dataclass
class Recommender:
    """A fitted hybrid recommender over one dataset (see the module docstring)."""

    dataset: Dataset
    persona_model: PersonaModel | None  # None when personas cannot be built (see error)
    video_ids: list[str]
    titles: list[str]
    paid: np.ndarray  # bool per video
    cf_items: np.ndarray  # video indices covered by B
    B: np.ndarray  # len(cf_items) x len(cf_items), float32
    embedding: np.ndarray  # videos x d, float32
    popularity: np.ndarray  # per video, in [0, 1]
    follows: Any  # videos x videos sparse: how often j comes right after i
    activity: Any  # TIME_BINS x videos sparse: pairs per time bin
    edges: np.ndarray  # the time scale's quantiles (epoch s), empty without timestamps
    blend: Blend = field(default_factory=Blend)
    from_cache: bool = False
    seed: int = 0
    persona_error: KptuiError | None = None
    # dense scoring of every video (exact) while viewers x videos is small; else each viewer
    # is scored on their candidates only (engine/candidates.py), set at fit time
    exact: bool = True
    # per viewer (engagement-matrix row = persona_model.user_ids), the persona whose list
    # to push to them now (`persona_now`); None: each viewer's own persona (`persona_now`
    # 0, or no personas). Computed once at fit time (`_push_of`) and cached with the model.
    push: Any = None
    _eng: Engagement | None = field(default=None, repr=False)
    _cont: Content | None = field(default=None, repr=False)
    _users: dict[str, int] | None = field(default=None, repr=False)
    _hist: History | None = field(default=None, repr=False)
    _trend: Any = field(default=None, repr=False)
    _ptrend: Any = field(default=None, repr=False)
    _pparts: Any = field(default=None, repr=False)
    _pstatic: Any = field(default=None, repr=False)
    _trend_ease_rows: dict[int, Any] = field(default_factory=dict, repr=False)
    _first: Any = field(default=None, repr=False)
    _centres: Any = field(default=None, repr=False)
    _nb: Any = field(default=None, repr=False)

    @property
    def personas(self) -> PersonaModel:
        """The persona model; raises the reason when this data cannot have personas."""
        if self.persona_model is None:
            raise self.persona_error or DataError("personas are not available for this data")
        return self.persona_model

    # ---- viewers -----------------------------------------------------------------------

    def _engagement(self) -> Engagement:
        if self._eng is None:
            from kptui.engine.profiles import engagement

            self._eng = engagement(self.dataset)
        return self._eng

    def _history_all(self) -> History:
        if self._hist is None:
            eng = self._engagement()
            self._hist = _history_of(self.dataset, eng)
        return self._hist

    def _history(self, user_id: str):
        """The viewer's (engagement row, recency row, time bin), from the raw interactions
        when the whole matrix is not built: a single viewer answers fast on a cached model."""
        import numpy as np
        import polars as pl
        import scipy.sparse as sp

        from kptui.engine import sequence
        from kptui.engine.profiles import interaction_weights

        if self._eng is not None:
            idx = self._user_index().get(user_id)
            if idx is None:
                raise UsageError(f"unknown viewer {user_id!r} (not in this dataset's interactions)")
            hist = self._history_all()
            bins = sequence.bins_of(hist.moment[[idx]])
            return self._eng.matrix[[idx]], hist.back[[idx]], bins
        it = self.dataset.interactions
        assert it is not None
        rows = it.filter(pl.col("user_id") == user_id)
        if rows.height == 0:
            raise UsageError(f"unknown viewer {user_id!r} (not in this dataset's interactions)")
        vmap = {v: i for i, v in enumerate(self.video_ids)}
        cols = np.array([vmap.get(v, -1) for v in rows["video_id"].to_list()], dtype=np.int64)
        w = interaction_weights(rows, self.dataset.videos).astype(np.float32)
        keep = cols >= 0
        n = len(self.video_ids)
        row = sp.csr_matrix(
            (w[keep], (np.zeros(int(keep.sum()), dtype=np.int64), cols[keep])), shape=(1, n)
        )
        row.sum_duplicates()
        np.log1p(row.data, out=row.data)
        hist = sequence.history(rows, np.zeros(rows.height, dtype=np.int64), cols, 1, n)
        last = hist.pairs["t"].max()
        moment = sequence.moment_of(self.edges, float("nan") if last is None else float(last))
        return row, hist.back, sequence.bins_of(np.array([moment]))

    def _user_index(self) -> dict[str, int]:
        if self._users is None:
            self._users = self._engagement().user_index()
        return self._users

    def _trending(self) -> np.ndarray:
        """TIME_BINS x videos: activity smoothed at the blend's bandwidth, rows max-scaled."""
        if self._trend is None:
            from kptui.engine import sequence

            self._trend = _rownorm(sequence.smoothed(self.activity, self.blend.bandwidth))
        return self._trend

    def _persona_trending(self) -> np.ndarray:
        """TIME_BINS x videos: the same at the persona lists' own bandwidth."""
        if self.blend.persona_bandwidth == self.blend.bandwidth:
            return self._trending()
        if self._ptrend is None:
            from kptui.engine import sequence

            self._ptrend = _rownorm(sequence.smoothed(self.activity, self.blend.persona_bandwidth))
        return self._ptrend

    def _neighbours(self):
        """Each video's strongest links, the candidates' source (built once, on demand)."""
        if self._nb is None:
            from kptui.engine.candidates import Neighbours

            self._nb = Neighbours.build(
                n_videos=len(self.video_ids),
                cf_items=self.cf_items,
                B=self.B,
                follows=self.follows,
                embedding=self.embedding,
                popularity=self.popularity,
                trending=self._trending() if self.blend.recent else None,
            )
        return self._nb

    def candidate_block(self, rows, back, bins, paid_only: bool = False, shortlist: int = 0):
        """A block of viewers' best candidates and their scores, best first (n x shortlist
        arrays, -1 / -inf pad; engine/candidates.py); `paid_only` keeps paid videos, whose
        most popular are then the head."""
        import numpy as np

        from kptui.engine import candidates

        nb = self._neighbours()
        head = None
        if paid_only:
            paid = np.flatnonzero(self.paid)
            order = np.argsort(-self.popularity[paid], kind="stable")[: candidates.HEAD]
            head = np.sort(paid[order])
        return candidates.rank(
            self.blend,
            rows,
            back,
            bins,
            recent=_recency(back, self.blend.half),
            latest=_latest(back),
            nb=nb,
            B=self.B,
            embedding=self.embedding,
            popularity=self.popularity,
            trending=self._trending() if self.blend.recent else None,
            head=head,
            allowed=self.paid if paid_only else None,
            shortlist=max(shortlist, candidates.SHORTLIST),
        )

    def score_block(self, rows, back, bins) -> np.ndarray:
        """Scores for a block of viewers (n x videos, dataset order); seen videos at -inf
        (and, when not `exact`, every video that is not one of the viewer's candidates).

        `rows`: their engagement rows, `back`: their recency ranks (`sequence.History`),
        `bins`: their latest moment's time bin (-1: unknown). Every part is row-local, so
        any block of viewers scores the same as the whole set.
        """
        if not self.exact:
            import numpy as np

            cols, vals = self.candidate_block(rows, back, bins)
            out = np.full((rows.shape[0], len(self.video_ids)), -np.inf, dtype=np.float32)
            ok = cols >= 0
            out[np.nonzero(ok)[0], cols[ok]] = vals[ok]
            return out
        return _blend_scores(
            self.blend,
            rows,
            back,
            bins,
            embedding=self.embedding,
            popularity=self.popularity,
            cf_items=self.cf_items,
            B=self.B,
            follows=self.follows,
            trending=self._trending() if self.blend.recent else None,
        )

    def viewer_scores(self, index) -> np.ndarray:
        """Scores for viewers by their row in the engagement matrix (see `score_block`)."""
        return self.score_block(*self._block_parts(index))

    def _block_parts(self, index):
        """Engagement rows, recency ranks and time bins of viewers by matrix row."""
        import numpy as np

        from kptui.engine import sequence

        eng = self._engagement()
        hist = self._history_all()
        # a run of consecutive rows is a slice (O(block)); fancy indexing of a CSR matrix
        # walks every row of it (O(viewers) per block, minutes at 1M viewers)
        index = np.asarray(index, dtype=np.int64)
        if len(index) and index[-1] - index[0] == len(index) - 1:
            pick: Any = slice(int(index[0]), int(index[-1]) + 1)
        else:
            pick = index
        return eng.matrix[pick], hist.back[pick], sequence.bins_of(hist.moment[index])

    def _serve(self, parts, index, top: int, paid_only: bool, progress=None):
        """Video indices and scores of each row's `top` best, best first (-1/-inf pad);
        blocks of viewers at a time, never a viewers x videos matrix. `parts(chunk)` gives
        the chunk's (rows, back, bins)."""
        import numpy as np

        from kptui.engine.topk import blocked_top_k

        top = max(1, top)
        if self.exact:

            def block(chunk):
                scores = self.score_block(*parts(chunk))
                if paid_only:
                    scores[:, ~self.paid] = -np.inf
                return scores

            columns = np.arange(len(self.video_ids), dtype=np.int64)
            return blocked_top_k(index, top, block, columns, progress=progress)
        k = min(top, len(self.video_ids))
        items = np.full((len(index), k), -1, dtype=np.int64)
        values = np.full((len(index), k), -np.inf, dtype=np.float32)
        self._neighbours()
        starts = range(0, len(index), CANDIDATE_BLOCK)

        def block(start: int):
            chunk = index[start : start + CANDIDATE_BLOCK]
            return self.candidate_block(*parts(chunk), paid_only=paid_only, shortlist=k)

        # blocks are independent and numpy / scipy release the GIL in them: one thread per
        # core unless kptui.threads found no core to spare (a busy machine)
        workers = _workers() if len(starts) > 1 else 1
        if workers > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(workers) as pool:
                done = pool.map(block, starts)
                results = ((start, next(done)) for start in starts)
                for i, (start, (cols, vals)) in enumerate(results):
                    if progress is not None:
                        progress(i / len(starts))
                    items[start : start + len(cols)] = cols[:, :k]
                    values[start : start + len(cols)] = vals[:, :k]
            return items, values
        for i, start in enumerate(starts):
            if progress is not None:
                progress(i / len(starts))
            cols, vals = block(start)
            items[start : start + len(cols)] = cols[:, :k]
            values[start : start + len(cols)] = vals[:, :k]
        return items, values

    def for_user(self, user_id: str, top: int = 10, paid_only: bool = False) -> list[dict]:
        """One viewer's list with a score and a short reason per item."""
        import numpy as np

        row, back, bins = self._history(user_id)
        idx, vals = self._serve(
            lambda _: (row, back, bins), np.zeros(1, dtype=np.int64), top, paid_only
        )
        out = []
        for v, s in zip(idx[0], vals[0], strict=True):
            if v < 0 or not np.isfinite(s):
                continue
            out.append(
                {
                    "video_id": self.video_ids[v],
                    "title": self.titles[v],
                    "score": round(float(s), 4),
                    "reason": self._reason_user(int(v), back, bins),
                }
            )
        return out

    def _reason_user(self, v: int, back, bins) -> str:
        import numpy as np

        seen = back.indices
        ranks = back.data
        if len(seen):
            recent = seen[np.argsort(ranks, kind="stable")[:3]]
            col = self.follows[:, v].toarray().ravel()
            if col[recent].max() > 0:
                src = recent[int(np.argmax(col[recent]))]
                return f'often next after "{_short(self.titles[src])}"'
        pos = np.searchsorted(self.cf_items, v)
        if pos < len(self.cf_items) and self.cf_items[pos] == v and len(seen):
            hist = np.searchsorted(self.cf_items, seen)
            ok = (hist < len(self.cf_items)) & (
                self.cf_items[np.minimum(hist, len(self.cf_items) - 1)] == seen
            )
            if ok.any():
                links = self.B[hist[ok], pos]
                best = int(np.argmax(links))
                if links[best] > 0:
                    return f'viewers of "{_short(self.titles[seen[ok][best]])}" take this up'
        if self.blend.recent and bins[0] >= 0 and self._trending()[bins[0], v] > 0.5:
            return "much taken up when you were last active"
        if len(seen):
            sims = self.embedding[seen] @ self.embedding[v]
            best = int(np.argmax(sims))
            if sims[best] > 0.3:
                return f'similar to "{_short(self.titles[seen[best]])}"'
        return "popular with viewers overall"

    def for_users(
        self,
        user_ids: Sequence[str] | None = None,
        top: int = 10,
        paid_only: bool = False,
        progress: Progress | None = None,
    ) -> dict[str, list[str]]:
        """`{user_id: [video_id, ...]}` for the given viewers (None: all), in batches."""
        import numpy as np

        eng = self._engagement()
        if user_ids is None:
            index = np.arange(eng.n_users)
        else:
            lookup = self._user_index()
            missing = [u for u in user_ids if u not in lookup]
            if missing:
                raise UsageError(
                    f"unknown viewer {missing[0]!r} (not in this dataset's interactions)"
                )
            index = np.array([lookup[u] for u in user_ids], dtype=np.int64)
        vids = np.asarray(self.video_ids, dtype=object)
        idx = self.top_items(index, top, paid_only, progress)
        ids = eng.user_ids
        out: dict[str, list[str]] = {}
        for j, u in enumerate(index.tolist()):
            row = idx[j]
            out[ids[u]] = vids[row[row >= 0]].tolist()
        return out

    def top_items(
        self,
        index: np.ndarray | None = None,
        top: int = 10,
        paid_only: bool = False,
        progress: Progress | None = None,
    ) -> np.ndarray:
        """Video indices of each viewer's `top` best (rows: `index` into `user_ids`, None:
        every viewer), -1 where fewer are left: arrays, for writing every list at scale."""
        import numpy as np

        eng = self._engagement()
        if index is None:
            index = np.arange(eng.n_users)
        report = (lambda f: progress("recommending", f)) if progress else None
        return self._serve(self._block_parts, index, top, paid_only, progress=report)[0]

    # ---- personas ----------------------------------------------------------------------

    def persona_scores(self, paid_only: bool = False) -> np.ndarray:
        """k x videos: what each persona's members take up next, now (the data's latest
        moment; see the module docstring)."""
        import numpy as np

        k = self.personas.k
        now = np.full(k, _latest_bin(self.edges), dtype=np.int64)
        return self.persona_rows(np.arange(k), now, paid_only)

    def persona_rows(self, pids, bins, paid_only: bool = False) -> np.ndarray:
        """len(pids) x videos: persona `pids[i]`'s list at time bin `bins[i]` (-1: no time
        part). The bench serves each viewer their persona's list at their latest moment."""
        import numpy as np

        pids = np.asarray(pids, dtype=np.int64)
        bins = np.asarray(bins, dtype=np.int64)
        if self._pstatic is None:
            mass, _ = self._persona_parts()
            self._pstatic = _persona_static(
                mass, self.cf_items, self.B, self.embedding, self.popularity, self.blend
            )
        scores = self._pstatic[pids].copy()
        ok = bins >= 0
        if self.blend.persona_recent and ok.any() and len(self.edges):
            scores[ok] += self.blend.persona_recent * self._persona_trending()[bins[ok]]
        if self.blend.persona_recent_ease and ok.any() and len(self.edges):
            scores[ok] += self.blend.persona_recent_ease * self._trend_ease(bins[ok])
        if self.blend.persona_fresh and ok.any() and len(self.edges):
            scores[ok] += self.blend.persona_fresh * _fresh(self._first_bins(), bins[ok])
        # What members bought they cannot buy again; what most bought never heads a list.
        bought = self._persona_parts()[1][pids]
        scores *= 1.0 - bought
        scores[bought >= MOST_BOUGHT] = -np.inf
        if paid_only:
            scores[:, ~self.paid] = -np.inf
        return scores

    def persona_now(self, index) -> np.ndarray:
        """Per viewer (engagement-matrix rows), whose persona list they get: the persona
        their latest videos are nearest (recency half-life `persona_now`), or their own
        persona when `persona_now` is 0 (see the module docstring)."""
        import numpy as np

        index = np.asarray(index, dtype=np.int64)
        labels = self.personas.labels
        if self.push is not None:
            return np.asarray(self.push[index], dtype=np.int64)
        if not self.blend.persona_now:
            return labels[index].astype(np.int64)
        eng = self._engagement()
        if self._centres is None:
            self._centres = _persona_centres(eng.matrix, self.embedding, labels, self.personas.k)
        rows, back, _ = self._block_parts(index)
        return _nearest_persona(
            rows, back, self.embedding, self._centres, self.blend.persona_now, labels[index]
        )

    def push_labels(self) -> np.ndarray:
        """Per viewer (`personas.user_ids` order), the persona whose list to push to them
        now: `push`, computed at fit time, or their own persona where that is None."""
        import numpy as np

        labels = self.personas.labels
        return labels.astype(np.int64) if self.push is None else np.asarray(self.push, np.int64)

    def push_of(self, user_id: str) -> int | None:
        """The persona whose list viewer `user_id` gets now (None: not a known viewer)."""
        import numpy as np

        model = self.personas
        i = int(np.searchsorted(np.asarray(model.user_ids, dtype=object), user_id))
        if i < len(model.user_ids) and model.user_ids[i] == user_id:
            return int(self.push_labels()[i])
        return None

    def push_counts(self) -> list[dict[str, int]]:
        """Per persona, how many viewers its list goes to now: `members` of its own who keep
        it, `drawn` from other personas by what they watched lately (`persona_now`), and
        `viewers`, the two together."""
        import numpy as np

        model = self.personas
        own = np.asarray(model.labels, dtype=np.int64)
        push = self.push_labels()
        kept = np.bincount(own[push == own], minlength=model.k)
        total = np.bincount(push, minlength=model.k)
        return [
            {
                "persona_id": p,
                "viewers": int(total[p]),
                "members": int(kept[p]),
                "drawn": int(total[p] - kept[p]),
            }
            for p in range(model.k)
        ]

    def viewer_persona_rows(self, index, paid_only: bool = False) -> np.ndarray:
        """len(index) x videos: the persona list each viewer gets (`persona_now`) as it
        stood at their latest moment (what the bench scores per persona)."""
        from kptui.engine import sequence

        bins = sequence.bins_of(self._history_all().moment[index])
        return self.persona_rows(self.persona_now(index), bins, paid_only)

    def _first_bins(self) -> np.ndarray:
        """Per video, the time bin of its first interaction (`_first_bins`)."""
        if self._first is None:
            self._first = _first_bins(self.activity)
        return self._first

    def _trend_ease(self, bins) -> np.ndarray:
        """len(bins) x videos: EASE of what everyone took up at each moment (the moment as
        a viewer whose history is the audience's latest activity), rows max-scaled; built
        for the bins asked only (the app asks for one, the data's latest)."""
        import numpy as np

        bins = np.asarray(bins, dtype=np.int64)
        missing = [int(b) for b in np.unique(bins) if int(b) not in self._trend_ease_rows]
        if missing:
            rows = _moment_ease(self._persona_trending()[missing], self.cf_items, self.B)
            self._trend_ease_rows.update(zip(missing, rows, strict=True))
        return np.stack([self._trend_ease_rows[int(b)] for b in bins])

    def _persona_parts(self) -> tuple[np.ndarray, np.ndarray]:
        """k x videos: members' recency-weighted engagement (each member's row sums to 1)
        and the share of members who bought each video."""
        if self._pparts is None:
            self._pparts = _persona_parts(
                self.dataset,
                self._engagement(),
                self._history_all(),
                self.personas.labels,
                self.blend.half,
            )
        return self._pparts

    def _persona_reach(self) -> np.ndarray:
        """k x videos: the share of each persona's members who have the video."""
        return self.personas.item_reach

    def for_persona(self, pid: int, top: int = 10, paid_only: bool = False) -> list[dict]:
        import numpy as np

        self.personas.card(pid)
        scores = self.persona_scores(paid_only)[pid]
        top = max(1, min(top, len(scores)))
        order = np.argsort(-scores, kind="stable")[:top]
        reach = self._persona_reach()[pid]
        bought = self._persona_parts()[1]
        out = []
        for v in order:
            if not np.isfinite(scores[v]):
                continue
            out.append(
                {
                    "video_id": self.video_ids[v],
                    "title": self.titles[v],
                    "score": round(float(scores[v]), 4),
                    "reason": self._reason_persona(int(v), pid),
                    "watched": round(float(reach[v]), 4),
                    "bought": round(float(bought[pid, v]), 4),
                }
            )
        return out

    def _reason_persona(self, v: int, pid: int) -> str:
        """Why the persona gets it, from the part that weighs most (its `watched` and
        `bought` shares are fields of their own)."""
        import numpy as np

        weights = self._persona_parts()[0][pid]
        now = _latest_bin(self.edges)
        if now >= 0 and self.blend.persona_recent and self._pstatic is not None:
            moment = self.blend.persona_recent * self._persona_trending()[now, v]
            if self.blend.persona_recent_ease:
                moment += self.blend.persona_recent_ease * self._trend_ease([now])[0, v]
            fresh = self.blend.persona_fresh * _fresh(self._first_bins()[[v]], [now])[0, 0]
            if fresh > max(moment, self._pstatic[pid, v]):
                return "new: first taken up lately"
            if moment > self._pstatic[pid, v]:
                return "much taken up lately by viewers overall"
        pos = np.searchsorted(self.cf_items, v)
        if pos < len(self.cf_items) and self.cf_items[pos] == v:
            contrib = weights[self.cf_items] * self.B[:, pos]
            contrib[pos] = 0.0
            best = int(np.argmax(contrib))
            if contrib[best] > 0:
                return f'goes with "{_short(self.titles[self.cf_items[best]])}"'
        return "matches the persona's topics"

    def for_personas(self, top: int = 10, paid_only: bool = False) -> list[dict]:
        return [
            {
                "persona_id": card["id"],
                "label": card["label"],
                "items": self.for_persona(card["id"], top=top, paid_only=paid_only),
            }
            for card in self.personas.cards
        ]

    # ---- drafts ------------------------------------------------------------------------

    def draft_fit(self, title: str, description: str = "") -> list[dict]:
        """Personas ranked by fit for a draft (see `PersonaModel.draft_fit`)."""
        return self.personas.draft_fit(title, description)


def _workers() -> int:
    """Threads for scoring blocks: one per core (at most 4), one when `kptui.threads` found
    no core to spare (the load average already fills every core)."""
    from kptui.threads import workers

    return workers(4)


def _short(text: str, n: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _rownorm(s: np.ndarray) -> np.ndarray:
    """Each row divided by its maximum (rows with nothing positive are left as they are)."""
    import numpy as np

    m = s.max(axis=1, keepdims=True) if s.shape[1] else np.ones((s.shape[0], 1))
    m = np.where(m > 0, m, 1.0)
    s /= m.astype(s.dtype, copy=False)
    return s


def _recency(back, half: float):
    """Recency weights from ranks (1 = latest): halved every `half` interactions back."""
    import numpy as np

    out = back.copy()
    if half > 0:
        out.data = np.power(0.5, (out.data - 1.0) / half).astype(np.float32)
    else:
        out.data[:] = 1.0
    return out


def _latest(back, n: int = NEXT_FROM):
    """The last `n` videos of each row, weighted 1, 1/2, 1/4..."""
    import numpy as np

    out = back.copy()
    out.data = np.where(out.data <= n, np.power(0.5, out.data - 1.0), 0.0).astype(np.float32)
    out.eliminate_zeros()
    return out


def _latest_bin(edges) -> int:
    """The time bin of the data's latest moment (-1 without timestamps)."""
    from kptui.engine import sequence

    return sequence.TIME_BINS - 1 if len(edges) else -1


def _moment_ease(trend_rows, cf_items, B) -> np.ndarray:
    """EASE of rows of the moment's activity (see `Recommender._trend_ease`)."""
    import numpy as np

    out = np.zeros(trend_rows.shape, dtype=np.float32)
    if len(cf_items):
        out[:, cf_items] = _rownorm(np.asarray(trend_rows[:, cf_items] @ B, dtype=np.float32))
    return out


def _first_bins(activity) -> np.ndarray:
    """Per video, the first time bin with an interaction (`TIME_BINS` when it has none)."""
    import numpy as np

    from kptui.engine.sequence import TIME_BINS

    first = np.full(activity.shape[1], TIME_BINS, dtype=np.int64)
    coo = activity.tocoo()
    np.minimum.at(first, coo.col, coo.row.astype(np.int64))
    return first


def _fresh(first, bins) -> np.ndarray:
    """len(bins) x videos: how new each video is at each moment, 1 when first taken up in
    that time bin, exp(-age / (`FRESH_WIDTH` x `TIME_BINS`)) after (age in bins: shares of
    all interactions, so it suits a three-week export and a twenty-year one alike), 0 for a
    video not yet taken up by then (a list made at that moment could not have had it)."""
    import numpy as np

    from kptui.engine.sequence import TIME_BINS

    age = np.asarray(bins, dtype=np.int64)[:, None] - np.asarray(first)[None, :]
    out = np.exp(-np.maximum(age, 0) / (FRESH_WIDTH * TIME_BINS)).astype(np.float32)
    out[age < 0] = 0.0
    return out


def _persona_static(mass, cf_items, B, embedding, popularity, blend: Blend) -> np.ndarray:
    """k x videos: EASE of the members' recent activity, that activity itself
    (`PERSONA_REACH`), content and popularity; the part of a persona list that does not
    depend on the moment."""
    import numpy as np

    k = mass.shape[0]
    scores = np.zeros((k, embedding.shape[0]), dtype=np.float32)
    if len(cf_items):
        scores[:, cf_items] = _rownorm(np.asarray(mass[:, cf_items] @ B, dtype=np.float32))
    scores += PERSONA_REACH * _rownorm(mass.astype(np.float32, copy=True))
    prof = mass @ embedding
    prof /= np.maximum(np.linalg.norm(prof, axis=1, keepdims=True), 1e-9)
    scores += blend.content * (prof @ embedding.T)
    scores += blend.pop * popularity[None, :]
    return scores


def _blend_scores(
    blend: Blend,
    rows,
    back,
    bins,
    *,
    embedding,
    popularity,
    cf_items,
    B,
    follows,
    trending,
) -> np.ndarray:
    """The viewer score of the module docstring for a block of viewers."""
    import numpy as np
    from sklearn.preprocessing import normalize

    n, nv = rows.shape[0], embedding.shape[0]
    recent = _recency(back, blend.half)
    scores = np.zeros((n, nv), dtype=np.float32)
    if blend.content:
        prof = normalize(np.asarray(rows.multiply(recent).tocsr() @ embedding, dtype=np.float32))
        scores += blend.content * (prof @ embedding.T)
    if blend.pop:
        scores += blend.pop * popularity[None, :]
    if len(cf_items):
        cf = np.asarray(recent[:, cf_items] @ B, dtype=np.float32)
        scores[:, cf_items] += _rownorm(cf)
    if trending is not None and blend.recent:
        ok = bins >= 0
        scores[ok] += blend.recent * trending[bins[ok]]
    if blend.next and follows.nnz:
        nxt = np.asarray((_latest(back) @ follows).todense(), dtype=np.float32)
        scores += blend.next * _rownorm(nxt)
    r, c = back.nonzero()
    scores[r, c] = -np.inf
    r, c = rows.nonzero()
    scores[r, c] = -np.inf
    return scores


def _persona_parts(dataset: Dataset, eng: Engagement, hist: History, labels, half: float):
    """See `Recommender._persona_parts` (labels follow the engagement rows)."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    k = int(labels.max()) + 1 if len(labels) else 0
    n = len(labels)
    onehot = sp.csr_matrix(
        (np.ones(n, dtype=np.float32), (labels, np.arange(n))), shape=(k, n), dtype=np.float32
    )
    mass = np.asarray((onehot @ normalize(_recency(hist.back, half), norm="l1")).todense())
    sizes = np.maximum(np.bincount(labels, minlength=k), 1).astype(np.float32)
    it = dataset.interactions
    assert it is not None
    buy = (it["event"] == "purchase").to_numpy() & (eng.video_code >= 0)
    owned = sp.csr_matrix(
        (np.ones(int(buy.sum()), dtype=np.float32), (eng.user_code[buy], eng.video_code[buy])),
        shape=(n, len(eng.video_ids)),
    )
    owned.sum_duplicates()
    owned.data[:] = 1.0
    bought = np.asarray((onehot @ owned).todense()) / sizes[:, None]
    return mass.astype(np.float32), bought.astype(np.float32)


def _history_of(dataset: Dataset, eng: Engagement) -> History:
    import numpy as np

    from kptui.engine import sequence

    n_videos = len(eng.video_ids)
    if eng.pair_t is not None and eng.pair_r is not None:  # grouped with the matrix
        m = eng.matrix
        u = np.repeat(np.arange(eng.n_users), np.diff(m.indptr))
        return sequence.from_grouped(u, m.indices, eng.pair_t, eng.pair_r, eng.n_users, n_videos)
    it = dataset.interactions
    assert it is not None
    return sequence.history(it, eng.user_code, eng.video_code, eng.n_users, n_videos)


def _cf_columns(binary, limit: int):
    """Videos with >= 2 viewers, at most `limit` of the most watched (sorted indices)."""
    import numpy as np

    counts = np.asarray(binary.sum(axis=0)).ravel()
    eligible = np.flatnonzero(counts >= 2)
    if len(eligible) > limit:
        eligible = np.sort(eligible[np.argsort(-counts[eligible], kind="stable")[:limit]])
    return eligible.astype(np.int64), counts


def tune_blend(hist: History, embedding, seed: int = 0, labels=None) -> Blend:
    """The blend weights that rank each viewer's latest videos best when they are held out.

    An internal leave-last-out split of the training data itself, in `TUNE_FOLDS` folds:
    fold f holds out each viewer's f-th latest video and queries with what came before it
    (`_tune_events`); at most `TUNE_VIEWERS` held-out videos in all, fold 1 first, the
    later folds filling what is left, so a small audience (a few hundred viewers, most with
    two or three videos) gives twice the evidence and a large one costs no more. EASE on
    at most `TUNE_ITEMS` videos, so tuning costs a fraction of the final fit. Then
    coordinate ascent over a small grid of each weight (the moment's weight and its
    bandwidth together: a strong moment only pays with a narrow one), HR@10 first and
    NDCG@10 to break ties. With `labels` (each viewer's persona) the persona lists' weight
    of the moment (`persona_recent`) is chosen the same way, each held-out video ranked in
    its viewer's persona list. Defaults when too few videos can be held out. `labels` may
    be a function giving them (or None): it is called only for that last step, so the
    personas can still be fitting on another thread while the rest is tuned.
    """
    import numpy as np

    from kptui.engine import sequence

    n_users, n_videos = hist.back.shape
    blend = Blend()
    split = _tune_events(hist, seed)
    if split is None:
        return blend
    part, sample, target, back_s, moments = split
    binary = part.back.copy()
    binary.data[:] = 1.0
    cols, counts = _cf_columns(binary, TUNE_ITEMS)
    popularity = (counts / max(counts.max(), 1.0)).astype(np.float32)
    follows = sequence.transitions(part, n_videos)
    act = sequence.activity(part, n_videos)
    timed = bool(len(part.edges))
    part_back = part.back
    del split, part  # its pairs frame (every training pair) is not needed past here
    rows_s = back_s.copy()
    rows_s.data[:] = 1.0
    bins_s = sequence.bins_of(moments)
    xb = binary.tocsc()[:, cols].tocsr()
    del binary
    cache: dict[Any, np.ndarray] = {}

    # viewers x videos parts: the grid meets ~16 (λ, half-life) pairs and 4 half-lives, each
    # part 600 x videos (48 MB at 20,000 videos): only the latest few are kept, the rest
    # recomputed when met again (a small product each; the Gram matrix and each λ's B stay)
    recent_parts: dict[Any, np.ndarray] = {}

    def kept(key, make) -> np.ndarray:
        if key in recent_parts:
            recent_parts[key] = recent_parts.pop(key)  # most recently used last
        else:
            while len(recent_parts) >= KEEP_PARTS:
                recent_parts.pop(next(iter(recent_parts)))
            recent_parts[key] = make()
        return recent_parts[key]

    def ease_part(lam: float, half: float) -> np.ndarray:
        return kept(("ease", lam, half), lambda: make_ease(lam, half))

    def make_ease(lam: float, half: float) -> np.ndarray:
        if ("B", lam) not in cache:
            if "gram" not in cache and len(cols):
                cache["gram"] = gram_of(xb)  # one product for every λ of the grid
            cache[("B", lam)] = ease(xb, lam, gram=cache["gram"]) if len(cols) else np.zeros((0, 0))
        out = np.zeros((len(sample), n_videos), dtype=np.float32)
        if len(cols):
            out[:, cols] = _rownorm(np.asarray(_recency(back_s, half)[:, cols] @ cache[("B", lam)]))
        out[r, c] = -np.inf  # what the viewer has, once here instead of per evaluation
        return out

    def trend_part(bw: float) -> np.ndarray:
        key = ("trend", bw)
        if key not in cache:
            out = np.zeros((len(sample), n_videos), dtype=np.float32)
            ok = bins_s >= 0
            out[ok] = _rownorm(sequence.smoothed(act, bw))[bins_s[ok]]
            cache[key] = out
        return cache[key]

    def content_part(half: float) -> np.ndarray:
        from sklearn.preprocessing import normalize

        def make() -> np.ndarray:
            q = rows_s.multiply(_recency(back_s, half)).tocsr()
            return normalize(np.asarray(q @ embedding, dtype=np.float32)) @ embedding.T

        return kept(("content", half), make)

    nxt = _rownorm(np.asarray((_latest(back_s) @ follows).todense(), dtype=np.float32))
    r, c = back_s.nonzero()
    # the sums run over a few rows at a time (`TUNE_CHUNK_FLOATS` per buffer): the two
    # buffers stay in the core's cache and each part is read from memory once per
    # evaluation, instead of every partial sum going out to memory and back
    step = max(1, TUNE_CHUNK_FLOATS // max(n_videos, 1))
    work = np.empty((min(step, len(sample)), n_videos), dtype=np.float32)
    tmp = np.empty_like(work)
    rank = np.empty(len(sample), dtype=np.int64)

    def objective(b: Blend) -> tuple[float, float]:
        # the same sums in the same order as `_blend_scores`, in two reused buffers (this
        # runs ~50 times: allocating 600 x videos arrays each time was most of its cost)
        terms = []
        for weight, part in (
            (b.content, content_part(b.half) if b.content else None),
            (b.pop, popularity[None, :]),
            (b.recent if timed else 0.0, trend_part(b.bandwidth) if timed and b.recent else None),
            (b.next, nxt),
        ):
            if weight and part is not None:
                row = part.ndim == 1 or part.shape[0] == 1
                terms.append((weight, weight * part if row else part, row))
        base = ease_part(b.lam, b.half)
        for lo in range(0, len(sample), step):
            hi = min(lo + step, len(sample))
            s, t_buf = work[: hi - lo], tmp[: hi - lo]
            np.copyto(s, base[lo:hi])
            for weight, part, row in terms:
                if row:
                    s += part
                else:
                    np.multiply(part[lo:hi], weight, out=t_buf)
                    s += t_buf
            t = s[np.arange(hi - lo), target[lo:hi]]
            rank[lo:hi] = np.count_nonzero(s > t[:, None], axis=1)
        hit = rank < 10
        return float(hit.mean()), float(np.where(hit, 1.0 / np.log2(rank + 2.0), 0.0).mean())

    grid: list[tuple[tuple[str, ...], list[tuple[float, ...]]]] = [
        (("lam",), [(x,) for x in (30.0, 100.0, 300.0, 1000.0)]),
        (("half",), [(x,) for x in (3.0, 10.0, 30.0, 0.0)]),
        (("next",), [(x,) for x in (0.0, 0.25, 0.5, 1.0, 2.0)]),
        (("content",), [(x,) for x in (0.0, 0.1, 0.3)]),
        (("pop",), [(x,) for x in (0.0, 0.02, 0.1)]),
    ]
    if timed:
        grid.append(
            (
                ("recent", "bandwidth"),
                [
                    (weight, bw)
                    for weight in (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
                    for bw in BANDWIDTH_GRID
                ],
            )
        )
    else:
        blend.recent = 0.0
    # the second round meets some blends the first one scored (5 of 74 at 1M interactions):
    # the objective depends on these weights only, so a repeat is looked up, not re-run
    scored: dict[tuple[float, ...], tuple[float, float]] = {}

    def score(b: Blend) -> tuple[float, float]:
        key = (b.lam, b.half, b.next, b.content, b.pop, b.recent, b.bandwidth)
        if key not in scored:
            scored[key] = objective(b)
        return scored[key]

    best = score(blend)
    for _ in range(2):
        moved = False
        for names, values in grid:
            for value in values:
                if value == tuple(getattr(blend, name) for name in names):
                    continue
                trial = Blend(**{**blend.__dict__, **dict(zip(names, value, strict=True))})
                got = score(trial)
                if got > best:
                    best, blend, moved = got, trial, True
        if not moved:
            break
    if callable(labels) and timed:
        labels = labels()
    if labels is not None and not callable(labels) and timed and len(labels) == n_users:
        # the viewers' parts are done with: the persona search makes its own (and at 8,000
        # videos the four kept ones are 77 MB of the 150 MB file's peak)
        recent_parts.clear()
        del work, tmp
        (
            blend.persona_recent,
            blend.persona_recent_ease,
            blend.persona_bandwidth,
            blend.persona_fresh,
            blend.persona_now,
        ) = _tune_persona_recent(
            blend,
            labels,
            part_back,
            cols,
            cache[("B", blend.lam)],
            embedding,
            popularity,
            trend_part,
            sample,
            target,
            back_s,
            bins_s,
            _first_bins(act),
        )
    blend.tuned_on = len(sample)
    return blend


def _tune_events(hist: History, seed: int):
    """The tuner's held-out split: (training History, each held-out video's viewer, the
    video, the viewer's recency ranks before it (one row per held-out video), its moment),
    or None when fewer than `MIN_TUNE_VIEWERS` videos can be held out.

    Fold f takes viewers with more than f videos and holds out the f-th latest; every pair
    of a viewer at or after their earliest held-out one leaves the training part, so no
    held-out video (nor what came after it) is in the statistics it is ranked with."""
    import numpy as np
    import polars as pl
    import scipy.sparse as sp

    from kptui.engine import sequence

    n_users, n_videos = hist.back.shape
    pairs = hist.pairs
    u = pairs["u"].to_numpy()
    back = pairs["back"].to_numpy()
    per = np.bincount(u, minlength=n_users)
    rng = np.random.default_rng(seed)
    users, folds, left = [], [], TUNE_VIEWERS
    for f in range(1, TUNE_FOLDS + 1):
        cand = np.flatnonzero(per > f)
        take = min(len(cand), left)
        if take <= 0:
            break
        users.append(np.sort(rng.choice(cand, size=take, replace=False)))
        folds.append(np.full(take, f, dtype=np.int64))
        left -= take
    if not users or sum(len(x) for x in users) < MIN_TUNE_VIEWERS:
        return None
    sample, fold = np.concatenate(users), np.concatenate(folds)
    deepest = np.zeros(n_users, dtype=np.int64)
    np.maximum.at(deepest, sample, fold)
    cut = deepest[u]
    keep = back > cut
    rest = pairs.filter(pl.Series(keep)).with_columns(
        back=pl.col("back") - pl.Series(cut[keep].astype(np.float32))
    )
    part = sequence.from_pairs(rest, n_users, n_videos)
    v = pairs["v"].to_numpy()
    t = pairs["t"].to_numpy().astype(np.float64)
    known = np.isfinite(rest["t"].to_numpy())
    ts = np.sort(rest["t"].to_numpy()[known])
    n_ev = len(sample)
    target = np.full(n_ev, -1, dtype=np.int64)
    moments = np.full(n_ev, np.nan)
    rows, cols, ranks = [], [], []
    for f in np.unique(fold):
        ev = np.flatnonzero(fold == f)
        row_of = np.full(n_users, -1, dtype=np.int64)
        row_of[sample[ev]] = ev
        r = row_of[u]
        held = (r >= 0) & (back == f)
        target[r[held]] = v[held]
        before = (r >= 0) & (back > f)
        rows.append(r[before])
        cols.append(v[before])
        ranks.append((back[before] - f).astype(np.float32))
        last = np.full(n_ev, -np.inf)
        ok = before & np.isfinite(t)
        np.maximum.at(last, r[ok], t[ok])
        has = np.isfinite(last[ev]) & (len(ts) > 0)
        moments[ev[has]] = sequence.count_upto(ts, last[ev[has]]) / max(len(ts), 1)
    back_s = sp.csr_matrix(
        (np.concatenate(ranks), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_ev, n_videos),
        dtype=np.float32,
    )
    return part, sample, target, back_s, moments


def _tune_persona_recent(
    blend,
    labels,
    back,
    cols,
    B,
    embedding,
    popularity,
    trend_part,
    sample,
    target,
    back_s,
    bins,
    first,
) -> tuple[float, float, float, float, float]:
    """The `persona_recent`, `persona_recent_ease` and `persona_bandwidth` (of their grids)
        whose persona lists rank the held-out videos best; the lists are built from the split's
        own history, `trend_part(bw)` is the moment's activity per held-out video (`bins`: its
    time bin, so what goes with each moment is computed once per bin).

        Chosen by NDCG@`PERSONA_DEPTH` (then HR@10), not HR@10: a shared list per persona puts
        far fewer held-out videos in its top 10 than a viewer's own list (MovieLens: ~35 of
        600), so HR@10 picked weights by a hit or two and swung between folds (persona_recent
        1, 0, 2, 0 on four successive leave-last-out folds of MovieLens); NDCG@50 counts a
        held-out video at rank 20 too and picks steadily (four folds pooled: per persona 1.64x
        -> 1.87x popularity on MovieLens, 5.5x -> 5.7x on the Stack Exchange community). The
        bandwidth is searched since a persona list, unlike a viewer's, leans on the moment
        alone, so the viewers' own (tuned where the moment weighs little) is not its best."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    k = int(labels.max()) + 1
    n = len(labels)
    onehot = sp.csr_matrix(
        (np.ones(n, dtype=np.float32), (labels, np.arange(n))), shape=(k, n), dtype=np.float32
    )
    mass = np.asarray((onehot @ normalize(_recency(back, blend.half), norm="l1")).todense())
    static_k = _persona_static(mass, cols, B, embedding, popularity, blend)
    static = static_k[labels[sample]]
    r, c = back_s.nonzero()
    static[r, c] = -np.inf  # what the viewer has, once (adding finite parts keeps it)
    _, first_of, again = np.unique(bins, return_index=True, return_inverse=True)
    # each a's first pair has e = 0: it sets `base`, the a's other pairs add e x the EASE
    combos = [(a, e) for a in PERSONA_RECENT_GRID for e in PERSONA_RECENT_EASE_GRID]
    # a few held-out videos' rows at a time, every weight pair on them: the rows stay in
    # the CPU cache across the pairs (the whole 600 x videos once per pair was 2x slower:
    # 0.78 s against 0.37 s on the 1M sample, one thread, load 8; HR@10 at one width 0.29 s)
    step = max(8, TUNE_BLOCK // max(static.shape[1], 1))
    best = (-1.0, -1.0)
    best_abw = (blend.persona_recent, blend.persona_recent_ease, blend.persona_bandwidth)
    for bw in BANDWIDTH_GRID:
        trend = trend_part(bw)
        trend_ease = _moment_ease(trend[first_of], cols, B)[again]
        rank = np.zeros((len(combos), len(sample)), dtype=np.int64)
        for lo in range(0, len(sample), step):
            hi = min(lo + step, len(sample))
            st, tr, te = static[lo:hi], trend[lo:hi], trend_ease[lo:hi]
            at = np.arange(hi - lo), target[lo:hi]
            base = np.empty_like(st)  # static + a * trend, shared by every e
            out = np.empty_like(st)
            for i, (a, e) in enumerate(combos):
                if not e:
                    np.multiply(tr, a, out=base)
                    base += st
                    np.copyto(out, base)
                else:
                    np.multiply(te, e, out=out)
                    out += base
                rank[i, lo:hi] = np.count_nonzero(out > out[at][:, None], axis=1)
        for i, (a, e) in enumerate(combos):
            if not a and not e and bw != BANDWIDTH_GRID[0]:
                continue  # no moment: the bandwidth does not matter
            got = _depth_score(rank[i])
            if got > best:
                best, best_abw = got, (a, e, bw)
    # then how new each video is, on top of the moment chosen (one pass per weight)
    a, e, bw = best_abw
    trend = trend_part(bw)
    trend_ease = _moment_ease(trend[first_of], cols, B)[again] if e else None
    fresh_w = 0.0
    for w in FRESH_GRID:
        if not w:
            continue
        rank_w = np.zeros(len(sample), dtype=np.int64)
        for lo in range(0, len(sample), step):
            hi = min(lo + step, len(sample))
            out = static[lo:hi] + a * trend[lo:hi]
            if trend_ease is not None:
                out += e * trend_ease[lo:hi]
            out += w * _fresh(first, np.maximum(bins[lo:hi], 0)) * (bins[lo:hi, None] >= 0)
            rank_w[lo:hi] = np.count_nonzero(
                out > out[np.arange(hi - lo), target[lo:hi]][:, None], 1
            )
        got = _depth_score(rank_w)
        if got > best:
            best, fresh_w = got, w
    # then whose list: the viewer's persona's, or that of the persona their latest videos
    # are nearest (`persona_now`; one pass per half-life, the rest of the list as chosen)
    stride = max(1, n // CENTRE_VIEWERS)  # the centres from a sample of viewers at scale
    seen = back[::stride].copy()
    seen.data[:] = 1.0
    centres = _persona_centres(seen, embedding, labels[::stride], k)
    del seen, static
    rows_s = back_s.copy()
    rows_s.data[:] = 1.0
    now_h = 0.0
    for h in PERSONA_NOW_GRID:
        if not h:
            continue
        now = _nearest_persona(rows_s, back_s, embedding, centres, h, labels[sample])
        rank_h = np.zeros(len(sample), dtype=np.int64)
        for lo in range(0, len(sample), step):
            hi = min(lo + step, len(sample))
            out = static_k[now[lo:hi]] + a * trend[lo:hi]
            if trend_ease is not None:
                out += e * trend_ease[lo:hi]
            if fresh_w:
                out += (
                    fresh_w * _fresh(first, np.maximum(bins[lo:hi], 0)) * (bins[lo:hi, None] >= 0)
                )
            rb, cb = back_s[lo:hi].nonzero()
            out[rb, cb] = -np.inf
            rank_h[lo:hi] = np.count_nonzero(
                out > out[np.arange(hi - lo), target[lo:hi]][:, None], 1
            )
        got = _depth_score(rank_h)
        if got > best:
            best, now_h = got, h
    return float(a), float(e), float(bw), float(fresh_w), float(now_h)


def _persona_centres(rows, embedding, labels, k: int) -> np.ndarray:
    """k x d: each persona's centre in the content space the personas were clustered in
    (the L2-normalised sum of its members' profiles, `profiles.viewer_profiles`)."""
    import numpy as np
    from sklearn.preprocessing import normalize

    from kptui.engine.profiles import viewer_profiles

    z = viewer_profiles(rows, embedding)
    centres = np.zeros((k, z.shape[1]), dtype=np.float32)
    np.add.at(centres, np.asarray(labels, dtype=np.int64), z)
    return normalize(centres)


def _nearest_persona(rows, back, embedding, centres, half: float, home) -> np.ndarray:
    """Per row, the persona whose centre is nearest (cosine) the viewer's recency-weighted
    content profile (a video counts half every `half` interactions further back); `home`
    (their own persona) where that profile is empty (videos without text or tags)."""
    import numpy as np

    prof = np.asarray(rows.multiply(_recency(back, half)).tocsr() @ embedding, dtype=np.float32)
    near = np.argmax(prof @ centres.T, axis=1).astype(np.int64)
    empty = ~np.any(prof != 0, axis=1)
    near[empty] = np.asarray(home, dtype=np.int64)[empty]
    return near


def _push_of(eng: Engagement, hist: History, embedding, personas, blend: Blend):
    """Per viewer, the persona whose list to push to them now (`persona_now`), or None where
    that is their own persona for everyone (`persona_now` 0, no personas). Blocks of
    `PUSH_BLOCK` viewers, so 1M viewers never hold a viewers x d profile matrix at once; each
    row's answer is the one `_nearest_persona` gives the whole set."""
    import numpy as np

    if personas is None or not blend.persona_now:
        return None
    labels = np.asarray(personas.labels, dtype=np.int64)
    centres = _persona_centres(eng.matrix, embedding, labels, personas.k)
    out = np.empty(len(labels), dtype=np.int64)
    for lo in range(0, len(labels), PUSH_BLOCK):
        hi = min(lo + PUSH_BLOCK, len(labels))
        out[lo:hi] = _nearest_persona(
            eng.matrix[lo:hi],
            hist.back[lo:hi],
            embedding,
            centres,
            blend.persona_now,
            labels[lo:hi],
        )
    return out


def _depth_score(rank) -> tuple[float, float]:
    """NDCG@`PERSONA_DEPTH`, then HR@10, of held-out videos' ranks (see the tuner)."""
    import numpy as np

    gain = np.where(rank < PERSONA_DEPTH, 1.0 / np.log2(rank + 2.0), 0.0)
    return float(gain.mean()), float((rank < 10).mean())


# --------------------------------------------------------------------------------------------
# Fitting and cache
# --------------------------------------------------------------------------------------------


def gram_of(binary):
    """`XᵀX` of a binary viewer x item matrix, dense float32: what `ease` inverts."""
    import numpy as np

    return np.asarray((binary.T @ binary).todense(), dtype=np.float32)


def ease(binary, lam: float = LAMBDA, gram=None, c_order: bool = False):
    """EASE weights for a binary viewer x item matrix (float32, zero diagonal).

    `XᵀX + λI` is symmetric positive definite, so it is inverted through its Cholesky factor
    (LAPACK potrf + potri: half the work of a general inverse, 2x faster at 4,000 items).
    `gram` (`gram_of(binary)`, left unchanged) saves the product when several λ are tried:
    at 1M viewers it costs more than the inverse. `c_order`: the weights in C order (what
    sparse products want) without a copy of them; else in LAPACK's Fortran order."""
    import numpy as np
    import scipy.linalg as la

    given = gram
    gram = gram_of(binary) if given is None else np.array(given, dtype=np.float32)
    gram[np.diag_indices_from(gram)] += lam
    potrf, potri = la.get_lapack_funcs(("potrf", "potri"), (gram,))
    # clean=True zeroes the factor's lower triangle and potri writes only the upper one, so
    # the full inverse is p + pᵀ with the diagonal counted once (no triu copies). The
    # factor overwrites this function's own copy of the Gram matrix, passed as its
    # transpose (the same matrix, symmetric, in the Fortran order LAPACK writes in place;
    # in C order it copied): 64 MB less at 4,000 videos
    factor, info = potrf(gram.T, lower=False, overwrite_a=True, clean=True)
    if info == 0:
        p, info = potri(factor, lower=False, overwrite_c=True)
    if info == 0:
        d = p.diagonal().copy()
        p += p.T
        p[np.diag_indices_from(p)] = d
        if c_order:  # the symmetric inverse's transpose is itself, laid out in C order
            p = p.T
    else:  # not positive definite in float32 (never seen): the general inverse
        del factor
        gram = gram_of(binary) if given is None else np.array(given, dtype=np.float32)
        gram[np.diag_indices_from(gram)] += lam
        p = la.inv(gram, overwrite_a=True, check_finite=False)
        p = np.ascontiguousarray(p) if c_order else p
        d = p.diagonal().copy()
    np.divide(p, -d[None, :], out=p)
    p[np.diag_indices_from(p)] = 0.0
    return p.astype(np.float32, copy=False)


def fit_recommender(
    dataset: Dataset,
    personas: PersonaModel | None,
    progress: Progress | None = None,
    *,
    seed: int = 0,
    persona_error: KptuiError | None = None,
    eng: Engagement | None = None,
    cont: Content | None = None,
    blend: Blend | None = None,
    exact: bool | None = None,
    personas_later: Callable[[], tuple[PersonaModel | None, KptuiError | None]] | None = None,
) -> Recommender:
    """Fit every part; `blend` None tunes the weights on this data (`tune_blend`); `exact`
    None scores densely when viewers x videos is under `EXACT_BUDGET`, else on candidates.
    `personas_later` (instead of `personas`): waits for personas fitted on another thread
    and gives (model or None, the error that stopped them); called only when the tuner
    needs their labels, or at the end."""
    import numpy as np

    from kptui.engine import profiles, sequence

    def labels_now():
        nonlocal personas, persona_error, personas_later
        if personas_later is not None:
            personas, persona_error = personas_later()
            personas_later = None
        return personas.labels if personas is not None else None

    report = progress or profiles.no_progress
    profiles.require_interactions(dataset)
    eng = eng or profiles.engagement(dataset, progress=report)
    if cont is None:
        report("video content", None)
        cont = profiles.content(dataset.videos, seed=seed)
    report("viewing order", None)
    hist = _history_of(dataset, eng)
    if blend is None:
        report("weighing the parts", None)
        blend = tune_blend(hist, cont.embedding, seed=seed, labels=labels_now)
    binary = eng.matrix.copy()
    binary.data[:] = 1.0
    eligible, counts = _cf_columns(binary, MAX_CF_ITEMS)
    report("item-item model", None)
    b = (
        ease(binary.tocsc()[:, eligible].tocsr(), blend.lam, c_order=True)
        if len(eligible)
        else np.zeros((0, 0))
    )
    pop = counts / max(counts.max(), 1.0)
    n = len(eng.video_ids)
    videos = dataset.videos
    labels_now()
    push = _push_of(eng, hist, cont.embedding, personas, blend)
    return Recommender(
        dataset=dataset,
        persona_model=personas,
        video_ids=eng.video_ids,
        titles=videos["title"].to_list(),
        paid=(videos["price"].fill_null(0.0).to_numpy() > 0),
        cf_items=eligible,
        # C order: sparse @ dense copies a Fortran-ordered operand on every call
        B=np.ascontiguousarray(b, dtype=np.float32),
        embedding=np.ascontiguousarray(cont.embedding, dtype=np.float32),
        popularity=pop.astype(np.float32),
        follows=sequence.transitions(hist, n),
        activity=sequence.activity(hist, n),
        edges=hist.edges,
        blend=blend,
        seed=seed,
        persona_error=persona_error,
        exact=eng.n_users * n <= EXACT_BUDGET if exact is None else exact,
        push=push,
        _eng=eng,
        _cont=cont,
        _hist=hist,
    )


def _sparse_parts(name: str, m) -> dict[str, Any]:
    m = m.tocsr()
    return {
        f"{name}_data": m.data,
        f"{name}_indices": m.indices,
        f"{name}_indptr": m.indptr,
        f"{name}_shape": m.shape,
    }


def _sparse_from(name: str, arrays) -> Any:
    import scipy.sparse as sp

    shape = tuple(int(x) for x in arrays[f"{name}_shape"])
    return sp.csr_matrix(
        (arrays[f"{name}_data"], arrays[f"{name}_indices"], arrays[f"{name}_indptr"]), shape=shape
    )


def _save(rec: Recommender, cache_key: str) -> None:
    import numpy as np

    from kptui.engine.modelcache import write_atomic

    def write(tmp: Path) -> None:
        np.savez(
            tmp / "arrays.npz",
            cf_items=rec.cf_items,
            B=rec.B,
            embedding=rec.embedding,
            popularity=rec.popularity,
            edges=rec.edges,
            **_sparse_parts("follows", rec.follows),
            **_sparse_parts("activity", rec.activity),
            **({} if rec.push is None else {"push": rec.push.astype(np.int32)}),
        )
        meta = {
            "version": MODEL_VERSION,
            "videos": len(rec.video_ids),
            "blend": rec.blend.to_json(),
            "exact": rec.exact,
            "personas": _labels_digest(rec.persona_model),
        }
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")

    write_atomic("recommend", cache_key, write, fingerprint=rec.dataset.fingerprint)


def _labels_digest(personas: PersonaModel | None) -> str:
    """Which personas a cached blend was tuned and `push` found for (another k, another
    fit: refit rather than push by labels that are not these)."""
    import hashlib

    import numpy as np

    if personas is None:
        return ""
    raw = np.ascontiguousarray(personas.labels, dtype=np.int32).tobytes()
    return f"{personas.k}:" + hashlib.blake2b(raw, digest_size=12).hexdigest()


def _load(
    dataset: Dataset, personas: PersonaModel, cache_key: str, seed: int
) -> Recommender | None:
    import numpy as np

    from kptui.engine.modelcache import verified

    path = verified("recommend", cache_key, dataset.fingerprint)
    if path is None:
        return None
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("version") != MODEL_VERSION or meta.get("videos") != dataset.videos.height:
            return None
        if meta.get("personas") != _labels_digest(personas):  # tuned and pushed for others
            return None
        blend = Blend(**{k: float(v) for k, v in meta["blend"].items()})
        blend.tuned_on = int(blend.tuned_on)
        with np.load(path / "arrays.npz", allow_pickle=False) as arrays:
            names = ("cf_items", "B", "embedding", "popularity", "edges")
            parts = {name: np.ascontiguousarray(arrays[name]) for name in names}
            parts["follows"] = _sparse_from("follows", arrays)
            parts["activity"] = _sparse_from("activity", arrays)
            if "push" in arrays.files:
                parts["push"] = arrays["push"].astype(np.int64)
    except Exception:  # missing or corrupt: refit
        return None
    videos = dataset.videos
    return Recommender(
        dataset=dataset,
        persona_model=personas,
        seed=seed,
        video_ids=videos["video_id"].to_list(),
        titles=videos["title"].to_list(),
        paid=(videos["price"].fill_null(0.0).to_numpy() > 0),
        from_cache=True,
        blend=blend,
        exact=bool(meta.get("exact", True)),
        **parts,
    )


def load_or_fit_recommender(
    dataset: Dataset,
    k: int | str = "auto",
    seed: int = 0,
    progress: Progress | None = None,
    *,
    use_cache: bool = True,
) -> Recommender:
    """The cached recommender (and personas) for this data, else fit both and cache them."""
    from kptui.engine import modelcache, profiles
    from kptui.engine.personas import cache_key, load_model, load_or_fit_personas, parse_k
    from kptui.errors import check_seed

    report = progress or profiles.no_progress
    parse_k(k)
    check_seed(seed)
    profiles.require_interactions(dataset)
    key = None
    if use_cache and dataset.fingerprint:
        key = modelcache.key("recommend", MODEL_VERSION, dataset.fingerprint, seed)
    personas = None
    if use_cache and dataset.fingerprint:
        personas = load_model(cache_key(dataset.fingerprint, k, seed), dataset.fingerprint)
    if personas is not None and key:
        cached = _load(dataset, personas, key, seed)
        if cached is not None:
            return cached
    # Something must be fitted: build the shared pieces once for both models (the text
    # next to the matrix, `profiles.engagement_and_content`). With a core to spare
    # (`_workers`) the persona fit (k-means, cards) runs next to the recommender's tuning,
    # which waits for the personas only at its last step. The same results as one after
    # the other (a busy machine, or over `OVERLAP_MAX_PAIRS` viewer x video pairs, where
    # the overlap's peak costs more than its time saves: a 150 MB export's 1,090 MB ->
    # 1,250 MB, for ~1-2 s).
    # While the two fits overlap, BLAS keeps one thread: k-means holds it to one for the
    # whole process during its iterations, so a product of the tuner's would otherwise get
    # one or two threads by timing, and its last bits (hence a near tie) with them.
    from concurrent.futures import ThreadPoolExecutor

    eng, cont = profiles.engagement_and_content(dataset, seed=seed, progress=report)
    with ThreadPoolExecutor(1) as pool:  # starts no thread unless given work
        overlap = _workers() > 1 and eng.matrix.nnz <= OVERLAP_MAX_PAIRS

        def fit_personas() -> tuple[PersonaModel | None, KptuiError | None]:
            try:
                model = load_or_fit_personas(
                    dataset,
                    k=k,
                    seed=seed,
                    progress=None if overlap else report,
                    use_cache=use_cache,
                    eng=eng,
                    cont=cont,
                )
            except KptuiError as exc:  # viewers' lists and popularity work without personas
                return None, exc
            return model, None

        later = None
        error: KptuiError | None = None
        one_blas = None
        if personas is None:
            if overlap:
                from threadpoolctl import threadpool_limits

                one_blas = threadpool_limits(limits=1, user_api="blas")
                pending = pool.submit(fit_personas)

                def later() -> tuple[PersonaModel | None, KptuiError | None]:
                    try:
                        return pending.result()
                    finally:
                        one_blas.restore_original_limits()

            else:
                personas, error = fit_personas()
        try:
            rec = fit_recommender(
                dataset,
                personas,
                progress=report,
                seed=seed,
                persona_error=error,
                eng=eng,
                cont=cont,
                personas_later=later,
            )
        finally:
            if one_blas is not None:  # after the persona fit is done (or on an error)
                pool.shutdown(wait=True)
                one_blas.restore_original_limits()
    if key:
        _save(rec, key)
    return rec


__all__ = [
    "Blend",
    "Recommender",
    "ease",
    "fit_recommender",
    "load_or_fit_recommender",
    "tune_blend",
]
