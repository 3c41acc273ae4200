"""Provider batch files: `prepare` writes every article's first calls, `collect` feeds the answers through.

One round puts every article through the unchanged `pipeline.process_article`, on a client whose answers
come from the results files so far (`extractor.llm.batchfile`), so requests are built, shaped, validated and
post-processed exactly as in a realtime run. An article whose calls were all answered is finished and written
as a realtime run writes it. An article that met a call with no answer is pending: a question built from an
earlier answer, a re-ask after an answer failed validation, or a call the provider failed. Those calls go into
the next batch file; collect again with every results file so far until nothing is pending.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extractor.batch import BatchReport, make_plan, tables
from extractor.config import Settings
from extractor.corpus import SkippedInput, load_corpus
from extractor.cost import batch_prices
from extractor.llm.batchfile import BatchAnswers, BatchResult, load_results, write_requests
from extractor.llm.endpoint import batch_client
from extractor.output import write_outputs
from extractor.pipeline import ArticleOutcome, process_article
from schemas import Article


@dataclass
class BatchRound:
    report: BatchReport  # the finished articles (and skipped inputs)
    outcomes: list[ArticleOutcome]  # the finished articles themselves
    skipped: list[SkippedInput]
    pending: int  # articles waiting for an answer
    requests: int  # request lines in the batch files written
    batch_files: list[Path] = field(default_factory=list)  # one, or more when a round exceeds a file's limits
    unused_results: int = 0  # results that answered no call: another corpus, model or strategy?
    files: list[Path] = field(default_factory=list)


def prepare(paths: Sequence[str | Path], batch_out: Path, settings: Settings) -> BatchRound:
    """The first batch file: every call that needs no earlier answer."""
    return _round(paths, {}, settings, batch_out)


def collect(
    results: Sequence[Path], paths: Sequence[str | Path], out_dir: Path, next_out: Path, settings: Settings
) -> BatchRound:
    """Finished articles into `out_dir` (the four files of a run); calls still to ask into `next_out`."""
    done = _round(paths, load_results(results), settings, next_out)
    done.files = write_outputs(out_dir, tables(done.outcomes, done.skipped))
    return done


def _round(
    paths: Sequence[str | Path], results: dict[str, BatchResult], settings: Settings, batch_out: Path
) -> BatchRound:
    started = time.monotonic()
    articles, skipped = load_corpus(paths)
    answers = BatchAnswers(results)
    finished, pending = _answer_articles(articles, answers, settings)
    report = BatchReport.of(finished, skipped, batch_client(settings).model)
    report.wall_seconds = time.monotonic() - started
    files = write_requests(batch_out, answers.pending.values()) if answers.pending else []
    unused = len(results) - len(answers.used)
    return BatchRound(report, finished, skipped, pending, len(answers.pending), files, unused_results=unused)


def _answer_articles(
    articles: Sequence[Article], answers: BatchAnswers, settings: Settings
) -> tuple[list[ArticleOutcome], int]:
    client = batch_client(settings)
    plan = make_plan(settings, client)
    plan = dataclasses.replace(plan, prices=batch_prices(plan.prices))  # providers bill batch files at their rates
    finished, pending = list[ArticleOutcome](), 0
    for article in articles:
        source = answers.for_article(article.id)
        outcome = process_article(article, dataclasses.replace(client, answers=source), plan)
        if source.pending:
            pending += 1
        else:
            finished.append(outcome)
    return finished, pending
