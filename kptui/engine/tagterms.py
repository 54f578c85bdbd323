"""How a draft's text becomes similarity terms: shared by the tag index (which builds on
them) and the tag model (which scores a draft with them), so neither imports the other."""

from __future__ import annotations

from kptui.engine import text as tx

MAX_PHRASE = 3
TITLE_WEIGHT = 2.0  # title terms count twice in the similarity vectors


def draft_terms(seg: tx.Segmenter, text: str) -> list[str]:
    """Similarity terms (words and two-word phrases) of a short text such as one hashtag."""
    cleaned = tx.clean(text)
    return [k for k, _, size in tx.phrases(cleaned, seg.tokens_of_clean(cleaned), 2)]
