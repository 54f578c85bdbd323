"""Option values coerced without pydantic, so a command starts in a blink.

Why: typer 0.29 turns every option value into its type through a pydantic `TypeAdapter`;
importing pydantic and building the adapters costs more than the rest of `kptui ab test`
(about 60 ms of a 130 ms process on a quiet machine). Almost every kptui option is a plain
`str`, `int`, `float`, `bool` or a list of those, so those are coerced here with the same
error messages pydantic gives; anything else (paths, choices, clamps, custom parsers) still
goes to typer's own builder. `install()` is called once by `kptui.cli.main`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args, get_origin

_SCALARS = (str, int, float, bool)
_MESSAGES = {
    int: "Input should be a valid integer, unable to parse string as an integer",
    float: "Input should be a valid number, unable to parse string as a number",
    bool: "Input should be a valid boolean, unable to interpret input",
}
_TRUE = {"1", "on", "t", "true", "y", "yes"}
_FALSE = {"0", "off", "f", "false", "n", "no"}


def install() -> None:
    """Route plain scalar options through `_fast_param`; no `<bool>` after a flag in --help
    (idempotent)."""
    import typer.core as core

    if getattr(core.build_runtime_param, "_kptui_fast", False):
        return
    original = core.build_runtime_param

    def build(descriptor: Any) -> Any:
        fast = _fast_param(descriptor)
        return fast if fast is not None else original(descriptor)

    build._kptui_fast = True  # type: ignore[attr-defined]
    build.original = original  # type: ignore[attr-defined]
    core.build_runtime_param = build

    # typer 0.29 writes `<bool>` after every on/off flag in --help (a flag takes no value)
    # and Python's names after the others (`<str>`, `<list[str]>`): users read TEXT
    shown = core.TyperOption.display_type_rich

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        return None if self.is_flag else value_words(shown(self, ctx))

    core.TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]
    shown_argument = core.TyperArgument.display_type_rich

    def argument_type_rich(self: Any, ctx: Any) -> str | None:
        return value_words(shown_argument(self, ctx))

    core.TyperArgument.display_type_rich = argument_type_rich  # type: ignore[method-assign]


_WORDS = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "path": "PATH", "file": "FILE"}


def value_words(shown: str | None) -> str | None:
    """typer's `<list[str]>` / `<int>` / `<a|b>` as click's words: TEXT, INTEGER, [a|b]."""
    if not shown or not shown.startswith("<"):
        return shown
    inner = shown.removesuffix("...").strip("<>")
    if inner.startswith("list[") and inner.endswith("]"):
        inner = inner[5:-1]
    if "|" in inner:
        return f"[{inner}]"
    return _WORDS.get(inner, inner.upper())


def _fast_param(descriptor: Any) -> Any:
    from typer._coercion import RuntimeParam

    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None or info.clamp:
        return None
    annotation = descriptor.annotation
    many = get_origin(annotation) is list
    kind = get_args(annotation)[0] if many else annotation
    if kind not in _SCALARS:
        return None
    if kind in (str, bool) and (info.min is not None or info.max is not None):
        return None

    @dataclass(frozen=True)
    class Fast(RuntimeParam):
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            from typer._click.exceptions import BadParameter

            try:
                if many:
                    items = value if isinstance(value, (list, tuple)) else [value]
                    return [_one(kind, item, info.min, info.max) for item in items]
                return _one(kind, value, info.min, info.max)
            except ValueError as exc:
                raise BadParameter(str(exc), ctx=ctx, param=param) from None

    return Fast(parameter_info=info, annotation=annotation)


def _one(kind: type, value: Any, lo: float | None, hi: float | None) -> Any:
    if kind is str:
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
        return str(value)
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE or text == "":
            return False
        raise ValueError(_MESSAGES[bool])
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(_MESSAGES[kind])
    scale = 1.0
    if kind is float and isinstance(value, str) and value.strip().endswith("%"):
        value, scale = value.strip()[:-1], 0.01  # `--baseline 5%` is 0.05, as in the app
    try:
        number = kind(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError):
        raise ValueError(_MESSAGES[kind]) from None
    if scale != 1.0:
        number *= scale
    if kind is int and isinstance(value, float) and value != number:
        raise ValueError("Input should be a valid integer, got a number with a fractional part")
    if lo is not None and number < lo:
        raise ValueError(f"Input should be greater than or equal to {lo}")
    if hi is not None and number > hi:
        raise ValueError(f"Input should be less than or equal to {hi}")
    return number
