"""The help screen (`?`): a short how-to from help.md, its keys from the bindings; and the
small questions the app asks (yes/no, unsaved draft, where to save, which recent dataset)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

HELP = Path(__file__).resolve().parent / "help.md"


class HelpScreen(ModalScreen[None]):
    """Full-screen help over the app; Escape, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100%; max-width: 100; height: 100%; max-height: 40;
        border: round $primary; background: $surface; padding: 0 1;
    }
    HelpScreen Markdown { margin: 0; padding: 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("up", "scroll('up')", "Up", show=False, id="help.up"),
        Binding("down", "scroll('down')", "Down", show=False, id="help.down"),
    ]

    def __init__(self, text: str = "") -> None:
        """`text`: help.md with its key lists filled in (the app's `kptui.tui.keyhelp`;
        panes import this module, so it never imports the app or the panes itself)."""
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "kptui help"
            body.border_subtitle = "Esc to close"
            yield Markdown(self.text or HELP.read_text(encoding="utf-8"))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "up":
            body.scroll_up()
        else:
            body.scroll_down()


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question over the app: `y` or Enter confirms, `n` or Escape cancels."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Label {
        width: auto; max-width: 70; border: round $error; background: $surface; padding: 1 2;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        from textual.widgets import Label

        yield Label(f"{self.question}\n\ny: yes · n: no", markup=False)
        yield Footer()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class UnsavedScreen(ModalScreen[str]):
    """The draft has unsaved changes: `s` saves, `d` discards, Escape cancels (stays)."""

    DEFAULT_CSS = """
    UnsavedScreen { align: center middle; }
    UnsavedScreen > Label {
        width: auto; max-width: 70; border: round $warning; background: $surface; padding: 1 2;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "answer('save')", "Save", id="unsaved.save"),
        Binding("d", "answer('discard')", "Discard", id="unsaved.discard"),
        Binding("escape,c", "answer('cancel')", "Cancel", id="unsaved.cancel"),
    ]

    def __init__(self, title: str, doing: str) -> None:
        super().__init__()
        self.draft_title = title
        self.doing = doing

    def compose(self) -> ComposeResult:
        from textual.widgets import Label

        from kptui.tui.text import plain

        title = self.draft_title
        name = f"“{plain(title, limit=40)}”" if title.strip() else "(no title)"
        yield Label(
            f"The draft {name} has changes that are not saved.\n"
            f"Save it before {self.doing}?\n\n"
            "s: save · d: discard the changes · Esc: cancel",
            markup=False,
        )
        yield Footer()

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)


class SavePathScreen(ModalScreen[Path | None]):
    """Where to write a file: a path field (→ completes), Enter writes, Escape cancels.

    An existing file is only replaced after a yes to "replace it?"; a folder typed on its
    own gets the suggested file name inside it.
    """

    DEFAULT_CSS = """
    SavePathScreen { align: center middle; }
    SavePathScreen > Vertical {
        width: 90%; max-width: 90; height: auto; border: round $primary;
        background: $surface; padding: 0 1;
    }
    SavePathScreen Label { width: 100%; }
    SavePathScreen #save-path { margin: 1 0 0 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="save.cancel"),
    ]

    def __init__(self, question: str, default: Path) -> None:
        super().__init__()
        self.question = question
        self.default = default

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical
        from textual.widgets import Label

        from kptui.tui.widgets.path_input import PathInput

        with Vertical(id="save-box") as box:
            box.border_title = "Save as"
            box.border_subtitle = "Enter: write · Esc: cancel"
            yield Label(self.question, markup=False)
            yield PathInput(
                str(self.default), id="save-path", placeholder="file to write (→ completes)"
            )
        yield Footer()

    def on_mount(self) -> None:
        field = self.query_one("#save-path")
        field.focus()
        field.cursor_position = len(field.value)  # type: ignore[attr-defined]

    def on_input_submitted(self, event) -> None:
        import os

        event.stop()
        typed = event.value.strip()
        if not typed:
            self.app.bell()
            return
        path = Path(os.path.expanduser(typed))
        if path.is_dir():
            path = path / self.default.name
        if not path.exists():
            self.dismiss(path)
            return

        def replace(yes: bool | None) -> None:
            if yes:
                self.dismiss(path)

        self.app.push_screen(ConfirmScreen(f"{path} exists. Replace it?"), replace)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RecentScreen(ModalScreen[str | None]):
    """Datasets opened before, most recent first: Enter opens one, Escape cancels."""

    DEFAULT_CSS = """
    RecentScreen { align: center middle; }
    RecentScreen > OptionList {
        width: 90%; max-width: 100; height: auto; max-height: 80%;
        border: round $primary; background: $surface;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="recent.cancel"),
    ]

    def __init__(self, paths: list[str], current: str | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.current = current

    def compose(self) -> ComposeResult:
        from rich.text import Text
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        from kptui.services.datasets import shown_path
        from kptui.tui.text import plain

        options = []
        for i, path in enumerate(self.paths):
            label = Text(plain(shown_path(path), limit=200))
            if self.current and _same_file(path, self.current):
                label.append("  (open now)", style="dim")
            options.append(Option(label, id=str(i)))
        menu = OptionList(*options, id="recent-list")
        menu.border_title = "Recent datasets"
        menu.border_subtitle = "Enter: open · Esc: cancel"
        yield menu
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#recent-list").focus()

    def on_option_list_option_selected(self, event) -> None:
        event.stop()
        self.dismiss(self.paths[int(event.option.id)])

    def action_cancel(self) -> None:
        self.dismiss(None)


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()
    except OSError:
        return a == b
