"""`kptui personas`: persona cards from who watched and did what (engine: kptui.engine.personas)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kptui.cli.common import DataOption, MapOption

KOption = Annotated[
    str,
    typer.Option(
        "--k",
        help="How many personas: 2 to 30, or 'auto' (tries 3 to 12, at least 5 from 500 "
        "viewers, and keeps the clearest).",
    ),
]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same personas).")]


def personas(
    data: DataOption = None,
    map_: MapOption = None,
    k: KOption = "auto",
    seed: SeedOption = 0,
    assignments: Annotated[
        Path | None,
        typer.Option(
            "--assignments",
            help="Also write user_id,persona_id,push_persona_id to this CSV file (a custom "
            "audience). push_persona_id is the persona whose list to push to that viewer now: "
            "the one whose kind of content they watched lately where that pays on this data "
            "(else their own persona_id). Fits the recommender too (cached).",
        ),
    ] = None,
    recommendations: Annotated[
        Path | None,
        typer.Option(
            "--recommendations",
            help="Also write every viewer's top videos to this CSV file "
            "(user_id,persona_id,rank,video_id), from the same fit as the personas.",
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", min=1, help="Videos per viewer in --recommendations.")
    ] = 10,
    json_: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of text (for scripts and jq).")
    ] = False,
) -> None:
    """Group viewers into personas and describe each one as a card.

    With --recommendations, one run also lists what to push to every viewer: personas
    and the recommender are fitted (and cached) together, so a later `kptui recommend`
    on the same data starts from the cache. With --assignments or --recommendations each
    card also says how many viewers its list goes to now (its members, and viewers of
    other personas drawn by their latest videos), where the two differ on this data.
    """
    from kptui.cli import output
    from kptui.cli.common import resolve_dataset
    from kptui.engine.personas import load_or_fit_personas, parse_k
    from kptui.threads import preload

    parse_k(k)  # a bad --k is a usage error before any loading
    lists = recommendations is not None or assignments is not None  # whose list goes where
    if lists:  # lists import scikit-learn, cached or not
        preload()  # the fit's imports next to the reading
    dataset = resolve_dataset(data, map_)
    _check_file_option(recommendations, "--recommendations")
    _check_file_option(assignments, "--assignments")
    from kptui.fileio import check_target

    for target in (recommendations, assignments):  # before any fitting or the first write
        if target is not None:
            check_target(target)
    rows = 0
    rec = None
    with output.progress("Building personas") as report:
        if not lists:
            model = load_or_fit_personas(dataset, k=k, seed=seed, progress=report)
        else:
            from kptui.engine.recommend import load_or_fit_recommender
            from kptui.services.personas import write_recommendations

            rec = load_or_fit_recommender(dataset, k=k, seed=seed, progress=report)
            model = rec.personas
            if recommendations is not None:
                report("recommending", None)
                rows = write_recommendations(rec, recommendations, top=top)
    if assignments is not None:
        write_assignments(model, assignments, rec)
    push = None
    if rec is not None:
        from kptui.services.personas import push_summary

        push = push_summary(rec)
    if json_:
        out = model.to_json()
        if push is not None:  # each card: how many viewers its list goes to now
            out["persona_now"] = push["persona_now"]
            out["personas"] = [
                {**card, "push": push["personas"][card["id"]]} for card in out["personas"]
            ]
        output.print_json(out)
    else:
        print_cards(
            model.cards,
            model.k,
            note=model.k_note if model.silhouette else "",
            push=push["personas"] if push is not None and push["persona_now"] else None,
        )
        if assignments is not None:
            output.warn(f"wrote {len(model.user_ids):,} assignments to {assignments}")
        if recommendations is not None:
            output.warn(f"wrote {rows:,} recommendations to {recommendations}")


def register(app: typer.Typer) -> None:
    app.command("personas")(personas)


def _check_file_option(path: Path | None, flag: str) -> None:
    from kptui.errors import UsageError

    if path is not None and path.exists() and path.is_dir():
        raise UsageError(f"is a folder; {flag} needs a file name", file=str(path))


def write_assignments(model: Any, path: Path, rec: Any = None) -> None:
    """CSV `user_id,persona_id,push_persona_id` (kptui.services.personas: atomically)."""
    from kptui.errors import UsageError
    from kptui.services.personas import write_assignments as write

    if path.exists() and path.is_dir():
        raise UsageError("is a folder; --assignments needs a file name", file=str(path))
    write(model, path, rec)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def print_cards(
    cards: list[dict[str, Any]], k: int, note: str = "", push: dict[int, Any] | None = None
) -> None:
    """Compact cards that fit 80 columns; every data string goes through `clean_line`.
    `note`: how k=auto chose k (the silhouette / size trade-off, `PersonaModel.k_note`);
    `push`: per persona id, how many viewers its list goes to now (`push_summary`)."""
    import textwrap

    from rich.text import Text

    from kptui.cli.output import clean_line, console
    from kptui.services.personas import push_words

    con = console()
    con.print(Text(f"{k} personas", style="bold"))
    if note:
        con.print(Text(note, style="dim"))
    for card in cards:
        con.print()
        con.print(
            Text.assemble(
                (f"#{card['id']} ", "bold"),
                (clean_line(card["label"]), "bold"),
                f"  {card['size']:,} viewers ({card['share']:.1%})",
            )
        )
        lo, hi = card.get("conversion_ci") or [None, None]
        ci = f" ({_pct(lo)}-{_pct(hi)})" if lo is not None else ""
        line = (
            f"  engagement {_pct(card['engagement_rate'])}  "
            f"conversion {_pct(card['conversion_rate'])}{ci}"
        )
        if card.get("revenue") is not None:
            line += f"  revenue {card['revenue']:,.2f}"
        con.print(Text(line))
        if push is not None:  # wrapped, not cut: every number of it counts
            words = push_words(push[card["id"]], card["size"])
            for part in textwrap.wrap(words, max(40, con.width - 2)):
                con.print(Text("  " + part))
        if card.get("best_hours"):
            hours = ", ".join(f"{h:02d}:00" for h in card["best_hours"])
            con.print(Text(f"  best hours {hours}"))
        if card["top_tags"]:
            con.print(Text("  tags: " + clean_line(", ".join(card["top_tags"][:6]))))
        if card["top_terms"]:
            con.print(Text("  terms: " + clean_line(", ".join(card["top_terms"][:6]))))
        for video in card.get("top_videos", [])[:3]:
            line = f"  {clean_line(video['video_id'])}  {video['reach']:.0%}  "
            print_cut(con, line + clean_line(video["title"]))


def print_cut(con: Any, text: str) -> None:
    """One line cut to the terminal width with an ellipsis (titles can be long)."""
    from rich.text import Text

    line = Text(text)
    line.truncate(con.width, overflow="ellipsis")
    con.print(line)
