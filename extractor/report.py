"""Pure formatting of run results for the terminal (rich renderables, no printing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from extractor.batch import BatchReport
from extractor.cost import total_cost
from schemas import ArticleStatus

if TYPE_CHECKING:
    from extractor.batchfiles import BatchRound

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
        ("cost (USD)", format_cost(total_cost(o.result.cost_usd for o in report.outcomes), report.model)),
        ("articles fully from cache", f"{sum(o.result.cache_hit for o in report.outcomes)}/{len(report.outcomes)}"),
        ("wall time", f"{report.wall_seconds:.1f} s"),
    ]
    for what, value in rows:
        table.add_row(what, value)
    return table


def format_cost(dollars: float | None, model: str) -> str:
    if dollars is None:
        return f"unknown: no price for {model} (add it with --prices FILE)"
    return f"${dollars:,.4f}" if dollars >= 0.01 or dollars == 0 else f"${dollars:.6f}"


def problems(report: BatchReport) -> list[str]:
    """One line per article that did not succeed, with its reason."""
    return [f"{r.status.value}: {r.source}: {r.error}" for r in report.results if r.status is not ArticleStatus.ok]


def _name(source: str) -> str:
    return source.rsplit("/", 1)[-1]


def round_lines(done: BatchRound) -> list[str]:
    """What a `batch prepare` / `batch collect` round did, for the terminal."""
    finished = len(done.report.outcomes)
    lines = [f"articles complete: {finished} / {finished + done.pending} (pending: {done.pending})"]
    if done.batch_files:
        files = ", ".join(str(path) for path in done.batch_files)
        lines.append(f"wrote {done.requests} request(s) to {files}: send it, then collect with its results")
    if done.unused_results:
        lines.append(
            f"{done.unused_results} result(s) answered no call: were they prepared from this corpus with the same "
            "--model, --backend, --strategy and --prompt-version?"
        )
    return lines
