"""Errors about an A/B input field, shared by the A/B engine modules.

Its own small module so the conversion path (`kptui ab test` without a mean metric) can use it
without importing the mean-metric code.
"""

from __future__ import annotations

from typing import Any

from kptui.errors import FIELD, UsageError


def bad(message: str, field_name: str, **where: Any) -> UsageError:
    """A UsageError about the input field `field_name` ("sd", "cap_pct"...); `{field}` in the
    message marks where each front end names that field its own way (`--cap-pct` on the
    command line, the input's label in the app: see kptui.errors), so the engine never spells
    a flag."""
    return UsageError(message.replace("{field}", FIELD), field=field_name, **where)
