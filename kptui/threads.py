"""Thread settings for the numeric libraries, decided once before any of them is imported.

Why: OpenBLAS (numpy, scipy) and OpenMP (scikit-learn's k-means) start a thread per core and
let idle threads spin. On a machine that is already busy (a creator's laptop exporting video,
a shared server) those threads fight the other programs for the same cores: measured on a
2-core box under load, ten k-means fits took 70 s with the default threads and 3.7 s with
one, a Cholesky 2.2 s against 0.95 s. So idle OpenMP threads sleep (`OMP_WAIT_POLICY`),
idle OpenBLAS threads sleep after ~25 us instead of ~0.1 s (`BLAS_TIMEOUT`), and polars'
allocator hands freed memory back (`JEMALLOC_CONF`). A variable the user set is never
overridden. Called by `kptui.cli.main` (the CLI and the app).

Each library gets one thread, whatever the load: a sum split over threads is added in
another order, so k-means and BLAS gave other last digits with two threads than with one,
and the same command on the same data and seed put 10 of 100,000 viewers in another persona
(and changed one viewer's 10th item) depending on how busy the machine was when it started.
The cores are used by kptui's own threads instead, whose results do not depend on how many
run (the persona fit beside the tuner, scoring blocks): `spare_core()` says whether there is
a core for them, decided once from the load average (`SPARE_VAR`).

`preload()`: a command that is about to fit a model imports scikit-learn and SciPy on a
second thread while the first parses the data files.

`fewer_collections()`: Python's cyclic garbage collector runs less often (`GC_THRESHOLDS`).
Its default runs a young collection every 700 new container objects, and the full ones
walk every object the imports made (scikit-learn, SciPy, polars: about a million): the 1M
audience job spent 0.37 CPU s in 494 collections, 0.12 s in 33 at these thresholds, with
the same peak memory (most of kptui's memory is arrays, which hold no cycles).
"""

from __future__ import annotations

import os
import threading
from collections.abc import MutableMapping, Sequence

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# polars' allocator (jemalloc) keeps freed pages for reuse and hands them back only while
# it is busy allocating: after loading 150 MB of interactions the process held ~1 GB for a
# 131 MB frame. A background thread returning pages idle for 0.2 s keeps what later stages
# add from stacking on top of it (that run's peak 1,335 -> 1,247 MB, its middle ~300 MB less).
JEMALLOC_VAR = "_RJEM_MALLOC_CONF"
# OpenBLAS's idle threads spin 2^28 cycles (~0.1 s) after every call before they sleep:
# on 2 cores they took the core from kptui's own second thread (the persona fit next to
# the tuner, the scoring blocks). 2^16 cycles (~25 us) is enough for back-to-back calls.
# An EASE and 90 products on the shared box (load 5, two BLAS threads): 28.6 CPU s / 57.9 s
# with the default, 10.4 / 21.4 s at 2^4 (4.9 / 7.5 s with one thread).
BLAS_TIMEOUT_VAR = "OPENBLAS_THREAD_TIMEOUT"
BLAS_TIMEOUT = "16"
JEMALLOC_CONF = "background_thread:true,dirty_decay_ms:200,muzzy_decay_ms:0"
GC_THRESHOLDS = (10_000, 50, 50)  # Python's default: (700, 10, 10)


SPARE_VAR = "KPTUI_SPARE_CORE"  # "1": kptui may run a second thread of work; "0": it may not


def calm_threads(
    env: MutableMapping[str, str] | None = None,
    load: float | None = None,
    cpus: int | None = None,
) -> bool:
    """Set the defaults described above in `env` (os.environ); True when the machine is
    busy (the load average fills every core, or the user held a library to one thread), so
    kptui runs no second thread of work either."""
    env = os.environ if env is None else env
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    env.setdefault(BLAS_TIMEOUT_VAR, BLAS_TIMEOUT)
    env.setdefault(JEMALLOC_VAR, JEMALLOC_CONF)
    held = any(env.get(var) == "1" for var in THREAD_VARS)  # the user's own choice
    for var in THREAD_VARS:
        env.setdefault(var, "1")
    if load is None:
        try:
            load = os.getloadavg()[0]
        except (AttributeError, OSError):  # no load average on this platform
            load = 0.0
    cpus = cpus or os.cpu_count() or 1
    busy = held or load >= cpus
    env.setdefault(SPARE_VAR, "1" if cpus >= 2 and not busy else "0")
    return busy


def fewer_collections() -> None:
    """Raise the garbage collector's thresholds to at least `GC_THRESHOLDS` (see above)."""
    import gc

    now = gc.get_threshold()
    gc.set_threshold(*(max(a, b) for a, b in zip(now, GC_THRESHOLDS, strict=False)))


def spare_core() -> bool:
    """Whether a second thread of work has a core to itself: as `calm_threads` decided
    (`SPARE_VAR`); without it (kptui used as a library), more than one core and the numeric
    libraries not held to one thread."""
    decided = os.environ.get(SPARE_VAR)
    if decided is not None:
        return decided == "1"
    if os.environ.get("OPENBLAS_NUM_THREADS") == "1" or os.environ.get("OMP_NUM_THREADS") == "1":
        return False
    return (os.cpu_count() or 1) >= 2


def workers(most: int = 4) -> int:
    """Threads for independent blocks of work: one per core (at most `most`) when there is
    a core to spare, else one."""
    return max(1, min(most, os.cpu_count() or 1)) if spare_core() else 1


# what a persona / recommender fit imports (1.0-1.8 s of Python at start-up on the 2-core box)
FIT_MODULES = (
    "scipy.sparse",
    "scipy.linalg",
    "sklearn.preprocessing",
    "sklearn.feature_extraction.text",
    "sklearn.decomposition",
    "sklearn.cluster",
    "sklearn.metrics",
)


def preload(modules: Sequence[str] = FIT_MODULES) -> threading.Thread | None:
    """Import `modules` on a second thread, for a command about to fit a model: imports are
    Python bytecode (they hold the GIL), reading the data is mostly polars (which releases
    it), so on a spare core the two overlap instead of adding up. numpy and polars are
    imported first on the calling thread (the reader needs them anyway), so the threads
    never import the same module at once. None on a busy machine (`calm_threads` held the
    libraries to one thread: no core to spare). A failed import is left to the code that
    needs the module, which raises it where it can be reported."""
    import importlib
    import sys

    if not spare_core() or all(name in sys.modules for name in modules):
        return None
    import numpy  # noqa: F401
    import polars  # noqa: F401

    def run() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:
                return

    thread = threading.Thread(target=run, name="kptui-preload")
    thread.start()
    return thread
