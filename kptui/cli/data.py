"""`kptui data`: check an export (`inspect`) and write a synthetic one (`sample`)."""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kptui.cli.common import MapOption


class Lang(StrEnum):
    en = "en"
    zh = "zh"
    mixed = "mixed"


class Format(StrEnum):
    csv = "csv"
    parquet = "parquet"


def inspect(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="A dataset folder, or its files (videos.*, interactions.*); "
            "- reads a videos table from stdin."
        ),
    ],
    map_: MapOption = None,
    json_: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of text (for scripts and jq).")
    ] = False,
) -> None:
    """Load and validate: what each file is, counts, date range, notices and problems.

    Exit code 0 when the data is usable (problems are reported, the good rows kept);
    1 when nothing usable is left or a required part is missing.
    """
    from kptui.cli import output
    from kptui.cli.common import remember_dataset
    from kptui.engine.io import load_dataset
    from kptui.engine.overview import summarize
    from kptui.engine.schema import parse_mapping

    fields = parse_mapping(map_)
    with tempfile.TemporaryDirectory(prefix="kptui-stdin-") as tmp:
        if any(str(p) == "-" for p in paths):  # `data inspect -`: a videos table piped in
            from kptui.cli.common import stdin_as_file

            piped = stdin_as_file(Path(tmp))
            paths = [piped if str(p) == "-" else p for p in paths]
        with output.progress("Loading data") as report:
            dataset = load_dataset(paths, mapping=fields, progress=report)
    summary = summarize(dataset)
    if len(paths) == 1 and paths[0].is_dir():
        remember_dataset(paths[0])
    if json_:
        output.print_json(summary)
    else:
        _print_summary(summary)
    if not summary["usable"]:
        output.warn("error: nothing usable in this dataset")
        raise typer.Exit(1)


def sample(
    out: Annotated[
        Path,
        typer.Argument(help="Folder to write (created if missing, inside a folder that exists)."),
    ],
    users: Annotated[int, typer.Option(min=1, help="Viewers.")] = 2000,
    videos: Annotated[int, typer.Option(min=1, help="Videos and paid items.")] = 300,
    events: Annotated[
        int | None,
        typer.Option(min=1, help="Interactions (default: 25 per viewer, as in the sample)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 0,
    lang: Annotated[Lang, typer.Option(help="Language of titles.")] = Lang.mixed,
    format_: Annotated[Format, typer.Option("--format", help="File format.")] = Format.csv,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Write a synthetic dataset with hidden viewer groups (truth in viewer_groups.csv)."""
    from kptui.cli import output
    from kptui.engine.sample import write_sample
    from kptui.errors import UsageError

    if out.exists() and not out.is_dir():
        raise UsageError("exists and is not a folder", file=str(out))
    parent = out.expanduser().absolute().parent
    if not out.exists() and not parent.is_dir():  # as every writer: no folders made from a typo
        from kptui.errors import DataError

        raise DataError(f"cannot write: the folder {parent} does not exist", file=str(out))
    with output.progress("Writing sample") as report:
        result = write_sample(
            out,
            users=users,
            videos=videos,
            events=events,
            seed=seed,
            lang=lang.value,
            fmt=format_.value,
            progress=report,
        )
    if json_:
        output.print_json(result)
    else:
        output.console().print(
            output.safe(
                f"wrote {result['videos']:,} videos, {result['viewers']:,} viewers, "
                f"{result['interactions']:,} interactions to {out}"
            )
        )


def register(app: typer.Typer) -> None:
    data_app = typer.Typer(help="Check an export, or write a synthetic one.", no_args_is_help=True)
    app.add_typer(data_app, name="data")
    data_app.command("inspect")(inspect)
    data_app.command("sample")(sample)


def _print_summary(summary: dict) -> None:
    from rich.table import Table

    from kptui.cli import output

    con = output.console()
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    rows = [
        ("files", ", ".join(summary["files"])),
        ("videos", f"{summary['videos']:,} ({summary['paid_items']:,} paid)"),
        ("viewers", f"{summary['viewers']:,}"),
        ("interactions", f"{summary['interactions']:,}"),
        (
            "events",
            "  ".join(f"{k} {v:,}" for k, v in summary["events"].items() if v)
            or ("none (videos only)" if summary["videos"] else "none"),
        ),
        ("date range", " to ".join(d[:10] for d in summary["date_range"] if d) or "unknown"),
    ]
    if summary["videos"]:  # a breakdown or Totals export has no videos to tag
        rows.append(("tagged", f"{summary['tagged_share']:.0%} of videos"))
    rows.append(("duplicates merged", f"{summary['duplicates_merged']:,}"))

    def split(key: str) -> str:
        dims = summary.get(key) or []
        return f" (by {', '.join(dims)})" if dims else ""

    extra = [
        ("daily rows", summary.get("daily_rows", 0), split("daily_dimensions")),
        ("breakdown rows", summary.get("breakdown_rows", 0), split("breakdown_dimensions")),
        ("follower activity", summary.get("follower_activity_rows", 0), ""),
    ]
    rows += [(k, f"{v:,}{by}") for k, v, by in extra if v]
    metrics = {k: m for k, m in summary.get("metrics", {}).items() if k != "daily"}
    if metrics:
        rows.append(("metrics", ", ".join(metrics)))
    for key, value in rows:
        table.add_row(key, output.safe(value))
    con.print(table)
    sources = summary.get("sources", [])
    if sources:
        stable = Table(title="sources", title_justify="left", box=None)
        for col in ("file", "kind", "shape", "rows"):
            stable.add_column(col, overflow="fold", justify="right" if col == "rows" else "left")
        for src in sources:
            stable.add_row(output.safe(src["file"]), src["kind"], src["shape"], f"{src['rows']:,}")
        con.print(stable)
    _print_findings(con, summary.get("notices", []), "notice")
    problems = summary["problems"]
    if not problems:
        con.print("no problems found")
        return
    _print_findings(con, problems, "problem")


def _print_findings(con, findings: list[dict], label: str) -> None:
    from rich.table import Table

    from kptui.cli import output
    from kptui.words import counted

    if not findings:
        return
    ptable = Table(title=counted(len(findings), label), title_justify="left", box=None)
    for col in ("where", "count", label):
        ptable.add_column(col, overflow="fold")
    for p in findings:
        where = ":".join(str(x) for x in (p["file"], p["row"], p["column"]) if x is not None)
        more = ""
        if p["count"] > 1 and p["examples"]:
            more = (
                f" (rows {', '.join(map(str, p['examples']))}{', ...' if p['count'] > 5 else ''})"
            )
        ptable.add_row(output.safe(where), str(p["count"]), output.safe(p["message"] + more))
    con.print(ptable)
