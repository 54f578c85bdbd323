"""One sanitiser for text that came from data files, on every output path.

Why: titles, tags, IDs and file names are untrusted. Printed raw, `ESC ] 52` rewrites the
clipboard, `ESC [2J` clears the screen, U+202E reverses what follows, U+200B hides a
difference between two tags, and a private-use or unassigned character renders blank or at a
width the terminal and the table layout disagree on, shifting every column after it. Here
each such character is shown visibly instead, so what the user sees is what the data holds:

- C0/C1 control characters and DEL: `\\x1b`, `\\x9b` (tab and newline become a space on one
  line, or stay in multi-line text);
- format characters (bidi overrides and isolates, zero-width space/joiners, BOM, soft hyphen,
  tag characters), private-use, unassigned and surrogate code points, line and paragraph
  separators: `⟨U+202E⟩`. A zero-width joiner between two symbols (an emoji sequence) stays.

`clean()` is for terminals, tables, CSV and Markdown; `json_escape()` turns the same
characters into `\\uXXXX` escapes inside JSON text, which is lossless (a JSON reader gets the
exact data back) and keeps the bytes terminal-safe. Standard library only, and cheap to
import: the CLI's start-up time depends on it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

# Known-dangerous characters, matched fast; unassigned code points are found per distinct
# character (there are too many ranges to list), see `_extra`.
_RISKY = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (less tab and newline), DEL, C1
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164"
    "\ufeff\uffa0\ufff0-\ufffc\ufffe\uffff\ue000-\uf8ff\ud800-\udfff"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
    "\U000f0000-\U0010ffff"
)
_RISKY_RE = re.compile(f"[{_RISKY}]")
_RISKY_LINES_RE = re.compile(f"[{_RISKY}\t\n]")
_BAD_CATEGORIES = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}
_ZWJ = "\u200d"
_VS16 = "\ufe0f"


@lru_cache(maxsize=4096)
def _is_risky(ch: str) -> bool:
    return unicodedata.category(ch) in _BAD_CATEGORIES


def _extra(text: str) -> str:
    """Risky characters of `text` that `_RISKY` does not list (unassigned code points)."""
    if text.isascii():
        return ""
    return "".join(
        ch for ch in set(text) if ord(ch) > 0x9F and _is_risky(ch) and not _RISKY_RE.match(ch)
    )


def visible(ch: str) -> str:
    """How one risky character is shown: `\\x1b` for control bytes, `⟨U+202E⟩` otherwise."""
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"\\x{code:02x}"
    return f"⟨U+{code:04X}⟩"


def _keeps_joiner(text: str, at: int) -> bool:
    """A ZWJ inside an emoji sequence (👨‍👩‍👧) is part of one glyph, not a hidden character."""
    before = text[at - 1] if at > 0 else ""
    if before == _VS16 and at > 1:
        before = text[at - 2]
    after = text[at + 1] if at + 1 < len(text) else ""
    return (
        bool(before and after)
        and unicodedata.category(before) == "So"
        and (unicodedata.category(after) == "So")
    )


def clean(value: Any, *, one_line: bool = True, limit: int | None = None) -> str:
    """Untrusted text made safe to show: every risky character visible, nothing interpreted.

    `one_line` turns tab, newline and CR-LF into spaces (a table cell, a message); otherwise
    newlines and tabs stay and a lone CR is shown as `\\x0d`. `limit` cuts to that many
    characters (not cells) with an ellipsis, for text that would otherwise flood a screen.
    """
    text = "" if value is None else str(value)
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    if one_line:
        text = text.replace("\n", " ").replace("\t", " ")
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    extra = _extra(text)
    pattern = re.compile(f"[{_RISKY}{re.escape(extra)}]") if extra else _RISKY_RE

    def repl(m: re.Match[str]) -> str:
        ch = m.group()
        if ch == _ZWJ and _keeps_joiner(m.string, m.start()):
            return ch
        return visible(ch)

    return pattern.sub(repl, text)


def is_clean(value: Any) -> bool:
    """True when `clean()` would show `value` unchanged (one line)."""
    text = "" if value is None else str(value)
    return clean(text) == text


def json_escape(dumped: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with risky characters escaped.

    The characters only ever occur inside JSON strings, where `\\uXXXX` (a surrogate pair
    above U+FFFF) is the same value: a reader decodes the exact data, a terminal sees ASCII.
    """
    extra = _extra(dumped)
    pattern = re.compile(f"[{_RISKY}{re.escape(extra)}]") if extra else _RISKY_RE

    def repl(m: re.Match[str]) -> str:
        code = ord(m.group())
        if code > 0xFFFF:
            code -= 0x10000
            return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
        return f"\\u{code:04x}"

    return pattern.sub(repl, dumped)
