"""Recommendations per viewer, per persona, and which personas a draft fits.

Model (hybrid, all closed form or vectorised; no per-viewer Python loop):
- Collaborative part: EASE (Steck 2019), the closed-form item-item model
  `B = I - P / diag(P)` with `P = (XᵀX + λI)⁻¹` over the binary viewer x video matrix,
  restricted to the `MAX_CF_ITEMS` most-watched videos so the inverse stays a few seconds.
- Content part: cosine between a viewer's content profile and each video's embedding
  (`profiles.content`), which is all a never-watched video has.
- Popularity: a small prior that breaks ties and is the last resort.
A viewer's score is `cf / max(cf) + CONTENT_WEIGHT * content + POP_WEIGHT * popularity`;
anything the viewer already has is never returned; `paid_only` keeps `price > 0`.

Per persona: the members' mean binary row times `B` (what the persona as a whole takes up
next), damped by how many members already have each item, plus the same content and
popularity terms. A draft fits a persona by how much more that persona engages with the
draft's words and tags than viewers overall (`PersonaModel.draft_fit`).

API (CLI and TUI):
- `load_or_fit_recommender(dataset, k="auto", seed=0, progress=None) -> Recommender`
  (cached under `paths.cache_dir()/recommend/` by the data fingerprint; personas come from
  `personas.load_or_fit_personas` with the same k and seed).
- `Recommender.for_user(user_id, top=10, paid_only=False) -> list[dict]` (video_id, title,
  score, reason); `.for_users(user_ids=None, top=10, paid_only=False) -> dict[str, list[str]]`
  (None: every viewer; batched); `.for_persona(pid, top=10, paid_only=False) -> list[dict]`;
  `.for_personas(top, paid_only) -> list[dict]` (SPEC's `--persona all` shape);
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
    from kptui.engine.types import Dataset

Progress = Callable[[str | None, float | None], None]

MODEL_VERSION = "1"
MAX_CF_ITEMS = 4000
LAMBDA = 300.0
CONTENT_WEIGHT = 0.1
POP_WEIGHT = 0.02
REACH_DAMPING = 0.5  # persona lists lean to what members do not have yet (1.0 halves HR@10)
DENSE_ITEMS = 8192  # up to this many videos, every video is a candidate for every viewer
HEAD = 512  # above it: the CF items plus this many of the most popular others


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
    from_cache: bool = False
    seed: int = 0
    persona_error: KptuiError | None = None
    _eng: Engagement | None = field(default=None, repr=False)
    _cont: Content | None = field(default=None, repr=False)
    _users: dict[str, int] | None = field(default=None, repr=False)
    _order: dict[bool, Any] = field(default_factory=dict, repr=False)
    _cf_pos: Any = field(default=None, repr=False)

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

    def _history(self, user_id: str):
        """The viewer's row (weights per video) from the raw interactions, without the
        whole matrix: a single viewer answers fast on a cached model."""
        import numpy as np
        import polars as pl
        import scipy.sparse as sp

        from kptui.engine.profiles import interaction_weights

        if self._eng is not None:
            idx = self._user_index().get(user_id)
            if idx is None:
                raise UsageError(f"unknown viewer {user_id!r} (not in this dataset's interactions)")
            return self._eng.matrix[idx]
        it = self.dataset.interactions
        assert it is not None
        rows = it.filter(pl.col("user_id") == user_id)
        if rows.height == 0:
            raise UsageError(f"unknown viewer {user_id!r} (not in this dataset's interactions)")
        vmap = {v: i for i, v in enumerate(self.video_ids)}
        cols = np.array([vmap.get(v, -1) for v in rows["video_id"].to_list()])
        w = interaction_weights(rows, self.dataset.videos).astype(np.float32)
        keep = cols >= 0
        row = sp.csr_matrix(
            (w[keep], (np.zeros(int(keep.sum()), dtype=np.int64), cols[keep])),
            shape=(1, len(self.video_ids)),
        )
        row.sum_duplicates()
        np.log1p(row.data, out=row.data)
        return row

    def _user_index(self) -> dict[str, int]:
        if self._users is None:
            self._users = self._engagement().user_index()
        return self._users

    def _layout(self, full: bool = True) -> tuple[Any, Any, Any, Any, Any]:
        """Columns reordered so the CF items come first: scoring then adds the CF block to a
        contiguous slice instead of scattering into every row (3x faster at 5k videos).

        `full=False` is the layout lists are served from: every video while the catalogue
        has at most `DENSE_ITEMS`, else the CF items plus the `HEAD` most popular others (a
        video outside both has fewer viewers than every CF item, so only its content term
        could lift it, which is at most `CONTENT_WEIGHT`)."""
        import numpy as np

        key = full or len(self.video_ids) <= DENSE_ITEMS
        if key not in self._order:
            n = len(self.video_ids)
            rest = np.setdiff1d(np.arange(n), self.cf_items)
            if not key:
                head = np.argsort(-self.popularity[rest], kind="stable")[:HEAD]
                rest = np.sort(rest[head])
            order = np.concatenate([self.cf_items, rest]).astype(np.int64)
            inverse = np.full(n, -1, dtype=np.int64)
            inverse[order] = np.arange(len(order))
            emb_t = np.ascontiguousarray(self.embedding[order].T, dtype=np.float32)
            prior = (POP_WEIGHT * self.popularity[order]).astype(np.float32)
            self._order[key] = (order, inverse, emb_t, prior, self.paid[order])
        return self._order[key]

    def _cf_positions(self):
        """Per video, its index among the CF items (-1 when it has none)."""
        import numpy as np

        if self._cf_pos is None:
            self._cf_pos = np.full(len(self.video_ids), -1, dtype=np.int64)
            self._cf_pos[self.cf_items] = np.arange(len(self.cf_items))
        return self._cf_pos

    def _scores_ordered(self, rows, full: bool = True) -> np.ndarray:
        """Hybrid scores (n x columns of `_layout(full)`, in that order); seen items -inf."""
        import numpy as np
        import scipy.sparse as sp

        _, inverse, emb_t, prior, _ = self._layout(full)
        rows = sp.csr_matrix(rows)
        prof = np.asarray(rows @ self.embedding, dtype=np.float32)
        prof /= np.maximum(np.linalg.norm(prof, axis=1, keepdims=True), 1e-9)
        prof *= CONTENT_WEIGHT
        scores = prof @ emb_t
        scores += prior[None, :]
        m = len(self.cf_items)
        if m:
            pos = self._cf_positions()[rows.indices]
            owner = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))
            keep = pos >= 0
            binary = sp.csr_matrix(
                (np.ones(int(keep.sum()), dtype=np.float32), (owner[keep], pos[keep])),
                shape=(rows.shape[0], m),
            )
            cf = np.asarray(binary @ self.B, dtype=np.float32)
            cf /= np.maximum(cf.max(axis=1, keepdims=True), 1e-9)
            scores[:, :m] += cf
        r, c = rows.nonzero()
        cols = inverse[c]
        inside = cols >= 0
        scores[r[inside], cols[inside]] = -np.inf
        return scores

    def score_matrix(self, rows) -> np.ndarray:
        """Hybrid scores for viewer rows, columns in the dataset's video order."""
        import numpy as np

        ordered = self._scores_ordered(rows)
        out = np.empty_like(ordered)
        out[:, self._layout()[0]] = ordered
        return out

    def _serve(self, matrix, index, top: int, paid_only: bool, progress=None):
        """Video indices and scores of each row's `top` best, best first (-1/-inf pad)."""
        import numpy as np

        from kptui.engine.topk import blocked_top_k

        order, _, _, _, paid = self._layout(full=False)

        def score_block(chunk):
            # a run of consecutive rows is a slice (O(block)); fancy indexing of a CSR
            # matrix walks every row of it (O(viewers) per block, minutes at 1M viewers)
            contiguous = len(chunk) and chunk[-1] - chunk[0] == len(chunk) - 1
            sub = matrix[chunk[0] : chunk[-1] + 1] if contiguous else matrix[chunk]
            scores = self._scores_ordered(sub, full=False)
            if paid_only:
                scores[:, ~paid] = -np.inf
            return scores

        return blocked_top_k(index, max(1, top), score_block, order, progress=progress)

    def for_user(self, user_id: str, top: int = 10, paid_only: bool = False) -> list[dict]:
        """One viewer's list with a score and a short reason per item."""
        import numpy as np

        row = self._history(user_id)
        idx, vals = self._serve(row, np.zeros(1, dtype=np.int64), top, paid_only)
        seen = row.indices
        out = []
        for v, s in zip(idx[0], vals[0], strict=True):
            if v < 0 or not np.isfinite(s):
                continue
            out.append(
                {
                    "video_id": self.video_ids[v],
                    "title": self.titles[v],
                    "score": round(float(s), 4),
                    "reason": self._reason_user(int(v), seen, row),
                }
            )
        return out

    def _reason_user(self, v: int, seen, row) -> str:
        import numpy as np

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
        return self._serve(eng.matrix, index, top, paid_only, progress=report)[0]

    # ---- personas ----------------------------------------------------------------------

    def persona_scores(self, paid_only: bool = False) -> np.ndarray:
        """k x videos: what each persona's members take up next (see the docstring)."""
        import numpy as np

        weights = self.personas.item_weights  # k x videos, members' l1 rows summed
        k = weights.shape[0]
        reach = self._persona_reach()
        scores = np.zeros((k, len(self.video_ids)), dtype=np.float64)
        if len(self.cf_items):
            cf = reach[:, self.cf_items] @ self.B
            cf /= np.maximum(cf.max(axis=1, keepdims=True), 1e-9)
            scores[:, self.cf_items] = cf
        prof = weights @ self.embedding
        prof /= np.maximum(np.linalg.norm(prof, axis=1, keepdims=True), 1e-9)
        scores += CONTENT_WEIGHT * (prof @ self.embedding.T)
        scores += POP_WEIGHT * self.popularity[None, :]
        # Members who already have it cannot take it up again.
        scores *= 1.0 - REACH_DAMPING * reach
        if paid_only:
            scores[:, ~self.paid] = -np.inf
        return scores

    def _persona_reach(self) -> np.ndarray:
        """k x videos: the share of each persona's members who have the video."""
        return self.personas.item_reach

    def for_persona(self, pid: int, top: int = 10, paid_only: bool = False) -> list[dict]:
        import numpy as np

        card = self.personas.card(pid)
        scores = self.persona_scores(paid_only)[pid]
        top = max(1, min(top, len(scores)))
        order = np.argsort(-scores, kind="stable")[:top]
        reach = self._persona_reach()[pid]
        weights = self.personas.item_weights[pid]
        out = []
        for v in order:
            if not np.isfinite(scores[v]):
                continue
            out.append(
                {
                    "video_id": self.video_ids[v],
                    "title": self.titles[v],
                    "score": round(float(scores[v]), 4),
                    "reason": self._reason_persona(int(v), reach, weights),
                }
            )
        _ = card
        return out

    def _reason_persona(self, v: int, reach, weights) -> str:
        import numpy as np

        have = reach[v]
        pos = np.searchsorted(self.cf_items, v)
        if pos < len(self.cf_items) and self.cf_items[pos] == v:
            contrib = weights[self.cf_items] * self.B[:, pos]
            contrib[pos] = 0.0
            best = int(np.argmax(contrib))
            if contrib[best] > 0:
                src = self.titles[self.cf_items[best]]
                return f'{have:.0%} have it; goes with "{_short(src)}"'
        return f"{have:.0%} have it; matches the persona's topics"

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


