"""Pure formatting of run results for the terminal (rich renderables, no printing)."""

from __future__ import annotations

from rich.table import Table

from extractor.batch import BatchReport
from schemas import ArticleStatus

_STATUS_STYLE = {ArticleStatus.ok: "green", ArticleStatus.failed: "red", ArticleStatus.skipped: "yellow"}


def articles_table(report: BatchReport) -> Table:
    table = Table(title="Articles", title_justify="left")
    for column in ("article", "status", "meetings", "statements", "positions", "tokens in/out", "cache", "seconds"):
        table.add_column(column, justify="left" if column in ("article", "status") else "right")
    for outcome in report.outcomes:
        r = outcome.result
        table.add_row(
            _name(r.source), f"[{_STATUS_STYLE[r.status]}]{r.status.value}[/]",
            *(str(r.counts.get(k, 0)) for k in ("meetings", "statements", "positions")),
            f"{r.usage.prompt_tokens}/{r.usage.completion_tokens}", "hit" if r.cache_hit else "miss",
            f"{outcome.seconds:.1f}",
        )  # fmt: skip
    for skipped in report.skipped:
        table.add_row(_name(skipped.source), "[yellow]skipped[/]", "", "", "", "", "", "")
    return table


def summary_table(report: BatchReport) -> Table:
    usage = report.usage
    totals = {"meetings": 0, "statements": 0, "positions": 0}
    for outcome in report.outcomes:
        for key in totals:
            totals[key] += outcome.result.counts.get(key, 0)
    table = Table(title="Summary", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    rows = [
        ("model", report.model),
        ("articles ok / failed / skipped", " / ".join(str(report.count(s)) for s in ArticleStatus)),
        ("records (meetings / statements / positions)", " / ".join(str(v) for v in totals.values())),
        ("tokens (prompt / completion)", f"{usage.prompt_tokens} / {usage.completion_tokens}"),
        ("LLM calls / cache hits", f"{usage.calls} / {usage.cache_hits}"),
        ("articles fully from cache", f"{sum(o.result.cache_hit for o in report.outcomes)}/{len(report.outcomes)}"),
        ("wall time", f"{report.wall_seconds:.1f} s"),
    ]
    for what, value in rows:
        table.add_row(what, value)
    return table


def problems(report: BatchReport) -> list[str]:
    """One line per article that did not succeed, with its reason."""
    return [f"{r.status.value}: {r.source}: {r.error}" for r in report.results if r.status is not ArticleStatus.ok]


def _name(source: str) -> str:
    return source.rsplit("/", 1)[-1]
