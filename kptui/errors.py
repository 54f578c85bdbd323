"""Errors that carry where bad input came from, so every front end can say it in one line."""

from __future__ import annotations


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
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.row = row
        self.column = column

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
