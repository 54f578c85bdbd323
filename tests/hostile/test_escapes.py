"""Escape strings from data never reach an output as raw bytes: every command, file and the app.

The strings are the red-team corpus's: OSC 52 (writes the clipboard), ESC[2J (clears the
screen), a C1 CSI, U+202E (reverses text), U+200B (hides a difference), U+E000 and U+FFFF
(render blank and shift a column). Each output is checked byte by byte.
"""

from __future__ import annotations

import csv
import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from kptui.textsafe import clean, json_escape

SAMPLE = Path(__file__).resolve().parents[2] / "kptui" / "sample_data"
OSC52 = "\x1b]52;c;aGFja2Vk\x07"
ESCAPES = [OSC52, "\x1b[2J", "\x9b2J", "\u202e", "\u200b", "\ue000", "\uffff", "\U000e0041"]
HOSTILE = "".join(ESCAPES)
# bytes that must never appear in any output (their UTF-8 forms)
FORBIDDEN = [b"\x1b", b"\x07", b"\xc2\x9b", *(ch.encode() for ch in ESCAPES[3:])]


def _assert_clean(data: bytes, where: str) -> None:
    for bad in FORBIDDEN:
        assert bad not in data, f"{where}: raw {bad!r} in output"


def test_clean_shows_every_risky_character() -> None:
    shown = clean(f"a{HOSTILE}b")
    assert shown == (
        "a\\x1b]52;c;aGFja2Vk\\x07\\x1b[2J\\x9b2J⟨U+202E⟩⟨U+200B⟩⟨U+E000⟩⟨U+FFFF⟩⟨U+E0041⟩b"
    )
    assert clean("a\u0378b") == "a⟨U+0378⟩b"  # unassigned
    assert clean("学 Python 🎉 \u3000x") == "学 Python 🎉 \u3000x"  # ordinary text unchanged
    assert clean("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"  # an emoji sequence stays
    assert clean("a\r\nb\tc") == "a b c"
    assert clean("a\r\nb\tc\rd", one_line=False) == "a\nb\tc\\x0dd"


def test_json_escape_is_lossless_and_ascii_safe() -> None:
    value = {"t": f"x{HOSTILE}\U000f0001y"}
    text = json_escape(json.dumps(value, ensure_ascii=False))
    _assert_clean(text.encode(), "json")
    assert json.loads(text) == value


def _poisoned_dataset(folder: Path) -> Path:
    """The sample's first 80 videos with hostile titles, tags and viewer IDs."""
    folder.mkdir()
    with open(SAMPLE / "videos.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))[:80]
    keep = {r["video_id"] for r in rows}
    for i, r in enumerate(rows):
        r["title"] = f"{ESCAPES[i % len(ESCAPES)]}{r['title']}{HOSTILE}"
        r["tags"] = r["tags"] + f"|坏{ESCAPES[i % len(ESCAPES)]}标签"
    with open(folder / "videos.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with open(SAMPLE / "interactions.csv", encoding="utf-8", newline="") as fh:
        inter = [r for r in csv.DictReader(fh) if r["video_id"] in keep]
    for r in inter:
        r["user_id"] = f"{r['user_id']}{ESCAPES[int(r['user_id'][-1]) % len(ESCAPES)]}"
    with open(folder / "interactions.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(inter[0]))
        w.writeheader()
        w.writerows(inter)
    return folder


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "kptui", *args],
        capture_output=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


@pytest.fixture
def hostile_env(tmp_path: Path) -> tuple[dict[str, str], Path, Path]:
    from kptui.store import Arm, Workspace

    ws_path = tmp_path / "ws.sqlite3"
    with Workspace.open(ws_path) as ws:
        ws.add_draft(
            f"T{HOSTILE}",
            description=f"d{HOSTILE}\nline two",
            tags=[f"a{OSC52}", "b\u202e"],
            notes=f"n{HOSTILE}",
        )
        ws.add_experiment(
            f"E{HOSTILE}",
            arms=[Arm(f"A{OSC52}", 100, 10), Arm("B\u202e\ue000", 100, 20)],
            drafts=[1],
            notes=f"n{HOSTILE}",
        )
    env = dict(os.environ)
    env.pop("KPTUI_DEBUG", None)
    env["KPTUI_WORKSPACE"] = str(ws_path)
    env["COLUMNS"] = "100"
    return env, ws_path, _poisoned_dataset(tmp_path / "poison")


def test_every_cli_output_is_clean(hostile_env, tmp_path: Path) -> None:
    env, _, data = hostile_env
    title = f"学 Python {HOSTILE}"
    commands = [
        ("plan", "export", "--format", "csv"),
        ("plan", "export", "--format", "csv", "--table", "experiments"),
        ("plan", "export", "--format", "md"),
        ("plan", "export", "--format", "json"),
        ("plan", "draft", "list"),
        ("plan", "draft", "show", "1"),
        ("plan", "draft", "list", "--json"),
        ("plan", "experiment", "list"),
        ("plan", "experiment", "show", "1"),
        ("plan", "experiment", "show", "1", "--json"),
        ("ab", "test", "--control", f"A{OSC52}=100:10", "--variant", "B\u202e=100:20"),
        ("data", "inspect", str(data)),
        ("data", "inspect", str(data), "--json"),
        ("tags", "suggest", "--title", title, "--data", str(data)),
        ("tags", "suggest", "--title", title, "--data", str(data), "--json"),
        ("recommend", "--user", "all", "--data", str(data), "--top", "3"),
        ("recommend", "--persona", "all", "--data", str(data), "--top", "3"),
        ("recommend", "--title", title, "--data", str(data)),
        ("personas", "--data", str(data), "--k", "3"),
        ("personas", "--data", str(data), "--k", "3", "--json"),
    ]
    for args in commands:
        done = _run(*args, env=env)
        where = " ".join(args[:3])
        assert b"Traceback" not in done.stderr, (where, done.stderr)
        assert done.returncode == 0, (where, done.stderr.decode(errors="replace"))
        _assert_clean(done.stdout, where + " (stdout)")
        _assert_clean(done.stderr, where + " (stderr)")
        if "--json" in args or args[-1] == "json":
            json.loads(done.stdout)  # still valid JSON
    for fmt in ("csv", "md", "json"):
        out = tmp_path / f"plan.{fmt}"
        done = _run("plan", "export", "--format", fmt, "--out", str(out), env=env)
        assert done.returncode == 0, done.stderr
        _assert_clean(out.read_bytes(), f"export file {fmt}")
    exported = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert exported["drafts"][0]["title"] == f"T{HOSTILE}"  # JSON keeps the exact text


def _run_in_pty(args: list[str], env: dict[str, str]) -> bytes:
    """The command's output as a terminal receives it."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execve(sys.executable, [sys.executable, "-m", "kptui", *args], env)
    chunks = []
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            os.kill(pid, 9)
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.waitpid(pid, 0)
    return b"".join(chunks)


def test_csv_export_to_a_terminal_emits_no_escape(hostile_env) -> None:
    env, _, _ = hostile_env
    env = {**env, "TERM": "xterm-256color"}
    for fmt in ("csv", "md", "json"):
        got = _run_in_pty(["plan", "export", "--format", fmt], env)
        assert b"x1b" in got or b"u001b" in got, got[:300]  # shown, not run
        _assert_clean(got, f"export {fmt} to a terminal")
    # rich styles its tables with SGR codes on a terminal; data's own sequences never appear
    got = _run_in_pty(["plan", "draft", "list"], env)
    assert b"\x1b]52" not in got and b"\x1b[2J" not in got and "\u202e".encode() not in got
