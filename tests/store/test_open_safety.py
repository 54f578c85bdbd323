"""Files the workspace must refuse, and never touch: damaged, not SQLite, foreign, newer, read-only.

Each case checks the message (one line, says what to do) and that the file's bytes are the
same afterwards, with no -wal/-shm files left beside it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kptui.errors import WorkspaceError
from kptui.store import Workspace, _db


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sidecars(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


def _real_workspace(path: Path, drafts: int = 60) -> Path:
    with Workspace.open(path) as ws:
        for i in range(drafts):
            ws.add_draft(f"draft {i}", description="x" * 300, tags=["a", f"t{i}"])
        ws.add_experiment("e", arms=["A", "B"])
    assert _sidecars(path) == []  # a clean close leaves no -wal/-shm
    return path


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ)
    full.pop("KPTUI_DEBUG", None)
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kptui", *args], capture_output=True, text=True, env=full
    )


def _assert_refused(path: Path, *needles: str) -> None:
    """The API raises, the CLI says one line with exit 1, and the file is untouched."""
    before = _digest(path)
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(path)
    message = str(info.value)
    assert "\n" not in message
    for needle in needles:
        assert needle in message
    result = _cli("plan", "draft", "list", "--workspace", str(path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}: ")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert _digest(path) == before
    assert _sidecars(path) == []


def test_a_text_file_is_not_a_workspace(tmp_path: Path) -> None:
    path = tmp_path / "videos.csv"
    path.write_text("video_id,title\n1,hello\n", encoding="utf-8")
    _assert_refused(path, "not an SQLite database", "--workspace NEWFILE", "move this file")


def test_a_short_binary_file_is_not_a_workspace(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    path.write_bytes(b"\x00\x01")
    _assert_refused(path, "not an SQLite database")


def test_a_damaged_page_is_reported_and_left_in_place(tmp_path: Path) -> None:
    path = _real_workspace(tmp_path / "ws.sqlite3")
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    assert len(data) > 4 * page
    # scribble over the b-tree headers of pages 2 and 3
    data[page : page + 64] = b"\xa5" * 64
    data[2 * page : 2 * page + 64] = b"\x5a" * 64
    path.write_bytes(bytes(data))
    _assert_refused(path, "damaged", "left untouched", "--workspace NEWFILE")


def test_a_truncated_file_is_reported_and_left_in_place(tmp_path: Path) -> None:
    path = _real_workspace(tmp_path / "ws.sqlite3")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    _assert_refused(path, "damaged", "--workspace NEWFILE")


def test_a_header_with_garbage_behind_it(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite3"
    path.write_bytes(_db.SQLITE_MAGIC + os.urandom(8192 - 16))
    _assert_refused(path, "--workspace NEWFILE")


def test_another_programs_database_is_not_ours(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE cookies (name TEXT, value TEXT)")
    conn.execute("INSERT INTO cookies VALUES ('a', 'b')")
    conn.commit()
    conn.close()
    _assert_refused(path, "another program")


def test_a_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = _real_workspace(tmp_path / "ws.sqlite3", drafts=3)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {_db.SCHEMA_VERSION + 5}")
    conn.execute("CREATE TABLE from_the_future (x)")
    conn.commit()
    conn.close()
    _assert_refused(path, "newer kptui", "upgrade kptui")
    # and a write through the CLI does not sneak past either
    before = _digest(path)
    result = _cli("plan", "draft", "add", "--title", "x", "--workspace", str(path))
    assert result.returncode == 1 and "newer kptui" in result.stderr
    assert _digest(path) == before


def test_an_empty_file_becomes_a_workspace(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    with Workspace.open(path) as ws:
        ws.add_draft("first")
    with Workspace.open(path) as ws:
        assert [d.title for d in ws.list_drafts()] == ["first"]


def test_a_folder_is_not_a_workspace_file(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="folder"):
        Workspace.open(tmp_path)


def test_a_missing_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "ws.sqlite3"
    with Workspace.open(path) as ws:
        ws.add_draft("x")
    assert path.exists()


def test_readonly_mode_reads_and_refuses_writes(tmp_path: Path) -> None:
    """The code path a read-only file takes (`mode=ro`), exercised directly."""
    path = _real_workspace(tmp_path / "ws.sqlite3", drafts=2)
    before = _digest(path)
    with Workspace.open(path, readonly=True) as ws:
        assert ws.readonly
        assert [d.title for d in ws.list_drafts()] == ["draft 0", "draft 1"]
        ws.add_recent_dataset("/somewhere")  # silently skipped: not worth failing for
        for write in (
            lambda: ws.add_draft("nope"),
            lambda: ws.update_draft(1, title="nope"),
            lambda: ws.delete_draft(1),
            lambda: ws.add_experiment("nope"),
            lambda: ws.record(1, "A", visitors=1),
        ):
            with pytest.raises(WorkspaceError, match="read-only: nothing was changed"):
                write()
    assert _digest(path) == before


def test_sqlite_refusing_a_write_is_reported_as_read_only(tmp_path: Path) -> None:
    """Even if our own check misses it, SQLite's SQLITE_READONLY becomes the same message."""
    path = _real_workspace(tmp_path / "ws.sqlite3", drafts=1)
    ws = Workspace.open(path, readonly=True)
    ws.readonly = False  # pretend our check thought it writable: SQLite must still refuse
    try:
        with pytest.raises(WorkspaceError, match="read-only"):
            ws.add_draft("nope")
    finally:
        ws.close()
    with Workspace.open(path) as again:
        assert len(again.list_drafts()) == 1


