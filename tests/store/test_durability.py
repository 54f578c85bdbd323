"""Never lose data: killed writers, concurrent writers, and locks held for longer than SQLite waits.

These run real processes on a real SQLite file; nothing is simulated.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kptui.store import Workspace

WRITER = Path(__file__).with_name("writer.py")


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("KPTUI_DEBUG", None)
    env.update(extra)
    return env


def _raw_integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _run_and_kill(path: Path, tag: str, kill_after: int, rng: random.Random) -> list[str]:
    """Start a writer, SIGKILL it soon after its `kill_after`-th acknowledged write."""
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), "100000", tag],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    acked: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            acked.append(line.rstrip("\n"))
            if len(acked) == kill_after:
                # land the kill at a random point of the next write (often inside a commit)
                time.sleep(rng.uniform(0, 0.004))
                proc.send_signal(signal.SIGKILL)

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(timeout=120)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    assert "DONE" not in acked
    return acked


def test_sigkill_at_random_moments_loses_no_acknowledged_write(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite3"
    with Workspace.open(path) as ws:
        exp = ws.add_experiment("killed", arms=["A", "B"])
    rng = random.Random(20240607)
    rounds = 6
    total_acked = 0
    drafts_acked: dict[int, str] = {}
    visitors_acked = conversions_acked = 0
    last_note: dict[int, int] = {}
    for r in range(rounds):
        tag = f"r{r}"
        acked = _run_and_kill(path, tag, kill_after=rng.randint(40, 160), rng=rng)
        total_acked += len(acked)
        for line in acked:
            kind, ident, rest = line.split(" ", 2)
            if kind == "D":
                drafts_acked[int(ident)] = rest
            elif kind == "R":
                visitors_acked += 1
                conversions_acked += int(rest.split()[1])
            elif kind == "N":
                last_note[int(ident)] = int(rest.rsplit("-", 1)[1])

        # the file is sound after every kill, seen both by plain SQLite and by kptui
        assert _raw_integrity(path) == "ok"
        with Workspace.open(path) as ws:
            assert ws.integrity_check() == "ok"
            drafts = {d.id: d for d in ws.list_drafts()}
            for draft_id, title in drafts_acked.items():
                assert draft_id in drafts, f"acknowledged draft {draft_id} lost (round {r})"
                assert drafts[draft_id].title == title
            # at most one unacknowledged change per killed writer may also have landed
            assert len(drafts_acked) <= len(drafts) <= len(drafts_acked) + r + 1
            arm = ws.get_experiment(exp.id).arm("A")
            assert arm is not None
            assert visitors_acked <= arm.visitors <= visitors_acked + r + 1
            assert conversions_acked <= arm.conversions <= conversions_acked + r + 1
            for draft_id, i in last_note.items():
                notes = drafts[draft_id].notes
                seen = int(notes.rsplit("-", 1)[1])
                assert seen >= i, f"acknowledged notes of draft {draft_id} lost"
    assert total_acked >= 200


def _spawn_writer(path: Path, n: int, tag: str, go: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(n), tag],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(WRITER_GO=str(go)),
    )


def test_three_processes_writing_at_once_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    with Workspace.open(path) as ws:
        ws.add_experiment("shared", arms=["A", "B"])
    go = tmp_path / "go"
    procs = [_spawn_writer(path, 450, f"p{i}", go) for i in range(3)]
    time.sleep(1.0)  # let all three open the file, then release them at once
    go.touch()
    outs = [p.communicate(timeout=180) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err.lower() and err == ""
        assert out.rstrip().endswith("DONE")
    with Workspace.open(path) as ws:
        titles = {d.title for d in ws.list_drafts()}
        assert len(titles) == 3 * 150
        for i in range(3):
            for j in range(0, 450, 3):
                assert f"p{i}-{j} 标题 [x]" in titles
        assert ws.get_experiment(1).arm("A").visitors == 3 * 150  # type: ignore[union-attr]
        assert ws.integrity_check() == "ok"


def test_processes_creating_the_same_new_file_at_once(tmp_path: Path) -> None:
    """The migration that creates the schema runs once even when all open a missing file,
    and no process mistakes the half-created file for another program's (several rounds:
    the race is a matter of microseconds)."""
    code = (
        "import sys; from kptui.store import Workspace\n"
        "with Workspace.open(sys.argv[1]) as ws:\n"
        "    for i in range(5): ws.add_draft(f'{sys.argv[2]}-{i}')\n"
    )
    for round_ in range(6):
        path = tmp_path / f"racy{round_}.sqlite3"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", code, str(path), f"c{i}"],
                stderr=subprocess.PIPE,
                text=True,
                env=_env(),
            )
            for i in range(5)
        ]
        for p in procs:
            _, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
        with Workspace.open(path) as ws:
            assert len(ws.list_drafts()) == 25
            assert ws.schema_version >= 1


def _hold_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that takes the write lock and sits on it (a stuck editor, say)."""
    code = (
        "import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "c.execute(\"INSERT INTO recent_datasets VALUES ('/held', 'now', 0)\")\n"
        "print('locked', flush=True)\n"
        "time.sleep(float(sys.argv[2]))\n"
        "c.execute('COMMIT')\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def _add_draft(path: Path, title: str, *flags: str, **env: str) -> subprocess.CompletedProcess:
    """`kptui plan draft add` in its own process, against the workspace file at `path`."""
    return subprocess.run(
        [sys.executable, "-m", "kptui", "plan", "draft", "add", "--title", title,
         "--workspace", str(path), *flags],
        capture_output=True,
        text=True,
        env=_env(**env),
        timeout=60,
    )  # fmt: skip


def test_lock_held_longer_than_sqlite_waits_is_retried(tmp_path: Path) -> None:
    path = tmp_path / "held.sqlite3"
    Workspace.open(path).close()
    holder = _hold_lock(path, 3.0)  # longer than SQLite's own 2 s busy timeout
    try:
        result = _add_draft(path, "waited", "--json")
    finally:
        holder.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert "locked" not in result.stderr.lower()
    with Workspace.open(path) as ws:
        assert [d.title for d in ws.list_drafts()] == ["waited"]
        assert ws.recent_datasets() == ["/held"]


def test_lock_held_past_the_deadline_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "stuck.sqlite3"
    Workspace.open(path).close()
    holder = _hold_lock(path, 4.0)
    try:
        result = _add_draft(path, "late", KPTUI_WORKSPACE_TIMEOUT="0.5")
    finally:
        holder.wait(timeout=30)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}: the workspace is busy")
    assert "database is locked" not in result.stderr
    with Workspace.open(path) as ws:
        assert ws.list_drafts() == []  # nothing half-written


@pytest.mark.parametrize("threads", [4])
def test_one_workspace_shared_by_threads(tmp_path: Path, threads: int) -> None:
    """The TUI's workers may share one object; calls are serialised, none is lost."""
    with Workspace.open(tmp_path / "t.sqlite3") as ws:
        exp = ws.add_experiment("threads", arms=["A", "B"])
        errors: list[BaseException] = []

        def work(k: int) -> None:
            try:
                for i in range(25):
                    ws.add_draft(f"t{k}-{i}")
                    ws.record(exp.id, "B", visitors=2, conversions=1)
                    ws.list_drafts()
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        pool = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        assert errors == []
        assert len(ws.list_drafts()) == threads * 25
        arm = ws.get_experiment(exp.id).arm("B")
        assert arm is not None and (arm.visitors, arm.conversions) == (threads * 50, threads * 25)
