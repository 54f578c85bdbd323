"""The streamed row check gives the same answer whatever the chunk size (a cut can fall in a
quoted field, a CR-LF pair, a character or a line that looks like a row)."""

from __future__ import annotations

import io
import random

from kptui.engine import csvcheck


def _random_csv(rnd: random.Random) -> bytes:
    pieces = ["a", "bb", "学习", ",", ",", '"', '""', "\n", "\r\n", " ", "x,y,z", "\n\n"]
    body = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(5, 120)))
    return ("id,title,tags\n" + body).encode("utf-8")


def _answer(scan: csvcheck.Scan):
    return (
        scan.records,
        scan.header_fields,
        scan.bad,
        scan.bad_total,
        scan.runaway_quotes,
        scan.quotes,
        scan.located,
    )


def test_chunk_size_never_changes_the_answer() -> None:
    rnd = random.Random(18)
    for _ in range(400):
        data = _random_csv(rnd)
        spots = sorted(rnd.sample(range(len(data)), min(3, len(data))))
        whole = _answer(csvcheck.scan(data, ",", 3, locate=spots, chunk=1 << 20))
        for chunk in (1, 2, 3, 7, 16):
            assert _answer(csvcheck.scan(data, ",", 3, locate=spots, chunk=chunk)) == whole
        with io.BytesIO(data) as fh:  # the file reader's chunks, as readers.py feeds them
            scanner = csvcheck.Scanner(",", 3, spots)
            import numpy as np

            for base, block in csvcheck.file_chunks(fh, 0, 5):
                scanner.feed(base, np.frombuffer(block, dtype=np.uint8))
            assert _answer(scanner.finish(len(data))) == whole


def test_wrong_rows_runaways_and_places() -> None:
    data = b'id,title,tags\r\nv1,"a\r\nb",x\r\n\r\nv2,short\r\nv3,"open,1,2\nv4,t,u\nv5,t,u\n'
    found = csvcheck.scan(data, ",", 3, locate=[data.index(b"short")], chunk=4)
    assert found.bad == {3: 2, 4: 2}  # header 0; the CR-LF blank line is record 2; 4 runs away
    assert found.located == [(3, 1)]  # 'short' is in record 3, field 1
    assert found.runaway_quotes == {2: 2}  # the third quote opens a field that swallows 2 rows
    fixed, runaways, dropped, after = csvcheck.rescue(data, ",", 3, chunk=4)
    assert [(r.row, r.lines, r.closed) for r in runaways] == [(5, 2, False)]
    assert dropped == {5} and after.runaway_quotes == {} and after.bad == {3: 2}
    assert b"v4,t,u" in fixed and b"open" not in fixed


def _long_fields(data: bytes, limit: int) -> list[tuple[int, int, int, int]]:
    """Fields over `limit` bytes, byte by byte: a separator or newline outside quotes ends one."""
    out, record, fld, start, inside = [], 0, 0, 0, False
    for i, b in enumerate(data):
        if b == 34:
            inside = not inside
        elif not inside and b in (44, 10):
            if i - start > limit:
                out.append((record, fld, start, i - start))
            record, fld = (record + 1, 0) if b == 10 else (record, fld + 1)
            start = i + 1
    if len(data) - start > limit:
        out.append((record, fld, start, len(data) - start))
    return out


def test_long_fields_are_found_whatever_the_chunks(monkeypatch) -> None:
    """The fields over MAX_FIELD_BYTES (cut before polars reads them): the same at any chunk
    size as byte by byte, and the cut file keeps every record's field count."""
    monkeypatch.setattr(csvcheck, "MAX_FIELD_BYTES", 3)
    rnd = random.Random(7)
    for _ in range(300):
        data = _random_csv(rnd)
        want = _long_fields(data, 3)
        for chunk in (1, 2, 5, 16, 1 << 20):
            assert csvcheck.scan(data, ",", 3, chunk=chunk).long_fields == want
        before = csvcheck.scan(data, ",", 3)
        cut = csvcheck.cut_fields(lambda o, n, d=data: d[o : o + n], len(data), want)
        after = csvcheck.scan(cut, ",", 3)
        assert after.long_fields == [] and after.records == before.records
        assert after.bad == before.bad


def test_a_repair_leaves_no_runaway_quote_whatever_the_chunks(monkeypatch) -> None:
    """Each runaway quote's line is blanked until none is left, the same at any chunk size.
    On main a repair could close one runaway and leave the next one open (a quote closed by
    a quote on a blanked line runs on), so rows were still swallowed silently."""
    rnd = random.Random(3)
    pieces = ["a", "学习", ",", ",", '"', '""', "\n", "\r\n", "x,y,z", "v,t,u\n", 'q,"w,e\n']
    repaired = 0
    for _ in range(150):
        body = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(5, 120)))
        data = ("id,title,tags\n" + body).encode("utf-8")
        if not csvcheck.scan(data, ",", 3).runaway_quotes:
            continue
        answers = set()
        for chunk, rescan in ((1, 1), (3, 5), (7, 2), (1 << 20, 1 << 20)):
            monkeypatch.setattr(csvcheck, "RESCAN_CHUNK", rescan)
            monkeypatch.setattr(csvcheck, "RESCAN_TAIL", max(1, rescan // 4))
            fixed, runaways, dropped, after = csvcheck.rescue(data, ",", 3, chunk=chunk)
            again = csvcheck.scan(fixed, ",", 3)
            assert again.runaway_quotes == {} and after.runaway_quotes == {}
            blanked = {r.row - 1 for r in runaways}  # records of the blanked lines
            assert after.bad == {k: v for k, v in again.bad.items() if k not in blanked}
            assert dropped == {r.row for r in runaways} and len(fixed) == len(data)
            answers.add((fixed, tuple((r.row, r.lines, r.closed) for r in runaways)))
        assert len(answers) == 1
        repaired += 1
    assert repaired > 50
