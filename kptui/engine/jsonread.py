"""JSON Lines and JSON arrays read into an all-text frame, row = line number (JSON Lines) or
the object's place (an array); every oddity (malformed lines, nested values, a key twice,
unpaired surrogates, too deep or too many keys) is reported by line, never guessed.

`kptui.engine.readers` hands JSON files here; the helpers shared with its other formats
(row column, decoding, names) stay there.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from kptui.engine.readers import (
    MAX_COLUMNS,
    MAX_JSON_DEPTH,
    ROW,
    RawTable,
    _as_text,
    _decode_reported,
    _free_name,
    _free_row,
    _short,
    _survey,
)
from kptui.engine.types import Problem
from kptui.errors import DataError

JSON_BLOCK = 8 * 1024 * 1024  # JSON Lines are read in blocks of whole lines this size


def read_json(raw: bytes, label: str) -> RawTable:
    """JSON Lines (or a JSON array of objects) as an all-text frame, row = line number.

    Clean UTF-8 JSON Lines are read in blocks: polars reads a block of plain values; a block
    it cannot read exactly as `json` would (malformed or nested values, blank lines, `{}`)
    is read line by line with `json`, which says which lines are wrong. A 200 MB file as
    Python dicts took 3 GB and 16 s."""
    import polars as pl

    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"[") and not _survey(raw).bad_total:
        frames: list = []
        found = _JsonFound(label=label)
        pos = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
        line = 1
        while pos < len(raw):
            end = raw.find(b"\n", min(pos + JSON_BLOCK, len(raw)))
            end = len(raw) if end < 0 else end + 1
            block = raw[pos:end]
            frame = _ndjson_block(block, line)
            if frame is None:
                frame = _json_lines(block.decode("utf-8").splitlines(), line, found)
            else:
                for name in frame.columns[:-1]:
                    _count_key(found, name)
            if frame is not None:
                frames.append(frame)
            line += block.count(b"\n")
            pos = end
        frame = pl.concat(frames, how="diagonal") if frames else None
        return _json_table(frame, raw, label, [], found)
    text, problems = _decode_reported(raw, label)
    stripped = text.lstrip()
    found = _JsonFound(label=label)
    if stripped.startswith("["):  # a JSON array of objects, as some tools write .json
        frame = _json_array(stripped, label, found)
    else:
        frame = _json_lines(text.splitlines(), 1, found)
    return _json_table(frame, raw, label, problems, found)


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


JSON_ARRAY_BATCH = 20_000  # objects of a JSON array made into a frame at a time


def _json_array(text: str, label: str, found: _JsonFound):
    """The objects of a JSON array as an all-text frame (row = the object's place), or None.

    Decoded whole, a 190 MB array took 1.6 GB of Python objects. Instead `json`'s C scanner
    only finds where each object ends, and every 20,000 objects are read by polars as a block
    of JSON Lines (an object's raw line breaks are whitespace: no string holds one), checked
    as JSON Lines blocks are; a block polars would read otherwise than `json` is decoded
    object by object, which names the odd ones (a key twice, nested values, not an object)."""
    import json
    import re

    import polars as pl

    scanner = json.JSONDecoder()
    decoder = json.JSONDecoder(object_pairs_hook=_first_of_pairs)
    space = re.compile(r"[ \t\r\n]*")

    def invalid(msg: str, at: int) -> DataError:
        return DataError(f"invalid JSON: {msg}", file=label, row=text.count("\n", 0, at) + 1)

    def framed(spans: list[tuple[int, int]], first: int):
        pieces = [text[a:b] for a, b in spans]
        block = "\n".join(p.replace("\n", " ").replace("\r", " ") for p in pieces) + "\n"
        frame = _ndjson_block(block.encode("utf-8"), first)
        if frame is None:
            items = ((first + k, decoder.decode(p)) for k, p in enumerate(pieces))
            return _json_records(items, found)
        for name in frame.columns[:-1]:
            _count_key(found, name)
        return frame

    frames, spans, done = [], [], 0
    pos = space.match(text, 1).end()
    closed = text.startswith("]", pos)
    while not closed:
        try:
            _item, end = scanner.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise DataError(f"invalid JSON: {exc.msg}", file=label, row=exc.lineno) from None
        except ValueError as exc:  # an integer of over 4,300 digits
            raise DataError(f"invalid JSON: {_short(exc).split(';')[0]}", file=label) from None
        except RecursionError:
            raise DataError(
                f"JSON nested too deeply (more than {MAX_JSON_DEPTH} levels)", file=label
            ) from None
        spans.append((pos, end))
        if len(spans) == JSON_ARRAY_BATCH:
            frames.append(framed(spans, done + 1))
            done, spans = done + len(spans), []
        pos = space.match(text, end).end()
        if text.startswith(",", pos):
            pos = space.match(text, pos + 1).end()
        elif text.startswith("]", pos):
            closed = True
        else:
            raise invalid("Expecting ',' delimiter", pos)
    after = space.match(text, pos + 1).end()
    if after < len(text):
        raise invalid("Extra data", after)
    if spans:
        frames.append(framed(spans, done + 1))
    frames = [f for f in frames if f is not None]
    return pl.concat(frames, how="diagonal") if frames else None


def _ndjson_block(block: bytes, first_line: int):
    """A block of JSON Lines read by polars, or None when polars would not read it exactly
    as `json` does line by line (so that path reads it and names the lines)."""
    import re

    import polars as pl

    if b"\\u" in block and re.search(rb"\\u[dD][89abAB]", block):
        return None  # polars reads an unpaired surrogate as NUL: line by line
    if _varied_keys(block):
        return None
    try:  # every line's keys and types (from the first 100 lines, a later key is dropped)
        frame = _free_row(pl.read_ndjson(io.BytesIO(block), infer_schema_length=None))
    except Exception:  # malformed, mixed types, not objects: line by line
        return None
    lines = block.count(b"\n") + (0 if block.endswith(b"\n") or not block.strip() else 1)
    if frame.height != lines or not frame.width:
        return None  # polars skips blank lines: the row numbers would be off
    if frame.select(pl.all_horizontal(pl.all().is_null()).any()).item():
        return None  # `{}` is a malformed line, `{"a": null}` is not: line by line
    # a key twice in one object (polars keeps the first value, silently): more `":` than
    # the keys present and the nulls written account for sends the block line by line
    nulls = int(sum(frame.null_count().row(0)))
    written_nulls = block.count(b": null") + block.count(b":null")
    if block.count(b'":') - written_nulls > frame.height * frame.width - nulls:
        return None
    nesting = re.search(rb":\s*[\[{]", block) is not None
    out = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.List(pl.Utf8):  # tags as a list of strings: `a|b`, as `json` reads it
            out.append(col.list.join("|"))
        elif not (dtype.is_numeric() or dtype in (pl.Utf8, pl.Boolean, pl.Null)):
            return None  # nested values: reported line by line
        elif dtype == pl.Utf8 and nesting:
            # polars makes an object or list mixed with strings in one column a string
            if frame.select(col.str.contains(r"^[\[{]").any()).item():
                return None
            out.append(col)
        else:
            out.append(col.cast(pl.Utf8))
    return frame.select(out).with_columns(
        pl.int_range(first_line, first_line + frame.height, dtype=pl.Int64).alias(ROW)
    )


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

    bad, deep, nested = sorted(found.bad), sorted(found.deep), found.nested
    if bad:
        problems.append(
            Problem(
                label,
                bad[0],
                None,
                "malformed JSON line (not an object); skipped",
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
                f"JSON nested more than {MAX_JSON_DEPTH} levels deep; line skipped",
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
                "text with an unpaired surrogate escape (such as \\ud800): shown as \ufffd",
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
                "the key twice in one object: the first value used",
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
                "nested JSON value (an object or a list of objects): kept as its JSON text",
                len(rows),
                rows[:5],
            )
        )
    if frame is None:
        first = min([*bad, *deep], default=None)
        if deep and first in deep:
            raise DataError(
                f"JSON nested more than {MAX_JSON_DEPTH} levels deep", file=label, row=first
            )
        raise DataError("no JSON records found", file=label, row=first)
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
