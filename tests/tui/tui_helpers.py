"""Helpers for the app tests: read the screen and tables as text, wait for workers."""

from __future__ import annotations

import contextlib
import io


def screen_text(app) -> str:
    """The characters on screen, line by line, as a person reads them (modals included)."""
    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


def cells(table) -> list[list[str]]:
    """The visible rows of a DataTable as plain strings."""
    return [
        [getattr(c, "plain", str(c)) for c in table.get_row_at(i)] for i in range(table.row_count)
    ]


async def settle(app, pilot, delay: float = 0.2) -> None:
    """Let debounce timers fire, wait for every worker, then for the messages they posted.

    A cancelled or failed worker is fine here (exclusive workers cancel older ones; failures
    are asserted on by the tests that expect them).
    """
    from textual.worker import WorkerCancelled, WorkerFailed, WorkerState

    await pilot.pause(delay)
    for _ in range(50):
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if not busy:
            break
    await pilot.pause()
