"""Words both front ends print the same way: counts with the right plural, one notation for
an A/B arm. Standard library only (the CLI imports it on its fast path)."""

from __future__ import annotations

_PLURALS = {"day": "days", "problem": "problems", "notice": "notices", "copy": "copies"}


def counted(n: int, word: str, plural: str | None = None) -> str:
    """`1 day`, `2 days`, `1,204 problems`: never `1 days` nor `problem(s)`."""
    if n == 1:
        return f"1 {word}"
    return f"{n:,} {plural or _PLURALS.get(word) or word + 's'}"


def arm_words(name: str, conversions: int, visitors: int) -> str:
    """One notation for an arm in the CLI and the app: `A 80 / 2,000 converted`."""
    return f"{name} {conversions:,} / {visitors:,} converted"
