"""Cold start of `kptui ab test`: whole processes, median of N runs, next to bare typer.

    python bench/bench_ab_startup.py [--runs 21]

Prints the median wall time (ms) of
  - `python -c "import typer"` (the floor the issue compares against),
  - a one-command typer app that parses one string option (typer 0.29 validates every
    parameter with pydantic, so this is the real floor of any typer command),
  - `kptui ab test --control 1000:80 --variant 1000:100` (human output; the target is
    <= 120 ms or <= 2x import typer),
  - the same with --json, and `kptui ab size ...`,
  - `ab test` in an app holding only the ab group (the gain lazy group registration would give),
  - the one-command typer app's `--help` in a terminal: typer's rich help alone, the floor of
    `kptui --help (terminal)`,
and the ratio of each to `import typer`. Runs are interleaved so background load hits every
command alike. Bytecode caching is switched on for the children (PYTHONDONTWRITEBYTECODE
unset) and one warm-up run per command writes the .pyc files, as an installed package has.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time

TARGET_MS = 120.0  # issue 17: <= 120 ms median, or <= 2x `python -c "import typer"`

# `kptui ab test` with only the ab group registered: what registering command groups lazily
# in kptui/cli/app.py would give (typer builds every command of every group on each run).
AB_ONLY = """
import sys, typer
from kptui.cli import ab
app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
ab.register(app)
app(args=sys.argv[1:], prog_name="kptui", standalone_mode=False)
"""

TYPER_APP = """
import typer
app = typer.Typer(add_completion=False)
@app.command()
def main(x: str = typer.Option("a", "--x")) -> None:
    print(x)
app()
"""


def commands() -> dict[str, list[str]]:
    py = sys.executable
    ab = [py, "-m", "kptui", "ab"]
    return {
        "python -c 'import typer'": [py, "-c", "import typer"],
        "typer app, one option": [py, "-c", TYPER_APP, "--x", "b"],
        "typer app --help (terminal)": [py, "-c", TYPER_APP, "--help"],
        "kptui ab test (human)": [*ab, "test", "--control", "1000:80", "--variant", "1000:100"],
        "kptui ab test --json": [
            *ab,
            "test",
            "--control",
            "1000:80",
            "--variant",
            "1000:100",
            "--json",
        ],
        "kptui ab size": [*ab, "size", "--baseline", "0.1", "--mde", "0.02", "--daily", "500"],
        "kptui --help": [py, "-m", "kptui", "--help"],
        "kptui --help (terminal)": [py, "-m", "kptui", "--help"],
        "kptui ab test --help": [*ab, "test", "--help"],
        "ab test, ab group only": [
            py,
            "-c",
            AB_ONLY,
            "ab",
            "test",
            "--control",
            "1000:80",
            "--variant",
            "1000:100",
        ],
    }


def time_once(cmd: list[str], env: dict[str, str], terminal: bool = False) -> float:
    """Wall ms of one run, stdout to /dev/null or (`terminal`) to a pseudo-terminal, where
    `--help` is typer's rich help (off a terminal kptui prints click's plain help)."""
    if terminal:
        import pty

        master, slave = pty.openpty()
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=slave, stderr=subprocess.PIPE, env=env)
        os.close(slave)
        with contextlib.suppress(OSError):  # EIO once the child closed the terminal
            while os.read(master, 65536):
                pass
        err = child.stderr.read() if child.stderr else b""
        child.wait()
        elapsed = time.perf_counter() - start
        os.close(master)
        if child.returncode != 0:
            raise SystemExit(f"{cmd} failed: {err.decode()}")
        return elapsed * 1000
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed: {proc.stderr.decode()}")
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command (>= 15)")
    runs = max(15, parser.parse_args().runs)

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["COLUMNS"] = "80"
    cmds = commands()
    for name, cmd in cmds.items():  # warm-up: page cache and .pyc files
        time_once(cmd, env, terminal="terminal" in name)
    samples: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            samples[name].append(time_once(cmd, env, terminal="terminal" in name))

    base = statistics.median(samples["python -c 'import typer'"])
    floor = statistics.median(samples["typer app, one option"])
    print(f"{runs} runs each, interleaved; python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    head = f"{'command':<28} {'median ms':>10} {'min ms':>8} {'x import typer':>15}"
    print(f"{head} {'x typer app':>12}")
    for name, xs in samples.items():
        med = statistics.median(xs)
        row = f"{name:<28} {med:>10.1f} {min(xs):>8.1f} {med / base:>15.2f}"
        print(f"{row} {med / floor:>12.2f}")
    print(f"load average {os.getloadavg()[0]:.1f}")
    for name in ("kptui ab test (human)", "kptui --help", "kptui --help (terminal)"):
        med = statistics.median(samples[name])
        verdict = "meets" if med <= TARGET_MS or med <= 2 * base else "misses"
        print(
            f"{name}: median {med:.1f} ms, {med / base:.2f}x import typer: {verdict} "
            f"<= {TARGET_MS:.0f} ms or <= 2x import typer"
        )


if __name__ == "__main__":
    main()
