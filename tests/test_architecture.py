"""The engine/UI split and the fast start-up paths, checked in fresh interpreters."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import kptui.engine

HEAVY_FOR_HELP = {"sklearn", "scipy", "textual", "polars"}


def loaded_after(code: str) -> set[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    return {name.split(".")[0] for name in json.loads(out.stdout.strip().splitlines()[-1])}


def test_engine_never_imports_ui_libraries():
    modules = [f"kptui.engine.{m.name}" for m in pkgutil.iter_modules(kptui.engine.__path__)]
    assert "kptui.engine.io" in modules
    code = "\n".join(f"import {m}" for m in modules)
    loaded = loaded_after(code)
    assert not loaded & {"textual", "typer", "rich"}, loaded & {"textual", "typer", "rich"}


def test_help_does_not_import_heavy_libraries():
    code = "from kptui.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
    loaded = loaded_after(code)
    assert not loaded & HEAVY_FOR_HELP, loaded & HEAVY_FOR_HELP


def test_help_skips_what_only_running_a_command_needs():
    """`statistics` (decimal, fractions) and `secrets` (hmac, hashlib) cost ~7 ms of a 60 ms
    budget over typer; the ab maths and atomic writes import them when they run."""
    code = "from kptui.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
    loaded = loaded_after(code)
    assert not loaded & {"statistics", "secrets", "decimal"}, loaded & {"statistics", "secrets"}


def test_every_command_group_in_help():
    out = subprocess.run(
        [sys.executable, "-m", "kptui", "--help"], capture_output=True, text=True, timeout=60
    ).stdout
    for group in ("data", "tags", "personas", "recommend", "ab", "plan", "tui"):
        assert f" {group} " in out, group


def test_ab_commands_do_not_import_pydantic():
    """typer would coerce every option through pydantic; kptui.cli.fastparams does it itself."""
    code = (
        "from kptui.cli import main\ntry:\n"
        "    main(['ab', 'test', '--control', '1000:80', '--variant', '1000:100', '--json'])\n"
        "except SystemExit:\n    pass\n"
    )
    loaded = loaded_after(code)
    assert "pydantic" not in loaded
    assert not loaded & HEAVY_FOR_HELP, loaded & HEAVY_FOR_HELP


def test_bare_kptui_opens_the_app_without_typer():
    code = (
        "import os\nos.environ['KPTUI_WORKSPACE'] = '/tmp/ws.sqlite3'\n"
        "import kptui.tui.app as tui_app\n"
        "opened = []\n"
        "tui_app.run_app = lambda path, workspace=None: opened.append((path, workspace))\n"
        "from kptui.cli import main\nmain([])\n"
        "assert opened == [(None, '/tmp/ws.sqlite3')], opened\n"
    )
    loaded = loaded_after(code)
    assert "typer" not in loaded
