"""alt+digit as terminals send it: ESC then the digit, read as `alt+N`, never as `£`.

Textual 8 maps ESC+digit to the characters macOS's Option key types (ESC 3 -> `£`, for
WezTerm on a Mac), so in xterm, tmux or over SSH alt+3 typed `£` into a field instead of
switching panes. kptui wants the ordinary reading: the parser then reports `alt+3` (after
the usual ESC delay), which the pane bindings catch before any field sees it.
"""

from __future__ import annotations

ALT_DIGITS = tuple(f"\x1b{d}" for d in "0123456789")


def read_esc_digit_as_alt() -> None:
    """Drop the Option-character readings of ESC+digit from Textual's key table (idempotent)."""
    from textual._ansi_sequences import ANSI_SEQUENCES_KEYS

    for sequence in ALT_DIGITS:
        ANSI_SEQUENCES_KEYS.pop(sequence, None)
