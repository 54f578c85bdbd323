"""Tag fields as real exports write them, and the key that says two tags are the same.

Exports disagree on separators (`|`, `,`, `，`, `、`, `;`, spaces between `#hashtags`), quote
tags (YouTube's `a|"b c"`), wrap them in brackets (KuaiRec's `[a,b]`) or write a placeholder
(`[none]`). Everything here is plain `re` so it stays cheap and usable from the tag
suggester; `hashtag_lists` is the same hashtag rule as a polars expression, for big loads.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A hashtag: `#` then word characters (any script), allowing inner dots/dashes/plus like
# `#C++` or `#node.js`; Weibo/Douyin style `#话题#` closes with a second `#`. A `#` right after
# a Latin letter or digit is not one (`C#`, `page#anchor`, `&#39;`), but Chinese captions glue
# hashtags to the sentence (`好可爱#萌宠`), so after a CJK character it is.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_STOP = "#＃,，、;；.。!！?？:：()（）\\[\\]【】\"'“”"  # (in a character class) ends a hashtag
_HASHTAG = re.compile(rf"(?<![^\W{_CJK}])(?<!&)[#＃]([^\s{_STOP}]+)(?:[#＃])?")
_NONE_MARKERS = {"", "[none]", "none", "[]", "nan", "null", "-", "unknown", "[unknown]"}
_SPACES = re.compile(r"\s+")
_TRAILING_PUNCT = " \t\r\n\"'“”‘’.,，。、;；:：!！?？"


@lru_cache(maxsize=1 << 16)
def normalize_tag(tag: str) -> str:
    """The merge key: `#Python`, `python` and `Python ` are one tag.

    Cached: a big export repeats the same few thousand tags millions of times."""
    text = unicodedata.normalize("NFKC", tag).strip().lstrip("#").strip(_TRAILING_PUNCT)
    return _collapse(text).casefold()


@lru_cache(maxsize=1 << 16)
def clean_tag(tag: str) -> str:
    """A tag as it should be displayed: trimmed, no `#`, no quotes, inner spaces collapsed."""
    text = tag.strip().strip(_TRAILING_PUNCT).lstrip("#＃").strip(_TRAILING_PUNCT)
    return _collapse(text)


def _collapse(text: str) -> str:
    """Runs of whitespace as one space. The regex only when it can change something: every
    whitespace character but the space is unprintable, so a printable text without two spaces
    in a row is already collapsed (a 1.5M-row export calls this millions of times)."""
    if text.isprintable() and "  " not in text:
        return text
    return _SPACES.sub(" ", text)


def split_tags(raw: str | None) -> list[str]:
    """Every tag in a tags cell, in order, cleaned and deduplicated by `normalize_tag`."""
    if raw is None:
        return []
    text = str(raw).strip()
    if text.casefold() in _NONE_MARKERS:
        return []
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if "|" in text:
        parts = text.split("|")
    elif re.search(r"[,，、;；]", text):
        parts = re.split(r"[,，、;；]", text)
    elif "#" in text or "＃" in text:
        parts = [m.group(1) for m in _HASHTAG.finditer(text)] or text.split()
    else:
        parts = text.split()
    return dedupe(clean_tag(p) for p in parts)


def hashtags(text: str | None) -> list[str]:
    """`#hashtags` inside a title or description, as written (without the `#`)."""
    if not text or ("#" not in text and "＃" not in text):
        return []
    return dedupe(clean_tag(m.group(1)) for m in _HASHTAG.finditer(text))


def hashtag_lists(texts):
    """`hashtags` before its dedupe for a polars text expression, vectorised (a Python call
    per row took 2 s of a 1.5M-row load): per row, `clean_tag` of what `_HASHTAG`'s group
    matches (which holds no space and no `#`, so cleaning it is stripping punctuation).

    polars' regex engine has no look-behind, so a `#` that `_HASHTAG` would not start at
    (after a letter or digit that is not CJK, or after `&`) is first made a `,`, which ends a
    hashtag as `#` does and starts none. Python's `\\w` and `\\s` are spelled out as the same
    sets in polars' syntax (letters, numbers and `_` of the Unicode version Python knows;
    whitespace with U+001C..U+001F), so both find the same hashtags (a test checks every
    code point)."""
    import polars as pl

    blocked = rf"[{_WORD}&&[^{_CJK}]]"
    return (
        texts.str.replace_all(rf"({blocked}|&)[#＃]", "${1},")
        .str.extract_all(rf"[#＃][^{_SPACE}{_STOP}]+[#＃]?")
        .list.eval(pl.element().str.strip_chars("#＃").str.strip_chars(_TRAILING_PUNCT))
    )


# Python's `\w` and `\s` in polars' (Rust) regex syntax: `\w` there holds combining marks and
# letters newer than Python's Unicode tables, `\s` lacks U+001C..U+001F
_AGE = ".".join(unicodedata.unidata_version.split(".")[:2])
_WORD = rf"\p{{L}}\p{{N}}_&&\p{{Age={_AGE}}}"
_SPACE = r"\s\x1c-\x1f"


def strip_hashtags(text: str | None) -> str:
    """The text with its hashtags removed: what a draft looks like before it is tagged."""
    if not text:
        return ""
    return _SPACES.sub(" ", _HASHTAG.sub(" ", text)).strip()


def dedupe(tags) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for tag in tags:
        key = normalize_tag(tag)
        if key and key not in seen and key not in _NONE_MARKERS:  # the key is casefolded
            seen.add(key)
            out.append(tag)
    return out
