from __future__ import annotations

from pathlib import Path

from rich.console import Console

from extractor.batch import BatchReport
from extractor.batchfiles import BatchRound
from extractor.pipeline import ArticleOutcome
from extractor.report import format_cost, round_lines, summary_table
from schemas import ArticleResult, ArticleStatus, Usage


def _outcome(cost: float | None) -> ArticleOutcome:
    usage = Usage(prompt_tokens=1000, completion_tokens=10, calls=1)
    return ArticleOutcome(ArticleResult(id="a", title="t", source="s", status=ArticleStatus.ok, usage=usage,
                                        cost_usd=cost))  # fmt: skip


def _text(renderable: object) -> str:
    console = Console(width=200, record=True)
    console.print(renderable)
    return console.export_text()


def test_the_summary_adds_up_the_cost_of_every_article() -> None:
    report = BatchReport.of([_outcome(0.125), _outcome(0.5)], [], "m")
    assert "cost (USD)" in _text(summary_table(report)) and "$0.6250" in _text(summary_table(report))


def test_an_unknown_price_is_shown_as_unknown_not_as_zero() -> None:
    assert "unknown: no price for m" in _text(summary_table(BatchReport.of([_outcome(None)], [], "m")))
    assert format_cost(0.0, "m") == "$0.0000" and format_cost(0.000123, "m") == "$0.000123"


def test_a_round_says_how_many_articles_are_complete_and_what_to_send_next() -> None:
    outcomes = [_outcome(None)]
    report = BatchReport.of(outcomes, [], "m")
    done = BatchRound(report, outcomes, [], pending=2, requests=3, batch_files=[Path("n.jsonl")])
    lines = round_lines(done)
    assert lines[0] == "articles complete: 1 / 3 (pending: 2)"
    assert "wrote 3 request(s) to n.jsonl" in lines[1]
    unused = BatchRound(done.report, [], [], 0, 0, unused_results=4)
    assert any("answered no call" in line for line in round_lines(unused))
