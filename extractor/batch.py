"""The library entry point for a batch: corpus in, four JSONL files out.

The CLI and the notebook both call `run_corpus`; neither does more than
choose settings and show the report.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import BaseModel

from extractor.config import Settings
from extractor.corpus import SkippedInput, load_corpus
from extractor.llm.endpoint import open_client
from extractor.llm.seam import LLMClient
from extractor.normalize.actors import load_actors
from extractor.output import write_outputs
from extractor.pipeline import ArticleOutcome, RunPlan, run_batch, skipped_result
from extractor.prompts import DEFAULT_PROMPTS_DIR
from extractor.requests import DEFAULT_STRATEGY, Target, load_paragraph_prompts, load_strategy_prompts
from extractor.scope import Scope, load_scope
from schemas import Article, ArticleResult, ArticleStatus, Usage


@dataclass
class BatchReport:
    outcomes: list[ArticleOutcome]
    skipped: list[SkippedInput]
    wall_seconds: float
    model: str
    files: list[Path] = field(default_factory=list)

    @property
    def results(self) -> list[ArticleResult]:
        return [o.result for o in self.outcomes] + [skipped_result(s) for s in self.skipped]

    def count(self, status: ArticleStatus) -> int:
        return sum(1 for r in self.results if r.status is status)

    @property
    def usage(self) -> Usage:
        return sum((o.result.usage for o in self.outcomes), Usage())

    @property
    def all_ok(self) -> bool:
        return all(r.status is not ArticleStatus.failed for r in self.results)


@contextlib.contextmanager
def http_recording(record: Path | None, replay: Path | None) -> Iterator[None]:
    if record is not None or replay is not None:
        from extractor.llm.replay import cassette  # vcrpy is slow to import: only for --record/--replay
    if record is not None:
        with cassette(record, record=True):
            yield
    elif replay is not None:
        with cassette(replay, record=False):
            yield
    else:
        yield


def make_plan(
    settings: Settings, client: LLMClient, prompts_dir: Path = DEFAULT_PROMPTS_DIR, scope: Scope | None = None
) -> RunPlan:
    version = int(settings.prompt_version) if settings.prompt_version else None
    target = Target(
        model=client.model,
        endpoint=client.endpoint,
        mode=client.backend.name,
        temperature=settings.temperature,
        seed=settings.seed,
        max_tokens=settings.max_tokens,
    )
    strategy = settings.strategy or DEFAULT_STRATEGY.get(client.backend.name, "annotate")
    return RunPlan(
        prompts=load_strategy_prompts(strategy, version, prompts_dir),
        paragraph_prompts=load_paragraph_prompts(strategy, version, prompts_dir),
        target=target,
        strategy=strategy,
        actors=load_actors(),
        strict=settings.strict,
        scope=scope if scope is not None else load_scope(settings.scope),
    )


def extract_articles(
    articles: Sequence[Article],
    settings: Settings,
    on_done: Callable[[ArticleOutcome], None] | None = None,
    prompts_dir: Path = DEFAULT_PROMPTS_DIR,
) -> tuple[list[ArticleOutcome], str]:
    """Run articles through the model; (outcomes in input order, model identity)."""
    scope = load_scope(settings.scope)  # a bad scope file fails before any server starts
    with open_client(settings) as client:
        plan = make_plan(settings, client, prompts_dir, scope)
        return run_batch(articles, client, plan, settings.concurrency, on_done), client.model


def run_corpus(
    paths: Sequence[str | Path],
    out_dir: Path,
    settings: Settings,
    *,
    record: Path | None = None,
    replay: Path | None = None,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[ArticleOutcome], None] | None = None,
) -> BatchReport:
    started = time.monotonic()
    if replay is not None:
        settings = replace(settings, replay=True, use_cache=False)
    elif record is not None:
        settings = replace(settings, use_cache=False)  # a cache hit would leave its request out of the cassette
    articles, skipped = load_corpus(paths)
    if on_start is not None:
        on_start(len(articles))
    with http_recording(record, replay):
        outcomes, model = extract_articles(articles, settings, on_done)
    report = BatchReport(outcomes, skipped, time.monotonic() - started, model)
    report.files = write_outputs(out_dir, tables(report))
    return report


def tables(report: BatchReport) -> dict[str, Sequence[BaseModel]]:
    meetings: list[BaseModel] = []
    statements: list[BaseModel] = []
    positions: list[BaseModel] = []
    for outcome in report.outcomes:
        meetings.extend(outcome.records.meetings)
        statements.extend(outcome.records.statements)
        positions.extend(outcome.records.positions)
    return {
        "articles.jsonl": report.results,
        "meetings.jsonl": meetings,
        "statements.jsonl": statements,
        "positions.jsonl": positions,
    }
