"""Read one file of any supported format into an all-text polars frame, with row numbers.

Everything is read as text first (IDs keep their leading zeros, and a bad value can be
reported by row and column instead of silently becoming null). Row numbers are what a person
sees: for CSV/TSV/xlsx the header is row 1, so the first record is row 2; for JSON Lines the
line number; for Parquet the 1-based record index.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kptui.engine.types import Problem
from kptui.errors import DataError

if TYPE_CHECKING:
    import polars as pl

ROW = "_row"
TEXT_EXTS = {".csv", ".tsv", ".txt"}
SUPPORTED_EXTS = TEXT_EXTS | {".parquet", ".pq", ".jsonl", ".ndjson", ".json", ".xlsx", ".xlsm"}
MAX_FIELD = 100_000  # characters; longer text fields are cut, with a warning
_SNIFF_SEPARATORS = (",", "\t", ";", "|")
_CSV_CHECK_LIMIT = 16 * 1024 * 1024  # bytes: below this, quoted files get a full field-count check


@dataclass
class RawTable:
    frame: pl.DataFrame  # all columns Utf8 (or native types for Parquet) plus ROW (Int64)
    label: str  # the file name as shown in messages
    raw: bytes = b""  # file content, for the fingerprint
    problems: list[Problem] = field(default_factory=list)
    raw_digest: bytes = b""  # blake2b-128 of the content, once `raw` is dropped (parsecache)


def read_table(path: Path) -> RawTable:
    """Read `path` by its extension (and its content, when the two disagree)."""
    label = path.name
    if path.is_dir():
        raise DataError("is a folder, expected a data file", file=str(path))
    if not path.exists():
        raise DataError("no such file", file=str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    return read_bytes(raw, label, path.suffix.lower())


def read_bytes(raw: bytes, label: str, ext: str) -> RawTable:
    """Read a file's content by its extension (a zip member, or a file already read)."""
    if not raw.strip():
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
        return _read_parquet(raw, label)
    if ext in {".xlsx", ".xlsm"} or is_zip:
        return _read_excel(raw, label)
    if ext in {".jsonl", ".ndjson", ".json"}:
        return _read_jsonl(raw, label)
    return _read_text(raw, label, ext=ext)


def _looks_like_text(raw: bytes) -> bool:
    head = raw[:8192]
    return b"\x00" not in head and _decode(raw[:65536], strict=False) is not None


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


def _read_text(raw: bytes, label: str, ext: str) -> RawTable:
    import polars as pl

    problems: list[Problem] = []
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with BOM, as Excel and Meta write it
        try:
            raw = raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise DataError("cannot decode as UTF-16 text", file=label) from None
    if b"\x00" in raw[:8192]:
        raise DataError("not a text file (binary content)", file=label)
    text = _decode(raw)
    if text is None:
        raise DataError("cannot decode as UTF-8 or GB18030/GBK text", file=label)
    text, skipped, forced_sep = _preamble(text)
    if skipped:
        raw = text.encode("utf-8")
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
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        data = text.encode("utf-8")
    elif raw.startswith(b"\xef\xbb\xbf"):
        data = raw[3:]
    else:
        try:
            raw.decode("ascii")  # cheap check that `raw` is the UTF-8 we decoded
            data = raw
        except UnicodeDecodeError:
            data = text.encode("utf-8")
    first_line = text.split("\n", 1)[0]
    sep = forced_sep or ("\t" if ext == ".tsv" else _sniff_separator(first_line))
    try:
        frame = pl.read_csv(
            io.BytesIO(data),
            separator=sep,
            infer_schema=False,
            empty_string_is_null=False,
            row_index_name=ROW,
            row_index_offset=2 + skipped,
            raise_if_empty=True,
        )
        ragged = {}
        if not _field_counts_add_up(data, sep, len(frame.columns) - 1, frame.height):
            ragged = _short_rows(text, sep, len(frame.columns) - 1, data)
    except pl.exceptions.NoDataError:
        raise DataError("file is empty", file=label) from None
    except pl.exceptions.PolarsError:
        frame, ragged = _read_text_slow(text, sep, label)
        if skipped:
            frame = frame.with_columns(pl.col(ROW) + skipped)
            ragged = {r + skipped: n for r, n in ragged.items()}
    if ragged:
        rows = sorted(ragged)
        problems.append(
            Problem(
                label,
                rows[0],
                None,
                f"malformed row: wrong number of fields (e.g. {ragged[rows[0]]} where the "
                f"header has {len(frame.columns) - 1}); row skipped",
                len(rows),
                rows[:5],
            )
        )
        frame = frame.filter(~pl.col(ROW).is_in(rows))
    if frame.height == 0 and text.count('"') % 2 == 1 and text.strip().count("\n") > 0:
        raise DataError('no rows could be read: a quote (") is never closed', file=label, row=2)
    return RawTable(frame, label, raw, problems)


