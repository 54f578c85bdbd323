"""Load a creator's export: find the files, read them, map columns, type and validate values.

`load_dataset` is the one entry point (the CLI, the TUI, benchmarks and tests all use it).
Bad values are reported by file, row and column and the rest of the data is kept where that
is safe: a bad metric becomes null, a bad timestamp becomes null, a row without an ID, with
an unknown event or for an unknown video is dropped. Only a file that cannot be used at all
(unreadable, no required column, no rows) raises `DataError`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kptui.engine import parsecache, schema
from kptui.engine.readers import (
    MAX_FIELD,
    ROW,
    SUPPORTED_EXTS,
    RawTable,
    not_regular,
    peek_columns,
)
from kptui.engine.times import parse_times
from kptui.engine.types import EVENTS, VIDEO_COLUMNS, Dataset, Problem, Source
from kptui.errors import FIELD, DataError

if TYPE_CHECKING:
    import polars as pl

Progress = Callable[[str | None, float | None], None]
LOADER_VERSION = "3"
VIDEO_STEMS = ("videos", "video", "items", "item", "captions", "posts", "works", "视频", "作品")
INTERACTION_STEMS = (
    "interactions",
    "actions",
    "events",
    "user_actions",
    "behaviors",
    "behaviours",
    "行为",
    "互动",
)
SIDE_FILES = ("viewer_groups", "truth", "readme")
# Formats a creator may have saved an export in that kptui does not read: said, not skipped
# silently (a folder of videos.xls + interactions.csv said only "no videos file").
UNREAD_FORMATS = {
    ".xls": "old Excel format: save it as .xlsx or CSV",
    ".xlsb": "binary Excel format: save it as .xlsx or CSV",
    ".ods": "OpenDocument spreadsheet: save it as .xlsx or CSV",
    ".numbers": "Apple Numbers file: export it as CSV",
    ".gz": "gzip-compressed: decompress it first",
    ".7z": "7-Zip archive: extract it first",
    ".rar": "RAR archive: extract it first",
}
MAX_TAGS = 100  # per video; a cell with thousands of tags is cut (pair counts grow with n^2)
FULLWIDTH = [chr(c) for c in range(0xFF0B, 0xFF1A)]  # ＋，－．／０-９: input methods type them
MAX_VIDEOS = 2_000_000  # one creator's channel; more rows is not a videos table (and > 1 GB)


def load_dataset(
    paths: str | Path | Sequence[str | Path],
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
    salt_fn: Callable[[], bytes] | None = None,
) -> Dataset:
    """Load a dataset: a folder, a zip, or files. Platform and store exports are recognised
    from their headers (engine/exports); other files are kptui's own videos / interactions.
    `salt_fn` gives the key for buyers' hashed ids (default: kept in the data folder)."""
    report = progress or (lambda stage=None, fraction=None: None)
    items = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    if not items:
        raise DataError("no data path given")
    from kptui.engine.exports import assemble, holds_personal_data

    notices: list[Problem] = []
    files = _find_files(items, notices)
    files = _unrelated_skipped(files, items, mapping, notices)
    videos_raw: list[RawTable] = []
    inter_raw: list[RawTable] = []
    parts: list = []
    salt = salt_fn or _default_salt
    window = assemble.dataset_window(files)
    for i, path in enumerate(files):
        report(f"reading {path.name}", i / (len(files) + 1))
        if assemble.is_zip(path):
            found, rest = assemble.read_parts(
                list(assemble.zip_tables(path)), salt, window, mapping
            )
            parts.extend(found)
            for table in rest:  # a zip of kptui's own files
                role = _role(Path(table.label), table.frame.columns, mapping)
                if role is not None:
                    (videos_raw if role == "videos" else inter_raw).append(table)
            continue
        # a file with buyers' emails or names is never copied into the parse cache
        table = parsecache.read(
            path, use_cache=not holds_personal_data(path), max_rows=_videos_cap(path, items)
        )
        # exports are recognised first; a mapping applies on top (exports.mapping)
        found, _ = assemble.read_parts([(table, None)], salt, window, mapping)
        if found:
            parts.extend(found)
            continue
        role = _role(path, table.frame.columns, mapping)
        if role is None and path in items:
            role = "videos"  # a file named on purpose: say what is missing from it
        if role is None:
            continue
        (videos_raw if role == "videos" else inter_raw).append(table)
        inter_raw.extend(table.extra)  # a workbook's interactions sheet (readers says so)
    if not videos_raw and not parts:
        names = ", ".join(p.name for p in files)
        unread = [n for n in notices if n.message.startswith("not read: ")]
        hint = f"; {unread[0].file} is {unread[0].message}" if unread else ""
        raise DataError(
            f"no videos file found among: {names} "
            f"(expected a file named videos.* or one with video_id and title columns){hint}",
            file=str(items[0]),
        )
    report("checking values", len(files) / (len(files) + 1))
    dataset = _build(videos_raw, inter_raw, mapping, source=str(items[0]), parts=parts)
    if mapping:
        headers = [list(t.frame.columns) for t in (*videos_raw, *inter_raw)]
        notices += _unused_mapping(mapping, headers + [p.columns for p in parts])
    dataset.notices[:0] = notices
    report("done", 1.0)
    return dataset


def _unused_mapping(mapping: dict[str, str], headers: list[list[str]]) -> list[Problem]:
    """A mapped column that no file read has: said, so a typo does not pass unnoticed."""
    from kptui.engine.exports.values import header as clean

    have = {schema.header_key(clean(c)) for header in headers for c in header}
    return [
        Problem(
            "mapping",
            None,
            col,
            f"column {col!r} (mapped to {field!r}) is in no file read",
            severity="notice",
        )
        for col, field in mapping.items()
        if schema.header_key(clean(col)) not in have
    ]


def from_frames(
    videos: pl.DataFrame, interactions: pl.DataFrame | None = None, source: str = "memory"
) -> Dataset:
    """The same checks as for files, for frames built in memory (generators, tests)."""
    import polars as pl

    def raw(frame: pl.DataFrame, label: str) -> RawTable:
        text = frame.with_columns(
            # a list of tags becomes the `a|b` text an export would hold
            pl.col(c).list.eval(pl.element().cast(pl.Utf8)).list.join("|")
            if isinstance(t, pl.List)
            else pl.col(c).cast(pl.Utf8)
            for c, t in frame.schema.items()
            if not (t == pl.Datetime or isinstance(t, pl.Datetime))
        )
        text = text.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
        return RawTable(text, label)

    tables_i = [raw(interactions, "interactions")] if interactions is not None else []
    return _build([raw(videos, "videos")], tables_i, None, source=source)


