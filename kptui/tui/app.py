"""Placeholder until the app lands (issue 6)."""

from __future__ import annotations


def run_app(path: str | None, workspace: str | None = None) -> None:
    from kptui.errors import UsageError

    raise UsageError("the app is not built yet")
