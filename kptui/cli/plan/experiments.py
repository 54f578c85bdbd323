"""`kptui plan experiment`: A/B experiments in the workspace and their verdicts.

`add` and `show` are `kptui.services.experiments` (one arm/split grammar with `kptui ab`, and
the one verdict the Plan pane shows too); the other commands are `Workspace` calls.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from kptui.cli import state
from kptui.cli.output import plan as plan_output
from kptui.cli.plan.common import (
    ExperimentStatus,
    JsonOption,
    WorkspaceOption,
    emit_json,
    open_workspace,
    say,
)

app = typer.Typer(help="A/B experiments and their results.", no_args_is_help=True)

# why there is no verdict yet (kptui.engine.abtest.Verdict.waiting), in the CLI's words
WAITING = {
    "no results": "no results yet: kptui plan experiment record ID ARM --visitors N ...",
    "an arm without visitors": "every arm needs visitors before a verdict",
}


@app.command("add")
def experiment_add(
    name: Annotated[str, typer.Argument(help="What the experiment tests.")],
    arm: Annotated[
        list[str] | None,
        typer.Option(
            "--arm",
            "-a",
            help="An arm, control first: NAME, NAME=VISITORS:CONVERSIONS or "
            "VISITORS:CONVERSIONS (repeatable). Default: A and B.",
        ),
    ] = None,
    draft: Annotated[
        list[int] | None, typer.Option("--draft", help="Draft id tested (repeatable).")
    ] = None,
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            help="Intended traffic shares in arm order, e.g. 50,50 or 1,2 (default equal); "
            "the verdict warns when visitors stray from it.",
        ),
    ] = None,
    status: Annotated[ExperimentStatus, typer.Option("--status")] = ExperimentStatus.running,
    alpha: Annotated[float, typer.Option("--alpha", help="Significance level.")] = 0.05,
    notes: Annotated[str, typer.Option("--notes")] = "",
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
) -> None:
    """Start an experiment."""
    from kptui.services import experiments

    exp = experiments.add_experiment(
        state.workspace(workspace),
        name,
        arms=arm,
        split=split,
        drafts=draft or [],
        status=status.value,
        alpha=alpha,
        notes=notes,
    )
    if json_:
        emit_json(exp.to_json())
        return
    say(
        "saved experiment ",
        str(exp.id),
        ": ",
        exp.name,
        " (arms: ",
        ", ".join(a.name for a in exp.arms),
        ")",
    )


@app.command("record")
def experiment_record(
    experiment_id: Annotated[int, typer.Argument(help="Experiment id.")],
    arm: Annotated[str, typer.Argument(help="Arm name.")],
    visitors: Annotated[int, typer.Option("--visitors", "-n", help="Visitors to add.")] = 0,
    conversions: Annotated[
        int, typer.Option("--conversions", "-c", help="Conversions to add.")
    ] = 0,
    set_: Annotated[
        bool,
        typer.Option(
            "--set", help="Set the arm's totals (with --date: that day's counts) instead."
        ),
    ] = False,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            "-d",
            help="The day these results are from, YYYY-MM-DD: kept day by day for the "
            "lift-over-time chart (the totals move with it).",
            show_default=False,
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
) -> None:
    """Add results to an arm (or set its totals with --set); --date records a day."""
    with open_workspace(workspace) as ws:
        exp = ws.record(
            experiment_id,
            arm,
            visitors=visitors,
            conversions=conversions,
            replace=set_,
            day=date,
        )
    if json_:
        emit_json(exp.to_json())
        return
    a = exp.arm(arm)
    assert a is not None
    say(
        f"experiment {exp.id}, arm ",
        a.name,
        f": {a.conversions:,} / {a.visitors:,} converted",
    )


@app.command("show")
def experiment_show(
    experiment_id: Annotated[int, typer.Argument(help="Experiment id.")],
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
) -> None:
    """Show an experiment's arms and the A/B verdict on its results."""
    from kptui.services import experiments
    from kptui.services.ab import experiment_timeline

    with open_workspace(workspace) as ws:
        exp = ws.get_experiment(experiment_id)
    verdict = experiments.verdict(exp)
    result, why = verdict.result, WAITING.get(verdict.waiting or "")
    days = experiment_timeline(state.workspace(workspace), experiment_id)
    if json_:
        shown = result.as_dict() if result is not None else None
        extra = {k: days[k] for k in ("daily", "timeline", "first_significant_day")}
        emit_json({**exp.to_json(), "verdict": shown, "verdict_note": why, **extra})
        return
    plan_output.print_experiment(exp, result, why)
    plan_output.print_timeline(days)


@app.command("list")
def experiment_list(
    status: Annotated[ExperimentStatus | None, typer.Option("--status")] = None,
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
) -> None:
    """List experiments."""
    with open_workspace(workspace) as ws:
        exps = ws.list_experiments(status=status.value if status else None)
    if json_:
        emit_json([e.to_json() for e in exps])
        return
    if not exps:
        say("no experiments yet: kptui plan experiment add NAME --arm A --arm B")
        return
    plan_output.print_experiments(exps)


@app.command("edit")
def experiment_edit(
    experiment_id: Annotated[int, typer.Argument(help="Experiment id.")],
    name: Annotated[str | None, typer.Option("--name")] = None,
    status: Annotated[ExperimentStatus | None, typer.Option("--status")] = None,
    alpha: Annotated[float | None, typer.Option("--alpha")] = None,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    draft: Annotated[
        list[int] | None, typer.Option("--draft", help="Replace the drafts tested.")
    ] = None,
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
) -> None:
    """Rename, change status (e.g. done), alpha, notes or the drafts tested."""
    changes: dict[str, Any] = {
        k: v
        for k, v in {
            "name": name,
            "status": status.value if status else None,
            "alpha": alpha,
            "notes": notes,
            "drafts": draft,
        }.items()
        if v is not None
    }
    if not changes:
        from kptui.errors import UsageError

        raise UsageError("nothing to change: give at least one option (see --help)")
    with open_workspace(workspace) as ws:
        exp = ws.update_experiment(experiment_id, **changes)
    if json_:
        emit_json(exp.to_json())
        return
    say("updated experiment ", str(exp.id), ": ", exp.name, f" ({exp.status})")


@app.command("rm")
def experiment_rm(
    experiment_ids: Annotated[list[int], typer.Argument(help="Experiment id(s).")],
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
) -> None:
    """Delete experiments and their results."""
    with open_workspace(workspace) as ws:
        ws.delete_experiments(experiment_ids)  # all or nothing
    if json_:
        emit_json({"deleted": experiment_ids})
        return
    plural = "s " if len(experiment_ids) > 1 else " "
    say("deleted experiment" + plural, ", ".join(map(str, experiment_ids)))