def _find_files(items: list[Path], notices: list[Problem]) -> list[Path]:
    """Data files: the named ones, and a folder's regular files with a data extension.

    A FIFO, device or socket in a folder is skipped with a notice (opening one blocks or
    never ends); named on purpose, it is refused. Two files of one table in two formats
    (`videos.csv` and `videos.parquet`) are one table: the newest is read, with a notice.
    """
    files: list[Path] = []
    for item in items:
        why = not_regular(item)
        if why == "no such file":
            raise DataError("no such file or folder", file=str(item))
        if why == "a symbolic link loop":
            raise DataError("is a symbolic link loop", file=str(item))
        if why and why != "a folder, not a data file":
            # a FIFO, device or socket named on purpose: refused before anything opens it
            raise DataError(f"is {why}" if why.startswith("a ") else why, file=str(item))
        if item.is_dir():
            found, odd = [], []
            import os

            unread: list[tuple[str, str]] = []
            with os.scandir(item) as entries:  # d_type: no stat per ordinary file
                listing = sorted((e.name, e) for e in entries)
            for name, entry in listing:
                low = name.lower()
                ext = os.path.splitext(low)[1]
                if not name.startswith(".") and ext in UNREAD_FORMATS:
                    unread.append((name, UNREAD_FORMATS[ext]))
                    continue
                if name.startswith(".") or ext not in (*SUPPORTED_EXTS, ".zip"):
                    continue
                if low.startswith(SIDE_FILES):
                    continue
                try:
                    regular = entry.is_file()  # follows a symlink; False for FIFOs, devices
                    if regular and entry.is_symlink():  # to a kernel file (/proc/kmsg)?
                        regular = not_regular(item / name) is None
                except OSError:
                    regular = False
                (found if regular else odd).append(item / name)
            if odd:
                notices.append(
                    Problem(
                        item.name or str(item),
                        None,
                        None,
                        f"skipped {_names(odd)}: not regular files (FIFO, device, socket, "
                        "folder or broken link); only regular files are read",
                        len(odd),
                        severity="notice",
                    )
                )
            for name, why in unread[:5]:
                notices.append(Problem(name, None, None, f"not read: {why}", severity="notice"))
            found = _one_per_table(found, notices)
            if not found:
                exts = ", ".join(sorted(SUPPORTED_EXTS))
                hint = f"; {unread[0][0]}: {unread[0][1]}" if unread else ""
                raise DataError(
                    f"no data files in this folder (looked for {exts}){hint}", file=str(item)
                )
            files.extend(found)
        else:
            files.append(item)
    return files


def _names(paths: Sequence[Path], n: int = 5) -> str:
    shown = ", ".join(p.name for p in paths[:n])
    return shown + (f" and {len(paths) - n:,} more" if len(paths) > n else "")


def _one_per_table(found: list[Path], notices: list[Problem]) -> list[Path]:
    by_stem: dict[str, list[Path]] = {}
    for p in found:
        by_stem.setdefault(p.stem.casefold(), []).append(p)
    keep: list[Path] = []
    for group in by_stem.values():
        if len(group) == 1:
            keep.extend(group)
            continue
        newest = max(group, key=lambda p: (p.stat().st_mtime, p.suffix.lower() == ".parquet"))
        others = [p for p in group if p != newest]
        notices.append(
            Problem(
                newest.name,
                None,
                None,
                f"the same table in {len(group)} files: read {newest.name} (the newest), "
                f"skipped {_names(others)}",
                len(others),
                severity="notice",
            )
        )
        keep.append(newest)
    return sorted(keep)


def _known_stem(path: Path) -> bool:
    stem = path.stem.lower()
    return any(s in stem for s in (*INTERACTION_STEMS, *VIDEO_STEMS))


def _export_kind(columns: list[str]) -> str | None:
    """A platform or store export recognised from its header alone (engine/exports)."""
    from kptui.engine.exports import _match
    from kptui.engine.exports.values import header

    found = _match([schema.header_key(header(c)) for c in columns])
    return found[1] if found else None


def _unrelated_skipped(
    files: list[Path], items: list[Path], mapping: dict[str, str] | None, notices: list[Problem]
) -> list[Path]:
    """Files a folder holds besides the tables (config.json, thumbs.json, notes.csv): told
    apart by their header alone, skipped with one notice, never read in full, never fatal."""
    keep: list[Path] = []
    skipped: list[Path] = []
    empty: list[Path] = []
    roles: dict[tuple[str, ...], str | None] = {}  # junk files tend to share one header
    for path in files:
        if path not in items and _role(path, [], None) != "videos" and _is_empty(path):
            empty.append(path)  # an export with no events yet: nothing to read, not fatal
            continue
        if path in items or _known_stem(path) or path.suffix.lower() == ".zip":
            keep.append(path)
            continue
        columns = peek_columns(path)
        if columns is None and path.suffix.lower() in {".xlsx", ".xlsm"}:
            keep.append(path)  # a workbook's header needs the whole file: read it
            continue
        key = tuple(columns or ())
        if key not in roles:
            roles[key] = (
                (_role(path, columns, mapping) or _export_kind(columns)) if columns else None
            )
        if roles[key] is not None:
            keep.append(path)
        else:
            skipped.append(path)
    if empty:
        notices.append(
            Problem(
                empty[0].parent.name or str(empty[0].parent),
                None,
                None,
                f"skipped {_names(empty)}: empty file",
                len(empty),
                severity="notice",
            )
        )
    if skipped:
        notices.append(
            Problem(
                skipped[0].parent.name or str(skipped[0].parent),
                None,
                None,
                f"skipped {_names(skipped)}: not a videos or interactions table nor a "
                "known export (no video_id/title or user_id/event columns)",
                len(skipped),
                severity="notice",
            )
        )
    return keep


