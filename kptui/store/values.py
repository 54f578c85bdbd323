"""Parsing and checking what people type into a draft.

Kept free of SQLite so the app can validate a field as it is typed, with the same rules and
the same messages as the CLI. (The publish-hour suggestion is maths: kptui.engine.publish.)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from kptui.errors import UsageError

_TAG_SEPARATORS = re.compile(r"[,，、|;；\n]+")
_BEFORE_HASH = re.compile(r"\s+(?=[#＃])")  # '#a #b': spaces separate hashtags only
_HOUR = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")


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
