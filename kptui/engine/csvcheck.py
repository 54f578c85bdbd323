"""Field counts per CSV record and runaway quotes, for files of any size, streamed in chunks.

Why: polars pads a short row with empty strings and reads a quote that is never closed as
one field holding the next lines, both without a word, so a row shifted by a missing field
or a stray `"` would load as "no problems". Quotes pair up left to right (as every CSV
reader pairs them; `""` inside a field is two quotes and keeps the pairing), so a byte is
inside a quoted field exactly when an odd number of quotes comes before it. That gives, with
`searchsorted` and no Python loop over rows:

- the record boundaries (newlines outside quotes) and the fields of each record;
- quoted fields that run over lines looking like whole rows (as many separators as the
  header), which is what an unclosed quote does; `rescue()` empties the line where such a
  quote opens, so the rows it swallowed are read again, and says which rows it dropped;
- for any byte offset, the record and the field it falls in (bad bytes are reported so);
- fields over MAX_FIELD_BYTES, which `cut_fields` cuts before polars reads the file (polars
  held a 100 MB field several times over).

The bytes are read in chunks of `CHUNK` (cut anywhere between two characters, carrying the
quote parity, the open record and a quoted line cut in two over), so memory stays a few times
`CHUNK` whatever the file's size or its longest line, and only the records whose field count
is wrong are kept, not one number per record. A `\\r`
before `\\n` is an ordinary byte here (it never holds a separator or a quote).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import numpy as np

QUOTE = 34
NEWLINE = 10
MAX_RESCUES = 1000  # runaway quotes repaired per file; more means the quotes are not CSV quoting
CHUNK = 4 * 1024 * 1024  # positions are int64: a chunk of separators alone is 32 MB of them
MAX_KEPT = 100_000  # wrong-width records whose numbers are kept (the rest are only counted)
# bytes in one field: a longer one is cut to this before polars reads the file (polars held a
# 100 MB field several times over: 1.3 GB). Over the 100,000 characters a text field keeps
# whatever its characters, so the values read are the same.
MAX_FIELD_BYTES = 1024 * 1024


@dataclass
class Runaway:
    """A quote opened on `row` (a record number: header = 1) that swallowed `lines` rows."""

    row: int
    lines: int
    closed: bool  # False: the quote is never closed before the end of the file


@dataclass
class Scan:
    """One pass over a file's bytes."""

    records: int = 0  # records, the header included, blank ones included
    blank: int = 0  # blank records (no field at all), the header aside
    header_fields: int = 0
    bad: dict[int, int] = field(default_factory=dict)  # record index (header 0) -> fields
    bad_total: int = 0  # wrong-width records, also those past MAX_KEPT
    # (opening-quote index, swallowed row-like lines) per quoted field that runs over rows
    runaway_quotes: dict[int, int] = field(default_factory=dict)
    quotes: int = 0
    located: list[tuple[int, int]] = field(default_factory=list)  # (record, field) per offset
    # fields over MAX_FIELD_BYTES: (record, field, start offset, length in bytes)
    long_fields: list[tuple[int, int, int, int]] = field(default_factory=list)
    # wrong-width records over MAX_FIELD_BYTES (a line of 200 MB of commas): (record, -1,
    # start, length), cut like long fields (they are skipped anyway)
    long_records: list[tuple[int, int, int, int]] = field(default_factory=list)


def _boundary(block: bytes | memoryview, end: int) -> int:
    """The last character boundary at or before `end` in UTF-8 (a byte that is not a
    continuation byte starts a character), at most 3 bytes back; `end` when none is found."""
    for k in range(end, max(0, end - 4), -1):
        if k < len(block) and (block[k] & 0xC0) != 0x80:
            return k
    return end


def _chunks(data: bytes, size: int, start: int = 0):
    """(start, chunk) views of `data`, cut at character boundaries (no copies)."""
    view = memoryview(data)
    n = len(data)
    while start < n:
        end = n if start + size >= n else _boundary(view, start + size)
        if end <= start:
            end = min(n, start + size)
        yield start, np.frombuffer(view[start:end], dtype=np.uint8)
        start = end


