"""Command palette (ctrl+p): every pane and every pane action, by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from kptui.tui.app import KptuiApp

# (title, help, pane id or "" for the app, action run on that pane / the app)
COMMANDS: tuple[tuple[str, str, str, str], ...] = (
    ("Data pane", "Load data, see problems and an overview (key 1)", "", "show_pane('data')"),
    ("Tags pane", "Draft a title, pick tags (key 2)", "", "show_pane('tags')"),
    ("Personas pane", "Viewer personas, members, export (key 3)", "", "show_pane('personas')"),
    ("Recommend pane", "What to show to whom (key 4)", "", "show_pane('recommend')"),
    ("A/B pane", "Experiment verdict and sample size (key 5)", "", "show_pane('ab')"),
    ("Plan pane", "Saved drafts and experiments (key 6)", "", "show_pane('plan')"),
    (
        "Insights pane",
        "Outliers, when to post, funnel, trends, tags that work (key 7)",
        "",
        "show_pane('insights')",
    ),
    ("Recompute insights", "Run the insights again on the loaded data", "insights", "recompute"),
    ("Load dataset…", "Type a folder or file path to load", "data", "focus_path"),
    ("Open a recent dataset…", "Datasets you opened before (key o on Data)", "data", "open_recent"),
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
        from kptui.tui.text import plain

        out = [
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
