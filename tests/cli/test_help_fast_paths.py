"""The start-up shortcuts of `kptui --help` change nothing a user reads: the root help built
without the commands' options is the full build's text, and help off a terminal is plain."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import typer.core

from kptui.cli import lean_root_help
from kptui.cli.app import build_app
from kptui.cli.fastparams import install


def _root_help(lean: bool, capsys) -> str:
    install()
    app = build_app(["--help"])
    restore = lean_root_help(app, ["--help"]) if lean else None
    assert (restore is not None) == lean
    command = typer.main.get_command(app)
    try:
        with command.make_context("kptui", [], resilient_parsing=True) as ctx:
            text = command.get_help(ctx)  # rich prints its help instead of returning it
            return text + capsys.readouterr().out
    finally:
        if restore is not None:
            restore()


@pytest.mark.parametrize("rich", [False, True])
def test_lean_root_help_is_the_full_help(monkeypatch, capsys, rich):
    monkeypatch.setattr(typer.core, "HAS_RICH", rich)
    monkeypatch.setenv("COLUMNS", "100")
    full = _root_help(lean=False, capsys=capsys)
    lean = _root_help(lean=True, capsys=capsys)
    assert lean == full
    for group in ("data", "personas", "recommend", "ab", "plan", "tags", "insights"):
        assert group in lean
    assert "--workspace" in lean and "--version" in lean


@pytest.mark.parametrize(
    "args",
    [
        ["ab", "--help"],
        ["personas", "--help"],
        ["nosuch", "--help"],
        ["ab", "test", "--control", "1000:80", "--variant", "1000:100"],
        ["--workspace", "w.sqlite3", "ab", "--help"],
    ],
)
def test_only_the_bare_root_help_is_lean(args):
    app = build_app(args)
    assert lean_root_help(app, args) is None


def test_help_off_a_terminal_is_plain_text():
    proc = subprocess.run(
        [sys.executable, "-m", "kptui", "--help"], capture_output=True, text=True, check=True
    )
    assert proc.stdout.startswith("Usage: kptui [OPTIONS] COMMAND [ARGS]...")
    assert "╭" not in proc.stdout and "personas" in proc.stdout
    sub = subprocess.run(
        [sys.executable, "-m", "kptui", "ab", "test", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert sub.stdout.startswith("Usage: kptui ab test [OPTIONS]") and "--control" in sub.stdout


_RICH_HELP_PROBE = """
import sys
from kptui.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
sys.stdout.flush()
print("MODULES", "rich.markdown" in sys.modules, "rich.traceback" in sys.modules)
import typer.rich_utils as ru
print("BUILT", type(ru.Markdown("*x*")).__module__)
"""


def test_rich_help_in_a_terminal_defers_markdown_and_traceback():
    """The rich help (what a terminal gets) is boxed as before, without importing
    rich.markdown or rich.traceback; the deferred names still build the real objects."""
    env = {**os.environ, "TYPER_USE_RICH": "1", "COLUMNS": "100"}
    proc = subprocess.run(
        [sys.executable, "-c", _RICH_HELP_PROBE], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "╭─ Commands" in out and "personas" in out and "--workspace" in out
    assert "MODULES False False" in out
    assert "BUILT rich.markdown" in out