class Scanner:
    """`scan` fed chunk by chunk (`feed(base, arr)` in order, then `finish(total)`), so a
    reader streaming a file from disk checks it without holding it whole."""

    def __init__(self, sep: str, width: int | None = None, locate: list[int] | None = None):
        self.out = Scan()
        self.sep = ord(sep)
        self.width = width
        self.want = width
        self.q_before = 0  # quotes before the chunk
        self.open_seps = 0  # separators outside quotes in the record open at the chunk start
        self.open_start = 0  # where that record starts
        self.record = 0  # records ended before the chunk
        self.queries = sorted(locate or [])
        self.qi = 0
        # the chunk's last newline if inside quotes: (segment, quoted separators so far,
        # quoted stretch done, line before row-like, separators on the line after so far)
        self.pending: tuple[int, int, bool, bool, int] | None = None
        self.line_open = 0  # separators on the physical line open at the chunk start
        self.last = 0  # the byte before the chunk (a CR-LF blank line cut in two)
        self.field_open: int | None = None  # where the field open at the chunk start starts

    _STATE = (
        *("want", "q_before", "open_seps", "open_start", "record", "qi", "pending"),
        *("line_open", "last", "field_open"),
    )

    def snapshot(self) -> tuple:
        """The state before the next chunk, for `restore` (a repaired line is fed again)."""
        out = self.out
        return (
            tuple(getattr(self, name) for name in self._STATE),
            (out.records, out.blank, out.header_fields, out.bad_total, out.quotes),
            dict(out.runaway_quotes),
            (len(out.located), len(out.long_fields), len(out.long_records)),
        )

    def restore(self, snap: tuple) -> None:
        """Back to a `snapshot`: what was found after it is forgotten (records are added to
        `bad` in order, so the later ones are the last items)."""
        state, counts, runaways, lengths = snap
        for name, value in zip(self._STATE, state, strict=True):
            setattr(self, name, value)
        out = self.out
        out.records, out.blank, out.header_fields, out.bad_total, out.quotes = counts
        out.runaway_quotes = dict(runaways)
        while out.bad and next(reversed(out.bad)) >= self.record:
            out.bad.popitem()
        del out.located[lengths[0] :], out.long_fields[lengths[1] :]
        del out.long_records[lengths[2] :]

    @staticmethod
    def _where(p: int, ends, per, outside, open_seps: int) -> tuple[int, int]:
        """(records of the chunk ended before local offset `p`, field of `p` in its record)."""
        k = int(np.searchsorted(ends, p))
        first = int(per[k - 1]) if k else 0
        return k, int(np.searchsorted(outside, p)) - first + (open_seps if k == 0 else 0)

    def feed(self, base: int, arr: np.ndarray) -> None:
        out = self.out
        q_before = self.q_before
        quotes = np.flatnonzero(arr == QUOTE)
        newlines = np.flatnonzero(arr == NEWLINE)
        seps = np.flatnonzero(arr == self.sep)
        if quotes.size:
            before_nl = np.searchsorted(quotes, newlines) + q_before
            ends = newlines[(before_nl & 1) == 0]
            outside = seps[((np.searchsorted(quotes, seps) + q_before) & 1) == 0]
        else:  # most chunks: no quote, so every byte is on the side of the last one
            before_nl = np.full(newlines.size, q_before, dtype=np.int64)
            inside_all = bool(q_before & 1)
            ends = newlines[:0] if inside_all else newlines
            outside = seps[:0] if inside_all else seps
        per = np.searchsorted(outside, ends)  # cumulative separators up to each end
        counts = np.diff(per, prepend=0)
        if counts.size:
            counts[0] += self.open_seps
        first = np.array([self.open_start - base], dtype=np.int64)
        starts = np.concatenate((first, ends[:-1] + 1))[: ends.size]
        fields = counts + 1
        length = ends - starts
        before_end = np.where(ends > 0, arr[np.maximum(ends - 1, 0)], self.last)
        cr_only = (length == 1) & (before_end == 13)  # a blank CR-LF line
        fields[((length <= 0) | cr_only) & (counts == 0)] = 0
        out.blank += int((fields[1:] == 0).sum() if self.record == 0 else (fields == 0).sum())
        if self.record == 0 and fields.size:
            out.header_fields = int(fields[0])
            if self.want is None:
                self.want = out.header_fields
        if fields.size and self.want is not None:
            wrong = np.flatnonzero((fields != self.want) & (fields > 0))
            if self.record == 0:
                wrong = wrong[wrong > 0]
            out.bad_total += int(wrong.size)
            room = max(0, MAX_KEPT - len(out.bad))
            for i, n in zip(wrong[:room].tolist(), fields[wrong[:room]].tolist(), strict=True):
                out.bad[self.record + i] = n
            for i in wrong[length[wrong] > MAX_FIELD_BYTES].tolist():
                start = base + int(starts[i])
                out.long_records.append((self.record + i, -1, start, int(length[i])))
        # offsets asked for: the record and field each falls in
        queries = self.queries
        while self.qi < len(queries) and queries[self.qi] < base + arr.size:
            k, seps_in = self._where(queries[self.qi] - base, ends, per, outside, self.open_seps)
            out.located.append((self.record + k, seps_in))
            self.qi += 1
        self._long_fields(base, arr.size, ends, length, per, outside)
        # runaway quotes: a newline inside quotes is row-like when the quoted stretch after
        # it holds a whole row of separators (an unclosed quote), or when the physical lines
        # before and after it each do, quotes ignored (a stray quote pairing up rows). The
        # last newline's line runs past the chunk: it is decided by the next one.
        width = self.width
        runaways = (
            width is not None
            and width > 1
            and bool(quotes.size or (q_before & 1) or self.pending is not None)
        )
        if runaways:
            nl_sep = np.searchsorted(seps, newlines)  # separators before each newline
        if runaways:
            need = width - 1
            if self.pending is not None:
                seg, stretch, done, before_ok, after = self.pending
                self.pending = None
                first_nl = int(newlines[0]) if newlines.size else arr.size
                if not done:
                    stop = min(first_nl, int(quotes[0]) if quotes.size else arr.size)
                    stretch += int(np.searchsorted(seps, stop))
                    done = stop < arr.size
                after += int(np.searchsorted(seps, first_nl))
                if first_nl == arr.size:
                    self.pending = (seg, stretch, done, before_ok, after)
                elif stretch >= need or (before_ok and after >= need):
                    out.runaway_quotes[2 * seg] = out.runaway_quotes.get(2 * seg, 0) + 1
            inside = (before_nl & 1) == 1
            if inside.any():
                idx = np.flatnonzero(inside)
                nl_in = newlines[idx]
                line_before = np.diff(nl_sep, prepend=0)
                line_before[0] += self.line_open
                line_after = np.append(nl_sep[1:], seps.size) - nl_sep
                line_end = np.append(newlines, arr.size)[idx + 1]
                closing_local = before_nl[idx] - q_before
                closing = np.where(
                    closing_local < quotes.size,
                    np.append(quotes, arr.size)[np.minimum(closing_local, quotes.size)],
                    arr.size,
                )
                stretch_end = np.minimum(line_end, closing)
                on_line = np.searchsorted(seps, stretch_end) - np.searchsorted(seps, nl_in)
                full = (line_before[idx] >= need) & (line_after[idx] >= need)
                segs_all = before_nl[idx] // 2
                if idx[-1] == newlines.size - 1:  # the chunk's last newline
                    self.pending = (
                        int(segs_all[-1]),
                        int(on_line[-1]),
                        bool(stretch_end[-1] < arr.size),
                        bool(line_before[idx[-1]] >= need),
                        int(line_after[idx[-1]]),
                    )
                    on_line, full, segs_all = on_line[:-1], full[:-1], segs_all[:-1]
                rowlike = (on_line >= need) | full
                if rowlike.any():
                    segs, n = np.unique(segs_all[rowlike], return_counts=True)
                    for s, c in zip(segs.tolist(), n.tolist(), strict=True):
                        out.runaway_quotes[2 * s] = out.runaway_quotes.get(2 * s, 0) + c
        if newlines.size:
            last_nl = int(nl_sep[-1]) if runaways else int(np.searchsorted(seps, newlines[-1]))
            self.line_open = int(seps.size - last_nl)
        else:
            self.line_open += int(seps.size)
        # carry the open record over
        if ends.size:
            self.open_seps = int(outside.size - per[-1])
            self.open_start = base + int(ends[-1]) + 1
        else:
            self.open_seps += int(outside.size)
        self.record += int(ends.size)
        self.q_before += int(quotes.size)
        if arr.size:
            self.last = int(arr[-1])

    def _long_fields(self, base: int, size: int, ends, length, per, outside) -> None:
        """Fields over MAX_FIELD_BYTES ended in this chunk; only looked for when a record is
        that long (a field boundary is a separator outside quotes or a record's end)."""
        if self.field_open is None:
            self.field_open = base
        open_start = base + int(ends[-1]) + 1 if ends.size else self.open_start
        limit = MAX_FIELD_BYTES
        if (length.size and int(length.max()) > limit) or base + size - open_start > limit:
            bounds = np.sort(np.concatenate((outside, ends)), kind="stable")  # two sorted runs
            starts = np.concatenate(([self.field_open - base], bounds[:-1] + 1))
            for i in np.flatnonzero(bounds - starts > limit).tolist():
                if len(self.out.long_fields) >= MAX_KEPT:
                    break
                k, fld = self._where(int(bounds[i]), ends, per, outside, self.open_seps)
                start = base + int(starts[i])
                self.out.long_fields.append(
                    (self.record + k, fld, start, base + int(bounds[i]) - start)
                )
        last = max(int(outside[-1]) if outside.size else -1, int(ends[-1]) if ends.size else -1)
        if last >= 0:
            self.field_open = base + last + 1

    def finish(self, total: int) -> Scan:
        out = self.out
        opened = self.field_open if self.field_open is not None else 0
        if total - opened > MAX_FIELD_BYTES and total > self.open_start:  # the last field
            out.long_fields.append((self.record, self.open_seps, opened, total - opened))
        if self.pending is not None:  # a line running to the end of the file
            seg, stretch, _, before_ok, after = self.pending
            need = (self.width or 0) - 1
            if stretch >= need or (before_ok and after >= need):
                out.runaway_quotes[2 * seg] = out.runaway_quotes.get(2 * seg, 0) + 1
            self.pending = None
        last_open = total > self.open_start  # a last record without its newline
        if last_open:
            fields_last = self.open_seps + 1
            if self.record == 0:
                out.header_fields = fields_last
            elif self.want is not None and fields_last != self.want:
                out.bad_total += 1
                if len(out.bad) < MAX_KEPT:
                    out.bad[self.record] = fields_last
                if total - self.open_start > MAX_FIELD_BYTES:
                    out.long_records.append(
                        (self.record, -1, self.open_start, total - self.open_start)
                    )
            self.record += 1
        while self.qi < len(self.queries):  # offsets in the last, unterminated record
            out.located.append((self.record - 1 if last_open else self.record, 0))
            self.qi += 1
        out.records = self.record
        out.quotes = self.q_before
        return out


