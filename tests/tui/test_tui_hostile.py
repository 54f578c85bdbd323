"""The app shows escape strings from data visibly: nothing raw reaches the screen, no column
shifts (private-use and unassigned characters are shown as `⟨U+E000⟩`, which has a width)."""

from __future__ import annotations

import csv
from pathlib import Path

from rich.cells import cell_len
from tui_helpers import cells, screen_text, settle

from kptui.engine import abtest
from kptui.store import Arm, Workspace
from kptui.tui.app import KptuiApp
from kptui.tui.panes.ab import ABPane
from kptui.tui.widgets import FrameTable

SAMPLE = Path(__file__).resolve().parents[2] / "kptui" / "sample_data"
ESCAPES = ["\x1b]52;c;aGFja2Vk\x07", "\x1b[2J", "\x9b2J", "\u202e", "\u200b", "\ue000", "\uffff"]
HOSTILE = "".join(ESCAPES)
RAW = ["\x1b", "\x07", "\x9b", "\u202e", "\u200b", "\ue000", "\uffff"]


def _dataset(folder: Path) -> str:
    folder.mkdir()
    with open(SAMPLE / "videos.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))[:60]
    keep = {r["video_id"] for r in rows}
    for i, r in enumerate(rows):
        r["title"] = f"{ESCAPES[i % len(ESCAPES)]}{r['title']}"
        r["tags"] += f"|x{ESCAPES[3]}y"
    with open(folder / "videos.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with open(SAMPLE / "interactions.csv", encoding="utf-8", newline="") as fh:
        inter = [r for r in csv.DictReader(fh) if r["video_id"] in keep]
    with open(folder / "interactions.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(inter[0]))
        w.writeheader()
        w.writerows(inter)
    return str(folder)


def _no_raw(text: str, where: str) -> None:
    for ch in RAW:
        assert ch not in text, f"{where}: raw {ch!r} on screen"


async def test_data_and_plan_panes_show_escapes_visibly(tmp_path: Path) -> None:
    ws = tmp_path / "ws.sqlite3"
    with Workspace.open(ws) as w:
        w.add_draft(f"T{HOSTILE}", tags=["a\u202e"], notes=HOSTILE)
        w.add_experiment(f"E{HOSTILE}", arms=[Arm(f"A{ESCAPES[0]}", 10, 1), Arm("B\ue000", 10, 2)])
    app = KptuiApp(_dataset(tmp_path / "poison"), str(ws))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#top-videos", FrameTable)
        titles = [r[0] for r in cells(table)]
        shown = ("\\x1b]52;c;aGFja2Vk\\x07", "\\x1b[2J", "\\x9b2J", "⟨U+202E⟩", "⟨U+200B⟩")
        assert len(titles) == 60
        assert all(t.startswith((*shown, "⟨U+E000⟩", "⟨U+FFFF⟩")) for t in titles)
        assert {t[:8] for t in titles} >= {"⟨U+E000⟩", "⟨U+FFFF⟩", "⟨U+202E⟩"}
        text = screen_text(app)
        _no_raw(text, "data pane")
        # every table row is as wide as the others: no character shifted a column
        lines = [ln for ln in text.splitlines() if ln.rstrip().endswith(("│", "┃")) and "⟨U+" in ln]
        assert len(lines) > 10 and len({cell_len(ln) for ln in lines}) == 1
        for key in ("2", "3", "4", "5", "6"):
            await pilot.press("escape", key)
            await settle(app, pilot)
            _no_raw(screen_text(app), f"pane {key}")
        assert "E\\x1b]52" in screen_text(app)  # the plan pane lists the experiment, escaped


async def test_pane_takes_as_many_arms_as_the_cli_and_no_more() -> None:
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("5")
        pane = app.query_one(ABPane)
        for _ in range(abtest.MAX_ARMS):  # one press more than the limit allows
            pane.action_add_arm()
            await pilot.pause()
        rows = pane.arm_rows()
        assert len(rows) == abtest.MAX_ARMS
        names = [r.value().name for r in rows]
        assert len(set(names)) == len(names) and names[-1] == "Z"
        await settle(app, pilot)
        shown = [str(n.message) for n in app._notifications]
        assert any(f"At most {abtest.MAX_ARMS} arms" in m for m in shown), shown


async def test_fifo_as_workspace_is_named_and_quit_ends(tmp_path) -> None:
    """A FIFO given as the workspace: the app opens, the Plan pane names the problem, a toast
    says it, nothing ever opens the FIFO (that would block), and q ends the app."""
    import errno
    import os

    fifo = tmp_path / "ws.fifo"
    os.mkfifo(fifo)
    app = KptuiApp(str(SAMPLE), str(fifo))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("6")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Workspace problem" in text and "is a FIFO (named pipe)" in text
        assert any("FIFO" in str(n.message) for n in app._notifications)
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running
    try:  # no reader is blocked on it: a non-blocking writer finds nobody at the other end
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        assert exc.errno == errno.ENXIO
    else:
        os.close(fd)
        raise AssertionError("something opened the FIFO for reading")