def _can_mount_readonly(tmp_path: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = tmp_path / "probe"
    probe.mkdir()
    r = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount --bind -o ro {probe} {probe} && touch {probe}/x"],
        capture_output=True,
        text=True,
    )
    return "Read-only file system" in r.stderr


def test_a_file_on_a_read_only_filesystem(tmp_path: Path) -> None:
    """A real read-only case. As root, chmod does not stop writes, so the folder is bind-mounted
    read-only in a private mount namespace; as a normal user, chmod is enough."""
    folder = tmp_path / "ro"
    folder.mkdir()
    path = _real_workspace(folder / "ws.sqlite3", drafts=2)
    before = _digest(path)
    ws_arg = ["--workspace", str(path)]
    add = ["plan", "draft", "add", "--title", "blocked", *ws_arg]
    show = ["plan", "draft", "list", "--json", *ws_arg]
    if os.geteuid() != 0:
        path.chmod(0o444)
        folder.chmod(0o555)
        try:
            added, listed = _cli(*add), _cli(*show)
        finally:
            folder.chmod(0o755)
            path.chmod(0o644)
    elif _can_mount_readonly(tmp_path):
        py = f"{sys.executable} -m kptui"
        script = (
            f"mount --bind -o ro {folder} {folder} && "
            f"{py} {' '.join(add)} 2>&1; echo rc=$?; {py} {' '.join(show)}"
        )
        r = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True)
        out = r.stdout
        first, _, rest = out.partition("rc=")
        rc, _, listed_out = rest.partition("\n")
        added = subprocess.CompletedProcess(add, int(rc), "", first)
        listed = subprocess.CompletedProcess(show, r.returncode, listed_out, r.stderr)
    else:
        pytest.skip("running as root without permission to mount: see the readonly-mode tests")
    assert added.returncode == 1
    assert added.stderr.strip().splitlines() == [
        f"error: {path}: the workspace is read-only: nothing was changed "
        "(make the file and its folder writable, or use --workspace NEWFILE)"
    ]
    assert listed.returncode == 0, listed.stderr
    assert '"draft 1"' in listed.stdout
    assert _digest(path) == before
    assert _sidecars(path) == []


def test_older_schema_is_migrated_forward_keeping_data(tmp_path: Path) -> None:
    """A file at version 1 opened by code that knows version 2 gains the new column."""
    path = _real_workspace(tmp_path / "ws.sqlite3", drafts=2)
    extra = [*_db.MIGRATIONS, "ALTER TABLE drafts ADD COLUMN cover TEXT NOT NULL DEFAULT '';"]
    conn = _db.connect(path, readonly=False)
    try:
        assert _db.migrate(conn, path, extra) == len(extra)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(extra)
        cols = [r[1] for r in conn.execute("PRAGMA table_info(drafts)")]
        assert "cover" in cols
        titles = [r[0] for r in conn.execute("SELECT title FROM drafts ORDER BY id")]
        assert titles == ["draft 0", "draft 1"]
        # running it again is a no-op
        assert _db.migrate(conn, path, extra) == len(extra)
    finally:
        conn.close()


def test_a_failing_migration_leaves_the_old_version(tmp_path: Path) -> None:
    path = _real_workspace(tmp_path / "ws.sqlite3", drafts=1)
    before = _digest(path)
    broken = [*_db.MIGRATIONS, "CREATE TABLE x (a);", "THIS IS NOT SQL;"]
    conn = _db.connect(path, readonly=False)
    try:
        with pytest.raises(sqlite3.Error):
            _db.migrate(conn, path, broken)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == _db.SCHEMA_VERSION
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'x'").fetchone() is None
    finally:
        conn.close()
    assert _digest(path) == before


def test_new_file_is_wal_with_our_id_and_version(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite3"
    with Workspace.open(path) as ws:
        ws.add_draft("x")
        conn = ws.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA application_id").fetchone()[0] == _db.APPLICATION_ID
        assert ws.schema_version == _db.SCHEMA_VERSION


def test_a_full_disk_is_one_clear_line_and_keeps_what_was_there(tmp_path: Path) -> None:
    """SQLITE_FULL, provoked for real by capping the file's size with max_page_count."""
    path = tmp_path / "ws.sqlite3"
    with Workspace.open(path) as ws:
        ws.add_draft("kept")
        pages = ws.conn.execute("PRAGMA page_count").fetchone()[0]
        ws.conn.execute(f"PRAGMA max_page_count = {pages + 1}")
        with pytest.raises(WorkspaceError, match="the disk is full: nothing was changed"):
            ws.add_draft("big", description="x" * 200_000)
        assert [d.title for d in ws.list_drafts()] == ["kept"]
    with Workspace.open(path) as ws:
        assert [d.title for d in ws.list_drafts()] == ["kept"]
        assert ws.integrity_check() == "ok"