def _videos_cap(path: Path, items: list[Path]) -> int | None:
    """MAX_VIDEOS for a file that will be read as a videos table (by its first 64 KB and its
    name), so the reader refuses a huge one before parsing it; None otherwise (exports,
    interactions)."""
    columns = peek_columns(path) or []
    if _export_kind(columns) is not None:
        return None
    role = _role(path, columns, None) or ("videos" if path in items else None)
    return MAX_VIDEOS if role == "videos" else None


def _is_empty(path: Path) -> bool:
    """Zero bytes, or a few blanks (a BOM, a newline); a folder scan found it, so it is a
    regular file (one stat per file: 10,000 junk files stay cheap)."""
    try:
        size = path.stat().st_size
        if size > 8:
            return False
        return not size or not path.read_bytes().replace(b"\xef\xbb\xbf", b"").strip()
    except OSError:
        return False


def _role(path: Path, columns: list[str], mapping: dict[str, str] | None) -> str | None:
    stem = path.stem.lower()
    if any(s in stem for s in INTERACTION_STEMS):
        return "interactions"
    if any(s in stem for s in VIDEO_STEMS):
        return "videos"
    inter = schema.match_columns(columns, schema.INTERACTION_ALIASES, mapping)
    if all(f in inter for f in ("user_id", "event")):
        return "interactions"
    vids = schema.match_columns(columns, schema.VIDEO_ALIASES, mapping)
    if "title" in vids or "video_id" in vids:
        return "videos"
    return None


def _build(
    videos_raw: list[RawTable],
    inter_raw: list[RawTable],
    mapping: dict[str, str] | None,
    source: str,
    parts: Sequence = (),
) -> Dataset:
    import polars as pl

    from kptui.engine.exports import assemble

    problems: list[Problem] = []
    for table in (*videos_raw, *inter_raw):
        problems.extend(table.problems)
    sources = [Source(t.label, "kptui", "videos", 0) for t in videos_raw]
    sources += [Source(t.label, "kptui", "interactions", 0) for t in inter_raw]
    vframes = [_videos(t, mapping, problems) for t in videos_raw]
    for src, frame in zip(sources, vframes, strict=False):
        src.rows = frame.height
    merged = 0
    videos = None
    if vframes:
        videos = pl.concat(vframes, how="vertical") if len(vframes) > 1 else vframes[0]
        videos, merged = _merge_duplicates(videos, problems)
        videos = videos.select(list(VIDEO_COLUMNS))
    notices: list[Problem] = []
    interactions = None
    if parts:
        for part in parts:
            problems.extend(part.problems)
            notices.extend(part.notices)
        videos = assemble.merge_videos(videos, list(parts), notices)
        sales, videos, _ = assemble.sales_interactions(list(parts), videos, notices)
        if sales is not None:
            interactions = sales
    if inter_raw:
        iframes = [_interactions(t, mapping, problems) for t in inter_raw]
        for src, frame in zip(sources[len(videos_raw) :], iframes, strict=True):
            src.rows = frame.height
        if interactions is not None:
            iframes.append(interactions)
        interactions = pl.concat(iframes, how="vertical") if len(iframes) > 1 else iframes[0]
    if interactions is not None:
        interactions = _drop_unknown_videos(interactions, videos, problems)
        interactions = _duplicate_sales(interactions, problems)
        interactions = interactions.drop("_file", ROW)
    # what loses nothing is a notice, not a problem (duplicates merged, empty titles kept)
    notices += [p for p in problems if p.severity == "notice"]
    problems = [p for p in problems if p.severity != "notice"]
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"v{LOADER_VERSION}|{sorted((mapping or {}).items())}".encode())
    tables = [*videos_raw, *inter_raw, *(p.table for p in parts)]
    for table in tables:
        digest.update(table.label.encode())
        digest.update(_content_digest(table))
    return Dataset(
        videos=videos,
        interactions=interactions,
        files=[t.label for t in tables],
        problems=problems,
        duplicates_merged=merged,
        fingerprint=digest.hexdigest(),
        source=source,
        daily=assemble.stack(list(parts), "daily"),
        breakdowns=assemble.stack(list(parts), "breakdowns"),
        follower_activity=assemble.stack(list(parts), "follower_activity"),
        sources=[*sources, *(p.source for p in parts)],
        notices=notices,
    )


def _default_salt() -> bytes:
    from kptui.paths import buyer_salt

    return buyer_salt()


def _content_digest(table: RawTable) -> bytes:
    """What a table adds to the fingerprint: a digest of the file's bytes (the same whether
    the table was parsed now or read back from `parsecache`), else of the frame's rows."""
    if table.raw_digest:
        return table.raw_digest
    if table.raw:
        return hashlib.blake2b(table.raw, digest_size=16).digest()
    return _frame_bytes(table.frame)


def _frame_bytes(frame: pl.DataFrame) -> bytes:
    return frame.hash_rows(seed=7).to_numpy().tobytes()


# ---------------------------------------------------------------------------------------
# videos


