"""The `Workspace` object: drafts, experiments and recent datasets in one SQLite file."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from kptui.errors import UsageError, WorkspaceError
from kptui.store import _db
from kptui.store.models import (
    DRAFT_STATUSES,
    EXPERIMENT_STATUSES,
    Arm,
    DayRecord,
    Draft,
    Experiment,
)
from kptui.store.values import check_choice, parse_personas, parse_publish_at, parse_tags

T = TypeVar("T")

_UNSET: Any = object()  # "leave this field as it is" in update_* calls
MAX_RECENT = 50  # recent datasets kept; older ones are forgotten


class NotFoundError(UsageError):
    """No draft or experiment with that id (exit 2: the user named something that isn't there)."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# An arm's visitors at most, as the A/B engine takes them (engine.abtest.MAX_VISITORS; the
# store imports no engine code, a test checks that the two agree)
MAX_COUNT = 10**12


def _in_range(row_id: int) -> bool:
    """An id SQLite can hold (a 64-bit signed integer); a larger one is in no workspace, and
    binding it was an OverflowError (an internal error) instead of 'no draft N'."""
    return -(2**63) <= row_id < 2**63


class Workspace:
    """A creator's plan, persisted. Open with `Workspace.open(path)`; use as a context manager.

    Thread-safe: one object may be shared by the TUI's workers (calls are serialised). Several
    processes may open the same file at once (WAL + retries). See `kptui.store` for the API.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, *, readonly: bool, timeout: float):
        self._conn: sqlite3.Connection | None = conn
        self.path = path
        self.readonly = readonly
        self.timeout = timeout
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ opening / closing
    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        readonly: bool = False,
        timeout: float | None = None,
    ) -> Workspace:
        """Open (creating if needed) the workspace at `path`, else `KPTUI_WORKSPACE`, else the
        user data folder. A file that cannot be used raises `WorkspaceError` and is not touched.

        `readonly=True` never writes (writes raise WorkspaceError); a file the OS will not let
        us write is opened that way automatically, so reading a read-only plan still works.
        `timeout` is how long to wait for another process's lock (default 30 s, or
        `KPTUI_WORKSPACE_TIMEOUT`).
        """
        from kptui.paths import workspace_path

        p = Path(workspace_path(path)).expanduser()
        wait = timeout if timeout is not None else _db.timeout_from_env()
        _refuse_special(p)
        exists = p.exists()
        has_data = _db.check_header(p) if exists else False
        if not exists:
            if readonly:
                raise WorkspaceError("no workspace file here yet", file=str(p))
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise WorkspaceError(
                    f"cannot create the workspace folder: {exc.strerror or exc}", file=str(p)
                ) from None
        elif not readonly and not _writable(p):
            readonly = True
        if readonly and not has_data:
            raise WorkspaceError("the workspace is empty and read-only", file=str(p))

        conn = _db.connect(p, readonly=readonly)
        try:
            version = _db.retry(lambda: _db.inspect(conn, p), p, wait) if has_data else 0
            if not readonly:
                _db.retry(lambda: conn.execute("PRAGMA journal_mode=WAL").fetchone(), p, wait)
                conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            if version < _db.SCHEMA_VERSION:
                if readonly:
                    raise WorkspaceError(
                        f"this workspace uses an older schema ({version}) and is read-only, "
                        "so it cannot be upgraded; make it writable",
                        file=str(p),
                    )
                _db.retry(lambda: _db.migrate(conn, p), p, wait)
        except BaseException:
            conn.close()
            raise
        return cls(conn, p, readonly=readonly, timeout=wait)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r}{', readonly' if self.readonly else ''})"

    # ------------------------------------------------------------------ transactions
    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise WorkspaceError("the workspace is closed", file=str(self.path))
        return self._conn

    def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """A consistent snapshot (one read transaction) for reads that touch several tables."""

        def attempt() -> T:
            conn = self.conn
            conn.execute("BEGIN")
            try:
                return fn(conn)
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

        with self._lock:
            return _db.retry(attempt, self.path, self.timeout)

    def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` as one transaction: all of it is on disk when this returns, or none of it."""
        if self.readonly:
            raise _db.read_only_error(self.path)

        def attempt() -> T:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return result

        with self._lock:
            return _db.retry(attempt, self.path, self.timeout)

    # ------------------------------------------------------------------ drafts
    def add_draft(
        self,
        title: str,
        *,
        description: str = "",
        tags: str | Iterable[str] | None = None,
        personas: Iterable[int | str] | None = None,
        publish_at: str | None = None,
        publish_hour: int | None = None,
        publish_hour_source: str | None = None,
        status: str = "idea",
        notes: str = "",
    ) -> Draft:
        """Save a new draft and return it with its id. Values are validated (UsageError)."""
        row = _draft_row(
            title=title,
            description=description,
            tags=parse_tags(tags),
            personas=parse_personas(personas),
            publish_at=publish_at,
            publish_hour=publish_hour,
            publish_hour_source=publish_hour_source,
            status=status,
            notes=notes,
        )
        now = _now()

        def write(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "INSERT INTO drafts (title, description, tags, personas, publish_at, "
                "publish_hour, publish_hour_source, status, notes, created_at, updated_at) "
                "VALUES (:title, :description, :tags, :personas, :publish_at, :publish_hour, "
                ":publish_hour_source, :status, :notes, :now, :now)",
                {**row, "now": now},
            )
            return int(cur.lastrowid or 0)

        return self.get_draft(self._write(write))

    def get_draft(self, draft_id: int) -> Draft:
        row = _in_range(draft_id) and self._read(
            lambda c: c.execute(_DRAFT_SELECT + " WHERE id = ?", (draft_id,)).fetchone()
        )
        if not row:
            raise NotFoundError(f"no draft {draft_id} in this workspace", file=str(self.path))
        return _draft(row)

    def list_drafts(
        self,
        *,
        status: str | None = None,
        tag: str | None = None,
        persona: int | None = None,
    ) -> list[Draft]:
        """Drafts, oldest first; filters combine (a tag matches case-insensitively)."""
        if status is not None:
            check_choice(status, DRAFT_STATUSES, "status")
        rows = self._read(lambda c: c.execute(_DRAFT_SELECT + " ORDER BY id").fetchall())
        drafts = [_draft(r) for r in rows]
        if status is not None:
            drafts = [d for d in drafts if d.status == status]
        if tag is not None:
            key = parse_tags(tag)
            want = {t.casefold() for t in key}
            drafts = [d for d in drafts if want & {t.casefold() for t in d.tags}]
        if persona is not None:
            drafts = [d for d in drafts if persona in d.personas]
        return drafts

    def update_draft(
        self,
        draft_id: int,
        *,
        title: str = _UNSET,
        description: str = _UNSET,
        tags: str | Iterable[str] | None = _UNSET,
        personas: Iterable[int | str] | None = _UNSET,
        publish_at: str | None = _UNSET,
        publish_hour: int | None = _UNSET,
        publish_hour_source: str | None = _UNSET,
        status: str = _UNSET,
        notes: str = _UNSET,
    ) -> Draft:
        """Change the given fields only (omit a field to keep it) and return the new draft."""
        changes: dict[str, Any] = {
            k: v
            for k, v in {
                "title": title,
                "description": description,
                "tags": tags,
                "personas": personas,
                "publish_at": publish_at,
                "publish_hour": publish_hour,
                "publish_hour_source": publish_hour_source,
                "status": status,
                "notes": notes,
            }.items()
            if v is not _UNSET
        }

        def write(conn: sqlite3.Connection) -> None:
            row = (
                _in_range(draft_id)
                and conn.execute(_DRAFT_SELECT + " WHERE id = ?", (draft_id,)).fetchone()
            )
            if not row:
                raise NotFoundError(f"no draft {draft_id} in this workspace", file=str(self.path))
            current = _draft(row).to_json()
            merged = {**current, **changes}
            if "tags" in changes:
                merged["tags"] = parse_tags(changes["tags"])
            if "personas" in changes:
                merged["personas"] = parse_personas(changes["personas"])
            if "publish_at" in changes and "publish_hour" not in changes:
                _, at_hour = parse_publish_at(changes["publish_at"])
                if at_hour is not None:
                    merged["publish_hour"], merged["publish_hour_source"] = at_hour, "user"
            if "publish_hour" in changes and "publish_hour_source" not in changes:
                merged["publish_hour_source"] = (
                    "user" if changes["publish_hour"] is not None else None
                )
            new = _draft_row(**{k: merged[k] for k in _DRAFT_FIELDS})
            conn.execute(
                "UPDATE drafts SET title = :title, description = :description, tags = :tags, "
                "personas = :personas, publish_at = :publish_at, publish_hour = :publish_hour, "
                "publish_hour_source = :publish_hour_source, status = :status, notes = :notes, "
                "updated_at = :now WHERE id = :id",
                {**new, "now": _now(), "id": draft_id},
            )

        self._write(write)
        return self.get_draft(draft_id)

    def delete_draft(self, draft_id: int) -> None:
        """Remove a draft; experiments that tested it keep their arms and forget the link."""
        self.delete_drafts([draft_id])

    def delete_drafts(self, draft_ids: Iterable[int]) -> None:
        """Remove several drafts in one transaction: all of them, or none if one is unknown."""
        ids = _ids(draft_ids)

        def write(conn: sqlite3.Connection) -> None:
            self._require_drafts(conn, ids)
            conn.executemany("DELETE FROM drafts WHERE id = ?", [(i,) for i in ids])

        self._write(write)

    # ------------------------------------------------------------------ experiments
    def add_experiment(
        self,
        name: str,
        *,
        arms: Sequence[str | Arm] = ("A", "B"),
        drafts: Iterable[int] = (),
        status: str = "running",
        alpha: float = 0.05,
        notes: str = "",
    ) -> Experiment:
        """Save a new experiment. `arms[0]` is the control; an arm may be a name or an `Arm`
        (with visitors and conversions already in). Draft ids must exist."""
        clean_name = _text(name, "name", required=True)
        arm_list = _check_arms(arms)
        check_choice(status, EXPERIMENT_STATUSES, "status")
        _check_alpha(alpha)
        draft_ids = _ids(drafts)
        now = _now()

        def write(conn: sqlite3.Connection) -> int:
            self._require_drafts(conn, draft_ids)
            cur = conn.execute(
                "INSERT INTO experiments (name, status, alpha, notes, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (clean_name, status, float(alpha), _text(notes, "notes"), now, now),
            )
            exp_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO arms (experiment_id, position, name, visitors, conversions, weight) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (exp_id, i, a.name, a.visitors, a.conversions, a.weight)
                    for i, a in enumerate(arm_list)
                ],
            )
            conn.executemany(
                "INSERT INTO experiment_drafts (experiment_id, draft_id) VALUES (?, ?)",
                [(exp_id, d) for d in draft_ids],
            )
            return exp_id

        return self.get_experiment(self._write(write))

    def get_experiment(self, experiment_id: int) -> Experiment:
        found = _in_range(experiment_id) and self._read(
            lambda c: _load_experiments(c, experiment_id)
        )
        if not found:
            raise NotFoundError(
                f"no experiment {experiment_id} in this workspace", file=str(self.path)
            )
        return found[0]

    def list_experiments(self, *, status: str | None = None) -> list[Experiment]:
        if status is not None:
            check_choice(status, EXPERIMENT_STATUSES, "status")
        exps = self._read(lambda c: _load_experiments(c, None))
        return [e for e in exps if status is None or e.status == status]

    def update_experiment(
        self,
        experiment_id: int,
        *,
        name: str = _UNSET,
        status: str = _UNSET,
        alpha: float = _UNSET,
        notes: str = _UNSET,
        drafts: Iterable[int] = _UNSET,
        arms: Sequence[str | Arm] = _UNSET,
    ) -> Experiment:
        """Change the given fields only, all in one transaction. `drafts` replaces the drafts
        tested; `arms` replaces every arm (names, counts and shares; arms[0] is the control)."""
        sets: dict[str, Any] = {}
        if name is not _UNSET:
            sets["name"] = _text(name, "name", required=True)
        if status is not _UNSET:
            sets["status"] = check_choice(status, EXPERIMENT_STATUSES, "status")
        if alpha is not _UNSET:
            sets["alpha"] = _check_alpha(alpha)
        if notes is not _UNSET:
            sets["notes"] = _text(notes, "notes")
        draft_ids = None if drafts is _UNSET else _ids(drafts)
        arm_list = None if arms is _UNSET else _check_arms(arms)

        def write(conn: sqlite3.Connection) -> None:
            self._require_experiment(conn, experiment_id)
            if arm_list is not None:
                conn.execute("DELETE FROM arms WHERE experiment_id = ?", (experiment_id,))
                conn.executemany(
                    "INSERT INTO arms (experiment_id, position, name, visitors, conversions, "
                    "weight) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (experiment_id, i, a.name, a.visitors, a.conversions, a.weight)
                        for i, a in enumerate(arm_list)
                    ],
                )
            if draft_ids is not None:
                self._require_drafts(conn, draft_ids)
                conn.execute(
                    "DELETE FROM experiment_drafts WHERE experiment_id = ?", (experiment_id,)
                )
                conn.executemany(
                    "INSERT INTO experiment_drafts (experiment_id, draft_id) VALUES (?, ?)",
                    [(experiment_id, d) for d in draft_ids],
                )
            assignments = ", ".join(f"{k} = :{k}" for k in sets)
            conn.execute(
                f"UPDATE experiments SET {assignments}{', ' if sets else ''}updated_at = :now "
                "WHERE id = :id",
                {**sets, "now": _now(), "id": experiment_id},
            )

        self._write(write)
        return self.get_experiment(experiment_id)

    def record(
        self,
        experiment_id: int,
        arm: str,
        *,
        visitors: int = 0,
        conversions: int = 0,
        replace: bool = False,
        day: str | None = None,
    ) -> Experiment:
        """Add results to an arm (or, with `replace=True`, set its totals) in one transaction.

        Counts are whole numbers >= 0, and an arm never has more conversions than visitors.
        With `day` ('YYYY-MM-DD') the counts are that day's: they are added to the day (or,
        with `replace=True`, become the day's counts), and the arm's totals move by the same
        difference, so the totals stay the sum of the days plus anything recorded undated.
        """
        v = _count(visitors, "visitors")
        c = _count(conversions, "conversions")
        if day is not None:
            return self._record_day(experiment_id, arm, _day(day), v, c, replace)

        def write(conn: sqlite3.Connection) -> None:
            self._require_experiment(conn, experiment_id)
            row = self._require_arm(conn, experiment_id, arm)
            new_v, new_c = (v, c) if replace else (row[0] + v, row[1] + c)
            _count(new_v, "visitors")
            if new_c > new_v:
                raise UsageError(
                    f"arm {arm!r} would have {new_c} conversions from {new_v} visitors; "
                    "conversions cannot exceed visitors",
                    column="conversions",
                )
            now = _now()
            conn.execute(
                "UPDATE arms SET visitors = ?, conversions = ? "
                "WHERE experiment_id = ? AND name = ?",
                (new_v, new_c, experiment_id, arm),
            )
            conn.execute("UPDATE experiments SET updated_at = ? WHERE id = ?", (now, experiment_id))

        self._write(write)
        return self.get_experiment(experiment_id)

    def _record_day(
        self, experiment_id: int, arm: str, day: str, v: int, c: int, replace: bool
    ) -> Experiment:
        def write(conn: sqlite3.Connection) -> None:
            self._require_experiment(conn, experiment_id)
            totals = self._require_arm(conn, experiment_id, arm)
            old = conn.execute(
                "SELECT visitors, conversions FROM arm_days "
                "WHERE experiment_id = ? AND arm = ? AND day = ?",
                (experiment_id, arm, day),
            ).fetchone() or (0, 0)
            new_v, new_c = (v, c) if replace else (old[0] + v, old[1] + c)
            if new_c > new_v:
                raise UsageError(
                    f"arm {arm!r} would have {new_c} conversions from {new_v} visitors on {day}; "
                    "conversions cannot exceed visitors",
                    column="conversions",
                )
            tot_v = _count(totals[0] + new_v - old[0], "visitors")
            tot_c = totals[1] + new_c - old[1]
            if tot_c > tot_v or tot_v < 0 or tot_c < 0:
                raise UsageError(
                    f"arm {arm!r} would have {tot_c} conversions from {tot_v} visitors in total; "
                    "conversions cannot exceed visitors",
                    column="conversions",
                )
            conn.execute(
                "INSERT INTO arm_days (experiment_id, arm, day, visitors, conversions) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (experiment_id, arm, day) "
                "DO UPDATE SET visitors = excluded.visitors, conversions = excluded.conversions",
                (experiment_id, arm, day, new_v, new_c),
            )
            conn.execute(
                "UPDATE arms SET visitors = ?, conversions = ? "
                "WHERE experiment_id = ? AND name = ?",
                (tot_v, tot_c, experiment_id, arm),
            )
            conn.execute(
                "UPDATE experiments SET updated_at = ? WHERE id = ?", (_now(), experiment_id)
            )

        self._write(write)
        return self.get_experiment(experiment_id)

    def daily(self, experiment_id: int) -> list[DayRecord]:
        """The experiment's day-by-day counts, by day then arm order (current arms only)."""

        def read(conn: sqlite3.Connection) -> list[DayRecord]:
            self._require_experiment(conn, experiment_id)
            rows = conn.execute(
                "SELECT d.day, d.arm, d.visitors, d.conversions FROM arm_days d "
                "JOIN arms a ON a.experiment_id = d.experiment_id AND a.name = d.arm "
                "WHERE d.experiment_id = ? ORDER BY d.day, a.position",
                (experiment_id,),
            ).fetchall()
            return [DayRecord(*r) for r in rows]

        return self._read(read)

    def _require_arm(self, conn: sqlite3.Connection, experiment_id: int, arm: str) -> tuple:
        row = conn.execute(
            "SELECT visitors, conversions FROM arms WHERE experiment_id = ? AND name = ?",
            (experiment_id, arm),
        ).fetchone()
        if row is None:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM arms WHERE experiment_id = ? ORDER BY position",
                    (experiment_id,),
                )
            ]
            raise NotFoundError(
                f"experiment {experiment_id} has no arm {arm!r} (arms: {', '.join(names)})",
                column="arm",
            )
        return row

    def delete_experiment(self, experiment_id: int) -> None:
        """Remove an experiment with its arms and results."""
        self.delete_experiments([experiment_id])

    def delete_experiments(self, experiment_ids: Iterable[int]) -> None:
        """Remove several experiments in one transaction: all of them, or none."""
        ids = _ids(experiment_ids)

        def write(conn: sqlite3.Connection) -> None:
            for i in ids:
                self._require_experiment(conn, i)
            conn.executemany("DELETE FROM experiments WHERE id = ?", [(i,) for i in ids])

        self._write(write)

    def _require_experiment(self, conn: sqlite3.Connection, experiment_id: int) -> None:
        if (
            _in_range(experiment_id)
            and conn.execute("SELECT 1 FROM experiments WHERE id = ?", (experiment_id,)).fetchone()
        ):
            return
        raise NotFoundError(f"no experiment {experiment_id} in this workspace", file=str(self.path))

    def _require_drafts(self, conn: sqlite3.Connection, draft_ids: list[int]) -> None:
        for d in draft_ids:
            if (
                not _in_range(d)
                or not conn.execute("SELECT 1 FROM drafts WHERE id = ?", (d,)).fetchone()
            ):
                raise NotFoundError(f"no draft {d} in this workspace", file=str(self.path))

    # ------------------------------------------------------------------ recent datasets
    def add_recent_dataset(self, path: str | os.PathLike[str]) -> None:
        """Remember a dataset the user opened (stored absolute, most recent first).

        Does nothing on a read-only workspace: forgetting a recent-file entry is not worth
        stopping the user's command for.
        """
        if self.readonly:
            return
        text = os.path.abspath(os.fspath(path))

        def write(conn: sqlite3.Connection) -> None:
            seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM recent_datasets").fetchone()[
                0
            ]
            conn.execute(
                "INSERT INTO recent_datasets (path, opened_at, seq) VALUES (?, ?, ?) "
                "ON CONFLICT(path) DO UPDATE "
                "SET opened_at = excluded.opened_at, seq = excluded.seq",
                (text, _now(), seq),
            )
            conn.execute("DELETE FROM recent_datasets WHERE seq <= ?", (seq - MAX_RECENT,))

        self._write(write)

    def recent_datasets(self, limit: int = 10, *, existing_only: bool = False) -> list[str]:
        """Recently opened dataset paths, most recent first."""
        rows = self._read(
            lambda c: c.execute("SELECT path FROM recent_datasets ORDER BY seq DESC").fetchall()
        )
        paths = [r[0] for r in rows]
        if existing_only:
            paths = [p for p in paths if os.path.exists(p)]
        return paths[: max(0, limit)]

    def last_dataset(self, *, existing_only: bool = True) -> str | None:
        """The most recently opened dataset that still exists (None if there is none)."""
        found = self.recent_datasets(1, existing_only=existing_only)
        return found[0] if found else None

    # ------------------------------------------------------------------ whole plan
    def snapshot(self) -> dict[str, Any]:
        """Everything in the plan as JSON-ready data, read in one consistent transaction."""

        def read(conn: sqlite3.Connection) -> dict[str, Any]:
            drafts = [_draft(r) for r in conn.execute(_DRAFT_SELECT + " ORDER BY id")]
            return {
                "schema_version": _db.SCHEMA_VERSION,
                "drafts": [d.to_json() for d in drafts],
                "experiments": [e.to_json() for e in _load_experiments(conn, None)],
                "experiment_days": [
                    {
                        "experiment_id": r[0],
                        "arm": r[1],
                        "day": r[2],
                        "visitors": r[3],
                        "conversions": r[4],
                    }
                    for r in conn.execute(
                        "SELECT experiment_id, arm, day, visitors, conversions FROM arm_days "
                        "ORDER BY experiment_id, day, arm"
                    )
                ],
            }

        return self._read(read)

    def integrity_check(self) -> str:
        """SQLite's full `PRAGMA integrity_check`: 'ok', or the first problem found."""
        rows = self._read(lambda c: c.execute("PRAGMA integrity_check").fetchall())
        return "ok" if [r[0] for r in rows] == ["ok"] else str(rows[0][0])

    @property
    def schema_version(self) -> int:
        return int(self._read(lambda c: c.execute("PRAGMA user_version").fetchone()[0]))