def scan(
    data: bytes,
    sep: str,
    width: int | None = None,
    locate: list[int] | None = None,
    chunk: int = CHUNK,
    start: int = 0,
) -> Scan:
    """Fields per record (kept only where they differ from `width`, else the header's),
    runaway quotes, and the (record, field) of each offset in `locate`, from `start` on."""
    scanner = Scanner(sep, width, locate)
    for base, arr in _chunks(data, chunk, start):
        scanner.feed(base, arr)
    return scanner.finish(len(data))


def file_chunks(fh, start: int = 0, size: int = CHUNK):
    """(offset, bytes-like) of an open binary file from `start`, `size` bytes at a time, each
    cut at a character boundary (the few bytes of a character cut in two go with the next).

    One buffer is read into again and again, so a chunk is valid until the next one: a new
    4 MB `bytes` per read (and per carried character) was 0.5 s of page faults in 200 MB."""
    fh.seek(start)
    buf = bytearray(size + 4)
    view = memoryview(buf)
    base = start
    carry = 0  # bytes of a character cut by the last read, moved to the front
    while True:
        n = fh.readinto(view[carry : carry + size])
        if not n:
            break
        total = carry + n
        cut = _boundary(view, total - 1) if n == size else total
        if cut <= 0:
            cut = total
        yield base, view[:cut]
        base += cut
        carry = total - cut
        buf[:carry] = buf[cut:total]
    if carry:
        yield base, view[:carry]


