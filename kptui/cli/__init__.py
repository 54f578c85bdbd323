"""The `kptui` command: typer commands on top of the engine.

`main()` is the console script. It turns every expected failure into one line on stderr
and an exit code (1 bad data, 2 bad usage); `KPTUI_DEBUG=1` shows the traceback instead.
"""

from __future__ import annotations

import errno
import os
import sys
from contextlib import suppress

# a write that failed (full disk, I/O error): exit 1 with the reason, never "done"
_WRITE_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def main(argv: list[str] | None = None) -> None:
    from kptui.threads import calm_threads, fewer_collections

    calm_threads()  # before numpy, scipy or scikit-learn is imported
    fewer_collections()
    from kptui.errors import KptuiError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = bool(os.environ.get("KPTUI_DEBUG"))
    if args:
        import typer
        from typer.exceptions import TyperException

        from kptui.cli.app import build_app
        from kptui.cli.fastparams import install

        install()
        _plain_help_off_a_terminal(args)
        exit_, abort, usage = typer.Exit, typer.Abort, TyperException
        app = build_app(args)
    else:  # bare `kptui` opens the app: no typer to import and build before the first frame

        class _Never(Exception):
            pass

        exit_ = abort = usage = _Never
    restore = lean_root_help(app, args) if args else None
    try:
        rv = app(args=args, prog_name="kptui", standalone_mode=False) if args else _bare_app()
    except KptuiError as exc:
        if debug:
            raise
        _fail(f"error: {exc}", exc.exit_code)
    except exit_ as exc:
        sys.exit(exc.exit_code)
    except abort:
        _fail("aborted", 130)
    except usage as exc:
        if debug:
            raise
        hint = ""
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            hint = f" (try '{ctx.command_path} --help')"
        _fail(f"error: {exc.format_message()}{hint}", exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except BrokenPipeError:
        # `kptui ... | head` closed the pipe: not an error worth a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except Exception as exc:  # a bug, not the user's fault: still one line unless debugging
        if debug:
            raise
        if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
            from kptui.fileio import reason

            with suppress(OSError):  # what is still buffered cannot be written either
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            _fail(f"error: cannot write the output: {reason(exc)}", 1)
        _fail(
            f"error: internal error: {type(exc).__name__}: {exc} (set KPTUI_DEBUG=1 for details)",
            1,
        )
    finally:
        if restore is not None:
            restore()
    _flush_stdout(debug)
    if isinstance(rv, int) and rv:
        sys.exit(rv)


def _bare_app() -> None:
    """`kptui` with no arguments: what the root command does, the workspace from
    KPTUI_WORKSPACE (there is no --workspace to read)."""
    from kptui.tui.app import run_app

    run_app(None, workspace=os.environ.get("KPTUI_WORKSPACE") or None)


def _flush_stdout(debug: bool) -> None:
    """Output still buffered must reach its file: a full disk is an error, not exit 0."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:
        from kptui.fileio import reason

        # what is left in the buffer cannot be written either: drop it before exit flushes
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if debug:
            raise
        _fail(f"error: cannot write to standard output: {reason(exc)}", 1)


def lean_root_help(app, args: list[str]):
    """For `kptui --help` alone, commands are built without their options; returns the undo.

    Why: the root help lists each command's name and one line; typer still builds every
    option of every command first (type hints evaluated, ~50 commands), most of the cost of
    the process. Only while the root help is printed, and never for a command's own help or
    a command line with any command on it, the options of all but the root are skipped.
    None when nothing was changed (other command lines, a typer without that hook)."""
    from kptui.cli.app import command_named, positionals

    if not ("--help" in args or "-h" in args) or positionals(args) or command_named(args):
        return None
    import typer.main as typer_main

    original = getattr(typer_main, "_get_params_name_from_function", None)
    root = getattr(getattr(app, "registered_callback", None), "callback", None)
    if original is None or root is None:
        return None

    def params_of(callback):
        return original(callback) if callback is root else ([], None)

    typer_main._get_params_name_from_function = params_of

    def restore() -> None:
        typer_main._get_params_name_from_function = original

    return restore


def _plain_help_off_a_terminal(args: list[str]) -> None:
    """Help written to a pipe or a file is click's plain text, not typer's rich panels.

    Why: typer's rich help imports rich's console, tables, panels and Markdown (markdown-it)
    and lays out boxes; that was two thirds of `kptui --help` (about 2.7x `import typer`).
    Off a terminal the boxes are only line-drawing characters in the way of `grep` and
    `less`, and the text is the same. In a terminal the help stays rich. `TYPER_USE_RICH`,
    when set, decides as typer documents."""
    if "--help" not in args and "-h" not in args:
        return
    if os.environ.get("TYPER_USE_RICH") is not None or sys.stdout.isatty():
        from kptui.cli.helpimports import import_rich_help

        import_rich_help()
        return
    import typer.core

    typer.core.HAS_RICH = False


def _fail(message: str, code: int) -> None:
    from kptui.cli.output import clean_line

    sys.stderr.write(clean_line(message) + "\n")
    sys.stderr.flush()
    sys.exit(code)