# ---------------------------------------------------------------------- row helpers
_DRAFT_FIELDS = (
    "title",
    "description",
    "tags",
    "personas",
    "publish_at",
    "publish_hour",
    "publish_hour_source",
    "status",
    "notes",
)
_DRAFT_SELECT = (
    "SELECT id, title, description, tags, personas, publish_at, publish_hour, "
    "publish_hour_source, status, notes, created_at, updated_at FROM drafts"
)


def _draft_row(
    *,
    title: str,
    description: str,
    tags: list[str],
    personas: list[int],
    publish_at: str | None,
    publish_hour: int | None,
    publish_hour_source: str | None,
    status: str,
    notes: str,
) -> dict[str, Any]:
    """Validated column values for the drafts table."""
    check_choice(status, DRAFT_STATUSES, "status")
    if publish_at is not None:
        publish_at, at_hour = parse_publish_at(_text(publish_at, "publish_at"))
        if at_hour is not None:
            if publish_hour is not None and publish_hour != at_hour:
                raise UsageError(
                    f"publish time {publish_at} and publish hour {publish_hour} disagree",
                    column="publish-hour",
                )
            publish_hour, publish_hour_source = at_hour, "user"
    if publish_hour is not None:
        if isinstance(publish_hour, bool) or not isinstance(publish_hour, int):
            raise UsageError("publish hour must be a whole hour 0-23", column="publish-hour")
        if not 0 <= publish_hour <= 23:
            raise UsageError(
                f"publish hour must be 0-23, got {publish_hour}", column="publish-hour"
            )
        if publish_hour_source is None:
            publish_hour_source = "user"
    else:
        publish_hour_source = None
    if publish_hour_source is not None:
        check_choice(publish_hour_source, ("user", "persona"), "publish_hour_source")
    return {
        "title": _text(title, "title", required=True),
        "description": _text(description, "description"),
        "tags": json.dumps(tags, ensure_ascii=False),
        "personas": json.dumps(personas),
        "publish_at": publish_at,
        "publish_hour": publish_hour,
        "publish_hour_source": publish_hour_source,
        "status": status,
        "notes": _text(notes, "notes"),
    }