def _short(text: str, n: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------------------------
# Fitting and cache
# --------------------------------------------------------------------------------------------


def ease(binary, lam: float = LAMBDA):
    """EASE weights for a binary viewer x item matrix (float32, zero diagonal).

    `XᵀX + λI` is symmetric positive definite, so it is inverted through its Cholesky factor
    (LAPACK potrf + potri: half the work of a general inverse, 2x faster at 4,000 items)."""
    import numpy as np
    import scipy.linalg as la

    gram = np.asarray((binary.T @ binary).todense(), dtype=np.float32)
    gram[np.diag_indices_from(gram)] += lam
    potrf, potri = la.get_lapack_funcs(("potrf", "potri"), (gram,))
    factor, info = potrf(gram, lower=False, overwrite_a=False, clean=False)
    if info == 0:
        p, info = potri(factor, lower=False, overwrite_c=True)
    if info == 0:
        p = np.triu(p)
        p += np.triu(p, 1).T
    else:  # not positive definite in float32 (never seen): the general inverse
        p = la.inv(gram, overwrite_a=True, check_finite=False)
    b = -p / np.diag(p)[None, :]
    b[np.diag_indices_from(b)] = 0.0
    return b.astype(np.float32, copy=False)


def fit_recommender(
    dataset: Dataset,
    personas: PersonaModel | None,
    progress: Progress | None = None,
    *,
    seed: int = 0,
    persona_error: KptuiError | None = None,
    eng: Engagement | None = None,
    cont: Content | None = None,
) -> Recommender:
    import numpy as np

    from kptui.engine import profiles

    report = progress or profiles.no_progress
    profiles.require_interactions(dataset)
    eng = eng or profiles.engagement(dataset, progress=report)
    if cont is None:
        report("video content", None)
        cont = profiles.content(dataset.videos, seed=seed)
    binary = eng.matrix.copy()
    binary.data[:] = 1.0
    counts = np.asarray(binary.sum(axis=0)).ravel()
    eligible = np.flatnonzero(counts >= 2)
    if len(eligible) > MAX_CF_ITEMS:
        eligible = np.sort(eligible[np.argsort(-counts[eligible], kind="stable")[:MAX_CF_ITEMS]])
    report("item-item model", None)
    b = ease(binary.tocsc()[:, eligible].tocsr(), LAMBDA) if len(eligible) else np.zeros((0, 0))
    pop = counts / max(counts.max(), 1.0)
    videos = dataset.videos
    return Recommender(
        dataset=dataset,
        persona_model=personas,
        video_ids=eng.video_ids,
        titles=videos["title"].to_list(),
        paid=(videos["price"].fill_null(0.0).to_numpy() > 0),
        cf_items=eligible.astype(np.int64),
        # C order: sparse @ dense copies a Fortran-ordered operand on every call
        B=np.ascontiguousarray(b, dtype=np.float32),
        embedding=np.ascontiguousarray(cont.embedding, dtype=np.float32),
        popularity=pop.astype(np.float32),
        seed=seed,
        persona_error=persona_error,
        _eng=eng,
        _cont=cont,
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
        )
        meta = {"version": MODEL_VERSION, "videos": len(rec.video_ids)}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")

    write_atomic("recommend", cache_key, write)


def _load(
    dataset: Dataset, personas: PersonaModel, cache_key: str, seed: int
) -> Recommender | None:
    import numpy as np

    from kptui.engine.modelcache import folder

    path = folder("recommend", cache_key)
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("version") != MODEL_VERSION or meta.get("videos") != dataset.videos.height:
            return None
        with np.load(path / "arrays.npz", allow_pickle=False) as arrays:
            parts = {
                name: np.ascontiguousarray(arrays[name])
                for name in ("cf_items", "B", "embedding", "popularity")
            }
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

    report = progress or profiles.no_progress
    parse_k(k)
    profiles.require_interactions(dataset)
    key = None
    if use_cache and dataset.fingerprint:
        key = modelcache.key("recommend", MODEL_VERSION, dataset.fingerprint, seed)
    personas = None
    if use_cache and dataset.fingerprint:
        personas = load_model(cache_key(dataset.fingerprint, k, seed))
    if personas is not None and key:
        cached = _load(dataset, personas, key, seed)
        if cached is not None:
            return cached
    # Something must be fitted: build the shared pieces once for both models.
    eng = profiles.engagement(dataset, progress=report)
    report("video content", 0.1)
    cont = profiles.content(dataset.videos, seed=seed, progress=report)
    error: KptuiError | None = None
    if personas is None:
        try:
            personas = load_or_fit_personas(
                dataset, k=k, seed=seed, progress=report, use_cache=use_cache, eng=eng, cont=cont
            )
        except KptuiError as exc:  # viewers' lists and popularity still work without personas
            error = exc
    rec = fit_recommender(
        dataset, personas, progress=report, seed=seed, persona_error=error, eng=eng, cont=cont
    )
    if key:
        _save(rec, key)
    return rec


__all__ = ["Recommender", "ease", "fit_recommender", "load_or_fit_recommender"]
