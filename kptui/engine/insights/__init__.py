"""What a creator's own history says about the next post.

Five sections, each computed from whatever the export holds and each saying plainly what it
needs when the data lacks it (`status` "ok" or "needs", with `needs` naming the data):
- outliers: videos far above or below the creator's own baseline (`baseline`), and what
  each group has in common;
- when: weekday x time-of-day of past posts against how they did, the audience's online
  hours, one recommendation with its evidence;
- funnel: impressions -> views -> engaged -> follows -> profile visits -> purchases;
- trends: per-day series, 7-day rolling median, week-over-week change;
- tags: the median multiple of videos with a tag against those without.
Every figure comes with its n and, where one applies, a 95% interval (seeded bootstrap or
delta method, see `stats`). The result is plain JSON-ready values: both front ends show it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kptui.engine.types import Dataset

SECTIONS: tuple[str, ...] = ("outliers", "when", "funnel", "trends", "tags")


def run(
    dataset: Dataset, sections: tuple[str, ...] | list[str] | None = None, seed: int = 0
) -> dict[str, Any]:
    """Every requested section (all by default) as JSON-ready values, keyed by section name."""
    from kptui.engine.insights.baseline import score
    from kptui.engine.insights.funnel import funnel
    from kptui.engine.insights.outliers import outliers
    from kptui.engine.insights.tagfx import tags_section
    from kptui.engine.insights.trends import trends
    from kptui.engine.insights.when import when

    wanted = tuple(sections or SECTIONS)
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        raise ValueError(f"unknown insights section {unknown[0]!r}; one of {', '.join(SECTIONS)}")
    videos = dataset.videos
    scored = score(videos) if {"outliers", "when", "tags"} & set(wanted) else None
    out: dict[str, Any] = {
        "videos": videos.height,
        "metric": scored.metric if scored is not None else None,
    }
    for name in wanted:
        if name == "outliers":
            assert scored is not None
            out[name] = outliers(scored)
        elif name == "when":
            assert scored is not None
            out[name] = when(
                scored,
                dataset.follower_activity,
                dataset.interactions,
                seed=seed,
            )
        elif name == "funnel":
            out[name] = funnel(videos)
        elif name == "trends":
            out[name] = trends(dataset.daily, seed=seed)
        elif name == "tags":
            assert scored is not None
            out[name] = tags_section(scored, seed=seed)
    return out


def tag_history(dataset: Dataset, seed: int = 0) -> dict[str, float]:
    """{normalised tag: multiple} for the tag suggester (`engine.tags.apply_history`)."""
    from kptui.engine.insights.baseline import score
    from kptui.engine.insights.tagfx import tags_section
    from kptui.engine.tagparse import normalize_tag

    # the primary metric only, and no intervals: the suggester reads the multiples alone
    section = tags_section(score(dataset.videos, primary_only=True), seed=seed, intervals=False)
    return {normalize_tag(t["tag"]): round(t["multiple"], 3) for t in section["tags"]}
