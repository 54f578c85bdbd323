"""A Parquet copy of every large text file once it is parsed, so the next run skips the parse.

Why: at 10M interactions parsing the CSV is most of loading, and a creator runs several
commands (or reopens the app) on the same export. The copy holds what `readers.read_table`
returned (the all-text frame with row numbers, the problems found while reading, a digest of
the file's bytes for the dataset fingerprint) under `cache_dir()/parsed/<key>/`, keyed by the
file's resolved path, size, modification time and inode, so an edited file is parsed again.
It is written by a background thread while the job goes on (the process waits for it at
exit), through `modelcache.write_atomic`, so a reader sees a whole copy or none; anything
unreadable is a miss, and so is a copy whose recorded key or Parquet checksum does not match
(another file's copy moved into this folder, an edited copy). The bytes themselves are
dropped once hashed, so a 450 MB file is not held in memory for the whole load.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from pathlib import Path

from kptui.engine.readers import TEXT_EXTS, RawTable, one_chunk, read_table
from kptui.engine.types import Problem

VERSION = "4"  # 4: modelcache's checksum; 3: key and Parquet checksum checked; 2: separator
MIN_BYTES = 4 * 1024 * 1024  # smaller files parse faster than a cache lookup pays back


def read(path: Path, *, use_cache: bool = True, max_rows: int | None = None) -> RawTable:
    """`readers.read_table(path, max_rows)`, from the Parquet copy when the file is
    unchanged."""
    key = _key(path) if use_cache else None
    if key is not None:
        cached = _load(key, path.name)
        if cached is not None:
            return cached
    table = read_table(path, max_rows=max_rows)
    if table.raw:
        table.raw_digest = hashlib.blake2b(table.raw, digest_size=16).digest()
        table.raw = b""
    if key is not None:
        threading.Thread(target=_save, args=(key, table), name="kptui-parsecache").start()
    return table


def _key(path: Path) -> str | None:
    if path.suffix.lower() not in TEXT_EXTS:
        return None
    try:
        st = path.stat()
        resolved = path.resolve()
    except OSError:
        return None
    if st.st_size < MIN_BYTES:
        return None
    from kptui.engine.modelcache import key

    return key("parsed", VERSION, resolved, st.st_size, st.st_mtime_ns, st.st_ino)


def _save(key: str, table: RawTable) -> None:
    from kptui.engine.modelcache import checksum, write_atomic

    def write(tmp: Path) -> None:
        table.frame.write_parquet(tmp / "table.parquet", compression="lz4", statistics=False)
        meta = {
            "version": VERSION,
            "key": key,
            "checksum": checksum(tmp / "table.parquet"),
            "label": table.label,
            "digest": table.raw_digest.hex(),
            "problems": [p.to_json() for p in table.problems],
            "separator": table.separator,
        }
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    # a cache that cannot be written only means the next run parses again
    with contextlib.suppress(Exception):
        write_atomic("parsed", key, write)


def _load(key: str, label: str) -> RawTable | None:
    import polars as pl

    from kptui.engine.modelcache import checksum, folder

    path = folder("parsed", key)
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("version") != VERSION or meta.get("label") != label:
            return None
        # another file's copy moved here, or an edited copy: parsed again, never trusted
        if meta.get("key") != key or meta.get("checksum") != checksum(path / "table.parquet"):
            return None
        frame = one_chunk(pl.read_parquet(path / "table.parquet"))
        problems = [Problem(**p) for p in meta["problems"]]
        digest = bytes.fromhex(meta["digest"])
    except Exception:  # missing, half-written by an older build, corrupt: parse again
        return None
    if len(digest) != 16:
        return None
    return RawTable(frame, label, b"", problems, raw_digest=digest, separator=meta.get("separator"))
