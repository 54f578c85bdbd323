"""`kptui recommend`: what to push to whom, and which personas a draft fits.

Engine: kptui.engine.recommend (recency-weighted EASE, what comes next, activity at the
moment, content; the blend is tuned per dataset and cached).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from kptui.cli.common import DataOption, MapOption
from kptui.cli.personas import KOption, SeedOption


def recommend(
    data: DataOption = None,
    map_: MapOption = None,
    persona: Annotated[
        str | None, typer.Option("--persona", help="A persona id, or 'all'.")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="A viewer id, or 'all'.")] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="A draft's title: which personas it fits.")
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", help="The draft's description.")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Items per list.")] = 10,
    paid_only: Annotated[
        bool, typer.Option("--paid-only", help="Only paid items (price > 0).")
    ] = False,
    k: KOption = "auto",
    seed: SeedOption = 0,
    json_: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of text (for scripts and jq).")
    ] = False,
    jsonl: Annotated[
        bool,
        typer.Option("--jsonl", help="With --user all: one JSON object per viewer per line (jq)."),
    ] = False,
) -> None:
    """Recommendations per persona or per viewer, or the personas a draft fits.

    Give exactly one of --persona, --user or --title.
    """
    from kptui.cli import output
    from kptui.cli.common import resolve_dataset
    from kptui.engine.personas import parse_k
    from kptui.engine.recommend import load_or_fit_recommender
    from kptui.errors import UsageError

    chosen = [name for name, v in (("--persona", persona), ("--user", user)) if v is not None]
    if title is not None or description is not None:
        chosen.append("--title")
    if len(chosen) != 1:
        raise UsageError(
            "give exactly one of --persona ID|all, --user ID|all or --title T"
            + (f" (got {', '.join(chosen)})" if chosen else "")
        )
    if description is not None and not (title or "").strip():
        raise UsageError("--description needs --title")
    if title is not None and not title.strip():
        raise UsageError("--title must not be empty")
    if jsonl and (user is None or user.strip().lower() != "all"):
        raise UsageError("--jsonl is for --user all (one line per viewer)")
    pid = _persona_id(persona) if persona is not None else None
    parse_k(k)
    from kptui.threads import preload

    preload()  # every answer here imports scikit-learn (cached or not): next to the reading
    dataset = resolve_dataset(data, map_)
    with output.progress("Fitting recommender") as report:
        rec = load_or_fit_recommender(dataset, k=k, seed=seed, progress=report)
        if user is not None and user.strip().lower() == "all":
            result: Any = rec.for_users(None, top=top, paid_only=paid_only, progress=report)
        elif user is not None:
            items = rec.for_user(user, top=top, paid_only=paid_only)
            result = items
        elif persona is not None:
            if pid is None:
                result = rec.for_personas(top=top, paid_only=paid_only)
            else:
                card = rec.personas.card(pid)
                result = [
                    {
                        "persona_id": pid,
                        "label": card["label"],
                        "items": rec.for_persona(pid, top=top, paid_only=paid_only),
                    }
                ]
        else:
            result = {"personas": rec.draft_fit(title or "", description or "")}
    if user is not None and user.strip().lower() != "all":
        _emit_user(user, result, json_)
    elif user is not None and jsonl:
        for user_id, items in result.items():
            output.print_jsonl({"user_id": user_id, "items": items})
    elif user is not None:
        output.print_json(result) if json_ else _print_users(result)
    elif persona is not None:
        output.print_json(result) if json_ else _print_personas(result)
    else:
        output.print_json(result) if json_ else _print_fit(result)


def register(app: typer.Typer) -> None:
    app.command("recommend")(recommend)


def _persona_id(text: str) -> int | None:
    from kptui.errors import UsageError

    value = text.strip().lower()
    if value == "all":
        return None
    try:
        pid = int(value)
    except ValueError:
        raise UsageError(
            f"--persona must be a persona id (a number) or 'all', not {text!r}"
        ) from None
    if pid < 0:
        raise UsageError(f"unknown persona {pid}: ids start at 0")
    return pid


def _emit_user(user: str, items: list[dict], json_: bool) -> None:
    from rich.text import Text

    from kptui.cli import output

    if json_:
        output.print_json({user: [item["video_id"] for item in items]})
        return
    con = output.console()
    con.print(Text.assemble(("viewer ", "bold"), (output.clean_line(user), "bold")))
    if not items:
        con.print(Text("  nothing left to recommend"))
    for item in items:
        _item_line(con, item)


def _item_line(con: Any, item: dict) -> None:
    from kptui.cli.output import clean_line
    from kptui.cli.personas import print_cut

    title = clean_line(item["title"])
    print_cut(con, f"  {clean_line(item['video_id'])}  {item['score']:.3f}  {title}")
    if "watched" in item:
        share = f"watched by {item['watched']:.0%}, bought by {item['bought']:.0%} of members"
        print_cut(con, f"      {share}")
    if item.get("reason"):
        print_cut(con, f"      {clean_line(item['reason'])}")


def _print_users(result: dict[str, list[str]]) -> None:
    from rich.text import Text

    from kptui.cli import output

    con = output.console()
    for user, items in result.items():
        con.print(Text(output.clean_line(f"{user}: {' '.join(items)}")))


def _print_personas(result: list[dict]) -> None:
    from rich.text import Text

    from kptui.cli import output

    con = output.console()
    for i, block in enumerate(result):
        if i:
            con.print()
        con.print(
            Text.assemble(
                (f"#{block['persona_id']} ", "bold"), (output.clean_line(block["label"]), "bold")
            )
        )
        if not block["items"]:
            con.print(Text("  nothing to recommend"))
        for item in block["items"]:
            _item_line(con, item)


def _print_fit(result: dict) -> None:
    from rich.table import Table

    from kptui.cli import output

    table = Table(box=None, pad_edge=False)
    table.add_column("persona", justify="right")
    table.add_column("fit", justify="right")
    table.add_column("label")
    for row in result["personas"]:
        table.add_row(str(row["persona_id"]), f"{row['fit']:.3f}", output.safe(row["label"]))
    output.console().print(table)
