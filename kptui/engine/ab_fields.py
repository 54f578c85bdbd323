"""Errors about an A/B input field, shared by the A/B engine modules.

Its own small module so the conversion path (`kptui ab test` without a mean metric) can use it
without importing the mean-metric code.
"""

from __future__ import annotations

from typing import Any

from kptui.errors import UsageError


def bad(message: str, field_name: str, **where: Any) -> UsageError:
    """A UsageError about the input field `field_name` ("sd", "cap_pct"...); `{field}` in the
    message marks where each front end names that field its own way (`--cap-pct` on the
    command line), so the engine never spells a flag."""
    from kptui import errors

    marker = getattr(errors, "FIELD", None)
    text = message.replace("{field}", field_name if marker is None else marker)
    try:
        return UsageError(text, field=field_name, **where)  # type: ignore[call-arg]
    except TypeError:  # an errors module without field= (before the app layer's)
        err = UsageError(text, **where)
        err.field = field_name  # type: ignore[attr-defined]
        return err