def quote_offset(data, index: int, chunk: int = CHUNK, start: int = 0) -> int:
    """Byte offset of the `index`-th quote (0-based) counted from `start` in `data`."""
    seen = 0
    for base, arr in _chunks(data, chunk, start):
        quotes = np.flatnonzero(arr == QUOTE)
        if index < seen + quotes.size:
            return base + int(quotes[index - seen])
        seen += quotes.size
    raise IndexError(index)


RESCAN_CHUNK = 1024 * 1024  # after a repair the scan goes on from the repaired line in these
RESCAN_TAIL = 64 * 1024  # and past the quote that closes a runaway, until its line is decided


def check(chunks, load, sep: str, width: int, locate: list[int] | None = None, total: int = 0):
    """`scan` of the (offset, bytes) `chunks` that repairs runaway quotes as it goes.

    Until the first runaway quote the chunks are only scanned (a file streamed from disk is
    never held). From there `load()` gives the whole content (offsets as in `chunks`) as one
    bytearray, repaired in place: each line where a runaway quote opens is blanked with
    spaces (offsets and record numbers stay those of the file), and the scan goes back to
    the snapshot before that line and on from there, so the bytes are scanned about once
    (a stray quote's stretch twice: once inside quotes, once repaired). Three passes (a
    scan, a search per runaway, a scan of the repaired data) took 5.5 s for 50 stray quotes
    in 200 MB. More than MAX_RESCUES runaways is not a CSV file's quoting: refused.

    Returns the scan (of the repaired data: its wrong-width records, blanked lines aside, and
    the places of `locate`), the repaired bytes (None when nothing was repaired), what was
    found, and the record numbers (header = 1) of the blanked lines, which the reader drops.
    """
    scanner = Scanner(sep, width, locate)
    snaps: list[tuple[int, tuple]] = []
    pos = None
    for base, chunk in chunks:
        snaps.append((base, scanner.snapshot()))
        scanner.feed(base, np.frombuffer(chunk, dtype=np.uint8))
        if scanner.out.runaway_quotes:
            pos = base + len(chunk)
            break
    with contextlib.suppress(AttributeError):
        chunks.close()  # a generator holding a file or a view
    if pos is None:  # a line running to the end of the file decides its quote at the end
        before = scanner.snapshot()
        result = scanner.finish(total)
        if not result.runaway_quotes:
            return result, None, [], set()
        scanner.restore(before)
        pos = total
    buf = load()
    result, found = _repair(scanner, snaps, buf, pos)
    marks = {line for line, _, _ in found}
    kept: list[tuple[int, int]] = []
    record_of: dict[int, int] = {}
    for offset, place in zip(scanner.queries, result.located, strict=True):
        if offset in marks and offset not in record_of:
            record_of[offset] = place[0]
        else:
            kept.append(place)
    result.located = kept
    runaways: list[Runaway] = []
    rows: set[int] = set()
    for line, lines, closed in found:
        rec = record_of[line]
        runaways.append(Runaway(rec + 1, lines, closed))
        rows.add(rec + 1)
        if rec in result.bad:  # the blanked line itself
            del result.bad[rec]
            result.bad_total -= 1
    return result, buf, runaways, rows


