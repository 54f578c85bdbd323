"""Read one file of any supported format into an all-text polars frame, with row numbers.

Everything is read as text first (IDs keep their leading zeros, and a bad value can be
reported by row and column instead of silently becoming null). Row numbers are what a person
sees: for CSV/TSV/xlsx the header is row 1, so the first record is row 2; for JSON Lines the
line number; for Parquet the 1-based record index.
"""

from __future__ import annotations

import contextlib
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kptui.engine.types import Problem
from kptui.errors import DataError

if TYPE_CHECKING:
    import polars as pl

MAX_BLANK_LINES = 1_000_000  # skipped with a notice up to here (see _without_blank_rows)
ROW = "_kptui_row"  # never a name an export uses (a column `_row` must not clash)
TEXT_EXTS = {".csv", ".tsv", ".txt"}
SUPPORTED_EXTS = TEXT_EXTS | {".parquet", ".pq", ".jsonl", ".ndjson", ".json", ".xlsx", ".xlsm"}
MAX_FIELD = 100_000  # characters; longer text fields are cut, with a warning
MAX_UNSIZED_MB = 64  # a file whose size stat does not know (/proc, /sys) may hold this much
MAX_FILE_MB = 2048  # a data file larger is refused (KPTUI_MAX_FILE_MB overrides); 10M
# interactions with a few columns are 450-550 MB, which a 512 MB cap refused
MAX_XLSX_EXPANDED_MB = 1024  # an xlsx is a zip: what it expands to (a zip bomb), not its size
MAX_JSON_DEPTH = 64  # nesting levels in one JSON value; deeper is refused as malformed
MAX_COLUMNS = 10_000  # columns in one table; exports have tens, a wider file is not a table
MAX_HEADER_BYTES = 4 * 1024 * 1024  # a header line longer than this is not a table's header
WIDE = 100  # columns; a table wider than this may hold at most MAX_WIDE_CELLS cells
MAX_WIDE_CELLS = 25_000_000  # as text about 700 MB (10,000 columns in 200 MB took 5 GB)
_SNIFF_SEPARATORS = (",", "\t", ";", "|")


@dataclass
class RawTable:
    frame: pl.DataFrame  # all columns Utf8 (or native types for Parquet) plus ROW (Int64)
    label: str  # the file name as shown in messages
    raw: bytes = b""  # file content, for the fingerprint
    problems: list[Problem] = field(default_factory=list)
    raw_digest: bytes = b""  # blake2b-128 of the content, once `raw` is dropped (parsecache)
    separator: str | None = None  # CSV/TSV: the field separator (`;` files may use 1,5)
    extra: list[RawTable] = field(default_factory=list)  # xlsx: other sheets that are tables


def max_file_bytes() -> int:
    import os

    try:
        mb = float(os.environ.get("KPTUI_MAX_FILE_MB", MAX_FILE_MB))
    except ValueError:
        mb = MAX_FILE_MB
    return int(mb * 1024 * 1024)


def not_regular(path: Path) -> str | None:
    """Why `path` cannot be read as a data file (a FIFO, a device, a loop...), or None.

    `os.stat` never blocks, where opening a FIFO waits forever for a writer.
    """
    import errno
    import os
    import stat

    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return "no such file"
        return f"cannot read it ({(exc.strerror or str(exc)).lower()})"
    mode = st.st_mode
    if stat.S_ISREG(mode):
        if st.st_size == 0 and _holds_unsized(path):
            return (
                "a kernel file (/proc, /sys: its size is unknown, it may be endless or wait "
                "for data), not a regular data file: only regular files are read"
            )
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a data file"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a regular file: only regular files are read"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file: only regular files are read"
    return "a device, not a regular file: only regular files are read"


def _holds_unsized(path: Path) -> bool:
    """Whether a file of size 0 holds data all the same, or waits for it (a /proc or /sys
    file: /proc/self/pagemap is endless, /proc/kmsg blocks a reader), read without blocking.
    A real empty file holds nothing."""
    import os

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False  # reading it says why
    try:
        return bool(os.read(fd, 8))  # 8: pagemap reads whole entries only
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def read_file(path: Path, limit: int | None = None) -> bytes:
    """The content of a regular file, refusing FIFOs, devices and files over the size cap.

    The size is taken from `stat` before anything is read: a file over the cap is refused
    unread. A kernel file (/proc, /sys) says size 0 and may hold any amount (/proc/self/pagemap
    was read to the 2 GB cap, 2.1 GB of memory, before it was refused): more than
    MAX_UNSIZED_MB of it is refused."""
    import os

    why = not_regular(path)
    if why:
        raise DataError(f"is {why}" if why.startswith("a ") else why, file=str(path))
    cap = max_file_bytes() if limit is None else limit
    try:
        size = os.stat(path).st_size
        if size > cap and limit is None:
            _too_large(path, cap)
        # non-blocking, for a kernel file that waits for data (/proc/kmsg); a real file
        # never waits
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as fh:
            unsized = MAX_UNSIZED_MB * 1024 * 1024
            raw = fh.read(min(cap, size or unsized) + 1) or b""
            if size and len(raw) > size:  # it grew while it was read: the rest, to the cap
                raw += fh.read(cap + 1 - len(raw)) or b""
    except BlockingIOError:
        raise DataError(
            "it waits for data (a /proc or /sys file?): only regular files are read",
            file=str(path),
        ) from None
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    if not size and len(raw) > min(cap, unsized) and limit is None:
        raise DataError(
            f"its size is not known (0 by stat, as a /proc or /sys file says) and it holds more "
            f"than {MAX_UNSIZED_MB} MB: not a data file",
            file=str(path),
        )
    if len(raw) > cap and limit is None:
        _too_large(path, cap)
    return raw


def _too_large(path: Path, cap: int) -> None:
    raise DataError(
        f"file is larger than the {cap // (1024 * 1024):,} MB limit for one data file "
        "(set KPTUI_MAX_FILE_MB to raise it)",
        file=str(path),
    )


def peek_columns(path: Path) -> list[str] | None:
    """The column names of a data file from its first 64 KB (Parquet: its schema), or None
    when they cannot be told that cheaply. Used to skip unrelated files in a dataset folder
    without reading them in full."""
    import json

    ext = path.suffix.lower()
    try:  # the folder scan found a regular file: no second stat
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return None
    if ext in {".parquet", ".pq"} or head[:4] == b"PAR1":
        import polars as pl

        try:
            return list(pl.read_parquet_schema(path))
        except Exception:
            return None
    if ext in {".xlsx", ".xlsm"}:
        return None
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16, as Meta and Excel write it
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="ignore")
    else:
        text = _decode(head, strict=False)
    if text is None:
        return None
    if ext in {".jsonl", ".ndjson", ".json"}:
        first = text.lstrip().lstrip("[").lstrip().split("\n", 1)[0].rstrip().rstrip(",")
        try:
            item = json.loads(first)
        except (ValueError, RecursionError):
            return None
        return [str(k) for k in item] if isinstance(item, dict) else None
    lines = [ln.rstrip("\r") for ln in text.lstrip("\ufeff").split("\n", 8)[:8]]
    forced = None
    first = lines[0].strip().strip('"')
    if first.lower().startswith("sep=") and len(first) == 5:  # Excel's separator hint
        forced, lines = first[4], lines[1:]
    # banner lines above the header (one field where the header has several), as _preamble
    for _ in range(5):
        if len(lines) < 2:
            break
        sep = forced or ("\t" if ext == ".tsv" else _sniff_separator(lines[0]))
        if len(_header_fields(lines[0], sep)) > 1:
            break
        lines = lines[1:]
    line = lines[0] if lines else ""
    sep = forced or ("\t" if ext == ".tsv" else _sniff_separator(line))
    return [c.strip() for c in _header_fields(line, sep)]


def read_table(path: Path, max_rows: int | None = None) -> RawTable:
    """Read `path` by its extension (and its content, when the two disagree). A CSV/TSV file
    is checked in chunks and read by polars from disk, never held whole in memory; one of
    more than `max_rows` records (a videos file) is refused before polars reads it."""
    label = path.name
    ext = path.suffix.lower()
    if ext in TEXT_EXTS and _check_size(path):
        with open(path, "rb") as fh:
            head = fh.read(8)
        if head[:4] not in (b"PK\x03\x04", b"PAR1"):
            return _read_text(path, label, ext, max_rows)
    raw = read_file(path)
    return read_bytes(raw, label, ext)


def _check_size(path: Path) -> int:
    """The size of a regular file under the cap (0 for a kernel file, read by `read_file`)."""
    why = not_regular(path)
    if why:
        raise DataError(f"is {why}" if why.startswith("a ") else why, file=str(path))
    cap = max_file_bytes()
    size = path.stat().st_size
    if size > cap:
        _too_large(path, cap)
    return size


def read_bytes(raw: bytes, label: str, ext: str) -> RawTable:
    """Read a file's content by its extension (a zip member, or a file already read)."""
    if not raw or raw.isspace():  # no strip(): it copies the whole file
        raise DataError("file is empty", file=label)
    is_zip = raw[:4] == b"PK\x03\x04"
    is_parquet = raw[:4] == b"PAR1"
    if ext in {".xlsx", ".xlsm"} and not is_zip:
        if _looks_like_text(raw):
            table = _read_text(raw, label, ext=".csv")
            table.problems.insert(
                0,
                Problem(label, None, None, "named .xlsx but holds CSV text: read as CSV", 1),
            )
            return table
        raise DataError("not an Excel .xlsx file (no zip container)", file=label)
    if ext in {".parquet", ".pq"} or is_parquet:
        table = _read_parquet(raw, label)
    elif ext in {".xlsx", ".xlsm"} or is_zip:
        table = _read_excel(raw, label)
    elif ext in {".jsonl", ".ndjson", ".json"}:
        table = read_json(raw, label)
    else:
        return _read_text(raw, label, ext=ext)
    _check_width(table.frame.width - 1, label)
    return table


def _looks_like_text(raw: bytes) -> bool:
    head = raw[:8192]
    return b"\x00" not in head and _decode(raw[:65536], strict=False) is not None


