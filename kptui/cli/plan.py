"""`kptui plan`: the workspace from the command line — drafts, experiments, export.

The workspace file is, innermost first: `--workspace` on the command, on `kptui plan`, on
`kptui` itself, then `KPTUI_WORKSPACE`, then the user data folder. The jobs the app does too
(adding a draft with its suggested hour, an experiment and its verdict, the export) are
`kptui.services` functions; the rest is `kptui.store.Workspace` calls, options and printing.
Only typer and the standard library are imported at module level (start-up time).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kptui.cli.common import DataOption

if TYPE_CHECKING:
    from kptui.store import Draft, Experiment, Workspace

WorkspaceOption = Annotated[
    str | None,
    typer.Option(
        "--workspace",
        help="Workspace file (SQLite). Default: kptui's --workspace, KPTUI_WORKSPACE, "
        "else your user data folder.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")]
PersonaOption = Annotated[
    list[str] | None,
    typer.Option(
        "--persona",
        "-p",
        help="Target persona id (repeatable, or 1,3). On add, the publish hour is suggested "
        "from their active hours when personas can be built from your data.",
    ),
]


class DraftStatus(StrEnum):
    idea = "idea"
    ready = "ready"
    published = "published"


class ExperimentStatus(StrEnum):
    planned = "planned"
    running = "running"
    stopped = "stopped"
    done = "done"


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    md = "md"


class CsvTable(StrEnum):
    drafts = "drafts"
    experiments = "experiments"


def register(app: typer.Typer) -> None:
    plan_app = typer.Typer(
        help="Your plan, kept in the workspace file: drafts, experiments, export.",
        no_args_is_help=True,
    )
    draft_app = typer.Typer(help="Post ideas and drafts.", no_args_is_help=True)
    exp_app = typer.Typer(help="A/B experiments and their results.", no_args_is_help=True)
    plan_app.add_typer(draft_app, name="draft")
    plan_app.add_typer(exp_app, name="experiment")
    app.add_typer(plan_app, name="plan")

    @plan_app.callback()
    def plan_root(workspace: WorkspaceOption = None) -> None:
        """Your plan, kept in the workspace file: drafts, experiments, export."""
        if workspace:
            from kptui.cli.state import STATE

            STATE.workspace = workspace

    # ------------------------------------------------------------------ drafts
    @draft_app.command("add")
    def draft_add(
        title: Annotated[str, typer.Option("--title", "-t", help="Working title.")],
        description: Annotated[str, typer.Option("--description", help="Description.")] = "",
        tags: Annotated[
            str | None, typer.Option("--tags", help="Chosen tags: 'a, b' or '#a #b'.")
        ] = None,
        persona: PersonaOption = None,
        publish_at: Annotated[
            str | None,
            typer.Option(
                "--publish-at",
                help="Planned time: '2025-06-01 19:30', '2025-06-01', or an hour '19'.",
            ),
        ] = None,
        status: Annotated[DraftStatus, typer.Option("--status")] = DraftStatus.idea,
        notes: Annotated[str, typer.Option("--notes", help="Free notes.")] = "",
        data: DataOption = None,
        k: Annotated[
            str, typer.Option("--k", help="Personas run the ids come from (as `kptui personas`).")
        ] = "auto",
        seed: Annotated[int, typer.Option("--seed", help="Seed of that personas run.")] = 0,
        workspace: WorkspaceOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Save a new draft.

        With --persona and no --publish-at, the publish hour is suggested from
        those personas' active hours (when your data has timed interactions).
        """
        from kptui.services import drafts
        from kptui.store import parse_personas

        path = _workspace(workspace)
        draft = drafts.add_draft(
            path,
            title,
            description=description,
            tags=tags,
            personas=parse_personas(persona),
            publish_at=publish_at,
            status=status.value,
            notes=notes,
            cards=lambda: drafts.persona_cards(data, path, k, seed),
        )
        if json_:
            _json(draft.to_json())
            return
        _say("saved draft ", str(draft.id), ": ", draft.title)
        if draft.publish_hour_source == "persona":
            _say(
                f"publish hour {draft.publish_hour:02d}:00 suggested from the personas' "
                "active hours"
            )

    @draft_app.command("list")
    def draft_list(
        status: Annotated[DraftStatus | None, typer.Option("--status")] = None,
        tag: Annotated[str | None, typer.Option("--tag", help="Only drafts with this tag.")] = None,
        persona: Annotated[
            int | None, typer.Option("--persona", help="Only drafts for this persona.")
        ] = None,
        workspace: WorkspaceOption = None,
        json_: JsonOption = False,
    ) -> None:
        """List drafts, oldest first."""
        with _open(workspace) as ws:
            drafts = ws.list_drafts(
                status=status.value if status else None, tag=tag, persona=persona
            )
        if json_:
            _json([d.to_json() for d in drafts])
            return
        if not drafts:
            _say("no drafts yet: kptui plan draft add --title '...'")
            return
        _print_drafts(drafts)

    @draft_app.command("show")
    def draft_show(
        draft_id: Annotated[int, typer.Argument(help="Draft id.")],
        workspace: WorkspaceOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Show one draft in full."""
        with _open(workspace) as ws:
            draft = ws.get_draft(draft_id)
        if json_:
            _json(draft.to_json())
            return
        _print_draft(draft)

    @draft_app.command("edit")
    def draft_edit(
        draft_id: Annotated[int, typer.Argument(help="Draft id.")],
        title: Annotated[str | None, typer.Option("--title", "-t")] = None,
        description: Annotated[str | None, typer.Option("--description")] = None,
        tags: Annotated[
            str | None, typer.Option("--tags", help="Replace the tags ('' clears them).")
        ] = None,
        persona: Annotated[
            list[str] | None,
            typer.Option("--persona", "-p", help="Replace the target personas ('none' clears)."),
        ] = None,
        publish_at: Annotated[
            str | None,
            typer.Option(
                "--publish-at",
                help="New time ('2025-06-01 19:30', a date, an hour '19'; 'none' clears).",
            ),
        ] = None,
        status: Annotated[DraftStatus | None, typer.Option("--status")] = None,
        notes: Annotated[str | None, typer.Option("--notes")] = None,
        workspace: WorkspaceOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Change some fields of a draft; the others stay as they are."""
        from kptui.store import parse_personas

        changes: dict[str, Any] = {}
        for key, value in (
            ("title", title),
            ("description", description),
            ("tags", tags),
            ("notes", notes),
        ):
            if value is not None:
                changes[key] = value
        if status is not None:
            changes["status"] = status.value
        if persona is not None:
            cleared = [p for p in persona if p.strip().lower() not in {"none", ""}]
            changes["personas"] = parse_personas(cleared)
        with _open(workspace) as ws:
            if publish_at is not None:
                changes.update(_publish_changes(ws.get_draft(draft_id), publish_at))
            if not changes:
                from kptui.errors import UsageError

                raise UsageError("nothing to change: give at least one option (see --help)")
            draft = ws.update_draft(draft_id, **changes)
        if json_:
            _json(draft.to_json())
            return
        _say("updated draft ", str(draft.id), ": ", draft.title)

    @draft_app.command("rm")
    def draft_rm(
        draft_ids: Annotated[list[int], typer.Argument(help="Draft id(s).")],
        workspace: WorkspaceOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Delete drafts (experiments that tested them keep their results)."""
        with _open(workspace) as ws:
            ws.delete_drafts(draft_ids)  # all or nothing
        if json_:
            _json({"deleted": draft_ids})
            return
        _say(
            "deleted draft" + ("s " if len(draft_ids) > 1 else " "), ", ".join(map(str, draft_ids))
        )

    # ------------------------------------------------------------------ experiments
    @exp_app.command("add")
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
            _workspace(workspace),
            name,
            arms=arm,
            split=split,
            drafts=draft or [],
            status=status.value,
            alpha=alpha,
            notes=notes,
        )
        if json_:
            _json(exp.to_json())
            return
        _say(
            "saved experiment ",
            str(exp.id),
            ": ",
            exp.name,
            " (arms: ",
            ", ".join(a.name for a in exp.arms),
            ")",
        )

    @exp_app.command("record")
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
        with _open(workspace) as ws:
            exp = ws.record(
                experiment_id,
                arm,
                visitors=visitors,
                conversions=conversions,
                replace=set_,
                day=date,
            )
        if json_:
            _json(exp.to_json())
            return
        a = exp.arm(arm)
        assert a is not None
        _say(
            f"experiment {exp.id}, arm ",
            a.name,
            f": {a.visitors:,} visitors, {a.conversions:,} conversions",
        )

    @exp_app.command("show")
    def experiment_show(
        experiment_id: Annotated[int, typer.Argument(help="Experiment id.")],
        workspace: WorkspaceOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Show an experiment's arms and the A/B verdict on its results."""
        from kptui.services import experiments
        from kptui.services.ab import experiment_timeline

        with _open(workspace) as ws:
            exp = ws.get_experiment(experiment_id)
        verdict = experiments.verdict(exp)
        result, why = verdict.result, _WAITING.get(verdict.waiting or "")
        days = experiment_timeline(_workspace(workspace), experiment_id)
        if json_:
            shown = result.as_dict() if result is not None else None
            extra = {k: days[k] for k in ("daily", "timeline", "first_significant_day")}
            _json({**exp.to_json(), "verdict": shown, "verdict_note": why, **extra})
            return
        _print_experiment(exp, result, why)
        _print_timeline(days)

    @exp_app.command("list")
    def experiment_list(
        status: Annotated[ExperimentStatus | None, typer.Option("--status")] = None,
        workspace: WorkspaceOption = None,
        json_: JsonOption = False,
    ) -> None:
        """List experiments."""
        with _open(workspace) as ws:
            exps = ws.list_experiments(status=status.value if status else None)
        if json_:
            _json([e.to_json() for e in exps])
            return
        if not exps:
            _say("no experiments yet: kptui plan experiment add NAME --arm A --arm B")
            return
        _print_experiments(exps)

    @exp_app.command("edit")
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
        with _open(workspace) as ws:
            exp = ws.update_experiment(experiment_id, **changes)
        if json_:
            _json(exp.to_json())
            return
        _say("updated experiment ", str(exp.id), ": ", exp.name, f" ({exp.status})")

    @exp_app.command("rm")
    def experiment_rm(
        experiment_ids: Annotated[list[int], typer.Argument(help="Experiment id(s).")],
        workspace: WorkspaceOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Delete experiments and their results."""
        with _open(workspace) as ws:
            ws.delete_experiments(experiment_ids)  # all or nothing
        if json_:
            _json({"deleted": experiment_ids})
            return
        plural = "s " if len(experiment_ids) > 1 else " "
        _say("deleted experiment" + plural, ", ".join(map(str, experiment_ids)))

    # ------------------------------------------------------------------ export
    @plan_app.command("export")
    def plan_export(
        format_: Annotated[
            ExportFormat, typer.Option("--format", "-f", help="json, csv or md (Markdown).")
        ] = ExportFormat.json,
        out: Annotated[
            Path | None, typer.Option("--out", "-o", help="Write to FILE instead of stdout.")
        ] = None,
        table: Annotated[
            CsvTable, typer.Option("--table", help="CSV only: drafts, or experiments (per arm).")
        ] = CsvTable.drafts,
        workspace: WorkspaceOption = None,
    ) -> None:
        """Export the plan. CSV cells that could run as spreadsheet formulas are made text."""
        from kptui.services import exports

        if out is None:
            from kptui.fileio import write_stream

            write_stream(exports.plan_text(_workspace(workspace), format_.value, table.value))
            return
        if out.expanduser().is_dir():
            from kptui.errors import UsageError

            raise UsageError("is a folder: give a file name", file=str(out))
        exports.export_plan(_workspace(workspace), out, format_.value, table.value)
        from kptui.cli import output

        output.warn(f"wrote {out}")


# ---------------------------------------------------------------------- helpers
def _print_timeline(days: dict[str, Any]) -> None:
    """Day by day, per variant: visitors so far, lift, its always-valid band and p."""
    from kptui.cli.output import clean_line

    level = f"{(1 - days['alpha']) * 100:.4g}%"
    for name, points in days["timeline"].items():
        if not points:
            continue
        print()
        print(
            clean_line(
                f"{name} vs {days['arms'][0]} day by day (cumulative; the {level} always-valid "
                "band may be read on any day):"
            )
        )
        print(f"{'day':<10}  {'visitors':>9}  {'lift':>9}  {'always-valid band':>21}  {'p':>7}")
        for p in points:
            band = p["cs_abs"]
            shown = "" if band is None else f"{band[0] * 100:+.2f} to {band[1] * 100:+.2f} pp"
            pv = "" if p["p_value"] is None else f"{p['p_value']:.3g}"
            mark = " *" if p["significant"] else ""
            print(
                f"{p['day']:<10}  {p['visitors_control'] + p['visitors_variant']:>9,}  "
                f"{p['lift_abs'] * 100:>+6.2f} pp  {shown:>21}  {pv:>7}{mark}"
            )
        first = days["first_significant_day"].get(name)
        if first:
            print(clean_line(f"* significant under daily checking since {first}"))


_WAITING = {
    "no results": "no results yet: kptui plan experiment record ID ARM --visitors N ...",
    "an arm without visitors": "every arm needs visitors before a verdict",
}


def _workspace(workspace: str | None) -> str | None:
    from kptui.cli.state import STATE

    return workspace or STATE.workspace


def _open(workspace: str | None) -> Workspace:
    from kptui.store import Workspace

    return Workspace.open(_workspace(workspace))


def _json(obj: Any) -> None:
    from kptui.cli import output

    output.print_json(obj)


def _say(*parts: str) -> None:
    """One line to stdout; every part is shown literally (titles are untrusted text)."""
    from rich.text import Text

    from kptui.cli import output

    output.console().print(Text.assemble(*(output.safe(p) for p in parts)))


def _publish_changes(draft: Draft, text: str) -> dict[str, Any]:
    """`--publish-at` on edit: an hour alone keeps a planned date and moves the time."""
    from kptui.store import parse_publish_at

    at, hour = parse_publish_at(text)
    if at is None and hour is None:
        return {"publish_at": None, "publish_hour": None}
    if at is None:  # hour only
        if draft.publish_at:
            return {"publish_at": f"{draft.publish_at[:10]}T{hour:02d}:00", "publish_hour": hour}
        return {"publish_at": None, "publish_hour": hour}
    if hour is None and draft.publish_hour is not None:
        return {"publish_at": at}  # a date alone keeps the chosen (or suggested) hour
    return {"publish_at": at, "publish_hour": hour}


# ---------------------------------------------------------------------- human output
def _publish_text(d: Draft) -> str:
    if d.publish_at and "T" in d.publish_at:
        return d.publish_at.replace("T", " ")
    hour = f"{d.publish_hour:02d}:00" if d.publish_hour is not None else ""
    if d.publish_hour_source == "persona":
        hour += " (suggested)"
    return " ".join(x for x in (d.publish_at or "", hour) if x)


def _print_drafts(drafts: list[Draft]) -> None:
    from rich.table import Table

    from kptui.cli import output

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("id", justify="right")
    table.add_column("status")
    table.add_column("title", overflow="fold", ratio=3)
    table.add_column("tags", overflow="fold", ratio=2)
    table.add_column("personas")
    table.add_column("publish")
    for d in drafts:
        table.add_row(
            str(d.id),
            output.safe(d.status),
            output.safe(d.title),
            output.safe(", ".join(d.tags)),
            ", ".join(map(str, d.personas)),
            output.safe(_publish_text(d)),
        )
    output.console().print(table)


def _print_draft(d: Draft) -> None:
    from rich.table import Table

    from kptui.cli import output

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    rows = [
        ("draft", str(d.id)),
        ("title", d.title),
        ("status", d.status),
        ("description", d.description),
        ("tags", ", ".join(d.tags)),
        ("personas", ", ".join(map(str, d.personas))),
        ("publish", _publish_text(d)),
        ("notes", d.notes),
        ("created", d.created_at),
        ("updated", d.updated_at),
    ]
    for key, value in rows:
        table.add_row(key, output.safe(value))
    output.console().print(table)


def _print_experiments(exps: list[Experiment]) -> None:
    from rich.table import Table

    from kptui.cli import output

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("id", justify="right")
    table.add_column("status")
    table.add_column("name", overflow="fold")
    table.add_column("arms (visitors/conversions)", overflow="fold")
    table.add_column("drafts")
    for e in exps:
        arms = "  ".join(f"{a.name} {a.visitors:,}/{a.conversions:,}" for a in e.arms)
        table.add_row(
            str(e.id),
            output.safe(e.status),
            output.safe(e.name),
            output.safe(arms),
            ", ".join(map(str, e.drafts)),
        )
    output.console().print(table)


def _print_experiment(e: Experiment, result: Any, why: str | None) -> None:
    """Header, then the same verdict sentence and table `kptui ab test` prints."""
    from rich.table import Table

    from kptui.cli import output

    con = output.console()
    con.print(output.safe(f"experiment {e.id}: {e.name}  ({e.status}, alpha {e.alpha:g})"))
    if e.drafts:
        con.print(output.safe("drafts tested: " + ", ".join(f"#{d}" for d in e.drafts)))
    if e.notes:
        con.print(output.safe("notes: " + e.notes))
    if result is not None:
        from kptui.cli.ab import _render_test

        _render_test(result)
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for col, just in (("arm", "left"), ("visitors", "right"), ("conversions", "right")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    table.add_column("rate", justify="right")
    for i, a in enumerate(e.arms):
        rate = "—" if a.rate is None else f"{a.rate:.2%}"
        name = a.name + (" (control)" if i == 0 else "")
        table.add_row(output.safe(name), f"{a.visitors:,}", f"{a.conversions:,}", rate)
    con.print(table)
    con.print(output.safe(f"verdict: {why}"))
