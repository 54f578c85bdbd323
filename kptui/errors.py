"""Errors that carry where bad input came from, so every front end can say it in one line.

An error about a value the user gave (an option, a field in the app) carries `field=`, the
field's name ("mde", "alpha"), and its message marks where that name goes with `FIELD`. Each
front end renders the field its own way: `str(exc)` spells it as the command line does
(`--mde`), which is what the CLI prints; the app calls `exc.text(labels)` with its inputs'
labels ("MDE %"). So the engine never names a CLI flag, and the app never tells someone to fix
a flag they never typed. `column` stays for data columns (a file's header).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

# Where the field's name goes in a message: NULs around a word, which neither a command line
# nor the app's fields can carry, so it is never mistaken for user text in the message.
FIELD = "\x00field\x00"


def option_name(field: str) -> str:
    """The command line's spelling of a field: `daily_visitors` -> `--daily-visitors`."""
    return "--" + field.replace("_", "-")


class KptuiError(Exception):
    """A problem the user can fix: bad data (exit 1) or bad usage (exit 2).

    The CLI prints it as ``error: FILE:ROW:COLUMN: message``; the TUI shows it as a notice.
    ``row`` is 1-based as a spreadsheet shows it (the header is row 1).
    """

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        field: str | None = None,
    ) -> None:
        self.template = message
        self.file = file
        self.row = row
        self.column = column
        self.field = field
        self.message = self.render_message(option_name)
        super().__init__(self.message)

    def render_message(self, label: Callable[[str], str]) -> str:
        """The message with the field named by `label(field)`."""
        if FIELD not in self.template:
            return self.template
        return self.template.replace(FIELD, label(self.field or "value"))

    def text(self, labels: Mapping[str, str] | Callable[[str], str] | None = None) -> str:
        """The whole line for a front end that names fields its own way (the app's labels);
        a field without a label is named as it is ("alpha")."""
        if labels is None:
            label: Callable[[str], str] = str
        elif callable(labels):
            label = labels
        else:
            label = lambda f: labels.get(f, f)  # noqa: E731
        loc = self.location()
        message = self.render_message(label)
        return f"{loc}: {message}" if loc else message

    def location(self) -> str:
        parts = [str(p) for p in (self.file, self.row, self.column) if p is not None and p != ""]
        return ":".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        return f"{loc}: {self.message}" if loc else self.message


class DataError(KptuiError):
    """The data is wrong: a file that cannot be read, a missing column, no interactions."""

    exit_code = 1


class UsageError(KptuiError):
    """The command line is wrong: an option out of range, an unknown persona or user."""

    exit_code = 2


class WorkspaceError(KptuiError):
    """The workspace file cannot be used as it is (corrupt, newer schema, read-only)."""

    exit_code = 1


MAX_SEED = 2**32 - 1  # numpy's and scikit-learn's random_state range


def check_seed(seed: object, field: str = "seed") -> int:
    """A seed numpy and scikit-learn take (0 to 2^32 - 1): -1 or 10^20 from the command line
    was an internal error deep inside TruncatedSVD or default_rng."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise UsageError(
            f"{FIELD} must be a whole number from 0 to {MAX_SEED}, got {seed}", field=field
        )
    return seed