def _repair(scanner: Scanner, snaps: list, buf: bytearray, pos: int):
    """Go on scanning `buf` from `pos`, blanking each runaway quote's line once it is
    decided (the quote that closes it passed and no line inside quotes left undecided: a
    runaway opened earlier is always found by then) and going back to before that line."""
    import bisect

    n = len(buf)
    view = memoryview(buf)
    found: list[tuple[int, int, bool]] = []
    size = RESCAN_CHUNK
    while True:
        if pos >= n:
            before = scanner.snapshot()
            result = scanner.finish(n)  # a line running to the end decides its quote here
            runaways = dict(result.runaway_quotes)
            if not runaways:
                break
            scanner.restore(before)
        else:
            end = n if pos + size >= n else _boundary(view, pos + size)
            end = end if end > pos else min(n, pos + size)
            snaps.append((pos, scanner.snapshot()))
            scanner.feed(pos, np.frombuffer(view[pos:end], dtype=np.uint8))
            pos = end
            runaways = scanner.out.runaway_quotes
            if not runaways:
                size = RESCAN_CHUNK
                continue
            closed = scanner.q_before > min(runaways) + 1
            if not (closed and scanner.pending is None):
                size = RESCAN_TAIL if closed else RESCAN_CHUNK
                continue
        first = min(runaways)
        if len(found) >= MAX_RESCUES:
            raise TooManyRunaways(len(found))
        # the chunk that holds the opening quote: the last one with fewer quotes before it
        i = max(k for k in range(len(snaps)) if snaps[k][1][0][1] <= first)
        opening = quote_offset(view, first - snaps[i][1][0][1], RESCAN_CHUNK, snaps[i][0])
        line = max(snaps[0][0], buf.rfind(b"\n", 0, opening) + 1)
        eol = buf.find(b"\n", opening)
        eol = n if eol < 0 else eol
        found.append((line, runaways[first], buf.find(b'"', opening + 1) >= 0))
        buf[line:eol] = b" " * (eol - line)
        j = max(k for k in range(len(snaps)) if snaps[k][0] <= line)
        pos, snap = snaps[j]
        del snaps[j:]
        scanner.restore(snap)
        bisect.insort(scanner.queries, line)  # the blanked line's record, once scanned again
        size = RESCAN_CHUNK
    del view
    return result, found


