"""Options coerced without pydantic give the values and the messages typer's pydantic path
gives (each case runs both ways in this process and compares)."""

from __future__ import annotations

from typing import Annotated

import pytest
import typer
import typer.core
from typer.testing import CliRunner

from kptui.cli import fastparams


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False)

    @app.command()
    def cmd(
        n: Annotated[int, typer.Option("--n", min=1)] = 2,
        x: Annotated[float | None, typer.Option("--x")] = None,
        s: Annotated[str, typer.Option("--s")] = "a",
        many: Annotated[list[str] | None, typer.Option("--many")] = None,
        flag: Annotated[bool, typer.Option("--flag")] = False,
    ) -> None:
        typer.echo(repr((n, x, s, many, flag)))

    return app


CASES = [
    [],
    ["--n", "5", "--x", "0.25", "--s", "名字", "--many", "a", "--many", "b", "--flag"],
    ["--x", "1e3"],
    ["--n", "0"],
    ["--n", "x"],
    ["--n", "1.5"],
    ["--x", "abc"],
]


def _run(args: list[str]) -> tuple[int, str]:
    res = CliRunner().invoke(_app(), args)
    return res.exit_code, res.output


@pytest.mark.parametrize("args", CASES)
def test_same_values_and_messages_as_typer(monkeypatch, args):
    installed = typer.core.build_runtime_param  # other tests may have installed it already
    original = getattr(installed, "original", installed)
    monkeypatch.setattr(typer.core, "build_runtime_param", original)
    expected = _run(args)
    fastparams.install()
    assert typer.core.build_runtime_param is not original
    got = _run(args)
    monkeypatch.setattr(typer.core, "build_runtime_param", installed)
    assert got == expected