def _videos(table: RawTable, mapping: dict[str, str] | None, problems: list[Problem]):
    import polars as pl

    frame = table.frame
    cols = schema.match_columns(
        [c for c in frame.columns if c != ROW], schema.VIDEO_ALIASES, mapping
    )
    _require(cols, schema.VIDEO_REQUIRED, frame.columns, table.label)
    _clashes(frame.columns, cols, schema.VIDEO_ALIASES, mapping, table.label, problems)
    if frame.height == 0:
        dropped = [p for p in table.problems if p.severity != "notice" and p.row]
        if dropped:  # every row was skipped: say why, not that there were none
            first = dropped[0]
            raise DataError(
                f"no row could be read: {first.message}", file=table.label, row=first.row
            )
        raise DataError("no rows (only a header)", file=table.label)
    if frame.height > MAX_VIDEOS:
        raise DataError(
            f"{frame.height:,} rows: more than the {MAX_VIDEOS:,} videos one dataset may hold "
            "(is it an interactions table? name it interactions.csv)",
            file=table.label,
        )
    out = frame.select(
        pl.col(ROW),
        *[
            (
                (pl.col(cols[f]).cast(pl.Utf8) if f in schema.VIDEO_TEXT else pl.col(cols[f]))
                if f in cols
                else pl.lit(None, dtype=pl.Utf8)
            ).alias(f)
            for f in (
                *schema.VIDEO_TEXT,
                *schema.VIDEO_NUMERIC,
                *schema.VIDEO_RATES,
                *schema.VIDEO_COUNTS,
                *schema.VIDEO_TIMES,
            )
        ],
    ).with_columns(pl.lit(table.label).alias("_file"))
    label = table.label
    out = _required_ids(out, ["video_id"], cols, label, problems)
    out = _totals_row(out, cols, label, problems)
    out = _text_limits(out, ["title", "description", "tags", "channel"], cols, label, problems)
    empty_title = out.filter(pl.col("title").is_null() | (pl.col("title").str.strip_chars() == ""))
    if empty_title.height:
        _report(
            problems,
            label,
            cols["title"],
            "empty title (kept; tag suggestion has less to go on)",
            empty_title[ROW],
        )
        problems[-1].severity = "notice"
    # each text column is rewritten only when some value needs it (a copy of every title of
    # a file of millions of rows is hundreds of MB)
    fixes = []
    if _needs(out["title"], r"^\s|\s$"):
        fixes.append(pl.col("title").fill_null("").str.strip_chars())
    if _needs(out["description"], r"^\s*UNKNOWN\s*$|\\n"):
        # KuaiRec writes `UNKNOWN` for a video without cover text: no description at all.
        fixes.append(
            pl.when(pl.col("description").str.strip_chars() == "UNKNOWN")
            .then(pl.lit(""))
            .otherwise(
                pl.col("description").fill_null("").str.replace_all("\\n", "\n", literal=True)
            )
            .alias("description")
        )
    if _needs(out["channel"], r"^\s|\s$"):
        fixes.append(pl.col("channel").str.strip_chars())
    out = out.with_columns(fixes).with_columns(
        pl.col("title").fill_null(""), pl.col("description").fill_null("")
    )
    comma = table.separator == ";"
    for f in schema.VIDEO_NUMERIC:
        out = _numeric(out, f, cols.get(f), label, problems, integer=False, decimal_comma=comma)
    for f in schema.VIDEO_RATES:
        out = _rate(out, f, cols.get(f), label, problems, decimal_comma=comma)
    for f in schema.VIDEO_COUNTS:
        out = _numeric(out, f, cols.get(f), label, problems, integer=True, decimal_comma=comma)
    for f in schema.VIDEO_TIMES:
        out = _timestamps(out, f, cols.get(f), label, problems)
    out = out.with_columns(pl.col("price").fill_null(0.0))
    out = out.with_columns(_tag_lists(out).alias("tags"))
    n_tags = out["tags"].list.len()
    over = out.filter(n_tags > MAX_TAGS)
    if over.height:
        most = int(n_tags.max())
        _report(
            problems,
            label,
            cols.get("tags"),
            f"more than {MAX_TAGS} tags on one video (up to {most:,}); kept the first {MAX_TAGS}",
            over[ROW],
        )
        out = out.with_columns(pl.col("tags").list.head(MAX_TAGS))
    return out


def _tag_lists(out: pl.DataFrame) -> pl.Series:
    """Each video's tags: its tags cell split (tagparse), then #hashtags of title and description.

    Why not one Python call per row: a file of millions of rows would spend most of its load
    there (a loop over the 626k rows with a `#` took 2.7 of 4.8 s at 1.5M rows). A tags cell
    is parsed once per distinct value (exports repeat them); hashtags are found by polars
    (`tagparse.hashtag_lists`, the same rule as `tagparse.hashtags`) and merged as
    `tagparse.dedupe` merges them (own tags, then each hashtag whose key is new in its row)
    on integer keys, one per distinct tag. The lists are gathered once at the end, from the
    distinct cells' lists and those of the rows that gained a hashtag (a join of every row's
    list and a merge of the lists as text took 670 MB and 3.3 s at 1.5M rows).
    """
    import numpy as np
    import polars as pl

    from kptui.engine import tagparse

    cells = out["tags"].unique().drop_nulls()
    own = [tagparse.split_tags(c) for c in cells.to_list()]
    ids: dict[str, int] = {}

    def key(tag: str) -> int:
        return ids.setdefault(tagparse.normalize_tag(tag), len(ids))

    cell_keys = pl.Series([[key(t) for t in tags] for tags in own], dtype=pl.List(pl.Int64))
    # each row's cell as an index into `own`; no cell is the empty list after them
    cell = (
        out["tags"]
        .replace_strict(cells, pl.int_range(len(cells), eager=True), default=len(cells))
        .cast(pl.Int64)
        .to_numpy(writable=True)
    )
    lists = pl.Series("tags", [*own, []], dtype=pl.List(pl.Utf8))
    hashed = out["title"].str.contains("[#＃]").fill_null(False) | out["description"].str.contains(
        "[#＃]"
    ).fill_null(False)
    at = hashed.arg_true()
    empty = pl.lit([], dtype=pl.List(pl.Utf8))
    # per row the title's then the description's hashtags, one a row of a long frame
    long = (
        out.select("title", "description")[at]
        .select(
            pl.Series("_i", at, dtype=pl.Int64),
            pl.concat_list(
                tagparse.hashtag_lists(pl.col("title")).fill_null(empty),
                tagparse.hashtag_lists(pl.col("description")).fill_null(empty),
            ).alias("_x"),
        )
        .explode("_x")
        .filter(pl.col("_x").is_not_null())
    )
    if long.height:
        distinct = long["_x"].unique()
        codes = pl.Series([key(v) for v in distinct.to_list()], dtype=pl.Int64)
        dropped = sorted(ids[k] for k in ("", *tagparse._NONE_MARKERS) if k in ids)
        n = len(ids)
        mine = (  # (row, key) of each row's own tags: a hashtag already there adds nothing
            pl.DataFrame(
                {
                    "_i": at,
                    "_k": pl.concat([cell_keys, pl.Series([[]], dtype=pl.List(pl.Int64))]).gather(
                        cell[at.to_numpy()]
                    ),
                }
            )
            .explode("_k")
            .select((pl.col("_i").cast(pl.Int64) * n + pl.col("_k")).alias("_rk"))
            .drop_nulls()["_rk"]
        )
        rk = pl.col("_i") * n + pl.col("_x").replace_strict(distinct, codes)
        new = (
            long.with_columns(rk.alias("_rk"))
            .filter(~(pl.col("_rk") % n).is_in(dropped))
            .filter(pl.col("_rk").is_first_distinct())
            .filter(~pl.col("_rk").is_in(mine.implode()))
        )
        del long
        if new.height:
            gained = new.group_by("_i", maintain_order=True).agg("_x")
            rows = gained["_i"].to_numpy()
            merged = pl.select(
                pl.concat_list(pl.lit(lists.gather(cell[rows])), pl.lit(gained["_x"]))
            ).to_series()
            cell[rows] = len(lists) + np.arange(len(rows))
            lists = pl.concat([lists, merged.alias("tags")])
    return lists.gather(cell)


