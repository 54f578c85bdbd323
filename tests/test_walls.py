"""The house's walls as tests: import-linter contracts, and a runtime probe of the engine.

The contracts (pyproject.toml, [tool.importlinter]) see every import, also those inside
function bodies; the probe runs the engine's main jobs in a fresh interpreter and looks at
what actually got imported, which also catches an import made through a string.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PANES = ROOT / "kptui" / "tui" / "panes"


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_every_pane_is_in_the_independence_contract() -> None:
    """A new pane cannot slip past "panes never import each other" by not being listed."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    listed = next(set(c["modules"]) for c in contracts if c["type"] == "independence")
    panes = {f"kptui.tui.panes.{p.stem}" for p in PANES.glob("*.py")}
    assert panes - {"kptui.tui.panes.__init__", "kptui.tui.panes.base"} == listed


# scikit-learn imports rich itself (sklearn.utils, for its own progress and repr output):
# that is the only way rich may get in, so it is allowed exactly when sklearn is loaded.
RICH_VIA = "sklearn"
FORBIDDEN = ("textual", "typer", "kptui.tui", "kptui.cli")

PROBE = """
import json, sys
from kptui.paths import sample_data_dir
from kptui.engine.io import load_dataset
from kptui.engine.tags import suggest, tag_index
from kptui.engine.personas import fit_personas
from kptui.engine import abtest, ab_means

ds = load_dataset(sample_data_dir())
tags = suggest(tag_index(ds, cache=False), "Python 入门教程", "零基础", top=5)
model = fit_personas(ds, k=3)
res = abtest.analyze(abtest.Arm("A", 1000, 80), [abtest.Arm("B", 1000, 100)])
size = abtest.sample_size(0.08, 0.01)
from kptui.engine.publish import hour_for_personas
hour_for_personas(model.cards, [0])
verdict = abtest.verdict([abtest.Arm("A", 2000, 160, 1.0), abtest.Arm("B", 8000, 700, 4.0)])
means = ab_means.analyze_means(
    ab_means.arm_from_values("A", [0.0, 9.9, 0.0, 19.9, 0.0, 0.0]),
    [ab_means.arm_from_values("B", [9.9, 9.9, 0.0, 19.9, 0.0, 29.9])],
)
assert tags and model.k == 3 and size["per_arm"] > 0 and verdict.result is not None
print(json.dumps(sorted(sys.modules)))
"""


def test_engine_jobs_import_no_front_end_at_run_time() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=600, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    bad = sorted(m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN))
    assert bad == [], bad
    if any(m == "rich" or m.startswith("rich.") for m in loaded):
        assert RICH_VIA in loaded, "rich was imported, and not by scikit-learn"
