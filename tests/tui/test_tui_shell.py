"""The app shell: panes by key, help, palette, quit, remappable keys, colours."""

from __future__ import annotations

import json
import re

from textual.command import CommandPalette
from textual.widgets import ContentSwitcher, Input
from tui_helpers import screen_text, settle

from kptui.tui.app import PANES, KptuiApp
from kptui.tui.screens import HelpScreen


def current(app: KptuiApp) -> str:
    return app.query_one("#panes", ContentSwitcher).current


async def test_first_screen_then_sample_loads(sample: str) -> None:
    app = KptuiApp(None)  # no PATH and an empty workspace: the bundled sample
    async with app.run_test(size=(80, 24)) as pilot:
        assert current(app) == "data"
        await settle(app, pilot)
        assert app.dataset is not None
        assert app.dataset.videos.height == 300
        text = screen_text(app)
        assert "bundled sample" in text
        assert "2,000 viewers" in text
        for pane in PANES:  # every pane is named in the tab bar
            assert f"{pane.PANE_KEY} {pane.PANE_TITLE}" in text


async def test_every_pane_one_key_away(sample: str) -> None:
    app = KptuiApp(sample, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for pane in reversed(PANES):
            await pilot.press(pane.PANE_KEY)
            assert current(app) == pane.PANE_ID
            await pilot.press("escape")  # some panes start in a field
        # while typing in a field a digit is text, alt+digit and F-keys still switch
        await pilot.press("2")
        assert not isinstance(app.focused, Input)  # opening a pane never enters a field
        await pilot.press("t")
        assert isinstance(app.focused, Input)
        await pilot.press("5")
        assert current(app) == "tags"
        assert app.focused.value == "5"
        await pilot.press("alt+6")
        assert current(app) == "plan"
        await pilot.press("2", "t", "f5")
        assert current(app) == "ab"
        assert app.query_one("#tags-title", Input).value == "5"
        await pilot.press("2", "escape")
        assert not isinstance(app.focused, Input)
        await pilot.press("3")
        assert current(app) == "personas"


async def test_help_screen_opens_and_closes() -> None:
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "1" in screen_text(app) and "Esc to close" in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_pane_keys_do_nothing_behind_a_dialog() -> None:
    """F-keys and ctrl+PgDn are priority bindings; behind help or the palette they must not
    switch the pane the user cannot see."""
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        for key in ("f3", "alt+4", "ctrl+pagedown"):
            await pilot.press(key)
            assert current(app) == "data" and isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("f3")
        assert current(app) == PANES[2].PANE_ID


async def test_palette_switches_pane() -> None:
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"plan pane")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert current(app) == "plan"


async def test_q_quits() -> None:
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


def test_every_binding_has_an_id() -> None:
    from kptui.tui.panes.insights import VideoScreen
    from kptui.tui.screens import (
        ConfirmScreen,
        HelpScreen,
        RecentScreen,
        SavePathScreen,
        UnsavedScreen,
    )
    from kptui.tui.widgets import FrameTable
    from kptui.tui.widgets.field import Field

    classes = [KptuiApp, HelpScreen, ConfirmScreen, FrameTable, Field, *PANES]
    classes += [UnsavedScreen, SavePathScreen, RecentScreen, VideoScreen]
    ids = []
    for cls in classes:
        for binding in cls.BINDINGS:
            assert binding.id, f"{cls.__name__}: {binding.key} has no id"
            ids.append(binding.id)
    assert len(ids) == len(set(ids))


async def test_keymap_remaps_by_id() -> None:
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_keymap({"pane.plan": "p"})
        await pilot.press("p")
        assert current(app) == "plan"


def _help_markdown(app: KptuiApp) -> str:
    from textual.widgets import Markdown

    return app.screen.query_one(Markdown).source


async def test_help_lists_every_binding_with_its_key_and_words() -> None:
    """The help's key lists come from the bindings: each pane's keys with their words, each
    id for keymap.json, and no key the bindings do not have."""
    from kptui.tui.keyhelp import groups, key_words

    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        text = _help_markdown(app)
    assert "{keys:" not in text and "{pane:" not in text and "{ids}" not in text
    found = groups(KptuiApp)
    for pane in PANES:
        row = next(line for line in text.splitlines() if f"**{pane.PANE_TITLE}**" in line)
        assert row.startswith(f"| `{pane.PANE_KEY}` `F{PANES.index(pane) + 1}` ")
        for binding in found[pane.PANE_ID]:
            keys = " ".join(f"`{key_words(k)}`" for k in binding.key.split(","))
            words = f"{keys} {binding.tooltip}"
            assert words in row, (pane.PANE_ID, words)
    for binding in found["app"] + found["table"] + found["field"] + found["screens"]:
        assert f"`{binding.id}`" in text
    assert "`ctrl+z` undo the last edit" in text and "`q` quit" in text


