"""Command palette (ctrl+p): every pane and every pane action, by name."""

from __future__ import annotations

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
    """Pane switches and pane actions; run on the pane they belong to."""

    @property
    def kapp(self) -> KptuiApp:
        return self.app  # type: ignore[return-value]

    def _run(self, pane_id: str, action: str) -> None:
        self.kapp.run_command(pane_id, action)

    async def discover(self) -> Hits:
        for title, help_text, pane_id, action in COMMANDS:
            yield DiscoveryHit(title, partial(self._run, pane_id, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, pane_id, action in COMMANDS:
            score = max(matcher.match(title), matcher.match(help_text) * 0.5)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self._run, pane_id, action),
                    help=help_text,
                )
