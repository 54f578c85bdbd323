"""Field counts per CSV record and runaway quotes, for files of any size, in a few numpy passes.

Why: polars pads a short row with empty strings and reads a quote that is never closed as
one field holding the next lines, both without a word, so a row shifted by a missing field
or a stray `"` would load as "no problems". Quotes pair up left to right (as every CSV
reader pairs them; `""` inside a field is two quotes and keeps the pairing), so a byte is
inside a quoted field exactly when an odd number of quotes comes before it. That gives, with
`searchsorted` and no Python loop over rows:

- the record boundaries (newlines outside quotes) and the fields of each record;
- quoted fields that run over lines looking like whole rows (as many separators as the
  header), which is what an unclosed quote does; `rescue()` empties the line where such a
  quote opens, so the rows it swallowed are read again, and says which rows it dropped.

The input is the UTF-8 bytes with `\\n` line ends (readers.py normalises CR-LF first).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

QUOTE = 34
NEWLINE = 10
MAX_RESCUES = 50  # runaway quotes repaired per file; more means the file is not this kind of CSV


@dataclass
class Runaway:
    """A quote opened on `row` (a record number: header = 1) that swallowed `lines` rows."""

    row: int
    lines: int
    closed: bool  # False: the quote is never closed before the end of the file


@dataclass
class Check:
    fields: np.ndarray  # fields per record (header first), blank records have 0
    runaways: list[Runaway] = field(default_factory=list)


def _positions(arr: np.ndarray, byte: int) -> np.ndarray:
    pos = np.flatnonzero(arr == byte)
    return pos.astype(np.int32) if arr.size < 2**31 else pos


@dataclass
class _Scan:
    """Where the quotes, newlines and separators of one buffer are, found once and shared
    by `runaways` and `field_counts` (each pass over a 100 MB file costs a tenth of a second)."""

    size: int
    quotes: np.ndarray
    newlines: np.ndarray
    seps: np.ndarray
    _before: np.ndarray | None = None

    @classmethod
    def of(cls, data: bytes, sep: str) -> _Scan:
        arr = np.frombuffer(data, dtype=np.uint8)
        return cls(
            arr.size, _positions(arr, QUOTE), _positions(arr, NEWLINE), _positions(arr, ord(sep))
        )

    @property
    def before(self) -> np.ndarray:
        """Quotes before each newline (odd: the newline is inside a quoted field)."""
        if self._before is None:
            self._before = np.searchsorted(self.quotes, self.newlines)
        return self._before


def field_counts(data: bytes, sep: str, scan: _Scan | None = None) -> np.ndarray:
    """Fields per record (the header is record 0); a blank record counts 0."""
    scan = scan or _Scan.of(data, sep)
    quotes, newlines, seps, size = scan.quotes, scan.newlines, scan.seps, scan.size
    ends = newlines[(scan.before & 1) == 0] if quotes.size else newlines
    if size and (ends.size == 0 or ends[-1] != size - 1):
        ends = np.append(ends, size)  # a last record without its newline
    outside = seps[(np.searchsorted(quotes, seps) & 1) == 0] if quotes.size else seps
    per = np.diff(np.searchsorted(outside, ends), prepend=0)
    starts = np.concatenate(([0], ends[:-1] + 1)) if ends.size else ends
    blank = (ends - starts) <= 0
    counts = per + 1
    counts[blank & (per == 0)] = 0
    return counts


def check_rows(
    data: bytes, sep: str, width: int
) -> tuple[bytes, list[Runaway], set[int], np.ndarray]:
    """`rescue` then `field_counts`, scanning the buffer once when no quote runs away (the
    usual case); returns the repaired bytes, the runaways, the dropped records and the counts."""
    scan = _Scan.of(data, sep)
    if not runaways(data, sep, width, scan):
        return data, [], set(), field_counts(data, sep, scan)
    del scan
    data, found, rows = rescue(data, sep, width)
    return data, found, rows, field_counts(data, sep)


def runaways(
    data: bytes, sep: str, width: int, scan: _Scan | None = None
) -> list[tuple[int, int, bool]]:
    """(opening-quote byte offset, swallowed row-like lines, closed) for each runaway quote."""
    if width <= 1:
        return []
    if scan is None:
        arr = np.frombuffer(data, dtype=np.uint8)
        quotes = _positions(arr, QUOTE)
        if quotes.size == 0:
            return []
        scan = _Scan(arr.size, quotes, _positions(arr, NEWLINE), _positions(arr, ord(sep)))
    quotes, newlines, seps = scan.quotes, scan.newlines, scan.seps
    if quotes.size == 0:
        return []
    before = scan.before
    inside = (before & 1) == 1
    if not inside.any():
        return []
    # the physical line after each inside newline, up to where its quoted field closes, and
    # the separators on that stretch (those after the closing quote belong to the record)
    line_end = np.append(newlines[1:], scan.size)
    closing = np.append(quotes, scan.size)[np.minimum(before, quotes.size)]
    line_end = np.minimum(line_end, closing)
    on_line = np.searchsorted(seps, line_end) - np.searchsorted(seps, newlines)
    rowlike = inside & (on_line >= width - 1)
    if not rowlike.any():
        return []
    segment = before[rowlike] // 2  # which quoted field each swallowed line belongs to
    ids, n = np.unique(segment, return_counts=True)
    out = []
    for seg, count in zip(ids.tolist(), n.tolist(), strict=True):
        opening = int(quotes[2 * seg])
        closed = 2 * seg + 1 < quotes.size
        out.append((opening, int(count), closed))
    return out


def rescue(data: bytes, sep: str, width: int) -> tuple[bytes, list[Runaway], set[int]]:
    """Empty each line where a runaway quote opens, until none is left (or MAX_RESCUES).

    Returns the repaired bytes, what was found, and the record numbers (header = 1) of the
    emptied lines, which the reader drops. Record numbers are counted on the repaired data.
    """
    found: list[tuple[int, int, bool]] = []
    for _ in range(MAX_RESCUES):
        bad = runaways(data, sep, width)
        if not bad:
            break
        opening, lines, closed = bad[0]
        start = data.rfind(b"\n", 0, opening) + 1
        end = data.find(b"\n", opening)
        end = len(data) if end < 0 else end
        data = data[:start] + data[end:]
        found.append((start, lines, closed))
    if not found:
        return data, [], set()
    arr = np.frombuffer(data, dtype=np.uint8)
    quotes = _positions(arr, QUOTE)
    newlines = _positions(arr, NEWLINE)
    ends = newlines[(np.searchsorted(quotes, newlines) & 1) == 0]
    result: list[Runaway] = []
    rows: set[int] = set()
    for start, lines, closed in found:
        row = int(np.searchsorted(ends, start)) + 1  # records before it, header = 1
        result.append(Runaway(row, lines, closed))
        rows.add(row)
    return data, result, rows
