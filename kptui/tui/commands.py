"""Command palette (ctrl+p): every pane and every pane action, by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from kptui.tui.app import KptuiApp

# what each pane is for, in the palette (its keys come from the bindings)
PANE_WORDS: dict[str, str] = {
    "data": "Load data, see problems and an overview",
    "tags": "Draft a title, pick tags",
    "personas": "Viewer personas, members, export",
    "recommend": "What to show to whom",
    "ab": "Experiment verdict and sample size",
    "plan": "Saved drafts and experiments",
    "insights": "Outliers, when to post, funnel, trends, tags that work",
}

# (title, help, pane id or "" for the app, action run on that pane / the app)
COMMANDS: tuple[tuple[str, str, str, str], ...] = (
    ("Recompute insights", "Run the insights again on the loaded data", "insights", "recompute"),
    ("Load dataset…", "Type a folder or file path to load", "data", "focus_path"),
    ("Open a recent dataset…", "Datasets you opened before", "data", "open_recent"),
    ("Load the bundled sample", "Open the sample that ships with kptui", "data", "load_sample"),
    ("Reload dataset", "Load the current path again", "data", "reload"),
    ("Copy chosen tags", "Copy #tags to the clipboard (works over SSH)", "tags", "copy_tags"),
    ("Save draft", "Save the draft to the workspace plan", "tags", "save_draft"),
    ("New draft", "Clear title, description and chosen tags", "tags", "new_draft"),
    (
        "Export persona members",
        "Write the selected persona's members to a CSV file",
        "personas",
        "export",
    ),
    ("Add A/B variant", "Add an arm to the experiment", "ab", "add_arm"),
    ("Remove last A/B variant", "Remove the last variant arm", "ab", "remove_arm"),
    ("Save experiment", "Save the A/B arms to the workspace plan", "ab", "save_experiment"),
    ("Reload plan", "Read the workspace again", "plan", "reload"),
    ("Use terminal colours", "The ansi theme: your terminal's palette", "", "use_terminal_colours"),
    ("Help", "Keys and how to use kptui", "", "help"),
)


class KptuiCommands(Provider):
    """Pane switches and pane actions, run on the pane they belong to; and the datasets
    opened before (`Open dataset: name`), read from the workspace when the palette opens."""

    _recent: tuple[str, ...] = ()

    @property
    def kapp(self) -> KptuiApp:
        return self.app  # type: ignore[return-value]

    async def startup(self) -> None:
        import asyncio

        from kptui.services.datasets import recent_datasets

        # off the event loop: another process may hold the workspace's lock for a moment
        self._recent = tuple(await asyncio.to_thread(recent_datasets, self.kapp.workspace))

    def _run(self, pane_id: str, action: str) -> None:
        self.kapp.run_command(pane_id, action)

    def _open(self, path: str) -> None:
        from kptui.tui.messages import OpenDataset

        self.kapp.post_message(OpenDataset(path))

    def _entries(self) -> list[tuple[str, str, Callable[[], None]]]:
        from pathlib import Path

        from kptui.services.datasets import shown_path
        from kptui.tui.keyhelp import pane_key_hint
        from kptui.tui.text import plain

        out: list[tuple[str, str, Callable[[], None]]] = []
        for pane in self.kapp.PANES:
            hint = pane_key_hint(pane.PANE_ID, self.kapp)
            words = PANE_WORDS.get(pane.PANE_ID, pane.PANE_TITLE)
            out.append(
                (
                    f"{pane.PANE_TITLE} pane",
                    f"{words} ({hint})" if hint else words,
                    partial(self._run, "", f"show_pane('{pane.PANE_ID}')"),
                )
            )
        out += [
            (title, help_text, partial(self._run, pane_id, action))
            for title, help_text, pane_id, action in COMMANDS
        ]
        for path in self._recent:
            name = plain(Path(path).name or path, limit=60)
            out.append(
                (
                    f"Open dataset: {name}",
                    plain(shown_path(path), limit=200),
                    partial(self._open, path),
                )
            )
        return out

    async def discover(self) -> Hits:
        for title, help_text, run in self._entries():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._entries():
            score = max(matcher.match(title), matcher.match(help_text) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)
