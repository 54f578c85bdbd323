"""How `kptui plan` shows drafts and experiments to a human: rich tables, every data string
through `safe()` (titles and names are untrusted text)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kptui.cli import output

if TYPE_CHECKING:
    from kptui.store import Draft, Experiment


def publish_text(d: Draft) -> str:
    if d.publish_at and "T" in d.publish_at:
        return d.publish_at.replace("T", " ")
    hour = f"{d.publish_hour:02d}:00" if d.publish_hour is not None else ""
    if d.publish_hour_source == "persona":
        hour += " (suggested)"
    return " ".join(x for x in (d.publish_at or "", hour) if x)


def print_drafts(drafts: list[Draft]) -> None:
    from rich.table import Table

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
            output.safe(publish_text(d)),
        )
    output.console().print(table)


def print_draft(d: Draft) -> None:
    from rich.table import Table

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
        ("publish", publish_text(d)),
        ("notes", d.notes),
        ("created", d.created_at),
        ("updated", d.updated_at),
    ]
    for key, value in rows:
        table.add_row(key, output.safe(value))
    output.console().print(table)


def print_experiments(exps: list[Experiment]) -> None:
    from rich.table import Table

    from kptui.words import arm_words

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("id", justify="right")
    table.add_column("status")
    table.add_column("name", overflow="fold")
    table.add_column("arms", overflow="fold")
    table.add_column("drafts")
    for e in exps:
        arms = " · ".join(arm_words(a.name, a.conversions, a.visitors) for a in e.arms)
        table.add_row(
            str(e.id),
            output.safe(e.status),
            output.safe(e.name),
            output.safe(arms),
            ", ".join(map(str, e.drafts)),
        )
    output.console().print(table)


def print_experiment(e: Experiment, result: Any, why: str | None) -> None:
    """Header, then the same verdict sentence and table `kptui ab test` prints."""
    from rich.table import Table

    con = output.console()
    con.print(output.safe(f"experiment {e.id}: {e.name}  ({e.status}, alpha {e.alpha:g})"))
    if e.drafts:
        con.print(output.safe("drafts tested: " + ", ".join(f"#{d}" for d in e.drafts)))
    if e.notes:
        con.print(output.safe("notes: " + e.notes))
    if result is not None:
        from kptui.cli.output.ab import render_test

        render_test(result)
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


def print_timeline(days: dict[str, Any]) -> None:
    """Day by day, per variant: visitors so far, lift, its always-valid band and p."""
    level = f"{(1 - days['alpha']) * 100:.4g}%"
    for name, points in days["timeline"].items():
        if not points:
            continue
        print()
        print(
            output.clean_line(
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
            print(output.clean_line(f"* significant under daily checking since {first}"))
