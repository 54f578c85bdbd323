"""Experiments: add one from typed arms, save the A/B pane's arms, and the verdict.

The verdict is `kptui.engine.abtest.verdict` on the stored arms: the sample-ratio check uses
the split the experiment was planned with, and the winner is the variant most likely best
(`prob_best`) among those that beat the control. Both front ends show this one verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kptui.engine.abtest import Arm, Verdict
    from kptui.store import Experiment

WORKSPACE_TIMEOUT = 5.0  # seconds to wait for another process's lock before saying so


def arms_from_specs(specs: Sequence[str] | None, split: str | None = None) -> list[Arm]:
    """Typed arms (`B`, `B=1000:80`, `1000:80`; default A and B) with the intended split as
    their weights; one grammar with `kptui ab test` (kptui.engine.abtest.read_arms)."""
    from kptui.engine import abtest

    arms = (
        abtest.read_arms(specs, "arm", counts=False)
        if specs
        else [abtest.Arm("A"), abtest.Arm("B")]
    )
    if split is not None:
        arms = abtest.with_shares(arms, abtest.parse_shares(split, len(arms)))
    return arms


def add_experiment(
    workspace: str | None,
    name: str,
    *,
    arms: Sequence[str] | None = None,
    split: str | None = None,
    drafts: Sequence[int] = (),
    status: str = "running",
    alpha: float = 0.05,
    notes: str = "",
) -> Experiment:
    """Save a new experiment from typed arms (see `arms_from_specs`)."""
    from kptui.store import Workspace

    parsed = arms_from_specs(arms, split)
    with Workspace.open(workspace) as ws:
        return ws.add_experiment(
            name, arms=parsed, drafts=list(drafts), status=status, alpha=alpha, notes=notes
        )


def save_arms(
    workspace: str | None,
    name: str,
    arms: Sequence[Arm],
    alpha: float,
    existing: int | None = None,
) -> Experiment:
    """Save arms with their totals: into `existing` when it still has the same arm names
    (totals replaced, the planned split kept), else as a new experiment."""
    from kptui.errors import KptuiError
    from kptui.store import Workspace

    with Workspace.open(workspace, timeout=WORKSPACE_TIMEOUT) as ws:
        if existing is not None:
            try:
                old = ws.get_experiment(existing)
            except KptuiError:
                old = None  # deleted meanwhile: save as a new one
            if old is not None and [a.name for a in old.arms] == [a.name for a in arms]:
                for arm in arms:
                    ws.record(
                        existing,
                        arm.name,
                        visitors=arm.visitors,
                        conversions=arm.conversions,
                        replace=True,
                    )
                return ws.update_experiment(existing, name=name, alpha=alpha)
        return ws.add_experiment(name, arms=list(arms), alpha=alpha)


def verdict(exp: Experiment) -> Verdict:
    """The A/B verdict on the experiment's stored counts and its intended split."""
    from kptui.engine import abtest

    return abtest.verdict(exp.arms, alpha=exp.alpha)