def _needs(values: pl.Series, pattern: str) -> bool:
    """Whether any value of a text column matches `pattern` (nulls do not)."""
    return bool(values.str.contains(pattern).any())


def _merge_duplicates(videos: pl.DataFrame, problems: list[Problem]):
    """A trending export lists a video once per day: keep its latest row."""
    import polars as pl

    ids = videos["video_id"].sort()  # a sort is a fraction of a hash table's memory
    if not (ids == ids.shift(1)).any():
        return videos, 0
    del ids
    first = videos.filter(pl.col("video_id").is_duplicated())
    dups = first.group_by("video_id").len()
    merged = int(dups["len"].sum() - dups.height)
    rows = first.group_by("video_id", maintain_order=True).agg(pl.col(ROW).slice(1))
    examples = sorted(r for lst in rows[ROW].to_list() for r in lst)[:5]
    problems.append(
        Problem(
            str(first["_file"][0]),
            examples[0] if examples else None,
            "video_id",
            f"duplicate video_id: {dups.height} video(s) listed more than once, {merged} extra "
            "row(s) merged (kept the latest by snapshot date, else the last row)",
            merged,
            examples,
            severity="notice",
        )
    )
    order = videos.with_row_index("_order")
    kept = (
        order.sort(["snapshot_at", "_order"], nulls_last=False)
        .unique(subset="video_id", keep="last", maintain_order=True)
        .sort("_order")
        .drop("_order")
    )
    return kept, merged


# ---------------------------------------------------------------------------------------
# interactions


def _interactions(table: RawTable, mapping: dict[str, str] | None, problems: list[Problem]):
    import polars as pl

    frame = table.frame
    label = table.label
    cols = schema.match_columns(
        [c for c in frame.columns if c != ROW], schema.INTERACTION_ALIASES, mapping
    )
    _require(cols, schema.INTERACTION_REQUIRED, frame.columns, label)
    _clashes(frame.columns, cols, schema.INTERACTION_ALIASES, mapping, label, problems)
    fields = ("user_id", "video_id", "event", "ts", "watch_s", "amount")
    out = frame.select(
        pl.col(ROW),
        *[(pl.col(cols[f]) if f in cols else pl.lit(None, dtype=pl.Utf8)).alias(f) for f in fields],
    ).with_columns(pl.lit(label).alias("_file"))
    out = _required_ids(out, ["user_id", "video_id"], cols, label, problems)
    # each distinct spelling is mapped once (millions of rows hold a handful of events)
    raw = out["event"].cast(pl.Utf8)
    spellings = raw.unique().drop_nulls().to_list()
    known = dict(schema.EVENT_ALIASES)
    mapped = {v: known.get(v.strip().lower()) for v in spellings}
    out = out.with_columns(
        raw.replace_strict(
            {k: v for k, v in mapped.items() if v is not None}, default=None, return_dtype=pl.Utf8
        ).alias("event")
    )
    bad = out["event"].is_null()
    if bad.any():
        at = bad.arg_true()
        seen = raw.gather(at).unique(maintain_order=True).head(5).to_list()
        values = ["(empty)" if v is None else v.strip().lower() for v in seen]
        values = list(dict.fromkeys(values))
        _report(
            problems,
            label,
            cols["event"],
            f"unknown event {', '.join(repr(v) for v in values)} "
            f"(known: {', '.join(EVENTS)}); rows skipped",
            out[ROW].gather(at),
        )
        out = out.filter(~bad)
    del raw
    out = _timestamps(out, "ts", cols.get("ts"), label, problems)
    comma = table.separator == ";"
    for f in ("watch_s", "amount"):
        out = _numeric(out, f, cols.get(f), label, problems, integer=False, decimal_comma=comma)
    return out


def _drop_unknown_videos(interactions: pl.DataFrame, videos: pl.DataFrame, problems):

    unknown = ~interactions["video_id"].is_in(videos["video_id"].implode())  # one mask, no join
    if not unknown.any():
        return interactions
    at = unknown.arg_true()
    ids = interactions["video_id"].gather(at).unique(maintain_order=True).head(3).to_list()
    _report(
        problems,
        str(interactions["_file"][int(at[0])]),
        "video_id",
        f"interaction for a video not in the videos file ({', '.join(map(repr, ids))}); "
        "rows skipped",
        interactions[ROW].gather(at),
    )
    return interactions.filter(~unknown)


def _duplicate_sales(interactions: pl.DataFrame, problems):
    """The same sale listed twice (an orders file exported twice and joined, or one order in
    two files): same buyer, item, time to the second and amount. Revenue and buyers counted
    it twice, silently; now once, said as a problem. Only timed purchases are checked: two
    views in one second can both be real, and untimed rows cannot be told apart."""
    import polars as pl

    timed_buy = (pl.col("event") == "purchase") & pl.col("ts").is_not_null()
    buys = interactions.lazy().with_row_index("_i").filter(timed_buy).collect()
    if buys.height < 2:
        return interactions
    extra = buys.filter(~pl.struct("user_id", "video_id", "ts", "amount").is_first_distinct())
    if not extra.height:
        return interactions
    _report(
        problems,
        str(extra["_file"][0]),
        None,
        "the same purchase listed again (same buyer, item, time and amount as an earlier "
        "row): counted once (a file exported twice?)",
        extra[ROW],
    )
    drop = pl.Series(extra["_i"]).implode()
    return interactions.with_row_index("_i").filter(~pl.col("_i").is_in(drop)).drop("_i")


