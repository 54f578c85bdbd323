"""The SQLite plumbing under the workspace: opening safely, migrating forward, retrying locks.

Why each piece is here:
- The file is checked *before* anything could write to it (header, application id, schema
  version, ``PRAGMA quick_check``), so a damaged, foreign or newer file is reported and left
  byte-for-byte as it was.
- WAL lets the TUI read while a CLI call writes; ``synchronous=FULL`` makes a commit that has
  returned survive a power cut too, not only a killed process.
- Every write is ``BEGIN IMMEDIATE`` ... ``COMMIT``: taking the write lock up front avoids the
  read-to-write upgrade deadlock that a busy timeout cannot resolve, and one change is one
  transaction, so a kill loses at most the change in flight.
- SQLite's busy handler waits a little; `retry` waits longer with jittered back-off, so "database
  is locked" never reaches a user, only a plain "busy" message after the deadline.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from kptui.errors import WorkspaceError

T = TypeVar("T")

APPLICATION_ID = 0x6B707475  # "kptu": marks the file as ours in the SQLite header
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 2000  # SQLite's own wait per attempt; `retry` loops around it
DEFAULT_TIMEOUT_S = 30.0  # total wait for a lock before we give up with a clear message

FRESH_HINT = "use --workspace NEWFILE for a fresh workspace, or move this file aside"

# Forward migrations: MIGRATIONS[i] takes a file from schema version i to i + 1. Never edit a
# released entry; append a new one. Each runs in the same transaction as its user_version bump.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE drafts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',          -- JSON array of strings
        personas TEXT NOT NULL DEFAULT '[]',      -- JSON array of persona ids (ints)
        publish_at TEXT,                          -- planned local time, 'YYYY-MM-DD[THH:MM]'
        publish_hour INTEGER CHECK (publish_hour BETWEEN 0 AND 23),
        publish_hour_source TEXT CHECK (publish_hour_source IN ('user', 'persona')),
        status TEXT NOT NULL DEFAULT 'idea' CHECK (status IN ('idea', 'ready', 'published')),
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE experiments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'running'
            CHECK (status IN ('planned', 'running', 'stopped', 'done')),
        alpha REAL NOT NULL DEFAULT 0.05 CHECK (alpha > 0 AND alpha < 1),
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE arms (
        experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,               -- 0 is the control
        name TEXT NOT NULL,
        visitors INTEGER NOT NULL DEFAULT 0 CHECK (visitors >= 0),
        conversions INTEGER NOT NULL DEFAULT 0
            CHECK (conversions >= 0 AND conversions <= visitors),
        weight REAL NOT NULL DEFAULT 1.0 CHECK (weight > 0),  -- intended traffic share
        PRIMARY KEY (experiment_id, position),
        UNIQUE (experiment_id, name)
    );
    CREATE TABLE experiment_drafts (
        experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
        PRIMARY KEY (experiment_id, draft_id)
    );
    CREATE INDEX experiment_drafts_draft ON experiment_drafts(draft_id);
    CREATE TABLE recent_datasets (
        path TEXT PRIMARY KEY,
        opened_at TEXT NOT NULL,
        seq INTEGER NOT NULL
    );
    CREATE INDEX recent_datasets_seq ON recent_datasets(seq);
    """,
    # 2: results day by day (`plan experiment record ID ARM --date D`), so the panes can chart
    # the lift over time. Keyed by arm name: an arm removed from the experiment keeps its rows
    # (they are not shown), and they come back if the arm does.
    """
    CREATE TABLE arm_days (
        experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        arm TEXT NOT NULL,
        day TEXT NOT NULL,                       -- 'YYYY-MM-DD'
        visitors INTEGER NOT NULL DEFAULT 0 CHECK (visitors >= 0),
        conversions INTEGER NOT NULL DEFAULT 0
            CHECK (conversions >= 0 AND conversions <= visitors),
        PRIMARY KEY (experiment_id, arm, day)
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def errorname(exc: BaseException) -> str:
    return str(getattr(exc, "sqlite_errorname", "") or "")


def is_busy(exc: BaseException) -> bool:
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    name = errorname(exc)
    if name:
        return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


def is_readonly(exc: BaseException) -> bool:
    name = errorname(exc)
    if name:
        return name.startswith("SQLITE_READONLY")
    msg = str(exc).lower()
    return "readonly" in msg or "read-only" in msg


def translate(exc: sqlite3.Error, path: Path) -> WorkspaceError:
    """One plain sentence for an SQLite failure; the caller has already rolled back."""
    name = errorname(exc)
    file = str(path)
    if is_readonly(exc):
        return read_only_error(path)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(exc):
        return damaged_error(path, exc)
    if name.startswith("SQLITE_FULL"):
        return WorkspaceError("the disk is full: nothing was changed", file=file)
    if name.startswith("SQLITE_CANTOPEN"):
        return WorkspaceError(
            f"cannot open the workspace ({exc}); check the folder exists and is writable",
            file=file,
        )
    if is_busy(exc):
        return busy_error(path, None)
    return WorkspaceError(
        f"the workspace could not be used ({exc}): nothing was changed", file=file
    )


def read_only_error(path: Path) -> WorkspaceError:
    return WorkspaceError(
        "the workspace is read-only: nothing was changed "
        "(make the file and its folder writable, or use --workspace NEWFILE)",
        file=str(path),
    )


def damaged_error(path: Path, detail: object) -> WorkspaceError:
    return WorkspaceError(
        f"the workspace file is damaged (SQLite says: {detail}); "
        f"it was left untouched: {FRESH_HINT}",
        file=str(path),
    )


def busy_error(path: Path, waited: float | None) -> WorkspaceError:
    how_long = f" for {waited:.0f} s" if waited else ""
    return WorkspaceError(
        f"the workspace is busy: another kptui kept it locked{how_long}; try again",
        file=str(path),
    )


def timeout_from_env() -> float:
    raw = os.environ.get("KPTUI_WORKSPACE_TIMEOUT")
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError:
        value = DEFAULT_TIMEOUT_S
    return value if value > 0 else DEFAULT_TIMEOUT_S


def retry(fn: Callable[[], T], path: Path, timeout: float) -> T:
    """Run `fn` until it gets past SQLite's locks, or fail with one clear line after `timeout`.

    `fn` must be safe to run again: every writer rolls back before its exception leaves it.
    """
    start = time.monotonic()
    delay = 0.005
    while True:
        try:
            return fn()
        except sqlite3.Error as exc:
            waited = time.monotonic() - start
            if not is_busy(exc):
                raise translate(exc, path) from exc
            if waited >= timeout:
                raise busy_error(path, waited) from exc
            time.sleep(min(delay * (0.5 + random.random()), max(0.0, timeout - waited)))
            delay = min(delay * 2, 0.25)


def check_header(path: Path) -> bool:
    """True when the file holds data; False when it is empty (safe to initialise).

    Raises WorkspaceError for anything that is not an SQLite database, before SQLite sees it.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except IsADirectoryError:
        raise WorkspaceError(
            "this is a folder, not a workspace file: give a file name", file=str(path)
        ) from None
    except OSError as exc:
        raise WorkspaceError(
            f"cannot read the workspace file: {exc.strerror or exc}", file=str(path)
        ) from None
    if not head:
        return False
    if head != SQLITE_MAGIC:
        raise WorkspaceError(
            f"this file is not a kptui workspace (not an SQLite database); "
            f"it was left untouched: {FRESH_HINT}",
            file=str(path),
        )
    return True


def connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    """A connection in autocommit mode: transactions are explicit (`BEGIN IMMEDIATE`).

    Read-only in a folder we cannot write (a read-only mount, say): SQLite cannot create the
    WAL index (-shm) there, so a cleanly closed file (no -wal beside it) is opened
    `immutable`, which needs no index. Nobody can be writing it there, so that is safe.
    """
    query = "?mode=rwc"
    if readonly:
        query = "?mode=ro"
        wal = path.with_name(path.name + "-wal")
        if not os.access(path.parent, os.W_OK) and not wal.exists():
            query += "&immutable=1"
    target = path.resolve().as_uri() + query
    try:
        conn = sqlite3.connect(
            target,
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,  # Workspace serialises access with its own lock
        )
    except sqlite3.Error as exc:
        raise WorkspaceError(
            f"cannot open the workspace ({exc}); check the folder exists and is writable",
            file=str(path),
        ) from exc
    return conn


def inspect(conn: sqlite3.Connection, path: Path) -> int:
    """Read-only checks of an existing file; returns its schema version.

    Only reads: nothing here may change a byte of a file we are about to reject.
    """
    try:
        # One read transaction, so the three reads see one snapshot: read one by one, they
        # could straddle another process's first migration (version and id still 0, tables
        # already there) and call a kptui file being created "another program's".
        conn.execute("BEGIN")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if is_busy(exc):
            raise
        if errorname(exc).startswith("SQLITE_CANTOPEN") or is_readonly(exc):
            raise WorkspaceError(
                f"cannot read the workspace ({exc}): it is read-only and was not closed "
                "cleanly; open it once where it is writable",
                file=str(path),
            ) from exc
        raise translate(exc, path) from exc
    if app_id != APPLICATION_ID and (app_id != 0 or tables or version):
        raise WorkspaceError(
            f"this SQLite file belongs to another program, not kptui; "
            f"it was left untouched: {FRESH_HINT}",
            file=str(path),
        )
    if version > SCHEMA_VERSION:
        raise WorkspaceError(
            f"this workspace was written by a newer kptui (schema {version}; this one knows "
            f"up to {SCHEMA_VERSION}); it was left untouched: upgrade kptui, or {FRESH_HINT}",
            file=str(path),
        )
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as exc:
        if is_busy(exc):
            raise
        raise translate(exc, path) from exc
    if [r[0] for r in rows] != ["ok"]:
        raise damaged_error(path, rows[0][0] if rows else "quick_check failed")
    return int(version)


def migrate(conn: sqlite3.Connection, path: Path, migrations: Sequence[str] = MIGRATIONS) -> int:
    """Bring the file forward to `len(migrations)`; safe when two processes open it at once.

    The version is re-read under the write lock, so only one process runs each step.
    """
    target = len(migrations)
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > target:
            raise WorkspaceError(
                f"this workspace was written by a newer kptui (schema {version}; this one "
                f"knows up to {target}); it was left untouched: upgrade kptui, or {FRESH_HINT}",
                file=str(path),
            )
        for step in range(version, target):
            for statement in _statements(migrations[step]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step + 1}")
        if version < target:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return target


def _statements(script: str) -> list[str]:
    """Split a migration into statements so they run inside our transaction.

    (`executescript` would COMMIT first.) Our migrations contain no `;` inside literals.
    """
    out: list[str] = []
    buf = ""
    for line in script.splitlines():
        line = line.split("--", 1)[0]
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
