"""Thread defaults: sleeping OpenMP threads always, one thread per library on a busy machine,
and never over what the user set."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from kptui.threads import (
    BLAS_TIMEOUT,
    BLAS_TIMEOUT_VAR,
    JEMALLOC_CONF,
    JEMALLOC_VAR,
    THREAD_VARS,
    calm_threads,
)


def test_busy_machine_gets_one_thread_each():
    env: dict[str, str] = {}
    assert calm_threads(env, load=5.0, cpus=2)
    assert env["OMP_WAIT_POLICY"] == "PASSIVE"
    assert all(env[v] == "1" for v in THREAD_VARS)


def test_quiet_machine_keeps_its_threads():
    env: dict[str, str] = {}
    assert not calm_threads(env, load=0.5, cpus=2)
    assert env == {
        "OMP_WAIT_POLICY": "PASSIVE",
        JEMALLOC_VAR: JEMALLOC_CONF,
        BLAS_TIMEOUT_VAR: BLAS_TIMEOUT,
    }


def test_user_settings_win():
    env = {"OMP_WAIT_POLICY": "ACTIVE", "OPENBLAS_NUM_THREADS": "4", JEMALLOC_VAR: "narenas:1"}
    calm_threads(env, load=9.0, cpus=2)
    assert env["OMP_WAIT_POLICY"] == "ACTIVE" and env["OPENBLAS_NUM_THREADS"] == "4"
    assert env[JEMALLOC_VAR] == "narenas:1"
    assert env["OMP_NUM_THREADS"] == "1"


def test_the_cli_sets_them_before_numpy_loads():
    code = (
        "import os, json\n"
        "from kptui.cli import main\n"
        "try:\n    main(['ab', 'test', '--control', '100:8', '--variant', '100:9', '--json'])\n"
        "except SystemExit:\n    pass\n"
        "print(json.dumps({'wait': os.environ.get('OMP_WAIT_POLICY')}))\n"
    )
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["wait"] == "PASSIVE"


def test_polars_allocator_reads_the_setting():
    # jemalloc in polars' runtime warns about options it does not know: a made-up option
    # shows the variable is read there, and ours is taken without a word.
    code = "import polars as pl; print(pl.DataFrame({'a': list(range(1000))}).height)"

    def stderr_with(conf: str) -> str:
        env = {"PATH": "/usr/bin:/bin", JEMALLOC_VAR: conf}
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
        )
        assert out.stdout.strip() == "1000"
        return out.stderr

    assert "jemalloc" in stderr_with("no_such_option:1")
    assert "jemalloc" not in stderr_with(JEMALLOC_CONF)


def test_preload_imports_the_fit_libraries_on_a_second_thread():
    # a fresh process each: what is imported depends on nothing loaded before
    code = (
        "import json, os, sys\n"
        "from kptui.threads import preload, FIT_MODULES\n"
        "thread = preload()\n"
        "if thread is not None:\n    thread.join()\n"
        "print(json.dumps({'thread': thread is not None,\n"
        "    'loaded': all(m in sys.modules for m in FIT_MODULES)}))\n"
    )

    def run(threads: str) -> dict:
        env = {"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads}
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    spare = (os.cpu_count() or 1) >= 2
    assert run("2") == {"thread": spare, "loaded": spare}
    assert run("1") == {"thread": False, "loaded": False}  # a busy machine: no spare core


def test_the_cli_collects_garbage_less_often_and_never_more_than_asked():
    code = (
        "import gc, json\n"
        "gc.set_threshold(700, 100, 10)\n"
        "from kptui.cli import main\n"
        "try:\n    main(['ab', 'test', '--control', '100:8', '--variant', '100:9', '--json'])\n"
        "except SystemExit:\n    pass\n"
        "print(json.dumps(gc.get_threshold()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    # raised to GC_THRESHOLDS where lower, a higher one (100) kept
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [10_000, 100, 50]