# ---------------------------------------------------------------------------------------
# values


def _require(cols: dict[str, str], required: Sequence[str], columns: list[str], label: str):
    missing = [f for f in required if f not in cols]
    if not missing:
        return
    found = [c for c in columns if c != ROW]
    shown = ", ".join(found[:8]) + (", ..." if len(found) > 8 else "")
    hint = ""
    if len(found) == 1 and any(s in found[0] for s in ";\t|:"):
        hint = " (one column only: is the delimiter one of , ; tab |?)"
    elif missing:
        hint = f" (use {FIELD} COLUMN={missing[0]} if it has another name)"
    raise DataError(
        f"missing required column {', '.join(repr(m) for m in missing)}; found: {shown}{hint}",
        file=label,
        row=1,
        column=missing[0],
        field="map" if FIELD in hint else None,
    )


def _clashes(columns, cols, aliases, mapping, label: str, problems: list[Problem]) -> None:
    """Two columns that could both be one field: say which one is used and why."""
    for field, used, ignored, why in schema.clashes(
        [c for c in columns if c != ROW], cols, aliases, mapping
    ):
        names = ", ".join(repr(c) for c in ignored)
        problems.append(
            Problem(
                label,
                1,
                used,
                f"{len(ignored) + 1} columns could be {field}: used {used!r} ({why}), "
                f"ignored {names} (map a column to {field} to choose another)",
                len(ignored),
                [1],
            )
        )


def _report(problems: list[Problem], file: str, column: str | None, message: str, rows) -> None:
    """One problem with its count and the first five row numbers."""
    first = [int(r) for r in rows.head(5).to_list()]
    problems.append(Problem(file, first[0] if first else None, column, message, len(rows), first))


def _examples(values: pl.Series, n: int = 3) -> str:
    """The first few distinct offending values, quoted (each cut to 40 characters)."""
    import polars as pl

    shown = values.cast(pl.Utf8).unique(maintain_order=True).head(n).to_list()
    return ", ".join(repr(v if v is None or len(v) <= 40 else v[:39] + "…") for v in shown)


_ZERO_WIDTH = "[\u200b-\u200d\u2060\ufeff]"
# A spreadsheet's totals row in a videos file: the sum of every video's views, not a video.
_TOTAL_IDS = frozenset({"total", "totals", "grand total", "sum", "合计", "总计", "汇总", "总和"})


def _totals_row(out, cols: dict[str, str], label: str, problems):
    """`out` without rows whose video_id is `Total` / 合计 (any case) and that have no title."""
    import polars as pl

    total = pl.col("video_id").str.to_lowercase().is_in(list(_TOTAL_IDS)) & (
        pl.col("title").is_null() | (pl.col("title").str.strip_chars() == "")
    )
    rows = out.filter(total)
    if not rows.height:
        return out
    _report(
        problems,
        label,
        cols["video_id"],
        f"a totals row (video_id {_examples(rows['video_id'])}, no title): not a video; skipped",
        rows[ROW],
    )
    return out.filter(~total)


def _required_ids(out, fields: list[str], cols: dict[str, str], label: str, problems):
    """IDs are text. A float ID column (Parquet or JSON written by pandas from a column with a
    gap) holds whole numbers: `123.0` is 123, as the videos file spells it; otherwise no
    interaction matched its video."""
    import polars as pl

    whole = [
        f
        for f in fields
        if out[f].dtype.is_float()
        and bool(((out[f] == out[f].round(0)) & (out[f].abs() < 2**53)).fill_null(True).all())
    ]
    out = out.with_columns(pl.col(f).cast(pl.Int64) for f in whole)
    # one scan per column says whether it needs a copy: spaces around, or a zero-width
    # character inside (`v1` + U+200B, pasted from a web page, would be a video of its own)
    fix = [
        f for f in fields if out[f].dtype != pl.Utf8 or _needs(out[f], r"^\s|\s$|" + _ZERO_WIDTH)
    ]
    out = out.with_columns(pl.col(f).cast(pl.Utf8).str.strip_chars() for f in fix)
    for f in fix:
        if _needs(out[f], _ZERO_WIDTH):
            hidden = out.filter(pl.col(f).str.contains(_ZERO_WIDTH))
            _report(problems, label, cols[f], f"zero-width characters in {f}; removed", hidden[ROW])
            problems[-1].severity = "notice"
            out = out.with_columns(pl.col(f).str.replace_all(_ZERO_WIDTH, "").str.strip_chars())
    for f in fields:
        bad = out.filter(pl.col(f).is_null() | (pl.col(f) == ""))
        if bad.height:
            _report(problems, label, cols[f], f"empty {f}; rows skipped", bad[ROW])
            out = out.filter(pl.col(f).is_not_null() & (pl.col(f) != ""))
    return out


def _text_limits(out, fields: list[str], cols: dict[str, str], label: str, problems):
    import polars as pl

    for f in fields:
        if f not in cols:
            continue
        long = out.filter(pl.col(f).str.len_chars() > MAX_FIELD)
        if long.height:
            _report(
                problems,
                label,
                cols[f],
                f"text longer than {MAX_FIELD:,} characters; cut to that length",
                long[ROW],
            )
            out = out.with_columns(pl.col(f).str.slice(0, MAX_FIELD))
    return out


# Values beyond these are not a misprint we can guess at: reported per row and left empty.
PLAUSIBLE_MAX: dict[str, tuple[float, str]] = {
    "duration_s": (86_400, "longer than a day"),
    "avg_view_s": (86_400, "longer than a day"),
    "watch_s": (86_400, "longer than a day"),
    "price": (1e7, "above 10,000,000"),
    "amount": (1e7, "above 10,000,000"),
    "revenue": (1e12, "above 10^12"),
    "watch_hours": (1e12, "above 10^12"),
}
COUNT_MAX = 1e12  # no video has a trillion views; also keeps counts inside Int64


