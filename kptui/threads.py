"""Thread settings for the numeric libraries, decided once before any of them is imported.

Why: OpenBLAS (numpy, scipy) and OpenMP (scikit-learn's k-means) start a thread per core and
let idle threads spin. On a machine that is already busy (a creator's laptop exporting video,
a shared server) those threads fight the other programs for the same cores: measured on a
2-core box under load, ten k-means fits took 70 s with the default threads and 3.7 s with
one, a Cholesky 2.2 s against 0.95 s. So idle OpenMP threads sleep (`OMP_WAIT_POLICY`), and
when the load average already fills every core each library gets one thread; polars'
allocator hands freed memory back (`JEMALLOC_CONF`). A variable the user set is never
overridden. Called by `kptui.cli.main` (the CLI and the app).
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# polars' allocator (jemalloc) keeps freed pages for reuse and hands them back only while
# it is busy allocating: after loading 150 MB of interactions the process held ~1 GB for a
# 131 MB frame. A background thread returning pages idle for 0.2 s keeps what later stages
# add from stacking on top of it (that run's peak 1,335 -> 1,247 MB, its middle ~300 MB less).
JEMALLOC_VAR = "_RJEM_MALLOC_CONF"
JEMALLOC_CONF = "background_thread:true,dirty_decay_ms:200,muzzy_decay_ms:0"


def calm_threads(
    env: MutableMapping[str, str] | None = None,
    load: float | None = None,
    cpus: int | None = None,
) -> bool:
    """Set the defaults described above in `env` (os.environ); True when limited to one."""
    env = os.environ if env is None else env
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    env.setdefault(JEMALLOC_VAR, JEMALLOC_CONF)
    if load is None:
        try:
            load = os.getloadavg()[0]
        except (AttributeError, OSError):  # no load average on this platform
            return False
    cpus = cpus or os.cpu_count() or 1
    if load < cpus:
        return False
    for var in THREAD_VARS:
        env.setdefault(var, "1")
    return True
