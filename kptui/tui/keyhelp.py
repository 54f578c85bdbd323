"""The help screen's key lists, made from the bindings themselves (and the user's keymap).

Keys were written by hand twice, in `help.md` and in each widget's BINDINGS, and drifted;
now help.md holds the words only and `{keys:NAME}` / `{pane:ID}` / `{ids}` placeholders that
this module fills from the bindings actually in force, remapped keys included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from textual.binding import Binding

if TYPE_CHECKING:
    from kptui.tui.app import KptuiApp

_NAMES = {
    "escape": "Esc", "enter": "Enter", "space": "Space", "tab": "Tab", "delete": "Del",
    "pagedown": "PgDn", "pageup": "PgUp", "up": "↑", "down": "↓",
}  # fmt: skip


def key_words(key: str) -> str:
    """`ctrl+pagedown` -> `ctrl+PgDn`, `question_mark` -> `?`, `f1` -> `F1`."""
    from textual.keys import format_key

    *mods, last = key.split("+")
    shown = _NAMES.get(last) or (last.upper() if re.fullmatch(r"f\d+", last) else format_key(last))
    return "+".join([*mods, shown])


def _bindings(kinds: Iterable[type]) -> list[Binding]:
    out: list[Binding] = []
    for kind in kinds:
        out += [b for b in kind.BINDINGS if isinstance(b, Binding)]  # type: ignore[attr-defined]
    return out


def effective_keys(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    keys = keymap.get(binding.id or "", binding.key)
    return [k.strip() for k in keys.split(",") if k.strip()]


def keys_line(bindings: Iterable[Binding], keymap: Mapping[str, str]) -> str:
    """`` `l` type a path to load · `r` reload ``: each binding's keys and its words."""
    parts = []
    for b in bindings:
        keys = " ".join(f"`{key_words(k)}`" for k in effective_keys(b, keymap))
        parts.append(f"{keys} {b.tooltip or b.description}")
    return " · ".join(parts)


def _app_class(app: object) -> type[KptuiApp]:
    return app if isinstance(app, type) else type(app)  # type: ignore[return-value]


def groups(app: KptuiApp | type[KptuiApp]) -> dict[str, list[Binding]]:
    """Bindings by the help placeholder that lists them (the app's own and its panes')."""
    from kptui.tui.panes.insights import VideoScreen
    from kptui.tui.screens import (
        ConfirmScreen,
        HelpScreen,
        RecentScreen,
        SavePathScreen,
        UnsavedScreen,
    )
    from kptui.tui.widgets.field import Field
    from kptui.tui.widgets.frame_table import FrameTable

    cls = _app_class(app)
    out = {p.PANE_ID: _bindings([p]) for p in cls.PANES}
    out["app"] = [b for b in _bindings([cls]) if not (b.id or "").startswith("pane.")]
    out["panes"] = [b for b in _bindings([cls]) if (b.id or "").startswith("pane.")]
    out["table"] = _bindings([FrameTable])
    out["field"] = _bindings([Field])
    out["screens"] = _bindings(
        [ConfirmScreen, UnsavedScreen, SavePathScreen, RecentScreen, VideoScreen, HelpScreen]
    )
    return out


def help_text(app: KptuiApp | type[KptuiApp]) -> str:
    """help.md, filled in for `app` (its keymap)."""
    from kptui.tui.screens import HELP

    return render(HELP.read_text(encoding="utf-8"), app)


def render(template: str, app: KptuiApp | type[KptuiApp]) -> str:
    """help.md with its placeholders filled from the bindings and `app`'s keymap (an app
    class: the default keys). The app is passed in, never imported: it imports this."""
    keymap: Mapping[str, str] = getattr(app, "_keymap", None) or {}
    found = groups(app)

    def pane_keys(pane_id: str) -> str:
        ids = (f"pane.{pane_id}", f"pane.{pane_id}.f", f"pane.{pane_id}.alt")
        chosen = [b for i in ids for b in found["panes"] if b.id == i]
        return " ".join(f"`{key_words(k)}`" for b in chosen for k in effective_keys(b, keymap))

    def ids() -> str:
        panes_ = _app_class(app).PANES
        seen = [b.id for bindings in found.values() for b in bindings if b.id]
        rest = [i for i in dict.fromkeys(seen) if not i.startswith("pane.")]
        first, last = panes_[0].PANE_ID, panes_[-1].PANE_ID
        panes = (
            f"`pane.{first}` … `pane.{last}` (`pane.{first}.alt`, `pane.{first}.f` … for "
            "alt+N and the F-keys)"
        )
        return ", ".join([panes, *(f"`{i}`" for i in rest)])

    def fill(match: re.Match[str]) -> str:
        kind, _, name = match.group(1).partition(":")
        if kind == "pane":
            return pane_keys(name)
        if kind == "keys":
            return keys_line(found[name], keymap)
        return ids()

    return re.sub(r"\{((?:pane|keys):[a-z]+|ids)\}", fill, template)


def pane_key_hint(pane_id: str, app: KptuiApp) -> str:
    """`key 3, F3`: how to reach a pane, as the command palette says it."""
    keymap: Mapping[str, str] = getattr(app, "_keymap", None) or {}
    found = {b.id: b for b in groups(app)["panes"]}
    keys = [
        key_words(k)
        for suffix in ("", ".f")
        if (b := found.get(f"pane.{pane_id}{suffix}")) is not None
        for k in effective_keys(b, keymap)
    ]
    return f"key {', '.join(keys)}" if keys else ""
