"""`kptui tags suggest`: tags for one draft, or for every row of a CSV/JSONL file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kptui.cli.common import DataOption, MapOption

if TYPE_CHECKING:
    from kptui.engine.tagindex import TagIndex

# Column names accepted in an --input file (matched without case or spaces).
_INPUT_COLUMNS = {
    "title": ("title", "标题", "视频标题", "caption"),
    "description": ("description", "desc", "描述", "简介"),
    "id": ("id", "draft_id", "video_id"),
}


def suggest(
    title: Annotated[str | None, typer.Option("--title", "-t", help="Draft title.")] = None,
    description: Annotated[
        str | None, typer.Option("--description", help="Draft description.")
    ] = None,
    input_: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            help="CSV/TSV/JSONL/xlsx with columns title, description, optional id: "
            "suggest for every row (one index build). - reads it from stdin.",
        ),
    ] = None,
    data: DataOption = None,
    map_: MapOption = None,
    top: Annotated[int, typer.Option("--top", "-k", min=1, max=1000, help="Tags per draft.")] = 10,
    json_: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of text (for scripts and jq).")
    ] = False,
    jsonl: Annotated[
        bool,
        typer.Option("--jsonl", help="With --input: one JSON object per draft per line (jq)."),
    ] = False,
) -> None:
    """Suggest tags for a draft (help text: `_help()`, from `engine.tags.SOURCES` and KINDS)."""
    from kptui.errors import UsageError

    if input_ is None and title is None and description is None:
        raise UsageError("give --title (and --description) for one draft, or --input FILE")
    if input_ is not None and (title is not None or description is not None):
        raise UsageError("use either --title/--description or --input, not both")
    if jsonl and input_ is None:
        raise UsageError("--jsonl is for --input (one line per draft)")
    drafts = _read_input(input_) if input_ is not None else None

    from kptui.cli import output
    from kptui.cli.common import resolve_dataset
    from kptui.engine.tags import tag_index
    from kptui.services.insights import tag_history

    dataset = resolve_dataset(data, map_, quiet=json_)
    with output.progress("Building the tag index") as report:
        index = tag_index(dataset, progress=report)
    history = tag_history(dataset)  # how each tag did for this creator
    if drafts is None:
        _one(index, title or "", description or "", top, json_, history)
    else:
        _many(index, drafts, top, json_, history, jsonl=jsonl)


def register(app: typer.Typer) -> None:
    tags_app = typer.Typer(help="Tag suggestions for a draft.", no_args_is_help=True)
    app.add_typer(tags_app, name="tags")
    tags_app.command("suggest", help=_help())(suggest)


def _help() -> str:
    """The command's help: what it does, then every source and kind in users' words."""
    from kptui.engine.tags import KINDS, SOURCES

    lines = [
        "Suggest tags: the draft's own words and phrases, tags of similar videos, tags that "
        "come with those, its #hashtags, and what the dataset uses most.",
        "Each tag has a score in 0..1 (the estimated chance that it fits), the source that "
        "counted most, and a kind. Topic tags are listed first, then reach tags.",
        "Sources:",
        *(f"{name}: {text}." for name, text in SOURCES.items()),
        "Kinds:",
        *(f"{name}: {text}." for name, text in KINDS.items()),
    ]
    return "\n\n".join(lines)


def _one(
    index: TagIndex,
    title: str,
    description: str,
    top: int,
    json_: bool,
    history: dict[str, float] | None = None,
) -> None:
    from kptui.cli import output
    from kptui.engine.tags import apply_history, draft_note, index_note, suggest

    result = apply_history(suggest(index, title, description, top=top), history or {})
    notes = [n for n in (index_note(index), draft_note(index, title, description)) if n]
    if json_:
        payload: dict[str, Any] = {"tags": [s.to_json() for s in result]}
        if notes:
            payload["note"] = "; ".join(notes)
        output.print_json(payload)
        return
    for note in notes:
        output.warn(f"note: {note}")
    _print_table(result)


def _many(
    index: TagIndex,
    drafts: list[tuple[Any, str, str]],
    top: int,
    json_: bool,
    history: dict[str, float] | None = None,
    *,
    jsonl: bool = False,
) -> None:
    from kptui.cli import output
    from kptui.engine.tags import apply_history, draft_note, index_note, suggest

    note = index_note(index)
    if note:
        output.warn(f"note: {note}")
    results = []
    for draft_id, title, description in drafts:
        item: dict[str, Any] = {
            "id": draft_id,
            "tags": [
                s.to_json()
                for s in apply_history(suggest(index, title, description, top=top), history or {})
            ],
        }
        dn = draft_note(index, title, description)
        if dn:
            item["note"] = dn
        if jsonl:  # streamed: each draft's line as soon as it is ready
            output.print_jsonl(item)
            continue
        results.append(item)
    if jsonl:
        return
    if json_:
        output.print_json(results)
        return
    con = output.console()
    from rich.text import Text

    for item in results:
        line = Text(f"{item['id']}: ", style="bold")
        if not item["tags"]:
            line.append(item.get("note", "no suggestions"))
        topic = [t for t in item["tags"] if t["kind"] != "reach"]
        reach = [t for t in item["tags"] if t["kind"] == "reach"]
        for group, tags in (("", topic), ("reach: ", reach)):
            if not tags:
                continue
            if group and topic:
                line.append(" | ")
            line.append(group, style="dim")
            for i, tag in enumerate(tags):
                if i:
                    line.append(", ")
                line.append_text(output.safe(tag["tag"]))
                line.append(f" {tag['score']:.2f}", style="dim")
        con.print(line)


def _print_table(result: list[Any]) -> None:
    from rich.table import Table

    from kptui.cli import output
    from kptui.engine.tags import by_kind

    con = output.console()
    if not result:
        con.print("no suggestions")
        return
    table = Table(box=None, pad_edge=False, show_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("tag")
    table.add_column("score", justify="right")
    table.add_column("kind")
    table.add_column("source")
    kind = None
    for i, s in enumerate(by_kind(result), 1):
        if kind is not None and s.kind != kind:
            table.add_row()  # topic tags, then reach tags: two groups
        kind = s.kind
        table.add_row(
            str(i),
            output.safe(s.tag),
            f"{s.score:.2f}",
            s.kind,
            output.safe(", ".join(s.sources) + (f" ({s.history:.2f}x)" if s.history else "")),
        )
    con.print(table)


def _read_input(path: Path) -> list[tuple[Any, str, str]]:
    """(id, title, description) per row; `id` is the id column, else the 0-based row index."""
    from kptui.engine.readers import ROW, read_table
    from kptui.errors import DataError, UsageError

    if str(path) == "-":
        from kptui.cli.common import read_stdin
        from kptui.engine.readers import read_bytes

        raw, ext = read_stdin()
        table = read_bytes(raw, "stdin", ext)
    elif not path.exists():
        raise UsageError("no such file", file=str(path))
    elif path.is_dir():
        raise UsageError("is a folder, expected a CSV or JSONL file", file=str(path))
    else:
        table = read_table(path)
    frame = table.frame
    if table.problems:  # a skipped line was silent: the draft just was not there
        from kptui.cli import output

        first = table.problems[0]
        where = f"{table.label}:{first.row}" if first.row else table.label
        more = len(table.problems) - 1
        output.warn(
            f"note: {where}: {first.message}" + (f" (and {more} more problems)" if more else "")
        )
    columns = [c for c in frame.columns if c != ROW]
    found: dict[str, str] = {}
    for column in columns:
        key = "".join(column.split()).casefold().lstrip("\ufeff")
        for field, names in _INPUT_COLUMNS.items():
            if key in names and field not in found:
                found[field] = column
    if "title" not in found:  # the file is wrong, not the command line: bad data, exit 1
        shown = ", ".join(columns[:8]) or "none"
        raise DataError(
            f"no 'title' column (columns: {shown}); expected title, description, optional id",
            file=table.label,
            column="title",
        )

    def col(field: str) -> list[Any]:
        name = found.get(field)
        if name is None:
            return [None] * frame.height
        return frame.get_column(name).cast(str, strict=False).to_list()

    ids = col("id") if "id" in found else list(range(frame.height))
    titles = col("title")
    descs = col("description")
    return [
        (i if i not in (None, "") else n, t or "", d or "")
        for n, (i, t, d) in enumerate(zip(ids, titles, descs, strict=True))
    ]
