"""The publish-hour rule: when to post for the audience a draft targets.

One rule for every front end (the CLI's `plan draft add --persona`, the Tags pane's save):
the target personas' 24-hour activity profiles, each scaled to sum 1 and weighted by the
persona's size, then the start of the most active three-hour stretch. Standard library only:
the workspace commands use it without loading polars or numpy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# A short video gets most of its first-day views in the first hours after it goes out, so
# the best slot is the start of the most active stretch, with the nearest hours counting most.
_WINDOW_WEIGHTS: tuple[float, ...] = (1.0, 0.8, 0.6)


def hour_for_personas(cards: Iterable[Mapping[str, Any]], persona_ids: Sequence[int]) -> int | None:
    """The hour (0-23) to publish for these personas, from their cards (`personas --json`
    entries: `id`, `size`, `active_hours`); None when none of them has a usable profile."""
    wanted = {int(p) for p in persona_ids}
    picked = [c for c in cards if int(c["id"]) in wanted and c.get("active_hours")]
    if not picked:
        return None
    profiles = [c["active_hours"] for c in picked]
    sizes = [float(c.get("size") or 1.0) for c in picked]
    return suggest_publish_hour(merge_hour_profiles(profiles, sizes))


def merge_hour_profiles(
    profiles: Sequence[Sequence[float]], weights: Sequence[float] | None = None
) -> list[float]:
    """One 24-hour profile for several personas: each scaled to sum 1, then weighted.

    Weights are usually persona sizes, so a big persona's evening counts more than a small
    one's. Unusable profiles (wrong length, negative, NaN, all zero) are skipped.
    """
    total = [0.0] * 24
    for i, profile in enumerate(profiles):
        clean = _clean_profile(profile)
        if clean is None:
            continue
        w = 1.0 if weights is None else float(weights[i])
        if not (w > 0 and math.isfinite(w)):
            continue
        s = sum(clean)
        for h in range(24):
            total[h] += w * clean[h] / s
    return total


def suggest_publish_hour(active_hours: Sequence[float] | None) -> int | None:
    """The hour (0-23) to publish for an audience with this 24-hour activity profile.

    Scores each start hour by the activity in it and the next two hours (weights 1, 0.8, 0.6,
    wrapping past midnight) and returns the best start; ties go to the earliest hour. None when
    the profile says nothing (missing, not 24 values, negative or NaN values, all zero), so
    callers can leave the publish hour unset rather than invent one.
    """
    clean = _clean_profile(active_hours)
    if clean is None:
        return None
    best_hour, best_score = None, -1.0
    for h in range(24):
        score = sum(w * clean[(h + k) % 24] for k, w in enumerate(_WINDOW_WEIGHTS))
        if score > best_score + 1e-12:
            best_hour, best_score = h, score
    return best_hour


def _clean_profile(profile: Sequence[float] | None) -> list[float] | None:
    if profile is None:
        return None
    try:
        values = [float(v) for v in profile]
    except (TypeError, ValueError):
        return None
    if len(values) != 24 or any(not math.isfinite(v) or v < 0 for v in values):
        return None
    if sum(values) <= 0:
        return None
    return values
