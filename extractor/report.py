"""Pure formatting of run results for the terminal (rich renderables, no printing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from extractor.batch import BatchReport
from schemas import ArticleStatus

if TYPE_CHECKING:
    from extractor.batchfiles import BatchRound

_STATUS_STYLE = {
    ArticleStatus.ok: "green", ArticleStatus.failed: "red", ArticleStatus.skipped: "yellow",
    ArticleStatus.not_started: "yellow",
}  # fmt: skip


def articles_table(report: BatchReport) -> Table:
    shown = len(report.rows)
    more = f" (the first {shown} of {report.articles}; all are in articles.jsonl)" if shown < report.articles else ""
    table = Table(title=f"Articles{more}", title_justify="left")
    for column in ("article", "status", "meetings", "statements", "positions", "tokens in/out", "cache", "seconds"):
        table.add_column(column, justify="left" if column in ("article", "status") else "right")
    for row in report.rows:
        table.add_row(
            _name(row.source), f"[{_STATUS_STYLE[row.status]}]{row.status.value}[/]",
            *(str(row.counts.get(k, 0)) for k in ("meetings", "statements", "positions")),
            f"{row.usage.prompt_tokens}/{row.usage.completion_tokens}", "hit" if row.cache_hit else "miss",
            f"{row.seconds:.1f}",
        )  # fmt: skip
    return table


def summary_table(report: BatchReport) -> Table:
    usage = report.usage
    table = Table(title="Summary", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    rows = [
        ("model", report.model),
        ("articles ok / failed / skipped / not started", " / ".join(str(report.count(s)) for s in ArticleStatus)),
        ("records (meetings / statements / positions)",
         " / ".join(str(report.records[k]) for k in ("meetings", "statements", "positions"))),
        ("tokens (prompt / completion)", f"{usage.prompt_tokens} / {usage.completion_tokens}"),
        ("LLM calls / cache hits", f"{usage.calls} / {usage.cache_hits}"),
        ("cost (USD)", format_cost(report.cost_usd, report.model)),
        ("articles fully from cache", f"{report.from_cache}/{report.count(ArticleStatus.ok)}"),
        ("wall time", f"{report.wall_seconds:.1f} s"),
    ]  # fmt: skip
    for what, value in rows:
        table.add_row(what, value)
    return table


def format_cost(dollars: float | None, model: str) -> str:
    if dollars is None:
        return f"unknown: no price for {model} (add it with --prices FILE)"
    return f"${dollars:,.4f}" if dollars >= 0.01 or dollars == 0 else f"${dollars:.6f}"


def problems(report: BatchReport) -> list[str]:
    """One line per article that did not succeed, with its reason; then what the run kept or dropped."""
    lines = [f"{row.status.value}: {row.source}: {row.error}" for row in report.problem_rows]
    not_ok = report.articles - report.count(ArticleStatus.ok)
    if not_ok > len(report.problem_rows):
        lines.append(f"… and {not_ok - len(report.problem_rows)} more not ok (see articles.jsonl)")
    if report.stopped:
        left = report.count(ArticleStatus.not_started)
        lines.append(
            f"stopped early: {report.stopped}; {left} article(s) not started; rerun the same command to resume"
        )
    if report.merge.kept_earlier:
        lines.append(f"kept the earlier results of {report.merge.kept_earlier} article(s) that did not succeed now")
    if report.merge.dropped_earlier:
        lines.append(
            f"note: {report.merge.dropped_earlier} article(s) of the earlier output are not in this input: removed"
        )
    return lines


def _name(source: str) -> str:
    return source.rsplit("/", 1)[-1]


def round_lines(done: BatchRound) -> list[str]:
    """What a `batch prepare` / `batch collect` round did, for the terminal."""
    finished = len(done.outcomes)
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