def _numeric(
    out,
    field: str,
    column: str | None,
    label: str,
    problems,
    integer: bool,
    decimal_comma: bool = False,
):
    """Numbers as exports write them: `1,234`, `1.2万`, `3亿`, `123,5` in a `;` file; NaN, inf,
    negatives, fractional counts and implausible sizes reported by row, value left empty."""
    import polars as pl

    dtype = pl.Int64 if integer else pl.Float64
    if column is None:
        return out.with_columns(pl.lit(None, dtype=dtype).alias(field))
    src = out[field]
    if integer and decimal_comma and src.dtype == pl.Utf8:
        src = _thousands_dots(src, label, column, out[ROW], problems)
    fast = None
    if not src.dtype.is_numeric():
        # Plain numbers (most files, every row of a 10M export) cast directly; only a column
        # with a value that does not (`1,234`, `1.2万`, spaces) takes the cleaning below,
        # which gives the same number for plain values.
        fast = src.cast(pl.Float64, strict=False)
        plain = src.is_null() | fast.is_not_null() | (src == "")
        if not plain.all():
            fast = None
    if src.dtype.is_numeric() or fast is not None:
        values = src.cast(pl.Float64) if fast is None else fast
        text = src.cast(pl.Utf8)
    else:
        text = src.cast(pl.Utf8).str.strip_chars()
        cleaned = text.str.replace_all(r"\s", "")
        if cleaned.str.contains(r"[\uff0b-\uff19]").any():  # fullwidth １２３．５, as CJK
            cleaned = cleaned.str.replace_many(FULLWIDTH, [chr(ord(c) - 0xFEE0) for c in FULLWIDTH])
        if field in MONEY:
            cleaned = _currency(cleaned, label, column, out[ROW], problems)
        cleaned = _commas(cleaned, decimal_comma, label, column, out[ROW], problems)
        scale = (
            pl.when(cleaned.str.ends_with("万"))
            .then(1e4)
            .when(cleaned.str.ends_with("亿"))
            .then(1e8)
            .otherwise(1.0)
        )
        number = (
            cleaned.str.strip_suffix("万").str.strip_suffix("亿").cast(pl.Float64, strict=False)
        )
        values = pl.select(number * scale).to_series()
        if field in DURATIONS and text.str.contains(r"\d:\d|\d\s*[秒分hms小]").any():
            from kptui.engine.exports import values as forms

            # `1:30`, `0:01:10`, `1分20秒`, `2m 5s`, as exports write durations
            clock = forms.seconds(text)  # `99:99` is not a time: minutes and seconds < 60
            values = values.fill_null(
                clock.set(text.str.contains(r":[6-9]\d").fill_null(False), None)
            )
    # -0 is 0 (a "-0.00" price is a misread too; polars drops `+ 0.0` as a no-op)
    values = pl.select(pl.when(values == 0).then(0.0).otherwise(values)).to_series()
    present = text.is_not_null() & (text != "")
    is_bad = present & (
        values.is_null() | values.is_nan().fill_null(False) | values.is_infinite().fill_null(False)
    )
    negative = present & ~is_bad & (values < 0).fill_null(False)
    limit, why = PLAUSIBLE_MAX.get(field, (COUNT_MAX if integer else float("inf"), ""))
    if integer and not why:
        why = "above 10^12"
    huge = present & ~is_bad & ~negative & (values > limit).fill_null(False)
    fraction = (
        present & ~is_bad & ~negative & ~huge & (values != values.round(0)).fill_null(False)
        if integer
        else pl.repeat(False, len(values), eager=True)
    )
    frame = out.with_columns(
        pl.Series("_bad", is_bad),
        pl.Series("_neg", negative),
        pl.Series("_huge", huge),
        pl.Series("_frac", fraction),
        pl.Series("_v", values),
    )
    for flag, message in (
        ("_bad", "not a number ({}); value left empty"),
        ("_neg", "negative value ({}); value left empty"),
        ("_huge", f"implausible value ({{}}: {why}); value left empty"),
        ("_frac", "not a whole number ({}) for a count; value left empty"),
    ):
        at = frame[flag].arg_true()  # only two columns gathered, never the whole frame
        if at.len():
            shown = _examples(frame[field].gather(at))
            _report(problems, label, column, message.format(shown), frame[ROW].gather(at))
    drop = pl.col("_bad") | pl.col("_neg") | pl.col("_huge") | pl.col("_frac")
    cleaned_values = pl.when(drop).then(None).otherwise(pl.col("_v"))
    if integer:
        cleaned_values = cleaned_values.round(0)
    return frame.with_columns(cleaned_values.cast(dtype).alias(field)).drop(
        "_bad", "_neg", "_huge", "_frac", "_v"
    )


def _rate(out, field: str, column: str | None, label: str, problems, decimal_comma: bool):
    """Rates are kept as fractions 0..1 (the funnel multiplies views by completion_rate), but
    files write `12.5%`, per cent without the sign (12.5, as YouTube's `(%)` columns) or
    fractions (0.125). A `%` is always per cent, and a column with a bare value above 1 is in
    per cent, said in a notice: the rule exports.values.rate applies to platform exports. A
    `ctr` of 12.5 was kept as 1,250%, silently."""
    import polars as pl

    if column is None or out[field].dtype != pl.Utf8:
        pct = pl.repeat(False, out.height, eager=True)
    else:
        text = out[field].str.strip_chars()
        pct = text.str.ends_with("%").fill_null(False)
        if pct.any():
            out = out.with_columns(text.str.strip_suffix("%").alias(field))
    out = _numeric(out, field, column, label, problems, integer=False, decimal_comma=decimal_comma)
    values = out[field]
    bare = values.filter(~pct).drop_nulls()
    in_per_cent = bool(bare.len() and (bare.abs() > 1.0).any())
    if not (pct.any() or in_per_cent):
        return out
    if in_per_cent:
        over = (~pct & (values.abs() > 1.0)).fill_null(False)
        _report(
            problems,
            label,
            column,
            f"values above 1 ({_examples(values.filter(over), 2)}) read as per cent, the whole "
            "column so (12.5 = 12.5%)",
            out[ROW].filter(over),
        )
        problems[-1].severity = "notice"
    scaled = pl.when(pl.lit(pct) | in_per_cent).then(pl.col(field) / 100.0)
    return out.with_columns(scaled.otherwise(pl.col(field)).alias(field))