async def test_help_and_palette_follow_the_keymap(_isolated_dirs) -> None:
    from kptui.paths import data_dir

    data_dir().mkdir(parents=True, exist_ok=True)
    keymap = {"pane.tags": "t", "data.recent": "ctrl+o", "app.quit": "ctrl+x"}
    (data_dir() / "keymap.json").write_text(json.dumps(keymap), encoding="utf-8")
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        text = _help_markdown(app)
        assert "| `t` `F2` `alt+2` | **Tags**" in text
        assert "`ctrl+o` open a dataset you opened before" in text
        assert "`ctrl+x` quit" in text and "`q` quit" not in text
        await pilot.press("escape", "ctrl+p")
        await pilot.press(*"tags pane")
        await pilot.pause(0.3)
        assert "key t, F2" in screen_text(app)


async def test_keymap_file(_isolated_dirs) -> None:
    from kptui.paths import data_dir

    data_dir().mkdir(parents=True, exist_ok=True)
    (data_dir() / "keymap.json").write_text(json.dumps({"pane.tags": "t"}), encoding="utf-8")
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        assert current(app) == "tags"


async def test_no_color_is_monochrome(monkeypatch, sample: str) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        svg = app.export_screenshot()
    # Rich's SVG frame: window buttons and the default foreground; not the app's colours
    frame = {"ff5f57", "febc2e", "28c840", "c5c8c6"}
    colours = set(re.findall(r"#([0-9a-f]{6})", svg)) - frame
    assert len(colours) > 2
    grey = {c for c in colours if c[0:2] == c[2:4] == c[4:6]}
    assert grey == colours, f"not grey: {sorted(colours - grey)[:5]}"


async def test_ansi_theme_follows_terminal(monkeypatch) -> None:
    monkeypatch.setenv("KPTUI_THEME", "ansi-dark")
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)):
        assert app.current_theme.name == "ansi-dark"
        assert app.current_theme.ansi
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.run_command("", "use_terminal_colours")
        await pilot.pause()
        assert app.current_theme.ansi


async def test_quitting_while_panes_mount_never_crashes() -> None:
    """Why test_ansi_theme_follows_terminal failed under load: its first app closes at once,
    while the hidden panes are still mounting; shutdown removed their children before their
    Mount handlers ran (Recommend's, Textual's Select in A/B), which raised NoMatches and
    the app died with a traceback. Made deterministic: panes mounted and the app closed in
    the same moment."""
    from kptui.tui.panes.ab import ABPane
    from kptui.tui.panes.recommend import RecommendPane

    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for i in range(3):
            app.screen.mount(RecommendPane(id=f"rec{i}"), ABPane(id=f"ab{i}"))
    assert app.return_code != 1  # (run_test re-raises what crashed the app)
    # a missing widget while the app runs is still a bug that shows
    app = KptuiApp(None, load_on_start=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            app.call_later(app.query_one, "#no-such-widget")
            await pilot.pause()
    except Exception as exc:  # re-raised by run_test
        assert type(exc).__name__ == "NoMatches"
    else:
        raise AssertionError("a NoMatches while running was swallowed")


def test_help_lists_every_binding_id() -> None:
    """Remapping needs the ids: the help screen names each one (alt+N as a family)."""
    from kptui.tui.keyhelp import help_text
    from kptui.tui.screens import ConfirmScreen, HelpScreen
    from kptui.tui.widgets import FrameTable
    from kptui.tui.widgets.field import Field

    text = help_text(KptuiApp)
    for cls in (KptuiApp, HelpScreen, ConfirmScreen, FrameTable, Field, *PANES):
        for binding in cls.BINDINGS:
            if binding.id.endswith((".alt", ".f")) or binding.id in ("help.up", "help.down"):
                continue
            assert f"`{binding.id}`" in text or binding.id.startswith("pane."), binding.id
