"""`kptui insights`: what the creator's own history says, section by section."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from kptui.cli.common import DataOption, MapOption


class Section(StrEnum):
    outliers = "outliers"
    when = "when"
    funnel = "funnel"
    trends = "trends"
    tags = "tags"


def insights(
    data: DataOption = None,
    map_: MapOption = None,
    section: Annotated[
        list[Section] | None,
        typer.Option("--section", "-s", help="Only this section (repeatable)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap intervals.")] = 0,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON (README shape).")] = False,
) -> None:
    """Outliers against your own baseline, when to post, the funnel, trends, tags that
    work for you. Every figure with its n and, where one applies, a 95% interval; a
    section the data cannot answer says what it needs.
    """
    from kptui.cli import output
    from kptui.cli.common import resolve_dataset
    from kptui.engine.insights import SECTIONS
    from kptui.services.insights import insights as job

    dataset = resolve_dataset(data, map_, quiet=json_)
    wanted = [s.value for s in section] if section else list(SECTIONS)
    result = job(dataset, wanted, seed=seed)
    if json_:
        output.print_json(result)
        return
    from kptui.cli.output.insights import show

    show(result, wanted)


def register(app: typer.Typer) -> None:
    app.command(
        "insights", short_help="What your history says: outliers, when to post, funnel, tags."
    )(insights)
