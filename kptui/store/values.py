"""Parsing and checking what people type into a draft, and the publish-hour suggestion.

Kept free of SQLite so the TUI can validate a field as it is typed, with the same rules and
the same messages as the CLI.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from kptui.errors import UsageError

_TAG_SEPARATORS = re.compile(r"[,，、|;；\n]+")
_BEFORE_HASH = re.compile(r"\s+(?=[#＃])")  # '#a #b': spaces separate hashtags only
_HOUR = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")

# A short video gets most of its first-day views in the first hours after it goes out, so
# the best slot is the start of the most active stretch, with the nearest hours counting most.
_WINDOW_WEIGHTS: tuple[float, ...] = (1.0, 0.8, 0.6)


def parse_tags(raw: str | Iterable[str] | None) -> list[str]:
    """`"a, #b，c|a"`, `"#a #b #c"` or `["a", "b", "c"]` -> `["a", "b", "c"]`: trimmed, no '#',
    no repeats. Spaces inside a tag stay (`machine learning`) unless they precede a '#'.

    Repeats are found case- and width-insensitively (`Python` = `python` = `Ｐｙｔｈｏｎ`);
    the first spelling wins.
    """
    if raw is None:
        return []
    if isinstance(raw, str):
        parts = [p for chunk in _TAG_SEPARATORS.split(raw) for p in _BEFORE_HASH.split(chunk)]
    else:
        parts = list(raw)
    seen: set[str] = set()
    out: list[str] = []
    for part in parts:
        tag = " ".join(str(part).split())
        if tag[:1] in "#＃" and tag[-1:] in "#＃" and len(tag) > 2:
            tag = tag[1:-1]  # Weibo/Douyin '#话题#'; a plain 'C#' keeps its '#'
        tag = tag.lstrip("#＃").strip()
        key = unicodedata.normalize("NFKC", tag).casefold()
        if tag and key not in seen:
            seen.add(key)
            out.append(tag)
    return out


def parse_personas(raw: Iterable[int | str] | None) -> list[int]:
    """Persona ids as the personas command prints them: small non-negative integers."""
    out: list[int] = []
    for item in raw or ():
        for piece in str(item).replace("，", ",").split(","):
            piece = piece.strip()
            if not piece:
                continue
            try:
                value = int(piece)
            except ValueError:
                raise UsageError(
                    f"persona must be a persona id (a whole number), got {piece!r}",
                    column="persona",
                ) from None
            if value < 0:
                raise UsageError(f"persona id must be 0 or more, got {value}", column="persona")
            if value not in out:
                out.append(value)
    return out


def parse_publish_at(text: str | None) -> tuple[str | None, int | None]:
    """A planned publish time -> (publish_at, publish_hour).

    Accepts `2025-06-01 19:30`, `2025-06-01T19:30`, `2025-06-01` (date only: no hour yet),
    `2025/06/01 19:30`, `19:30` or `19` (hour only: no date yet). Empty or `none` clears both.
    """
    if text is None:
        return None, None
    value = text.strip()
    if value.lower() in {"", "none", "null", "-"}:
        return None, None
    m = _HOUR.match(value)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if hour > 23 or minute > 59:
            raise UsageError(f"not a time of day: {value!r}", column="publish-at")
        return None, hour
    normal = value.replace("/", "-")
    try:
        if len(normal) <= 10:
            return date.fromisoformat(normal).isoformat(), None
        when = datetime.fromisoformat(normal)
    except ValueError:
        raise UsageError(
            f"cannot read {value!r} as a publish time; use e.g. '2025-06-01 19:30', "
            "'2025-06-01' or '19'",
            column="publish-at",
        ) from None
    return when.isoformat(timespec="minutes"), when.hour


def check_choice(value: str, choices: Sequence[str], what: str) -> str:
    if value not in choices:
        raise UsageError(f"{what} must be one of {', '.join(choices)}; got {value!r}", column=what)
    return value


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