def _draft(row: Sequence[Any]) -> Draft:
    return Draft(
        id=row[0],
        title=row[1],
        description=row[2],
        tags=list(json.loads(row[3] or "[]")),
        personas=[int(p) for p in json.loads(row[4] or "[]")],
        publish_at=row[5],
        publish_hour=row[6],
        publish_hour_source=row[7],
        status=row[8],
        notes=row[9],
        created_at=row[10],
        updated_at=row[11],
    )


def _load_experiments(conn: sqlite3.Connection, only: int | None) -> list[Experiment]:
    where, args = ("WHERE id = ?", (only,)) if only is not None else ("", ())
    exps = conn.execute(
        "SELECT id, name, status, alpha, notes, created_at, updated_at FROM experiments "
        f"{where} ORDER BY id",
        args,
    ).fetchall()
    if not exps:
        return []
    ids = [e[0] for e in exps]
    marks = ",".join("?" * len(ids))
    arms: dict[int, list[Arm]] = {i: [] for i in ids}
    for r in conn.execute(
        "SELECT experiment_id, name, visitors, conversions, weight FROM arms "
        f"WHERE experiment_id IN ({marks}) ORDER BY experiment_id, position",
        ids,
    ):
        arms[r[0]].append(Arm(name=r[1], visitors=r[2], conversions=r[3], weight=r[4]))
    drafts: dict[int, list[int]] = {i: [] for i in ids}
    for r in conn.execute(
        "SELECT experiment_id, draft_id FROM experiment_drafts "
        f"WHERE experiment_id IN ({marks}) ORDER BY experiment_id, draft_id",
        ids,
    ):
        drafts[r[0]].append(r[1])
    return [
        Experiment(
            id=e[0],
            name=e[1],
            status=e[2],
            alpha=e[3],
            notes=e[4],
            created_at=e[5],
            updated_at=e[6],
            arms=arms[e[0]],
            drafts=drafts[e[0]],
        )
        for e in exps
    ]


