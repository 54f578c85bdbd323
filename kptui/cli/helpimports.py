"""Rich help without the parts of rich it never uses here.

Why: typer's `rich_utils` imports `rich.markdown` (markdown-it, ~30 ms) and `rich.traceback`
(rich.syntax and pygments lexers, ~10 ms) at module level, yet kptui's help is in typer's
"rich" markup mode (no Markdown is built) and pretty exceptions are off (no Traceback is
built). In a terminal those imports were a third of `kptui --help`. While `typer.rich_utils`
is imported, the two modules stand in as deferred names; the first real use of either name
imports the real module, so nothing changes if typer ever does build one.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

_DEFERRED = {"rich.markdown": ("Markdown",), "rich.traceback": ("Traceback",)}


def _deferred(module: str, name: str) -> type:
    """A stand-in class for `module.name`: building one, or reading a class attribute such as
    a classmethod, imports the real module and hands over to the real class. It is a class
    (not a function) because typer's annotations, evaluated at import, union it with others."""

    def real() -> type:
        return getattr(importlib.import_module(module), name)

    class _Meta(type):
        def __getattr__(cls, attr: str) -> object:
            return getattr(real(), attr)

    def __new__(cls: type, *args: object, **kwargs: object) -> object:
        return real()(*args, **kwargs)

    return _Meta(name, (), {"__new__": __new__, "__module__": module})


def import_rich_help() -> None:
    """Import `typer.rich_utils` with `rich.markdown` and `rich.traceback` deferred."""
    if "typer.rich_utils" in sys.modules:
        return
    stubs: dict[str, ModuleType] = {}
    for module, names in _DEFERRED.items():
        if module in sys.modules:
            continue
        stub = ModuleType(module)
        for name in names:
            setattr(stub, name, _deferred(module, name))
        stubs[module] = sys.modules[module] = stub
    try:
        importlib.import_module("typer.rich_utils")
    finally:
        for module, stub in stubs.items():  # later imports get the real modules
            if sys.modules.get(module) is stub:
                del sys.modules[module]