def _preamble(text: str) -> tuple[str, int, str | None]:
    """Drop what some exports put above the header: a `sep=,` line (Excel's hint, which also
    names the separator) and banner or title lines (one field where the header has several).
    Returns the text from the header on, how many lines were dropped, and the named separator.
    """
    lines = text.split("\n", 6)
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
            max(len(next(csv.reader([line[:4096]], delimiter=sep), [])) - 1 for sep in seps)
            for line in head[:5]
        ]
        if widths[0] == 0 and max(widths) > 0:
            extra = next(i for i, w in enumerate(widths) if w > 0)
            if all(len(line.strip()) < 200 for line in head[:extra]):
                skipped += extra
    if not skipped:
        return text, 0, None
    rest = text.split("\n", skipped)[-1]
    return rest, skipped, forced


def _sniff_separator(header: str) -> str:
    counts = {s: header.count(s) for s in _SNIFF_SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _field_counts_add_up(data: bytes, sep: str, width: int, records: int) -> bool:
    """True when no row can be short, without looking at rows one by one.

    Polars refuses rows with extra fields, so once it has read the file every row has at most
    `width - 1` separators; if the file holds exactly `width - 1` per record (header included),
    none can have fewer. Quoted separators spoil the count, so only unquoted files qualify.
    """
    if b'"' in data:
        return False
    return data.count(sep.encode()) == (width - 1) * (records + 1)


def _short_rows(text: str, sep: str, width: int, data: bytes) -> dict[int, int]:
    """Rows with fewer fields than the header: polars pads them silently, so count fields.

    Unquoted files: separators per line, vectorised. Quoted files: the csv module, when the
    file is small enough for that to be cheap.
    """
    import polars as pl

    if width <= 1:
        return {}
    if '"' not in text:
        lines = pl.Series(text.split("\n"))
        counts = lines.str.count_matches(sep, literal=True) + 1
        idx = pl.arange(0, len(lines), eager=True)
        frame = pl.DataFrame({"n": counts, "i": idx, "blank": lines.str.strip_chars() == ""})
        short = frame.filter((pl.col("n") != width) & ~pl.col("blank") & (pl.col("i") > 0))
        # a physical line is a record here; polars' ROW for line i (0 = header) is i + 1
        return {int(i) + 1: int(n) for i, n in zip(short["i"], short["n"], strict=True)}
    if len(data) > _CSV_CHECK_LIMIT:
        return {}
    out: dict[int, int] = {}
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    record = 0
    for fields in reader:
        record += 1
        if record == 1 or not fields:
            continue
        if len(fields) != width:
            out[record] = len(fields)
    return out


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


def _unique_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(header):
        name = name.strip() or f"column_{i + 1}"
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
    frame = frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    return RawTable(frame, label, raw)


def _read_jsonl(raw: bytes, label: str) -> RawTable:
    import json

    import polars as pl

    text = _decode(raw)
    if text is None:
        raise DataError("cannot decode as UTF-8 or GB18030/GBK text", file=label)
    records: list[dict[str, str | None]] = []
    numbers: list[int] = []
    bad: list[int] = []
    stripped = text.lstrip()
    if stripped.startswith("["):  # a JSON array of objects, as some tools write .json
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise DataError(f"invalid JSON: {exc.msg}", file=label, row=exc.lineno) from None
        lines = [(i + 1, item) for i, item in enumerate(items)]
    else:
        lines = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                lines.append((n, json.loads(line)))
            except json.JSONDecodeError:
                bad.append(n)
    for n, item in lines:
        if not isinstance(item, dict):
            bad.append(n)
            continue
        records.append({str(k): _as_text(v) for k, v in item.items()})
        numbers.append(n)
    problems = []
    if bad:
        problems.append(
            Problem(label, bad[0], None, "malformed JSON line; skipped", len(bad), bad[:5])
        )
    if not records:
        raise DataError("no JSON records found", file=label, row=bad[0] if bad else None)
    keys: list[str] = []
    for rec in records:
        for k in rec:
            if k not in keys:
                keys.append(k)
    frame = pl.DataFrame(
        {k: pl.Series(k, [r.get(k) for r in records], dtype=pl.Utf8) for k in keys}
    ).with_columns(pl.Series(ROW, numbers, dtype=pl.Int64))
    return RawTable(frame, label, raw, problems)


def _as_text(value: object) -> str | None:
    import json

    if value is None:
        return None
    if isinstance(value, (list, dict)):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return "|".join(value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _read_excel(raw: bytes, label: str) -> RawTable:
    import polars as pl

    try:
        frame = pl.read_excel(io.BytesIO(raw), engine="calamine", infer_schema_length=0)
    except Exception as exc:
        raise DataError(f"not a readable Excel file ({_short(exc)})", file=label) from None
    frame = frame.with_columns(pl.all().cast(pl.Utf8))
    frame = frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    return RawTable(frame, label, raw)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]