def _refuse_special(p: Path) -> None:
    """Only a regular file can be a workspace: SQLite opening a FIFO waits forever, a device
    or a folder cannot hold one, and a symbolic link loop never resolves."""
    import errno
    import stat

    try:
        st = os.stat(p)
    except FileNotFoundError:
        return
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise WorkspaceError("is a symbolic link loop", file=str(p)) from None
        if exc.errno == errno.ENOTDIR:
            raise WorkspaceError(
                "a part of the path is a file, not a folder", file=str(p)
            ) from None
        raise WorkspaceError(f"cannot use: {exc.strerror or exc}", file=str(p)) from None
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return
    kind = (
        "a folder"
        if stat.S_ISDIR(mode)
        else "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
    )
    raise WorkspaceError(
        f"is {kind}, not a regular file: a workspace must be an ordinary file", file=str(p)
    )


def _text(value: Any, what: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise UsageError(f"{what} must be text", column=what)
    if "\x00" in value:
        raise UsageError(f"{what} contains a NUL character", column=what)
    if required and not value.strip():
        raise UsageError(f"{what} cannot be empty", column=what)
    return value.strip() if required else value


def _day(value: Any) -> str:
    """An ISO calendar date, 'YYYY-MM-DD' (what `--date` and the daily records hold)."""
    import datetime as dt

    text = _text(value, "date", required=True)
    try:
        return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else _bad_day(text)
    except ValueError:
        return _bad_day(text)


def _bad_day(text: str) -> str:
    raise UsageError(f"date must be a day as YYYY-MM-DD, got {text!r}", column="date")


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(f"{what} must be a whole number, got {value!r}", column=what)
    if value < 0:
        raise UsageError(f"{what} cannot be negative, got {value}", column=what)
    if value > MAX_COUNT:  # 10^20 overflowed SQLite's INTEGER (an internal error)
        raise UsageError(f"{what} is at most {MAX_COUNT:,} per arm, got {value:,}", column=what)
    return value


def _check_alpha(alpha: Any) -> float:
    try:
        a = float(alpha)
    except (TypeError, ValueError):
        raise UsageError(f"alpha must be a number, got {alpha!r}", column="alpha") from None
    if not 0 < a < 1:
        raise UsageError(f"alpha must be between 0 and 1, got {alpha}", column="alpha")
    return a


def _ids(values: Iterable[Any]) -> list[int]:
    out: list[int] = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int):
            try:
                v = int(str(v).strip())
            except ValueError:
                raise UsageError(f"id must be a whole number, got {v!r}") from None
        if v not in out:
            out.append(v)
    return out


def _check_arms(arms: Sequence[str | Arm]) -> list[Arm]:
    out: list[Arm] = []
    for a in arms:
        arm = Arm(name=a) if isinstance(a, str) else a
        name = _text(arm.name, "arm", required=True)
        v, c = _count(arm.visitors, "visitors"), _count(arm.conversions, "conversions")
        if c > v:
            raise UsageError(
                f"arm {name!r} has {c} conversions from {v} visitors; "
                "conversions cannot exceed visitors",
                column="arm",
            )
        if not (arm.weight > 0):
            raise UsageError(f"arm {name!r}: weight must be above 0", column="arm")
        if any(o.name == name for o in out):
            raise UsageError(f"two arms are called {name!r}", column="arm")
        out.append(Arm(name=name, visitors=v, conversions=c, weight=float(arm.weight)))
    if len(out) < 2:
        raise UsageError("an experiment needs at least two arms (control + variant)", column="arm")
    return out


def _writable(path: Path) -> bool:
    """Can we write the file and create its -wal/-shm neighbours? (EROFS counts for root too.)"""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