MONEY = ("price", "amount", "revenue")
DURATIONS = ("duration_s", "avg_view_s", "watch_s")
# A currency written before a price or after it: `¥199.00`, `$1,299`, `US$5`, `USD 5`, `199元`.
_CURRENCY_BEFORE = r"^([+\-]?)(US\$|HK\$|NT\$|[A-Z]{3}|[$¥￥€£₩₹])"
_CURRENCY_AFTER = r"(元|块|[A-Z]{3})$"
_SAME_CURRENCY = {"¥": "CNY", "￥": "CNY", "元": "CNY", "块": "CNY", "RMB": "CNY", "$": "USD"}
_SAME_CURRENCY |= {"US$": "USD", "€": "EUR", "£": "GBP", "₩": "KRW", "₹": "INR"}


def _currency(cleaned, label: str, column: str, rows, problems):
    """Store exports write prices with their currency (`¥199.00`, `199元`, `USD 5`): the symbol
    is dropped, in a notice; two currencies in one column are a problem (the amounts are not
    converted), never summed silently. They were 'not a number', left empty: a paid course
    read as free."""
    import polars as pl

    before = cleaned.str.extract(_CURRENCY_BEFORE, 2)
    after = cleaned.str.extract(_CURRENCY_AFTER, 1)
    found = before.fill_null(after)
    has = found.is_not_null()
    if not has.any():
        return cleaned
    stripped = cleaned.str.replace(_CURRENCY_BEFORE, "$1").str.replace(_CURRENCY_AFTER, "")
    kinds = sorted({_SAME_CURRENCY.get(c, c) for c in found.drop_nulls().unique().to_list()})
    shown = _examples(cleaned.filter(has), 2)
    if len(kinds) > 1:
        message = (
            f"{len(kinds)} currencies in one column ({', '.join(kinds)}; e.g. {shown}): "
            "read as numbers, not converted"
        )
        _report(problems, label, column, message, rows.filter(has))
    else:
        _report(
            problems, label, column, f"currency dropped ({shown}; {kinds[0]})", rows.filter(has)
        )
        problems[-1].severity = "notice"
    return pl.select(pl.when(has).then(stripped).otherwise(cleaned)).to_series()


def _thousands_dots(src, label: str, column: str, rows, problems):
    """A count written `1.234` or `12.345.678` in a `;` file (European spreadsheets group
    thousands with dots): 1234, said so; it was left empty as a fractional count."""
    dotted = src.str.contains(r"^\s*[-+]?\d{1,3}(\.\d{3})+\s*$").fill_null(False)
    if not dotted.any():
        return src
    _report(
        problems,
        label,
        column,
        f"dots in a ';' file ({_examples(src.filter(dotted), 2)}) read as thousands "
        "separators (1.234 = 1234)",
        rows.filter(dotted),
    )
    problems[-1].severity = "notice"
    return src.zip_with(~dotted, src.str.replace_all(".", "", literal=True))


def _commas(cleaned, decimal_comma: bool, label: str, column: str, rows, problems):
    """`1,234` is a thousands separator, except in a column that also holds `123,5` or `0,25`
    (decimal commas, as European spreadsheets write), whatever the file's separator: a tab
    file's `123,5` was 1235, and a quoted `"99,90"` in a comma file 9990, silently. A column
    with both `123,5` and `1,234.5` has no safe reading: its decimal-comma values are
    reported as not numbers. An ambiguous `;` column (only `1,234` forms) is read as thousands and
    reported, never guessed silently."""

    has_comma = cleaned.str.contains(",", literal=True).fill_null(False)
    if not has_comma.any():
        return cleaned
    decimal_form = cleaned.str.contains(r"^[-+]?[\d.]*\d,(\d{1,2}|\d{4,})(万|亿)?$").fill_null(
        False
    )
    if not decimal_form.any() and not decimal_comma:
        return cleaned.str.replace_all(",", "", literal=True)
    sample = _examples(cleaned.filter(has_comma), 2)
    picked = rows.filter(has_comma)
    point_form = cleaned.str.contains(r"^[-+]?\d{1,3}(,\d{3})+\.\d+$").fill_null(False)
    if decimal_form.any() and point_form.any():  # kept as they are: "not a number" each
        return cleaned.zip_with(decimal_form, cleaned.str.replace_all(",", "", literal=True))
    if decimal_form.any():
        _report(
            problems,
            label,
            column,
            f"decimal commas ({sample}): read as decimal points, e.g. 123,5 = 123.5",
            picked,
        )
        problems[-1].severity = "notice"
        return cleaned.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    _report(
        problems,
        label,
        column,
        f"commas in a ';' file ({sample}) read as thousands separators (1,234 = 1234); if "
        "they are decimal commas, save the file with decimal points",
        picked,
    )
    return cleaned.str.replace_all(",", "", literal=True)


TIME_RANGE = (1970, 2100)  # years a post, a view or a sale can plausibly carry


def _timestamps(out, field: str, column: str | None, label: str, problems):
    """Timestamps parsed (engine/times); values not understood and values outside 1970-2099
    (year 0, 9999, -2024: no export means them, and Python's dates stop at year 1) are
    reported by row and left empty."""
    import datetime as dt

    import polars as pl

    if column is None:
        return out.with_columns(pl.lit(None, dtype=pl.Datetime("us")).alias(field))
    src = out[field]
    parsed = parse_times(src)
    # blank is empty, not bad: looked at only where nothing was read (a stripped copy of
    # every value was 3.4M strings to find none)
    at = (src.is_not_null() & parsed.is_null()).arg_true()
    if at.len() and src.dtype == pl.Utf8:
        at = at.filter(src.gather(at).str.strip_chars() != "")
    if at.len():
        _report(
            problems,
            label,
            column,
            f"timestamp not understood ({_examples(src.gather(at))}); left empty",
            out[ROW].gather(at),
        )
    low, high = (dt.datetime(y, 1, 1) for y in TIME_RANGE)
    outside = (parsed.is_not_null() & ((parsed < low) | (parsed >= high))).fill_null(False)
    at = outside.arg_true()
    if at.len():
        _report(
            problems,
            label,
            column,
            f"timestamp outside {TIME_RANGE[0]}-{TIME_RANGE[1] - 1} "
            f"({_examples(src.gather(at))}); left empty",
            out[ROW].gather(at),
        )
        parsed = pl.select(pl.when(outside).then(None).otherwise(parsed)).to_series()
    return out.with_columns(parsed.alias(field))