def rescue(
    data: bytes | bytearray, sep: str, width: int, chunk: int = CHUNK
) -> tuple[bytes, list[Runaway], set[int], Scan]:
    """`check` of bytes: the repaired bytes, what was found, the blanked rows, the scan."""
    buf = data if isinstance(data, bytearray) else bytearray(data)
    del data
    result, _, runaways, rows = check(_chunks(buf, chunk), lambda: buf, sep, width, total=len(buf))
    return bytes(buf), runaways, rows, result


class TooManyRunaways(ValueError):
    """More than MAX_RESCUES runaway quotes: not CSV quoting."""


def cut_fields(read, total: int, fields: list[tuple[int, int, int, int]]) -> bytes:
    """The bytes `read(offset, n)` gives for the whole `total` bytes, each field in `fields`
    (as `Scan.long_fields`) cut to its first MAX_FIELD_BYTES at a character boundary; a
    quoted field cut inside its quotes gets a closing quote, so the row keeps its fields."""
    parts: list[bytes] = []
    pos = 0
    for _, _, start, length in sorted(fields, key=lambda f: f[2]):
        keep = read(start, MAX_FIELD_BYTES + 4)
        cut = _boundary(keep, MAX_FIELD_BYTES - 1)  # room for a closing quote
        keep = keep[:cut]
        parts.append(read(pos, start - pos))
        parts.append(keep)
        if keep.count(b'"') % 2 == 1:  # cut inside quotes
            parts.append(b'"')
        pos = start + length
    parts.append(read(pos, total - pos))
    return b"".join(parts)