def _decode_reported(raw: bytes, label: str) -> tuple[str, list[Problem]]:
    """Text of `raw`; a few invalid bytes in otherwise UTF-8 text become U+FFFD, reported by
    row; text that is neither UTF-8 nor GB18030 is refused with the first bad byte's place."""
    text = _decode(raw)
    if text is not None:
        return text, []
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    loose = body.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd") - body.count("\ufffd".encode())
    wide = sum(1 for _ in filter(lambda ch: ord(ch) > 127, loose[:2_000_000]))
    if 0 < bad <= max(10, len(body) // 1000) and wide >= 10 * bad:
        rows = _bad_rows(body)
        return loose, [
            Problem(
                label,
                rows[0] if rows else None,
                None,
                f"{bad:,} byte(s) that are not UTF-8 text, shown as \ufffd (first at byte "
                f"{_first_bad(body):,})",
                bad,
                rows[:5],
            )
        ]
    at = _first_bad(body)
    line = body.count(b"\n", 0, at) + 1
    raise DataError(
        f"cannot decode as UTF-8 or GB18030/GBK text (first bad byte at offset {at:,}, "
        f"line {line:,}); save it as UTF-8",
        file=label,
        row=line,
    )


def _first_bad(body: bytes) -> int:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def _bad_rows(body: bytes) -> list[int]:
    rows: list[int] = []
    pos = 0
    while len(rows) < 5:
        try:
            body[pos:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            at = pos + exc.start
            rows.append(body.count(b"\n", 0, at) + 1)
            pos = pos + exc.end
    return sorted(set(rows))


def _decode(raw: bytes, strict: bool = True) -> str | None:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK, as Chinese Excel writes)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not strict and exc.start > len(raw) - 4:  # a character cut by the sample's end
            return raw[: exc.start].decode("utf-8")
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    # GB18030 decodes almost any byte soup; insist that the result looks like text.
    bad = sum(1 for ch in text[:20000] if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\r\n\t"))
    return text if bad == 0 else None


TEXT_BAD_BYTES = 1000  # undecodable bytes whose rows are named; more and the file is refused


@dataclass
class _Survey:
    """One streamed pass over a text file: its digest and whether it is clean UTF-8."""

    digest: bytes
    size: int
    bad: list[int]  # offsets of bytes that are not UTF-8 (the first TEXT_BAD_BYTES)
    bad_total: int
    wide: int  # non-ASCII bytes that are valid UTF-8
    lf: bool
    cr: bool
    lone_cr: list = field(default_factory=list)  # offsets of CRs not before an LF, outside
    # quotes (old Mac line ends; a CR in a quoted field is the field's text), numpy arrays
    nul: list[int] = field(default_factory=list)  # offsets of NUL bytes (the first 1,000)
    nul_total: int = 0
    blank: bool = True  # nothing but spaces, tabs and line ends (and a BOM)
    cr_runs: bool = False  # a lone CR before another CR (CR CR LF line ends)


def _chunks_of(source: bytes | Path, start: int = 0):
    """(offset, bytes-like) chunks of a file on disk or of bytes, cut before newlines."""
    from kptui.engine import csvcheck

    if isinstance(source, Path):
        with open(source, "rb") as fh:
            yield from csvcheck.file_chunks(fh, start)
    else:
        view = memoryview(source)
        for base, arr in csvcheck._chunks(source, csvcheck.CHUNK, start):
            yield base, view[base : base + arr.size]


def _survey(source: bytes | Path) -> _Survey:
    """Digest, UTF-8 check (offsets of bad bytes), CR/LF, in chunks: never the whole file as
    one `str` (a 200 MB file decoded at once is 200-800 MB more)."""
    import codecs
    import hashlib

    import numpy as np

    digest = hashlib.blake2b(digest_size=16)
    bad: list[int] = []
    nul: list[int] = []
    bad_total = wide = size = nul_total = quotes = 0
    lone_cr: list = []
    lf = cr = False
    cr_last = -1  # the previous chunk ended in a CR outside quotes: its offset
    blank = True
    cr_runs = False  # a lone CR before another CR (CR CR LF line ends)
    for base, chunk in _chunks_of(source):
        digest.update(chunk)
        arr = np.frombuffer(chunk, dtype=np.uint8)
        size = base + arr.size
        lf = lf or bool((arr == 10).any())
        crs = np.flatnonzero(arr == 13)
        if cr_last >= 0 and arr.size and arr[0] != 10:
            lone_cr.append(np.array([cr_last]))
            # CR CR LF cut between its CRs by the chunk's end: a run all the same (it was
            # made an LF, a blank row after its line)
            cr_runs = cr_runs or bool(arr[0] == 13)
        cr_last = -1
        if crs.size:
            cr = True
            qs = np.flatnonzero(arr == 34)
            crs = crs[((np.searchsorted(qs, crs) + quotes) & 1) == 0]
            if crs.size and crs[-1] == arr.size - 1:
                cr_last, crs = base + int(crs[-1]), crs[:-1]
            lone = crs[arr[crs + 1] != 10]
            if lone.size:
                lone_cr.append(lone + base)
                cr_runs = cr_runs or bool((arr[lone + 1] == 13).any())
            quotes += int(qs.size)
        else:
            quotes += int(np.count_nonzero(arr == 34))
        if blank:
            body = arr[3:] if base == 0 and bytes(arr[:3]) == b"\xef\xbb\xbf" else arr
            blank = not bool(((body != 32) & (body != 10) & (body != 13) & (body != 9)).any())
        zeros = np.flatnonzero(arr == 0)
        if zeros.size:
            nul_total += int(zeros.size)
            nul.extend((zeros[: max(0, TEXT_BAD_BYTES - len(nul))] + base).tolist())
        high = int(np.count_nonzero(arr >= 128))
        if not high:
            continue
        wide += high
        if _valid_utf8(chunk):  # polars checks 4 MB in 2 ms, decoding it took 30
            continue
        view = memoryview(chunk)
        pos = 0
        while True:  # a chunk never cuts a character: it ends before a newline
            try:
                codecs.utf_8_decode(view[pos:], "strict", True)
                break
            except UnicodeDecodeError as exc:
                at = pos + exc.start
                bad_total += exc.end - exc.start
                if len(bad) < TEXT_BAD_BYTES:
                    bad.append(base + at)
                pos = pos + exc.end
                if bad_total > TEXT_BAD_BYTES:
                    break
        if bad_total > TEXT_BAD_BYTES:
            break
    if cr_last >= 0:
        lone_cr.append(np.array([cr_last]))
    valid_wide = max(0, wide - bad_total)
    return _Survey(
        digest.digest(),
        size,
        bad,
        bad_total,
        valid_wide,
        lf,
        cr,
        lone_cr,
        nul,
        nul_total,
        blank,
        cr_runs,
    )


def _valid_utf8(chunk) -> bool:
    """Whether `chunk` (never a character cut in two) is all UTF-8, checked by polars without
    making a `str` of it; the bad bytes of a chunk that is not are found by `codecs`."""
    import polars as pl

    try:
        pl.Series([bytes(chunk)], dtype=pl.Binary).cast(pl.Utf8, strict=True)
    except pl.exceptions.PolarsError:
        return False
    return True


def _file_offsets(offsets: list[int], dropped) -> list[int]:
    """Offsets in data from which the bytes at `dropped` (sorted file offsets) were removed,
    as offsets in the file."""
    import numpy as np

    if not offsets:
        return offsets
    moved = dropped - np.arange(dropped.size)  # where each dropped byte would sit
    return [int(o + np.searchsorted(moved, o, side="right")) for o in offsets]


def _cr_runs_dropped(data: bytes, at: list):
    """`data` without the lone CRs of `at` that start a run of CRs ending in LF (CR CR LF),
    how many line ends had them, and the offsets dropped (None when none)."""
    import numpy as np

    arr = np.frombuffer(data, dtype=np.uint8)
    offsets = np.concatenate(at) if at else np.zeros(0, dtype=np.int64)
    padded = np.append(arr, np.zeros(3, dtype=np.uint8))
    drop = offsets[
        (padded[offsets + 1] == 13)
        & (
            (padded[offsets + 2] == 10)
            | ((padded[offsets + 2] == 13) & (padded[offsets + 3] == 10))
        )
    ]
    if not drop.size:
        return data, 0, None
    lines = int(np.count_nonzero(~np.isin(drop + 1, drop)))  # the last dropped CR of each run
    keep = np.ones(arr.size, dtype=bool)
    keep[drop] = False
    return arr[keep].tobytes(), lines, np.sort(drop)


def _lone_cr_to_lf(data: bytes | Path, at: list) -> bytes:
    """`data` with the CRs at offsets `at` (numpy arrays, as `_Survey.lone_cr`) made LFs,
    changed in one mutable copy (a file is read straight into it)."""
    import numpy as np

    buf = _mutable(data, 0)
    del data
    view = np.frombuffer(buf, dtype=np.uint8)
    for offsets in at:
        view[offsets] = 10
    del view
    return bytes(buf)


def _ends_in_ctrl_z(source: bytes | Path) -> bool:
    """Whether the last byte is a Ctrl-Z (0x1A), the end-of-file mark old DOS programs write."""
    if isinstance(source, bytes):
        return source.endswith(b"\x1a")
    with open(source, "rb") as fh:
        fh.seek(0, 2)
        if not fh.tell():
            return False
        fh.seek(-1, 2)
        return fh.read(1) == b"\x1a"


def _without_ctrl_z(raw: bytes, label: str, problems: list[Problem]) -> tuple[bytes, int]:
    """`raw` without its trailing Ctrl-Z bytes, with a notice (it was a malformed last row, or
    a last value such as `2\x1a`, 'not a number')."""
    body = raw.rstrip(b"\x1a")
    count = len(raw) - len(body)
    problems.append(
        Problem(
            label,
            None,
            None,
            f"{count:,} Ctrl-Z byte(s) (0x1A, the end-of-file mark of old DOS programs) at the "
            "end of the file: ignored",
            count,
            severity="notice",
        )
    )
    return body, count


def _mutable(source: bytes | Path, start: int) -> bytearray:
    """The content from `start` as one bytearray (repaired in place, never copied twice)."""
    if isinstance(source, bytes):
        return bytearray(memoryview(source)[start:])
    _check_size(source)
    with open(source, "rb") as fh:
        fh.seek(start)
        buf = bytearray(max(0, source.stat().st_size - start))
        n = fh.readinto(buf)
    del buf[n:]
    return buf


def _whole(source: bytes | Path) -> bytes:
    return source if isinstance(source, bytes) else read_file(source)


def _read_text(source: bytes | Path, label: str, ext: str, max_rows: int | None = None) -> RawTable:
    """CSV/TSV from a file on disk (streamed checks, polars reads the file itself) or from
    bytes (a zip member, stdin, a file that had to be converted: GBK, UTF-16, CR line ends,
    a runaway quote repaired)."""
    import polars as pl

    from kptui.engine import csvcheck

    problems: list[Problem] = []
    if isinstance(source, Path):
        with open(source, "rb") as fh:
            head = fh.read(65536)
    else:
        head = source[:65536]
    digest = None
    wide = _wide_encoding(head)
    if wide:  # UTF-16 (as Excel and Meta write it) or UTF-32, with a BOM or without
        raw = _whole(source)
        digest = _blake(raw)
        try:
            source = raw.decode(wide).encode("utf-8")
        except UnicodeDecodeError:
            name = wide.upper().replace("-LE", "").replace("-BE", "")
            raise DataError(f"cannot decode as {name} text", file=label) from None
        del raw
        head = source[:65536]
    if head[:2] == b"\x1f\x8b":
        raise DataError(
            "gzip-compressed: decompress it first (gunzip) and read the file inside", file=label
        )
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: .xls (Excel 97-2003), .doc
        raise DataError(
            "an old-format Office file (Excel 97-2003 .xls?): save it as .xlsx or CSV and read "
            "that",
            file=label,
        )
    if b"\x00" in head[:8192]:
        raise DataError("not a text file (binary content)", file=label)
    if _ends_in_ctrl_z(source):
        raw = _whole(source)
        digest = digest or _blake(raw)
        source, _ = _without_ctrl_z(raw, label, problems)
        del raw
        head = source[:65536]
    survey = _survey(source)
    digest = digest or survey.digest
    if survey.blank and not survey.bad_total:  # 200 MB of newlines took 1.5 GB and 34 s
        raise DataError("file is empty", file=label)
    lossy = False
    gb_raw: bytes | None = None  # the original bytes of a GB18030 file (bad bytes located there)
    bad_at: list[int] = []  # offsets of undecodable bytes (in gb_raw for a GB18030 file)
    bad_total = survey.bad_total
    encoding = "UTF-8"
    if survey.bad_total:
        # the survey stops counting past TEXT_BAD_BYTES: so many is never "a few" (a 3 MB
        # GBK file with an ASCII header was read as UTF-8 with 99,833 garbled titles)
        few = survey.bad_total <= min(TEXT_BAD_BYTES, max(10, survey.size // 1000))
        if few and survey.wide >= 10 * survey.bad_total:
            bad_at, lossy = survey.bad, True
        else:
            raw = _whole(source)
            converted, gb_bad, gb_total = _gb18030(raw)
            if converted is not None and gb_total and gb_total * 10 > survey.bad_total:
                converted = None  # as bad in GB18030 as in UTF-8: not a guess to make
            if converted is not None:
                source, head, gb_raw = converted, converted[:65536], raw
                bad_at, bad_total, encoding = gb_bad, gb_total, "GB18030"
            else:
                bad_at, lossy, bad_total = survey.bad, True, -1  # refused once located
            del raw
    cr_dropped = (
        None  # offsets of CRs dropped from CR CR LF line ends (bad bytes shown in file offsets)
    )
    if survey.cr and not survey.lf:  # old Mac line ends: polars splits lines at \n only
        source = _whole(source).replace(b"\r", b"\n")
        head = source[:65536]
        if gb_raw is not None:
            gb_raw = gb_raw.replace(b"\r", b"\n")
    elif survey.lone_cr:  # LF line ends and, in places, CR alone: one row per line end
        at = survey.lone_cr
        doubled = 0
        if gb_raw is not None:  # offsets of the original bytes: find them again in UTF-8
            gb_raw = _lone_cr_to_lf(gb_raw, at)
            at = _survey(source).lone_cr
            source = _lone_cr_to_lf(source, at)
        else:
            # CR CR LF (a CR-LF file written again in text mode, as Python's csv module on
            # Windows does) is one line end: the extra CRs are dropped, the others made LFs
            if survey.cr_runs:
                source, doubled, cr_dropped = _cr_runs_dropped(_whole(source), at)
            if doubled:
                at = _survey(source).lone_cr
            if at:
                source = _lone_cr_to_lf(source, at)
            if doubled and (bad_at or survey.nul):  # offsets moved: find them again
                again = _survey(source)
                bad_at = again.bad if bad_at else []
                survey.nul = again.nul
        head = source[:65536]
        if doubled:
            problems.append(
                Problem(
                    label,
                    None,
                    None,
                    f"{doubled:,} line(s) ended by CR CR LF (a CR-LF file saved again in text "
                    "mode): read as one line end each",
                    doubled,
                    severity="notice",
                )
            )
        if at:
            changed = sum(a.size for a in at)
            line = source.count(b"\n", 0, int(at[0][0])) + 1
            problems.append(
                Problem(
                    label,
                    None,
                    None,
                    f"{changed:,} line(s) ended by a CR alone (old Mac line ends; the first on "
                    f"line {line:,}) among LF line ends: read as line ends",
                    changed,
                    severity="notice",
                )
            )
    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    head_text = _decode(head[bom:], strict=False)
    if head_text is None:
        head_text = head[bom:].decode("utf-8", errors="replace")
    head_text = head_text.replace("\r\n", "\n")
    _, skipped, forced_sep = _preamble(head_text)
    start = _line_start(head, bom, skipped)
    if skipped:
        problems.append(
            Problem(
                label,
                1,
                None,
                f"{skipped} line(s) above the header skipped",
                skipped,
                severity="notice",
            )
        )
    first_line = _header_line(source, start)
    if first_line is None:
        raise DataError(
            f"the header (the first line) is longer than {MAX_HEADER_BYTES >> 20} MB: "
            "not a table (is it one line of text? is the separator right?)",
            file=label,
            row=1 + skipped,
        )
    sep = forced_sep or ("\t" if ext == ".tsv" else _sniff_separator(first_line))
    header = _header_fields(first_line, sep)
    width = len(header)
    _check_width(width, label)
    nul_at = survey.nul  # NUL bytes are valid UTF-8 but not text: reported as bad bytes
    queries = sorted({*bad_at, *nul_at})

    # field counts and runaway quotes in one pass, repaired as they are found (a quote never
    # closed, or closed rows later, swallows rows: its line is dropped, the rest read)
    def load(held: bytes | Path = source) -> bytearray:
        return _mutable(held, 0)

    try:
        result, repaired, runaways, dropped = csvcheck.check(
            _chunks_of(source, start),
            load,
            sep,
            width,
            queries if gb_raw is None else None,
            survey.size if isinstance(source, Path) else len(source),
        )
    except csvcheck.TooManyRunaways:
        raise DataError(
            f'more than {csvcheck.MAX_RESCUES:,} rows where a quote (") runs on over the '
            'next lines: the quotes are text, not CSV quoting (save it with quotes as "")',
            file=label,
        ) from None
    del load  # it held the source
    if repaired is not None:
        source = b""  # held once, as `repaired`
    _check_cells(width, result.records - 1, label)
    rows = result.records - 1 - result.blank  # blank lines are skipped, not videos
    if result.blank > MAX_BLANK_LINES:  # polars would hold each as a row of empty strings
        raise DataError(
            f"{result.blank:,} blank lines among {rows:,} rows: more than the "
            f"{MAX_BLANK_LINES:,} kptui skips; remove them (save the file again) and retry",
            file=label,
        )
    if max_rows is not None and rows > max_rows:  # 52M rows read took 2.5 GB
        raise DataError(
            f"{rows:,} rows: more than the {max_rows:,} videos one dataset may "
            "hold (is it an interactions table? name it interactions.csv)",
            file=label,
        )
    places = dict(zip(queries, result.located, strict=True)) if gb_raw is None else {}
    if gb_raw is not None and queries:
        gb_bom = 3 if gb_raw.startswith(b"\xef\xbb\xbf") else 0
        gb_start = _line_start(gb_raw[:65536], gb_bom, skipped)
        found = csvcheck.scan(gb_raw, sep, width, locate=queries, start=gb_start).located
        places = dict(zip(queries, found, strict=True))
    located = [places[o] for o in bad_at]
    nul_located = [places[o] for o in nul_at]
    gb_raw = None
    if bad_total < 0:  # neither UTF-8 nor GB18030: refused, saying where
        _refuse_encoding(label, bad_at, located, header, skipped)
    if nul_at:
        _refuse_binary(label, survey.nul_total, nul_at, nul_located, header, skipped)
    if repaired is not None:
        data = repaired
        del repaired
        dropped = {r + skipped for r in dropped}
        for closed in (False, True):  # one problem per kind, with its rows
            found = [r for r in runaways if r.closed == closed]
            if not found:
                continue
            where = "runs on over the next lines" if closed else "is never closed"
            lines = sum(r.lines for r in found)
            rows = [r.row + skipped for r in found]
            problems.append(
                Problem(
                    label,
                    rows[0],
                    None,
                    f'a quote (") opened in this row {where}: it held {lines:,} line(s) that '
                    "look like rows; this row was skipped and those lines were read as rows"
                    if len(found) == 1
                    else f'{len(found):,} rows where a quote (") {where} (a stray quote?): '
                    f"they held {lines:,} line(s) that look like rows; those rows were skipped "
                    "and the lines read as rows",
                    len(found),
                    rows[:5],
                )
            )
        if (lossy and bad_at) or nul_at:  # find the bad bytes again in the repaired text
            again = _survey(data)
            bad_at = again.bad if lossy else []
            nul_at = again.nul
            queries = sorted({*bad_at, *nul_at})
            found = csvcheck.scan(data, sep, width, locate=queries, start=start).located
            places = dict(zip(queries, found, strict=True))
            located = [places[o] for o in bad_at]
            nul_located = [places[o] for o in nul_at]
        source = bytes(data)
        del data
    skip_lines = skipped
    if result.long_fields or result.long_records:  # polars holds each several times over
        source = _cut_long(source, result, label, header, skipped, problems)
    if cr_dropped is not None:  # the offsets as in the file
        bad_at, nul_at = _file_offsets(bad_at, cr_dropped), _file_offsets(nul_at, cr_dropped)
    bad_rows = _bad_byte_rows(
        label, bad_at, bad_total, located, header, skipped, problems, encoding
    ) | _bad_byte_rows(
        label, nul_at, survey.nul_total, nul_located, header, skipped, problems, None
    )
    if isinstance(source, Path) and not _utf8_name(source):
        source = _whole(source)  # polars takes only UTF-8 paths (a name with byte 0xff)
    renamed = [_free_name(h) for h in header] if ROW in header else None
    try:
        frame = pl.read_csv(
            source,
            separator=sep,
            infer_schema=False,
            empty_string_is_null=False,
            new_columns=renamed,
            row_index_name=ROW,
            row_index_offset=2 + skipped,
            skip_lines=skip_lines,
            truncate_ragged_lines=True,
            encoding="utf8-lossy" if lossy else "utf8",
            raise_if_empty=True,
        ).with_columns(pl.col(ROW).cast(pl.Int64))
        width = len(frame.columns) - 1
        if width != result.header_fields:  # polars saw another header: count against it
            result = csvcheck.scan(_whole(source), sep, width, start=start)
        ragged = {i + 1 + skipped: n for i, n in result.bad.items()}
        ragged_total = result.bad_total
    except pl.exceptions.NoDataError:
        raise DataError("file is empty", file=label) from None
    except pl.exceptions.PolarsError:
        text = _whole(source)[start:].decode("utf-8", errors="replace")
        frame, ragged = _read_text_slow(text, sep, label)
        if skipped:
            frame = frame.with_columns(pl.col(ROW) + skipped)
            ragged = {r + skipped: n for r, n in ragged.items()}
        # the csv module reads a badly quoted row leniently: the scan's counts still rule
        ragged.update({i + 1 + skipped: n for i, n in result.bad.items()})
        ragged_total = max(len(ragged), result.bad_total)
    source = b""  # read: a repaired or converted copy is not held while rows are dropped
    ragged = {r: n for r, n in ragged.items() if r not in dropped}
    frame, ragged = _trailing_separator(
        frame, ragged, ragged_total, header, sep, label, problems, head
    )
    if ragged:
        rows = sorted(ragged)
        problems.append(
            Problem(
                label,
                rows[0],
                None,
                f"malformed row: wrong number of fields (e.g. {ragged[rows[0]]} where the "
                f"header has {len(frame.columns) - 1}); row skipped",
                max(len(rows), ragged_total - len(dropped & set(ragged))),
                rows[:5],
            )
        )
    repeated = _repeated_header(frame, header, label, problems)
    skip = sorted(set(ragged) | dropped | bad_rows | repeated)
    if skip:
        frame = _without_rows(frame, skip)
    frame = _without_blank_rows(frame, label, problems)
    if frame.height == 0 and result.quotes % 2 == 1 and result.records > 1:
        raise DataError('no rows could be read: a quote (") is never closed', file=label, row=2)
    frame = one_chunk(frame)  # last: rows cut out above leave a frame chunked again
    table = RawTable(frame, label, b"", problems, raw_digest=digest)
    table.separator = sep
    return table


def one_chunk(frame):
    """`frame` with each column in one chunk, a column at a time while nothing else holds the
    parser's chunks. The first expression over a frame whose columns are chunked differently
    (a literal column beside the parsed ones) copies every column into one chunk, and the raw
    table still held the chunked ones: +290 MB on a 150 MB interactions file. Column by column,
    the copy costs one column's size at most."""
    import polars as pl

    if all(frame[c].n_chunks() == 1 for c in frame.columns):
        return frame
    return pl.DataFrame([frame.drop_in_place(c).rechunk() for c in list(frame.columns)])


def _trailing_separator(frame, ragged: dict, total: int, header, sep: str, label, problems, head):
    """Lines that end with the separator on every data row but not the header (or on the
    header only): every row was 'malformed', and the error said 'no rows (only a header)'.
    When every row is off by exactly that one field and the file's first lines show the
    separator at their ends, it is that: the empty field is not read, said in a notice."""
    width = len(frame.columns) - 1
    if not ragged or total < frame.height or frame.height == 0:
        return frame, ragged
    counts = set(ragged.values())
    lines = [ln.rstrip(b"\r") for ln in bytes(head).split(b"\n")[:-1] if ln.strip()]
    ends = [ln.endswith(sep.encode()) for ln in lines[:50]]
    mark = repr(sep) if sep != "\t" else "tab"
    if counts == {width + 1} and len(ends) > 1 and not ends[0] and all(ends[1:]):
        message = f"every row ends with a {mark} the header does not: that empty field is not read"
    elif counts == {width - 1} and ends and ends[0] and not any(ends[1:]):
        if not header or str(header[-1]).strip() or frame.columns[-1] == ROW:
            return frame, ragged
        frame = frame.drop(frame.columns[-1])  # the unnamed column (ROW comes first)
        message = f"the header ends with a {mark} the rows do not: that unnamed column is not read"
    else:
        return frame, ragged
    problems.append(Problem(label, 1, None, message, severity="notice"))
    return frame, {}


def _cut_long(source: bytes | Path, result, label: str, header, skipped: int, problems) -> bytes:
    """`source` with each field over `csvcheck.MAX_FIELD_BYTES` cut to that size, reported
    by row, column and size (a text field keeps 100,000 characters: the values are the same),
    and each wrong-width record that long too (reported as malformed, skipped anyway)."""
    from kptui.engine import csvcheck

    records = result.long_records
    within = {r for r, _, _, _ in records}
    fields = [f for f in result.long_fields if f[0] not in within]
    if isinstance(source, Path):
        with open(source, "rb") as fh:

            def read(offset: int, n: int) -> bytes:
                fh.seek(offset)
                return fh.read(n)

            data = csvcheck.cut_fields(read, source.stat().st_size, fields + records)
    else:
        view = memoryview(source)
        data = csvcheck.cut_fields(
            lambda offset, n: bytes(view[offset : offset + n]), len(source), fields + records
        )
    if not fields:
        return data
    rec, fld, _, _ = fields[0]
    column = header[fld] if fld < len(header) else None
    rows = sorted({r + 1 + skipped for r, _, _, _ in fields})
    largest = max(n for _, _, _, n in fields)
    limit = csvcheck.MAX_FIELD_BYTES // (1024 * 1024)
    problems.append(
        Problem(
            label,
            rec + 1 + skipped,
            column,
            f"{len(fields):,} field(s) over {limit} MB (the largest {largest:,} bytes): "
            f"only the first {limit} MB of each read",
            len(rows),
            rows[:5],
        )
    )
    return data


def _without_rows(frame, skip: list[int]):
    """`frame` without the rows numbered `skip` (sorted). A few rows of a frame numbered
    without gaps are cut out as slices, which copy nothing (a filter copied 5M rows to drop
    57); otherwise filtered."""
    import polars as pl

    rows = frame[ROW]
    first = rows[0] if frame.height else 0
    if len(skip) > 1000 or not frame.height or rows[-1] - first + 1 != frame.height:
        return frame.filter(~pl.col(ROW).is_in(pl.Series(skip, dtype=pl.Int64).implode()))
    parts, pos = [], 0
    for row in skip:
        at = row - first
        if pos <= at < frame.height:
            parts.append(frame.slice(pos, at - pos))
            pos = at + 1
    parts.append(frame.slice(pos))
    return pl.concat(parts, rechunk=False)


def _without_blank_rows(frame, label: str, problems: list[Problem]):
    """`frame` without its blank lines and lines of separators only (`,,,,` as a spreadsheet
    saves its empty rows): no value at all. They read as "empty video_id" and, by the million,
    as a table too big to be videos; they are skipped with a notice, as nothing in them is
    lost. Polars filters them: there may be more than a Python set should hold."""
    import polars as pl

    columns = [c for c in frame.columns if c != ROW]
    if not columns or not frame.height or frame.schema[columns[0]] != pl.Utf8:
        return frame
    empty = pl.all_horizontal(
        [pl.col(c).is_null() | (pl.col(c).str.len_bytes() == 0) for c in columns]
    )
    first = pl.col(columns[0])
    if not frame.select((first.is_null() | (first.str.len_bytes() == 0)).any()).item():
        return frame  # the usual case: every row has a first value
    blank = frame.select(pl.col(ROW).filter(empty))[ROW]
    if not len(blank):
        return frame
    problems.append(
        Problem(
            label,
            int(blank[0]),
            None,
            "blank line(s) or lines of separators only; skipped",
            len(blank),
            blank.head(5).to_list(),
            severity="notice",
        )
    )
    return frame.filter(~empty)


def _repeated_header(frame, header: list[str], label: str, problems: list[Problem]) -> set[int]:
    """Rows that repeat the header (two exports joined into one file, the second's header
    kept, maybe with its BOM): reported and skipped, not read as a video named 'video_id'."""
    import polars as pl

    columns = [c for c in frame.columns if c != ROW]
    names = [h.strip() for h in header]
    if len(columns) != len(names) or not columns or not any(names):
        return set()
    same = [
        pl.col(c).str.strip_chars().str.strip_chars_start("\ufeff") == name
        for c, name in zip(columns, names, strict=True)
    ]
    # stripping every cell of 5M rows took a second: only rows holding a header name
    named = next(i for i, name in enumerate(names) if name)
    maybe = frame.filter(pl.col(columns[named]).str.contains(names[named], literal=True))
    rows = maybe.filter(pl.all_horizontal(same))[ROW].to_list() if maybe.height else []
    if rows:
        problems.append(
            Problem(
                label,
                rows[0],
                None,
                "the header repeated as a row (files joined into one?); row skipped",
                len(rows),
                rows[:5],
            )
        )
    return set(rows)


def _check_width(width: int, label: str) -> None:
    """Refuse a table wider than MAX_COLUMNS before any per-column work (matching headers
    to fields costs per column, and a 450,000-column header took minutes)."""
    if width > MAX_COLUMNS:
        raise DataError(
            f"{width:,} columns: more than the {MAX_COLUMNS:,} a data table may have "
            "(is it a table? is the separator right?)",
            file=label,
            row=1,
        )


def _wide_encoding(head: bytes) -> str | None:
    """'utf-32' / 'utf-16' for a BOM, 'utf-16-le' / '-be' for text without one (a NUL after
    or before every ASCII character), else None."""
    if head[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "utf-32"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    sample = head[: min(len(head), 4096) // 2 * 2]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, other, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) > 0.9 * len(zeros) and other.count(0) == 0 and b"\n" in other:
            return name
    return None


def _check_cells(width: int, rows: int, label: str) -> None:
    """Refuse a wide table with more cells than fit in memory as text, before polars reads
    it (a narrow one, such as millions of interactions, is not limited here)."""
    if width > WIDE and width * rows > MAX_WIDE_CELLS:
        raise DataError(
            f"{width:,} columns x {rows:,} rows: a table of more than {WIDE} columns may hold "
            f"at most {MAX_WIDE_CELLS:,} cells (keep only the columns kptui reads)",
            file=label,
        )


def _utf8_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _blake(raw: bytes) -> bytes:
    import hashlib

    return hashlib.blake2b(raw, digest_size=16).digest()


def _gb18030(raw: bytes) -> tuple[bytes | None, list[int], int]:
    """`raw` as GB18030/GBK text (as Chinese Excel writes it) converted to UTF-8, with the
    offsets of the few bytes that are not GB18030 (shown as U+FFFD), or None when it is not
    GB18030 text at all. Converted in pieces cut after a newline (never part of a GB18030
    character), so the whole text is never one `str` (200 MB were 800 MB of it)."""
    import codecs

    from kptui.engine.csvcheck import CHUNK

    bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    bad: list[int] = []
    total = 0
    out: list[bytes] = []
    view = memoryview(raw)
    pos = bom
    limit = max(10, len(raw) // 1000)
    while pos < len(raw):
        end = raw.find(b"\n", min(pos + CHUNK, len(raw)))
        end = len(raw) if end < 0 else end + 1
        parts: list[str] = []
        at = pos
        while True:
            try:
                parts.append(codecs.decode(view[at:end], "gb18030"))
                break
            except UnicodeDecodeError as exc:
                parts.append(codecs.decode(view[at : at + exc.start], "gb18030"))
                parts.append("\ufffd")
                bad.append(at + exc.start)
                total += exc.end - exc.start
                at += exc.end
                if total > limit:
                    return None, [], total
        text = "".join(parts)
        if not out:  # GB18030 decodes almost any byte soup: the start must look like text
            odd = sum(1 for ch in text[:20000] if ch < " " and ch not in "\r\n\t")
            if odd or not any(ord(ch) > 127 for ch in text[:200000]):
                return None, [], total
        out.append(text.encode("utf-8"))
        del text, parts
        pos = end
    if not out:
        return None, [], total
    return b"".join(out), bad, total


def _line_start(head: bytes, start: int, lines: int) -> int:
    """The offset `lines` lines after `start`."""
    for _ in range(lines):
        start = head.index(b"\n", start) + 1
    return start


def _header_line(source: bytes | Path, start: int) -> str | None:
    """The header line from `start`: at most MAX_HEADER_BYTES of it (a line that long is
    not a header; 100,000 columns are about 700 KB), so a file that is one 200 MB line
    costs 4 MB here, not 1 GB."""
    if isinstance(source, Path):
        with open(source, "rb") as fh:
            fh.seek(start)
            line = fh.read(MAX_HEADER_BYTES)
    else:
        line = source[start : start + MAX_HEADER_BYTES]
    if len(line) == MAX_HEADER_BYTES and b"\n" not in line:
        return None  # longer than that
    line = line.split(b"\n", 1)[0].rstrip(b"\r")
    return line.decode("utf-8", errors="replace")


def _refuse_encoding(label: str, bad_at: list[int], located, header, skipped: int) -> None:
    at = bad_at[0] if bad_at else 0
    rec, fld = located[0] if located else (0, 0)
    column = header[fld] if fld < len(header) else None
    where = f"byte offset {at:,}" + (f", column {column!r}" if column else "")
    raise DataError(
        f"cannot decode as UTF-8 or GB18030/GBK text (the first bad byte at {where}); "
        "save it as UTF-8",
        file=label,
        row=rec + 1 + skipped,
        column=column,
    )


def _refuse_binary(label: str, total: int, at: list[int], located, header, skipped) -> None:
    """NUL bytes in the header, or more than TEXT_BAD_BYTES of them: binary content with a
    text-looking start (the first 8 KB are checked for NUL before anything is read)."""
    in_header = [i for i, (rec, _) in enumerate(located) if rec == 0]
    if total <= TEXT_BAD_BYTES and not in_header:
        return
    i = in_header[0] if in_header else 0
    rec, fld = located[i]
    column = header[fld] if fld < len(header) and rec > 0 else None
    raise DataError(
        f"not a text file: {total:,} NUL byte(s) (binary content), the first at byte offset "
        f"{at[i]:,}" + (" in the header" if rec == 0 else ""),
        file=label,
        row=rec + 1 + skipped,
        column=column,
    )


def _bad_byte_rows(
    label, bad_at, bad_total, located, header, skipped, problems, encoding
) -> set[int]:
    """Rows holding bytes that are not text: named by row, column and byte offset, and
    skipped (the rest of the file is read). Returns their row numbers."""
    if not bad_at:
        return set()
    at = bad_at[0]
    fld = located[0][1] if located else 0
    column = header[fld] if fld < len(header) else None
    where = f"byte offset {at:,}" + (f", column {column!r}" if column else "")
    rows = sorted({r + 1 + skipped for r, _ in located if r > 0})
    in_header = any(r == 0 for r, _ in located)
    problems.append(
        Problem(
            label,
            rows[0] if rows else 1 + skipped,
            column,
            (
                f"{bad_total:,} byte(s) that are not {encoding} text"
                if encoding
                else f"{bad_total:,} NUL byte(s) (binary data, not text)"
            )
            + f" (the first at {where})"
            + ("; in the header, shown as \ufffd" if in_header else "")
            + (f"; {len(rows):,} row(s) skipped" if rows else ""),
            max(1, len(rows)),
            rows[:5] or [1 + skipped],
        )
    )
    return set(rows)


def _header_fields(line: str, sep: str) -> list[str]:
    """The fields of one line (a CR inside quotes, which the csv module refuses in a line,
    or a line cut inside quotes: split at the separator)."""
    try:
        return next(csv.reader([line], delimiter=sep))
    except (csv.Error, StopIteration):
        return line.split(sep)


def _preamble(text: str) -> tuple[str, int, str | None]:
    """Drop what some exports put above the header: a `sep=,` line (Excel's hint, which also
    names the separator) and banner or title lines (one field where the header has several).
    Returns the text from the header on, how many lines were dropped, and the named separator.
    """
    # the first lines only: splitting the whole text would copy a 100 MB file
    cut = -1
    for _ in range(6):
        cut = text.find("\n", cut + 1)
        if cut < 0:
            break
    lines = text.split("\n", 6) if cut < 0 else text[: cut + 1].split("\n", 6)
    skipped = 0
    forced = None
    first = lines[0].strip().strip('"')
    if first.lower().startswith("sep=") and len(first) == 5:
        forced = first[4]
        skipped = 1
    head = lines[skipped:-1] if len(lines) > 6 else lines[skipped:]
    if len(head) >= 2:
        seps = (forced,) if forced else _SNIFF_SEPARATORS
        widths = [
            max(len(_header_fields(line[:4096], sep)) - 1 for sep in seps) for line in head[:5]
        ]
        if widths[0] == 0 and max(widths) > 0:
            extra = next(i for i, w in enumerate(widths) if w > 0)
            if all(len(line.strip()) < 200 for line in head[:extra]):
                skipped += extra
    if not skipped:
        return text, 0, None
    rest = text[sum(len(line) + 1 for line in lines[:skipped]) :]
    return rest, skipped, forced


def _sniff_separator(header: str) -> str:
    counts = {s: header.count(s) for s in _SNIFF_SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _read_text_slow(text: str, sep: str, label: str) -> tuple[pl.DataFrame, dict[int, int]]:
    """The csv module, for files polars refuses (rows with extra fields): keep the good rows."""
    import polars as pl

    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError("file is empty", file=label) from None
    except csv.Error as exc:
        raise DataError(f"cannot parse as CSV: {exc}", file=label, row=1) from None
    width = len(header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    ragged: dict[int, int] = {}
    record = 1
    try:
        for fields in reader:
            record += 1
            if not fields:
                continue
            if len(fields) != width:
                ragged[record] = len(fields)
                continue
            rows.append(fields)
            numbers.append(record)
    except csv.Error as exc:
        raise DataError(f"cannot parse as CSV: {exc}", file=label, row=record + 1) from None
    names = _unique_names(header)
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    frame = pl.DataFrame(
        {
            name: pl.Series(name, list(col), dtype=pl.Utf8)
            for name, col in zip(names, columns, strict=True)
        }
    ).with_columns(pl.Series(ROW, numbers, dtype=pl.Int64))
    frame = frame.select([ROW, *names])
    return frame, ragged


def _free_name(name: str) -> str:
    """A data column named like kptui's own row-number column gets another name (it was an
    internal error: a duplicate column)."""
    return f"{ROW}_in_file" if name == ROW else name


def _free_row(frame):
    return frame.rename({ROW: _free_name(ROW)}) if ROW in frame.columns else frame


def _unique_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(header):
        name = _free_name(name.strip()) or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _read_parquet(raw: bytes, label: str) -> RawTable:
    import polars as pl

    try:
        frame = pl.read_parquet(io.BytesIO(raw))
    except Exception as exc:  # polars raises several types for a broken file
        raise DataError(f"not a readable Parquet file ({_short(exc)})", file=label) from None
    frame, problems = _plain_columns(frame, label)
    frame = _free_row(frame).with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    return RawTable(frame, label, raw, problems)


def _plain_columns(frame: pl.DataFrame, label: str) -> tuple[pl.DataFrame, list[Problem]]:
    """Numbers, text, booleans and timestamps stay; everything else becomes text, reported.

    A list of strings is the `a|b` text a CSV would hold (tags); a struct, a list of other
    values or a map becomes its JSON text; binary is decoded as UTF-8; a Null column is text.
    """
    import polars as pl

    problems: list[Problem] = []
    out = []
    for name, dtype in frame.schema.items():
        col = frame[name]
        if (
            dtype.is_numeric()
            or dtype in (pl.Utf8, pl.Boolean, pl.Date)
            or isinstance(dtype, pl.Datetime)
        ):
            out.append(col)
            continue
        if dtype == pl.Null:
            out.append(col.cast(pl.Utf8))
            continue
        if isinstance(dtype, (pl.Categorical, pl.Enum)):
            out.append(col.cast(pl.Utf8))
            continue
        if isinstance(dtype, pl.List) and dtype.inner in (pl.Utf8, pl.Categorical):
            out.append(col.cast(pl.List(pl.Utf8)).list.join("|"))
            continue
        if dtype == pl.Binary:
            values = col.to_list()
            text = [None if v is None else v.decode("utf-8", errors="replace") for v in values]
            bad = [i + 1 for i, v in enumerate(values) if v is not None and _not_utf8(v)]
            if bad:
                problems.append(
                    Problem(
                        label,
                        bad[0],
                        name,
                        "binary value that is not UTF-8 text; bad bytes shown as \ufffd",
                        len(bad),
                        bad[:5],
                    )
                )
            out.append(pl.Series(name, text, dtype=pl.Utf8))
            continue
        values = col.to_list()
        text = [None if v is None else _as_text(v) for v in values]
        rows = [i + 1 for i, v in enumerate(values) if v is not None]
        problems.append(
            Problem(
                label,
                rows[0] if rows else None,
                name,
                f"column of nested values ({_dtype_name(dtype)}): read as their JSON text",
                len(rows),
                rows[:5],
            )
        )
        out.append(pl.Series(name, text, dtype=pl.Utf8))
    return pl.DataFrame(out), problems


def _dtype_name(dtype: object) -> str:
    return str(dtype).split("(", 1)[0].split("[", 1)[0].lower()


def _not_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


# JSON Lines and JSON arrays ---------------------------------------------------------
JSON_BLOCK = 8 * 1024 * 1024  # JSON Lines are read in blocks of whole lines this size


def read_json(raw: bytes, label: str) -> RawTable:
    """JSON Lines (or a JSON array of objects) as an all-text frame, row = line number.

    Clean UTF-8 JSON Lines are read in blocks: polars reads a block of plain values; a block
    it cannot read exactly as `json` would (malformed or nested values, blank lines, `{}`)
    is read line by line with `json`, which says which lines are wrong. A 200 MB file as
    Python dicts took 3 GB and 16 s."""
    import polars as pl

    ctrl_z: list[Problem] = []
    if raw.endswith(b"\x1a"):
        raw, _ = _without_ctrl_z(raw, label, ctrl_z)
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    clean = _all_utf8(raw)
    if not head.startswith(b"[") and clean:
        frames: list = []
        found = _JsonFound(label=label)
        pos = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
        line = 1
        while pos < len(raw):
            end = raw.find(b"\n", min(pos + JSON_BLOCK, len(raw)))
            end = len(raw) if end < 0 else end + 1
            block = raw[pos:end]
            frame = _ndjson_block(block, line)
            lines = frame.height if frame is not None and block.endswith(b"\n") else None
            if frame is None:
                frame = _json_lines(block.decode("utf-8").splitlines(), line, found)
            else:
                for name in frame.columns[:-1]:
                    _count_key(found, name)
            if frame is not None:
                frames.append(frame)
            line += block.count(b"\n") if lines is None else lines  # polars': one a line
            pos = end
        frame = pl.concat(frames, how="diagonal") if frames else None
        return _json_table(frame, raw, label, ctrl_z, found)
    if head.startswith(b"[") and clean:  # a JSON array of objects
        found = _JsonFound(label=label, unit="object")
        return _json_table(_json_array(raw, label, found), raw, label, ctrl_z, found)
    text, problems = _decode_reported(raw, label)
    problems = ctrl_z + problems
    if text.lstrip().startswith("["):  # as some tools write .json; GB18030 or bad bytes
        found = _JsonFound(label=label, unit="object")
        frame = _json_array(text.encode("utf-8"), label, found)
    else:
        found = _JsonFound(label=label)
        frame = _json_lines(text.splitlines(), 1, found)
    return _json_table(frame, raw, label, problems, found)


def _all_utf8(raw: bytes) -> bool:
    """Whether `raw` is all UTF-8 (what `not _survey(raw).bad_total` says, without its
    digest and line-end passes: 0.67 of read_json's 3.1 CPU s for 200 MB of JSON Lines).

    Checked by polars in pieces of JSON_BLOCK bytes, each cut before a byte that starts a
    character (one that is not 0x80-0xBF, found within 3 bytes in UTF-8): UTF-8 cut there is
    two pieces of UTF-8, and text that is not stays so in one piece (a piece that starts
    with a continuation byte is not UTF-8)."""
    pos = 0
    size = len(raw)
    while pos < size:
        end = min(pos + JSON_BLOCK, size)
        back = 0
        while end < size and end > pos + 1 and back < 3 and 0x80 <= raw[end] < 0xC0:
            end -= 1
            back += 1
        if not _valid_utf8(raw[pos:end]):
            return False
        pos = end
    return True


@dataclass
class _JsonFound:
    """What the line-by-line reading found wrong, by line number."""

    bad: list[int] = field(default_factory=list)
    deep: list[int] = field(default_factory=list)
    nested: dict[str, list[int]] = field(default_factory=dict)
    surrogates: list[int] = field(default_factory=list)  # a `\\ud800` escape with no pair
    label: str = ""
    keys: set[str] = field(default_factory=set)  # every key so far (at most MAX_COLUMNS)
    twice: dict[str, list[int]] = field(default_factory=dict)  # a key twice in one object
    unit: str = "line"  # what a row number counts: a JSON array's are its objects


JSON_ARRAY_BATCH = 20_000  # objects of a JSON array made into a frame at a time (slow path)
JSON_ARRAY_BLOCK = 4 * 1024 * 1024  # bytes of a JSON array given to polars at a time
# where one object of an array may end and the next begin: `}` `,` `{` with whitespace between
_OBJECT_GAP = rb"\}[ \t\r\n]*,[ \t\r\n]*\{"
_BREAKS_TO_TABS = bytes.maketrans(b"\r\n", b"\t\t")


def _json_array(data: bytes, label: str, found: _JsonFound):
    """The objects of a JSON array (UTF-8 bytes) as an all-text frame (row = the object's
    place), or None.

    The array is cut into blocks of about 4 MB at places that look like the gap between two
    objects (`}`, `,`, `{`), and polars reads each block as JSON Lines, an object a line (cut
    at every such gap in it). A cut that is not between two top-level objects (inside a
    string or a nested value) leaves a line that is not valid JSON (a string in it never ends:
    quotes in strings are escaped, or a bracket is not closed), so polars' result is used
    only when every line is a valid object, checked as JSON Lines blocks are. Any other block
    is decoded object by object by `json` (from the block's start, which is an object's start,
    until an object ends at or past the block's end), which names the odd objects (a key
    twice, nested values, not an object) and the place of invalid JSON. Python's per-object
    loop took 7.5 s for 200 MB."""
    import re

    import polars as pl

    gap = re.compile(_OBJECT_GAP)
    tab_gap = re.compile(rb"\}[ \t]*,[ \t]*\{")
    space = re.compile(rb"[ \t\r\n]*")
    pos = space.match(data, data.index(b"[") + 1).end()
    end = _rstripped(data)
    close = end - 1 if data[end - 1 : end] == b"]" else len(data)  # no `]`: json says why
    frames: list = []
    index = 1  # the next object's place in the array
    while pos < close:
        cut = gap.search(data, pos + JSON_ARRAY_BLOCK, close)  # None past `close`
        stop = cut.start() + 1 if cut else close
        block = data[pos:stop]
        frame = None
        if close < len(data):  # as JSON Lines: a raw line break in a string is then a tab,
            # which polars refuses in a string as `json` does a line break (elsewhere it is
            # whitespace); an object a line, cut at each gap
            lines = block.translate(_BREAKS_TO_TABS)
            first = tab_gap.search(lines)  # the file's usual gap: replaced as bytes, faster
            if first:
                lines = tab_gap.sub(b"}\n{", lines.replace(first.group(), b"}\n{"))
            frame = _ndjson_block(lines, index)
        if frame is not None:
            for name in frame.columns[:-1]:
                _count_key(found, name)
            frames.append(frame)
            index += frame.height
            pos = cut.end() - 1 if cut else close
            continue
        more, pos, index = _json_objects(data, pos, stop, index, label, found)
        frames.extend(more)
        if pos >= len(data):
            break
    frames = [f for f in frames if f is not None]
    return pl.concat(frames, how="diagonal") if frames else None


def _rstripped(data: bytes) -> int:
    """len(data.rstrip(b" \\t\\r\\n")) without its copy of the rest (0.23 CPU s for
    200 MB), looked at 4 KB from the end at a time."""
    end = len(data)
    while end:
        piece = data[max(0, end - 4096) : end]
        kept = len(piece.rstrip(b" \t\r\n"))
        end -= len(piece) - kept
        if kept:
            break
    return end


def _json_objects(data: bytes, pos: int, stop: int, index: int, label: str, found: _JsonFound):
    """The array's objects from byte `pos` (where one starts) decoded one at a time by `json`
    until one ends at or past byte `stop` (or the array ends): (frames, the next object's
    byte position or len(data) at the array's end, the next object's place).

    `json`'s C scanner only finds where each object ends; every 20,000 objects are read by
    polars as a block of JSON Lines (an object's raw line breaks are whitespace: no string
    holds one) and checked as those are; a block polars would read otherwise than `json`
    is decoded object by object. The text decoded is the stretch up to the block after
    `stop` (an object may run past it); when that is not enough, the rest of the file."""
    import json
    import re

    scanner = json.JSONDecoder()
    decoder = json.JSONDecoder(object_pairs_hook=_first_of_pairs)
    space = re.compile(r"[ \t\r\n]*")
    gap = re.compile(_OBJECT_GAP)
    cut = gap.search(data, stop + JSON_ARRAY_BLOCK)
    window = cut.start() + 1 if cut else len(data)
    line0 = data.count(b"\n", 0, pos)  # lines before the stretch

    def framed(text: str, spans: list[tuple[int, int]], first: int):
        pieces = [text[a:b] for a, b in spans]
        block = "\n".join(p.replace("\n", " ").replace("\r", " ") for p in pieces) + "\n"
        frame = _ndjson_block(block.encode("utf-8"), first)
        if frame is None:
            items = ((first + k, decoder.decode(p)) for k, p in enumerate(pieces))
            return _json_records(items, found)
        for name in frame.columns[:-1]:
            _count_key(found, name)
        return frame

    while True:
        text = data[pos:window].decode("utf-8")
        limit = len(data[pos:stop].decode("utf-8"))

        def invalid(msg: str, at: int, text: str = text) -> DataError:
            row = line0 + text.count("\n", 0, at) + 1
            return DataError(f"invalid JSON: {msg}", file=label, row=row)

        frames, spans, done, at, end, closed = [], [], index, 0, -1, False
        try:
            while True:
                if end >= limit and not text.startswith("]", at):
                    break  # past the block: the next object starts at `at`
                try:
                    _item, end = scanner.raw_decode(text, at)
                except json.JSONDecodeError as exc:
                    raise DataError(
                        f"invalid JSON: {exc.msg}", file=label, row=line0 + exc.lineno
                    ) from None
                except ValueError as exc:  # an integer of over 4,300 digits
                    msg = _short(exc).split(";")[0]
                    raise DataError(f"invalid JSON: {msg}", file=label) from None
                except RecursionError:
                    raise DataError(
                        f"JSON nested too deeply (more than {MAX_JSON_DEPTH} levels)", file=label
                    ) from None
                spans.append((at, end))
                if len(spans) == JSON_ARRAY_BATCH:
                    frames.append(framed(text, spans, done))
                    done, spans = done + len(spans), []
                at = space.match(text, end).end()
                if text.startswith(",", at):
                    at = space.match(text, at + 1).end()
                elif text.startswith("]", at):
                    closed = True
                    break
                else:
                    raise invalid("Expecting ',' delimiter", at)
        except DataError:
            if window < len(data):  # perhaps an object cut by the stretch's end: all of it
                window = len(data)
                continue
            raise
        break
    if spans:
        frames.append(framed(text, spans, done))
    done += len(spans)
    if not closed:
        return frames, pos + len(text[:at].encode("utf-8")), done
    after = space.match(text, at + 1).end()
    if after < len(text) or data[window:].strip(b" \t\r\n"):
        if after == len(text):  # the extra data lies past the stretch
            text = data[pos:].decode("utf-8")
            after = space.match(text, after).end()
        raise invalid("Extra data", after, text)
    return frames, len(data), done


def _ndjson_block(block: bytes, first_line: int):
    """A block of JSON Lines read by polars, or None when polars would not read it exactly
    as `json` does line by line (so that path reads it and names the lines).

    The bytes are looked at once, by numpy (`_BlockMarks`): Python's regular expressions and
    `bytes.count` over each block took 1.6 of the 3.1 CPU s of 200 MB of JSON Lines."""
    import polars as pl

    marks = _BlockMarks.of(block)
    if marks.surrogate:
        return None  # polars reads an unpaired surrogate as NUL: line by line
    if _varied_keys(block):
        return None
    lines = marks.lines + (0 if block.endswith(b"\n") or not block.strip() else 1)
    # polars' schema is the first 100 lines' keys and types (every line's took five times
    # as long): a later key is dropped, which the keys counted show, and a later type that
    # does not fit fails; then the block is read again with every line's
    for infer in (100, None):
        try:
            frame = _free_row(pl.read_ndjson(io.BytesIO(block), infer_schema_length=infer))
        except Exception:  # malformed, mixed types, not objects: line by line
            frame = None
            if infer is None:
                return None
            continue
        if frame.height != lines or not frame.width:
            return None  # polars skips blank lines: the row numbers would be off
        # `{}` is a malformed line, `{"a": null}` is not: line by line
        empty = frame.select(pl.all_horizontal(pl.all().is_null()).any()).item()
        if not empty and not _key_twice(block, frame, marks):
            break
        if infer is None:
            return None
    out = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.List(pl.Utf8):  # tags as a list of strings: `a|b`, as `json` reads it
            out.append(col.list.join("|"))
        elif not (dtype.is_numeric() or dtype in (pl.Utf8, pl.Boolean, pl.Null)):
            return None  # nested values: reported line by line
        elif dtype == pl.Utf8:
            # polars makes an object or list mixed with strings in one column a string
            # (a value `[` or `{` after a colon somewhere in the block, then a text that
            # starts so)
            if marks.nested and frame.select(col.str.contains(r"^[\[{]").any()).item():
                return None
            out.append(col)
        else:
            out.append(col.cast(pl.Utf8))
    return frame.select(out).with_columns(
        pl.int_range(first_line, first_line + frame.height, dtype=pl.Int64).alias(ROW)
    )


_JSON_SPACE = b" \t\r\n"  # whitespace in JSON; `\s` in a bytes pattern adds \f and \v
_SKIPS = 8  # whitespace bytes after a colon looked past at once; more: the regex counts


@dataclass
class _BlockMarks:
    """What `_ndjson_block` and `_key_twice` need of a block's bytes, found by numpy on the
    positions of its colons and backslashes (a regex or `bytes.count` scans every byte at
    about 1 ns a byte in Python; numpy compares them 10 times as fast). Each is exactly what
    the pattern in its comment finds, which the slower scans found before."""

    surrogate: bool  # rb"\\u[dD][89abAB]" somewhere
    lines: int  # b"\n" bytes
    keys: int  # rb'"[ \t\r\n]*:' (a key and its colon; a `":` in a string counts too)
    nulls: int  # rb'"[ \t\r\n]*:[ \t\r\n]*null' (a key written with a null value)
    nested: bool  # rb":\s*[\[{]" somewhere (a value that is an object or a list)

    @classmethod
    def of(cls, block: bytes) -> _BlockMarks:
        import re

        import numpy as np

        size = len(block)
        arr = np.frombuffer(block + b"\0" * 8, dtype=np.uint8)  # zeros past the end: no match
        body = arr[:size]
        lines = int(np.count_nonzero(body == 10))
        slashes = np.flatnonzero(body == 92)
        surrogate = False
        if slashes.size:
            second, third = np.zeros(256, bool), np.zeros(256, bool)
            second[list(b"dD")] = True
            third[list(b"89abAB")] = True
            surrogate = bool(
                (
                    (arr[slashes + 1] == 117) & second[arr[slashes + 2]] & third[arr[slashes + 3]]
                ).any()
            )
        colons = np.flatnonzero(body == 58)
        space = np.zeros(256, bool)
        space[list(_JSON_SPACE)] = True
        before = arr[colons - 1]  # the first colon at 0: the zero after the end
        quoted = before == 34
        keys = int(np.count_nonzero(quoted))
        # the byte after each colon and its JSON whitespace: a value's first byte
        at = colons + 1
        for _ in range(_SKIPS):
            more = space[arr[at]]
            if not more.any():
                break
            at = at + more
        else:
            at = None if space[arr[at]].any() else at
        if at is None or space[before].any():  # `"a" : 1`, long runs: rare, the regexes
            keys += len(re.findall(rb'"[ \t\r\n]+:', block))
            nulls = 0
            if b"null" in block:
                nulls = len(re.findall(rb'"[ \t\r\n]*:[ \t\r\n]*null', block))
            nested = bool(re.search(rb":\s*[\[{]", block))
            return cls(surrogate, lines, keys, nulls, nested)
        first = arr[at]
        nested = bool(((first == 91) | (first == 123)).any())
        if not nested and ((first == 11) | (first == 12)).any():  # \s also skips \v, \f
            nested = bool(re.search(rb":\s*[\[{]", block))
        at = at[quoted]
        null = (arr[at] == 110) & (arr[at + 1] == 117) & (arr[at + 2] == 108)
        nulls = int(np.count_nonzero(null & (arr[at + 3] == 108)))
        return cls(surrogate, lines, keys, nulls, nested)


def _key_twice(block: bytes, frame, marks: _BlockMarks) -> bool:
    """Whether an object of the block may hold a key twice (polars keeps the first value,
    silently), or a key polars did not read. Keys written (`"` before `:`, whitespace
    allowed) beyond the values polars kept and the nulls written account for mean one; a key
    twice whose second value is null leaves those counts even, so a block with nulls
    written also has each object's keys compared, line by line: the lines that hold `null`
    only. On every line keys less nulls are at least the values kept (a null counted is a
    key counted), so even counts are even on each line, and a line with no null written has
    as many keys as values: none twice. All in polars (Python's split of 8 MB into lines and
    every line's keys took 0.54 of 1.0 CPU s for 50 MB with a null in a tenth of them)."""
    import polars as pl

    written_nulls = marks.nulls
    cells = frame.height * frame.width - int(sum(frame.null_count().row(0)))
    if marks.keys - written_nulls > cells:
        return True
    if not written_nulls:
        return False
    lines = pl.Series([block], dtype=pl.Binary).cast(pl.Utf8).str.split("\n").explode()
    names = (
        lines.filter(lines.str.contains("null", literal=True))
        .str.replace_all(r'"[ \t\r\n]+:', '":')
        .str.extract_all(r'"(?:[^"\\]|\\.)*":')
    )
    return bool((names.list.unique().list.len() < names.list.len()).any())


def _json_lines(lines, first_line: int, found: _JsonFound):
    import json

    parsed = []
    for n, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        try:
            parsed.append((n, json.loads(line, object_pairs_hook=_first_of_pairs)))
        except ValueError:  # malformed, or an integer of over 4,300 digits
            found.bad.append(n)
        except RecursionError:
            found.deep.append(n)
    return _json_records(parsed, found)


class _Twice(dict):
    """An object that held a key twice: the first value of each key, and which were twice."""

    twice: list[str]


def _first_of_pairs(pairs: list[tuple[str, object]]) -> dict:
    out: dict = {}
    twice = []
    for k, v in pairs:
        if k in out:
            twice.append(k)
        else:
            out[k] = v
    if not twice:
        return out
    marked = _Twice(out)
    marked.twice = twice
    return marked


def _json_records(lines, found: _JsonFound):
    """An all-text frame of the JSON objects in `lines` ((line, value) pairs), or None."""
    import polars as pl

    records: list[dict[str, str | None]] = []
    numbers: list[int] = []
    for n, item in lines:
        if not isinstance(item, dict) or not item:
            found.bad.append(n)
            continue
        if _depth(item) > MAX_JSON_DEPTH:
            found.deep.append(n)
            continue
        for k in getattr(item, "twice", ()):
            found.twice.setdefault(_free_name(str(k)), []).append(n)
        record: dict[str, str | None] = {}
        for k, v in item.items():
            key = _free_name(str(k))
            if isinstance(v, dict) or (
                isinstance(v, list) and not all(isinstance(x, (str, int, float)) for x in v)
            ):
                found.nested.setdefault(key, []).append(n)
            record[key] = _as_text(v)
        try:
            "".join(f"{k}{v or ''}" for k, v in record.items()).encode("utf-8")
        except UnicodeEncodeError:  # polars takes UTF-8 only: an unpaired surrogate is U+FFFD
            found.surrogates.append(n)
            record = {_no_surrogates(k): _no_surrogates(v) for k, v in record.items()}
        records.append(record)
        numbers.append(n)
    if not records:
        return None
    keys: list[str] = []
    seen: set[str] = set()
    for rec in records:
        for k in rec:
            if k not in seen:
                seen.add(k)
                keys.append(k)
                _count_key(found, k)
    return pl.DataFrame(
        {k: pl.Series(k, [r.get(k) for r in records], dtype=pl.Utf8) for k in keys}
    ).with_columns(pl.Series(ROW, numbers, dtype=pl.Int64))


def _count_key(found: _JsonFound, key: str) -> None:
    """Refuse records with more keys in all than a table has columns (each line its own key:
    50,000 lines took 3.8 GB and two minutes, as a 50,000 x 50,000 table)."""
    found.keys.add(key)
    if len(found.keys) > MAX_COLUMNS:
        raise DataError(
            f"more than {MAX_COLUMNS:,} different keys in the records: not a table",
            file=found.label,
        )


def _varied_keys(block: bytes) -> bool:
    """Whether a sample of the block's lines holds many more keys than one line does (a key
    per line, say): polars' cost grows with lines x keys, so such a block goes line by line."""
    import re

    lines = block[: 1 << 20].split(b"\n")[::50][:400]
    per_line = 0
    keys: set[bytes] = set()
    for line in lines:
        found = re.findall(rb'[{,]\s*"([^"\\]*)"\s*:', line)
        per_line = max(per_line, len(found))
        keys.update(found)
    return len(keys) > 2 * per_line + 20


def _json_table(frame, raw: bytes, label: str, problems: list[Problem], found: _JsonFound):
    """The table and its problems; a JSON array's rows are its objects' places, which each
    message says ("object 3 of the array"), since `file:3` reads as a line."""
    bad, deep, nested = sorted(found.bad), sorted(found.deep), found.nested
    array = found.unit == "object"

    def where(rows: list[int]) -> str:
        if not array:
            return ""
        more = f" and {len(rows) - 1:,} more" if len(rows) > 1 else ""
        return f" (object {rows[0]:,}{more} of the array)"

    if bad:
        problems.append(
            Problem(
                label,
                bad[0],
                None,
                "malformed JSON line (not an object); skipped"
                if not array
                else f"an item of the JSON array that is not an object{where(bad)}; skipped",
                len(bad),
                bad[:5],
            )
        )
    if deep:
        problems.append(
            Problem(
                label,
                deep[0],
                None,
                f"JSON nested more than {MAX_JSON_DEPTH} levels deep{where(deep)}; "
                f"{found.unit} skipped",
                len(deep),
                deep[:5],
            )
        )
    if found.surrogates:
        rows = sorted(found.surrogates)
        problems.append(
            Problem(
                label,
                rows[0],
                None,
                f"text with an unpaired surrogate escape (such as \\ud800){where(rows)}: "
                "shown as \ufffd",
                len(rows),
                rows[:5],
            )
        )
    for key, rows in found.twice.items():
        problems.append(
            Problem(
                label,
                rows[0],
                key,
                f"the key twice in one object{where(rows)}: the first value used",
                len(rows),
                rows[:5],
            )
        )
    for key, rows in nested.items():
        problems.append(
            Problem(
                label,
                rows[0],
                key,
                f"nested JSON value (an object or a list of objects){where(rows)}: "
                "kept as its JSON text",
                len(rows),
                rows[:5],
            )
        )
    if frame is None:
        first = min([*bad, *deep], default=None)
        if deep and first in deep:
            raise DataError(
                f"JSON nested more than {MAX_JSON_DEPTH} levels deep{where([first])}",
                file=label,
                row=first,
            )
        at = where([first]) if first is not None else ""
        raise DataError(f"no JSON records found{at}", file=label, row=first)
    return RawTable(frame, label, raw, problems)


def _no_surrogates(text: str | None) -> str | None:
    if text is None:
        return None
    return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)


def _depth(value: object, limit: int = MAX_JSON_DEPTH + 1) -> int:
    """Nesting depth of a JSON value, counted without recursion (stops past `limit`)."""
    depth = 0
    level = [value]
    while level and depth <= limit:
        nxt: list[object] = []
        for v in level:
            if isinstance(v, dict):
                nxt.extend(v.values())
            elif isinstance(v, list):
                nxt.extend(v)
        if not nxt:
            break
        level = nxt
        depth += 1
    return depth


def _as_text(value: object) -> str | None:
    import json

    if value is None:
        return None
    if isinstance(value, (list, tuple, dict)):
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return "|".join(value)
        try:
            return json.dumps(value, ensure_ascii=False, default=str)
        except (ValueError, RecursionError):
            return str(value)[:MAX_FIELD]
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _read_excel(raw: bytes, label: str) -> RawTable:
    import zipfile

    import polars as pl

    try:  # a small file can expand to gigabytes (a zip bomb): check before calamine reads it
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            expanded = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataError(f"not a readable Excel file ({_short(exc)})", file=label) from None
    limit = min(MAX_XLSX_EXPANDED_MB * 1024 * 1024, 2 * max_file_bytes())
    if expanded > limit:
        raise DataError(
            f"Excel file expands to {expanded // (1024 * 1024):,} MB, over the "
            f"{limit // (1024 * 1024):,} MB limit",
            file=label,
        )
    problems: list[Problem] = []
    sheets: list[tuple[str, bool, str | None]] = []
    with contextlib.suppress(Exception):
        sheets = _sheets(raw)
    chosen = _videos_sheet(raw, sheets, label, problems)
    try:
        frame = pl.read_excel(
            io.BytesIO(raw),
            engine="calamine",
            infer_schema_length=0,
            **({"sheet_name": sheets[chosen][0]} if len(sheets) > 1 else {}),
        )
    except Exception as exc:
        raise DataError(f"not a readable Excel file ({_short(exc)})", file=label) from None
    frame = frame.with_columns(pl.all().cast(pl.Utf8))
    frame = _free_row(frame).with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    frame = _serial_dates(frame, label, problems)
    extra: list[RawTable] = []
    # the checks read the zip by hand; a file calamine could read stays read
    with contextlib.suppress(Exception):
        frame = _excel_checks(raw, label, frame, problems, extra, sheets, chosen)
    return RawTable(frame, label, raw, problems, extra=extra)


def _sheets(raw: bytes) -> list[tuple[str, bool, str | None]]:
    """(name, hidden, XML member) of each sheet of a workbook, in its order."""
    import html
    import re
    import zipfile

    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        workbook = zf.read("xl/workbook.xml")
        try:
            rels = zf.read("xl/_rels/workbook.xml.rels")
        except KeyError:
            rels = b""

    def attr(tag: bytes, name: bytes) -> str | None:
        found = re.search(rb"\b" + name + rb'="([^"]*)"', tag)
        return html.unescape(found.group(1).decode("utf-8", "replace")) if found else None

    targets: dict[str, str] = {}
    for tag in re.findall(rb"<Relationship\b[^>]*>", rels):
        rid, target = attr(tag, b"Id"), attr(tag, b"Target")
        if rid and target:
            targets[rid] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    out = []
    for tag in re.findall(rb"<sheet\b[^>]*>", workbook):
        name = attr(tag, b"name")
        if name is None:
            continue
        rid = attr(tag, b"r:id")
        out.append((name, attr(tag, b"state") in ("hidden", "veryHidden"), targets.get(rid or "")))
    return out


def _videos_sheet(raw: bytes, sheets, label: str, problems: list[Problem]) -> int:
    """Which sheet is read as the videos table: the first visible one whose header names a
    video_id or title column (a cover sheet, an empty or a hidden sheet before it was read,
    or was an error), said in a notice when it is not the first; else the first visible."""
    import polars as pl

    from kptui.engine import schema

    if len(sheets) < 2:
        return 0
    visible = [i for i, (_, hidden, _) in enumerate(sheets) if not hidden] or [0]
    chosen = visible[0]
    for i in visible:
        try:
            head = pl.read_excel(
                io.BytesIO(raw),
                engine="calamine",
                sheet_name=sheets[i][0],
                infer_schema_length=0,
                read_options={"n_rows": 1},
            )
        except Exception:
            continue
        cols = schema.match_columns(list(head.columns), schema.VIDEO_ALIASES, None)
        if "title" in cols and "video_id" in cols:
            chosen = i
            break
    if chosen:
        first, hidden, _ = sheets[0]
        why = "is hidden" if hidden else "has no video_id and title columns"
        problems.append(
            Problem(
                label,
                None,
                None,
                f"sheet {sheets[chosen][0]!r} read as the videos table (the first sheet, "
                f"{first!r}, {why})",
                1,
                severity="notice",
            )
        )
    return chosen


def _extra_sheet(raw: bytes, label: str, name: str, extra: list, problems: list) -> bool:
    """Read sheet `name` when its header is an interactions table (user_id and event, by
    their aliases), as a user who keeps both tables in one workbook expects; say so."""
    import polars as pl

    from kptui.engine import schema

    try:
        frame = pl.read_excel(
            io.BytesIO(raw), engine="calamine", sheet_name=name, infer_schema_length=0
        )
    except Exception:
        return False
    cols = schema.match_columns(list(frame.columns), schema.INTERACTION_ALIASES, None)
    if not all(f in cols for f in ("user_id", "event")):
        return False
    frame = frame.with_columns(pl.all().cast(pl.Utf8))
    frame = _free_row(frame).with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    sheet = f"{label}[{name}]"
    frame = _serial_dates(frame, sheet, problems)
    extra.append(RawTable(frame, sheet, b"", [], raw_digest=_blake(raw + name.encode())))
    problems.append(
        Problem(
            label,
            None,
            None,
            f"sheet {name!r} read as the interactions table ({frame.height:,} "
            f"row{'' if frame.height == 1 else 's'}; its problems are named {sheet})",
            1,
            severity="notice",
        )
    )
    return True


def _excel_checks(
    raw: bytes, label: str, frame, problems: list[Problem], extra: list, sheets, chosen: int
):
    """Extra sheets (an interactions sheet is read), and formula cells whose value was never
    calculated (left empty) in the sheet read as videos."""
    import re
    import zipfile

    import polars as pl

    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        workbook = zf.read("xl/workbook.xml")
        names = [name for name, _, _ in sheets]
        read = names[chosen] if names else None
        rest = [n for i, n in enumerate(names) if i != chosen]
        unread = [n for n in rest if not _extra_sheet(raw, label, n, extra, problems)]
        if unread:
            shown = ", ".join(repr(n) for n in unread[:5]) + (", ..." if len(unread) > 5 else "")
            problems.append(
                Problem(
                    label,
                    None,
                    None,
                    f"only the sheet {read!r} is read as videos; not read: {shown} "
                    "(not an interactions table: save each table as its own file)",
                    len(unread),
                )
            )
        recalc = b'fullCalcOnLoad="1"' in workbook
        members = sorted(
            n for n in zf.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)
        )
        if not members:
            return frame
        first = "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in members else members[0]
        if sheets and sheets[chosen][2] in zf.namelist():
            first = sheets[chosen][2]
        info = zf.getinfo(first)
        if info.file_size > 512 * 1024 * 1024 or not _has_formula(zf, first):
            return frame  # the sheet's XML (often 10x the file) is read only with formulas
        xml = zf.read(first)
    missing: dict[int, list[int]] = {}
    for m in re.finditer(rb'<c r="([A-Z]+)([0-9]+)"[^>]*?(?:/>|>(.*?)</c>)', xml, re.S):
        body = m.group(3) or b""
        if b"<f" not in body:
            continue
        value = re.search(rb"<v>(.*?)</v>", body, re.S)
        if value is not None and value.group(1) != b"" and not recalc:
            continue
        col = 0
        for ch in m.group(1):
            col = col * 26 + (ch - 64)
        missing.setdefault(col - 1, []).append(int(m.group(2)))
    names_ = [c for c in frame.columns if c != ROW]
    for idx, rows in missing.items():
        if idx >= len(names_):
            continue
        name = names_[idx]
        rows = sorted(r for r in rows if r > 1)
        if not rows:
            continue
        why = "the file asks to be recalculated on opening" if recalc else "no saved value"
        problems.append(
            Problem(
                label,
                rows[0],
                name,
                f"formula cell without a calculated value ({why}): left empty; open and "
                "save the file in a spreadsheet program to store the values",
                len(rows),
                rows[:5],
            )
        )
        frame = frame.with_columns(
            pl.when(pl.col(ROW).is_in(pl.Series(rows, dtype=pl.Int64).implode()))
            .then(None)
            .otherwise(pl.col(name))
            .alias(name)
        )
    return frame


EXCEL_EPOCH = (1899, 12, 30)  # day 0 of Excel's date serial numbers (1900 system)
SERIAL_RANGE = (25569, 73051)  # 1970-01-01 .. 2099-12-31 as Excel serials


def _serial_dates(frame, label: str, problems: list[Problem]):
    """Date columns of a workbook holding Excel serial numbers (a date cell saved without
    its date format: 45292 for 2024-01-01) as dates, said so; they were 'not understood'."""
    import polars as pl

    from kptui.engine import schema

    names = {
        schema.header_key(a)
        for f in ("published_at", "snapshot_at")
        for a in schema.VIDEO_ALIASES.get(f, [])
    } | {schema.header_key(a) for a in schema.INTERACTION_ALIASES.get("ts", [])}
    for col in [c for c in frame.columns if c != ROW and schema.header_key(c) in names]:
        text = frame[col].str.strip_chars()
        present = text.is_not_null() & (text != "")
        if not present.any():
            continue
        days = text.cast(pl.Float64, strict=False)
        low, high = SERIAL_RANGE
        if not (present & ~days.is_between(low, high).fill_null(False)).any():
            dates = pl.select(
                (
                    pl.datetime(*EXCEL_EPOCH)
                    + pl.duration(milliseconds=(days * 86_400_000).round())
                ).dt.strftime("%Y-%m-%d %H:%M:%S")
            ).to_series()
            frame = frame.with_columns(pl.when(present).then(dates).otherwise(None).alias(col))
            shown = _quoted(text.filter(present).head(2).to_list())
            rows = frame[ROW].filter(present)
            problems.append(
                Problem(
                    label,
                    int(rows[0]),
                    col,
                    f"Excel date serial numbers ({shown}) read as dates (45292 = 2024-01-01)",
                    rows.len(),
                    rows.head(5).to_list(),
                    severity="notice",
                )
            )
    return frame


def _quoted(values: list[str]) -> str:
    return ", ".join(repr(v) for v in values)


def _has_formula(zf, name: str) -> bool:
    """Whether the sheet's XML holds a formula cell (`<f`), read in pieces."""
    tail = b""
    with zf.open(name) as fh:
        while block := fh.read(4 * 1024 * 1024):
            if b"<f" in tail + block[:2] or b"<f" in block:
                return True
            tail = block[-1:]
    return False


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]
