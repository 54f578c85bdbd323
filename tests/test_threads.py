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
    SPARE_VAR,
    THREAD_VARS,
    calm_threads,
)


def test_busy_machine_gets_one_thread_each_and_no_second_thread_of_work():
    env: dict[str, str] = {}
    assert calm_threads(env, load=5.0, cpus=2)
    assert env["OMP_WAIT_POLICY"] == "PASSIVE"
    assert all(env[v] == "1" for v in THREAD_VARS)
    assert env[SPARE_VAR] == "0"


def test_quiet_machine_runs_kptuis_threads_not_the_libraries():
    # one thread per library whatever the load: the same digits on a busy and a quiet machine
    env: dict[str, str] = {}
    assert not calm_threads(env, load=0.5, cpus=2)
    assert env == {
        "OMP_WAIT_POLICY": "PASSIVE",
        JEMALLOC_VAR: JEMALLOC_CONF,
        BLAS_TIMEOUT_VAR: BLAS_TIMEOUT,
        **dict.fromkeys(THREAD_VARS, "1"),
        SPARE_VAR: "1",
    }
    assert calm_threads({}, load=0.0, cpus=1) is False
    one_core: dict[str, str] = {}
    calm_threads(one_core, load=0.0, cpus=1)
    assert one_core[SPARE_VAR] == "0"


def test_user_settings_win():
    env = {"OMP_WAIT_POLICY": "ACTIVE", "OPENBLAS_NUM_THREADS": "4", JEMALLOC_VAR: "narenas:1"}
    calm_threads(env, load=9.0, cpus=2)
    assert env["OMP_WAIT_POLICY"] == "ACTIVE" and env["OPENBLAS_NUM_THREADS"] == "4"
    assert env[JEMALLOC_VAR] == "narenas:1"
    assert env["OMP_NUM_THREADS"] == "1"
    held = {"OMP_NUM_THREADS": "1"}  # the user asked for one thread: kptui runs one too
    assert calm_threads(held, load=0.0, cpus=8)
    assert held[SPARE_VAR] == "0"
    chosen = {SPARE_VAR: "0"}
    calm_threads(chosen, load=0.0, cpus=8)
    assert chosen[SPARE_VAR] == "0"


def test_personas_and_lists_do_not_depend_on_the_second_thread(tmp_path):
    """The same data and seed give the same personas and lists byte for byte whether
    kptui runs its second thread of work (a quiet machine) or not (a busy one)."""
    from kptui.engine.sample import write_sample

    data = tmp_path / "d"
    write_sample(data, users=1500, videos=120, events=40_000, seed=11)
    outputs = []
    for spare in ("1", "0"):
        out = tmp_path / spare
        out.mkdir()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path / "home"),
            "XDG_CACHE_HOME": str(out / "cache"),
            "XDG_DATA_HOME": str(out / "data"),
            SPARE_VAR: spare,
        }
        cmd = [
            sys.executable, "-m", "kptui", "personas", "--data", str(data), "--json",
            "--assignments", str(out / "a.csv"), "--recommendations", str(out / "r.csv"),
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        outputs.append((done.stdout, (out / "a.csv").read_bytes(), (out / "r.csv").read_bytes()))
    assert json.loads(outputs[0][0])["k"] >= 2
    assert outputs[0] == outputs[1]


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
