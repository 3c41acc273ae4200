"""The library entry point for a batch: corpus in, four JSONL files out.

The CLI calls `run_corpus` (streamed to disk, stoppable); the notebook calls
`extract_articles` (a few articles, in memory). Neither does more than
choose settings and show the report.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import BaseModel

from extractor.budget import Budget
from extractor.config import Settings
from extractor.corpus import CorpusInput, SkippedInput, count_articles, input_files, iter_inputs, read_input
from extractor.cost import load_prices, total_cost
from extractor.dataset.remember import EVENTS_MEMO_DIR, EventsMemo, write_events_remembered
from extractor.dataset.write import write_events_from_files
from extractor.errors import ConfigError, ExtractorError
from extractor.journal import Entry, Journal, MergeNote, locked, write_final
from extractor.llm.endpoint import open_client
from extractor.llm.seam import LLMClient
from extractor.memo import ArticleMemo, FromInput, Recalled, finish_article, memo_for, recalled, whole_code_fingerprint
from extractor.normalize.actors import load_actors
from extractor.pipeline import (
    ArticleOutcome,
    FinishedArticle,
    RunPlan,
    not_started_result,
    run_batch,
    skipped_result,
)
from extractor.prompts import DEFAULT_PROMPTS_DIR
from extractor.requests import DEFAULT_STRATEGY, Target, load_paragraph_prompts, load_strategy_prompts
from extractor.runner import StopFlag, articles_in_progress, run_stream
from extractor.scope import Scope, load_scope
from schemas import Article, ArticleResult, ArticleStatus, Usage

log = logging.getLogger("extractor.run")

SHOWN_ROWS = 200  # per-article rows a report keeps for the terminal table; the files hold them all
SHOWN_PROBLEMS = 1000
WRITING_FILES = "writing the output files"  # the steps after the articles (`run_corpus(on_phase=…)`)
GROUPING_EVENTS = "grouping meetings into events"
ENGINE_WINDOW = 2_000  # articles handed to Ray at a time: the driver holds one window, not the corpus


@dataclass
class ArticleRow:
    """What the terminal shows of one article (the records themselves are on disk, not in memory)."""

    source: str
    status: ArticleStatus
    counts: dict[str, int]
    usage: Usage
    cache_hit: bool
    seconds: float
    error: str | None = None


@dataclass
class BatchReport:
    """Totals of a run, kept in constant memory whatever the corpus size."""

    model: str = ""
    wall_seconds: float = 0.0
    files: list[Path] = field(default_factory=list)
    statuses: Counter[ArticleStatus] = field(default_factory=Counter)
    records: Counter[str] = field(default_factory=Counter)
    usage: Usage = field(default_factory=Usage)
    from_cache: int = 0
    cost_usd: float | None = 0.0  # None once any article's price is unknown
    rows: list[ArticleRow] = field(default_factory=list)  # the first SHOWN_ROWS articles
    problem_rows: list[ArticleRow] = field(default_factory=list)  # the first SHOWN_PROBLEMS not ok
    stopped: str = ""  # why the run stopped early, if it did
    merge: MergeNote = field(default_factory=MergeNote)

    def add(self, result: ArticleResult, seconds: float = 0.0) -> None:
        row = ArticleRow(
            result.source, result.status, result.counts, result.usage, result.cache_hit, seconds, result.error
        )
        self.statuses[result.status] += 1
        self.records.update(result.counts)
        self.usage = self.usage + result.usage
        self.cost_usd = total_cost([self.cost_usd, 0.0 if result.status is ArticleStatus.skipped else result.cost_usd])
        self.from_cache += result.status is ArticleStatus.ok and result.cache_hit
        if len(self.rows) < SHOWN_ROWS:
            self.rows.append(row)
        if result.status not in (ArticleStatus.ok,) and len(self.problem_rows) < SHOWN_PROBLEMS:
            self.problem_rows.append(row)

    @classmethod
    def of(cls, outcomes: Sequence[ArticleOutcome], skipped: Sequence[SkippedInput], model: str) -> BatchReport:
        """The report of outcomes held in memory (a provider batch round, a benchmark)."""
        report = cls(model=model)
        for outcome in outcomes:
            report.add(outcome.result, outcome.seconds)
        for item in skipped:
            report.add(skipped_result(item))
        return report

    def count(self, status: ArticleStatus) -> int:
        return self.statuses[status]

    @property
    def articles(self) -> int:
        return sum(self.statuses.values())

    @property
    def all_ok(self) -> bool:
        return self.count(ArticleStatus.failed) == 0 and self.count(ArticleStatus.not_started) == 0


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
        prices=load_prices(settings.prices),
    )


def extract_articles(
    articles: Sequence[Article],
    settings: Settings,
    on_done: Callable[[ArticleOutcome], None] | None = None,
    prompts_dir: Path = DEFAULT_PROMPTS_DIR,
) -> tuple[list[ArticleOutcome], str]:
    """Run a few articles through the model, in memory (the notebook's path); (outcomes in input order, model)."""
    scope = load_scope(settings.scope)  # a bad scope file fails before any server starts
    with open_client(settings) as client:
        plan = make_plan(settings, client, prompts_dir, scope)
        if settings.engine != "local":  # e.g. Ray actors, each with its own client (extractor.engines)
            from extractor.engines import run_engine

            return run_engine(articles, settings, plan, on_done), client.model
        return run_batch(articles, client, plan, settings.concurrency, on_done), client.model


def run_corpus(
    paths: Sequence[str | Path],
    out_dir: Path,
    settings: Settings,
    *,
    record: Path | None = None,
    replay: Path | None = None,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[FinishedArticle], None] | None = None,
    stop: StopFlag | None = None,
    events: bool = True,
    on_phase: Callable[[str], None] | None = None,
) -> BatchReport:
    """A corpus streamed through the model into `out_dir`; stops cleanly when `stop` is set (e.g. by Ctrl-C).

    `events`: also write events.jsonl, from the finished files (events are across articles); that step holds
    every meeting as a compact mention and the ids of linked records, not the records.
    `on_phase`: told the name of each step after the articles (`WRITING_FILES`, `GROUPING_EVENTS`), which on a
    large corpus take a while with no article finishing.
    """
    started = time.monotonic()
    if replay is not None:
        settings = replace(settings, replay=True, use_cache=False)
    elif record is not None:
        settings = replace(settings, use_cache=False)  # a cache hit would leave its request out of the cassette
    files = input_files(paths)
    scope = load_scope(settings.scope)  # a bad scope file fails before any server starts
    if settings.engine != "local" and (record is not None or replay is not None):
        raise ConfigError("--record/--replay see HTTP in this process only: use them with --engine local")
    if settings.engine == "processes":
        from extractor.engines.processes import check_settings

        check_settings(settings)
    stop = stop or StopFlag()
    total = count_articles(files)
    log.info("run: %d file(s), about %d article(s), out %s", len(files), total, out_dir)
    if on_start is not None:
        on_start(total)
    report = BatchReport()
    with locked(out_dir), Journal(out_dir) as journal:
        skipped: list[str] = []
        with http_recording(record, replay), open_client(settings) as client:
            plan = make_plan(settings, client, DEFAULT_PROMPTS_DIR, scope)
            report.model = client.model
            budget = Budget(settings.max_total_tokens, settings.max_cost_usd)
            memo = memo_for(client, plan)
            events_memo = _events_memo(settings, client) if events else None
            articles = _articles(iter_inputs(files), skipped, memo)
            workers = _WorkerState()
            stream = _stream(articles, settings, client, plan, stop, workers, memo)
            for index, item, done in stream:
                finished = done or _not_started(item, plan, stop.reason)
                journal.append(_entry(index, finished))
                report.add(finished.result, finished.seconds)
                _log_article(report, total, finished)
                if on_done is not None:
                    on_done(finished)
                unreachable = client.unreachable or workers.unreachable
                if reason := budget.exceeded(report.usage, report.cost_usd) or _unreachable(unreachable, finished):
                    stop.request(reason)
        report.stopped = stop.reason
        if stop.reason:
            log.info("stopped: %s", stop.reason)
        with _phase(WRITING_FILES, on_phase):
            report.files, report.merge = write_final(out_dir, journal, skipped)
        journal.remove()
        if events:  # across articles: built from the finished files, not from the stream
            with _phase(GROUPING_EVENTS, on_phase):
                events_file, reused = write_events_remembered(out_dir, events_memo, write_events_from_files)
                report.files.append(events_file)
                if reused:
                    log.info("events.jsonl: the same records as an earlier run, whose events were kept: reused")
    report.wall_seconds = time.monotonic() - started
    counts = " / ".join(f"{report.count(s)} {s.value}" for s in ArticleStatus)
    log.info("done in %.1f s: %s; %s", report.wall_seconds, counts, dict(report.records))
    return report


def _events_memo(settings: Settings, client: LLMClient) -> EventsMemo | None:
    """Where events.jsonl of earlier runs are kept: beside the response cache, so a run without one
    (--no-cache, --record, --replay) builds its events afresh."""
    if client.cache is None:
        return None
    return EventsMemo(settings.cache_dir / EVENTS_MEMO_DIR, whole_code_fingerprint())


@contextlib.contextmanager
def _phase(name: str, on_phase: Callable[[str], None] | None) -> Iterator[None]:
    """A step after the articles, logged with its time (in run.log too)."""
    if on_phase is not None:
        on_phase(name)
    log.info("%s ...", name)
    started = time.monotonic()
    try:
        yield
    except BaseException:  # the error itself is reported by the caller; the log says where the run was
        log.info("%s: stopped after %.1f s", name, time.monotonic() - started)
        raise
    log.info("%s: done in %.1f s", name, time.monotonic() - started)


def _log_article(report: BatchReport, total: int, finished: FinishedArticle) -> None:
    r = finished.result
    tail = f": {r.error}" if r.error else f" {dict(r.counts)}"
    log.info("[%d/%d] %s %s %.1f s%s", report.articles, total, r.status.value, r.source, finished.seconds, tail)


@dataclass
class _WorkerState:
    unreachable: bool = False  # set by worker processes whose endpoint refused before it ever answered


def _stream(
    articles: Iterable[FromInput | Recalled], settings: Settings, client: LLMClient, plan: RunPlan, stop: StopFlag,
    workers: _WorkerState, memo: ArticleMemo | None,
) -> Iterator[tuple[int, FromInput | Recalled, FinishedArticle | None]]:  # fmt: skip
    """Finished articles in completion order from the run's engine, shaped like `runner.run_stream`."""
    if settings.engine == "processes":
        from extractor.engines.processes import run_stream_processes

        return run_stream_processes(articles, settings, plan, stop, workers, memo, client)
    if settings.engine != "local":
        return _engine_stream(articles, settings, plan, stop)
    return run_stream(
        articles, lambda item: _finish(item, client, plan, memo), articles_in_progress(settings.concurrency), stop,
        on_stop=client.close, recall=recalled,
    )  # fmt: skip


def _engine_stream(
    articles: Iterable[FromInput | Recalled], settings: Settings, plan: RunPlan, stop: StopFlag
) -> Iterator[tuple[int, FromInput | Recalled, FinishedArticle | None]]:
    """Another engine (e.g. Ray actors, each with its own client: extractor.engines), shaped like `run_stream`.

    The corpus goes to the engine a window of ENGINE_WINDOW articles at a time, so the driver never holds it
    all; a stop takes effect between windows (the rest are not started).
    """
    from extractor.engines import run_engine

    source = iter(articles)
    index = 0
    while window := list(itertools.islice(source, ENGINE_WINDOW)):
        todo = [item.article for item in window if isinstance(item, FromInput)]
        outcomes: list[ArticleOutcome | None] = [None] * len(todo)
        if todo and not stop.is_set:
            outcomes = list(run_engine(todo, settings, plan))
            if len(outcomes) != len(todo):
                raise ExtractorError(f"the {settings.engine} engine answered {len(outcomes)} of {len(todo)} articles")
        answers = iter(outcomes)
        for item in window:
            if isinstance(item, Recalled):
                yield index, item, item.finished
            else:
                outcome = next(answers)
                yield index, item, None if outcome is None else FinishedArticle.of(outcome)
            index += 1


def _articles(
    inputs: Iterable[CorpusInput | SkippedInput], skipped: list[str], memo: ArticleMemo | None
) -> Iterator[FromInput | Recalled]:
    """A corpus's articles, or what the memo answers for an input before it is read (a warm rerun parses
    nothing); skipped inputs are set aside as their articles.jsonl rows."""
    for item in inputs:
        if isinstance(item, SkippedInput):
            skipped.append(skipped_result(item).model_dump_json())
        elif memo is not None and (found := memo.recall(item)) is not None:
            yield Recalled(found)
        elif isinstance(article := read_input(item), SkippedInput):
            skipped.append(skipped_result(article).model_dump_json())
        else:
            yield FromInput(article, item.sha256)


def _finish(item: FromInput | Recalled, client: LLMClient, plan: RunPlan, memo: ArticleMemo | None) -> FinishedArticle:
    if isinstance(item, Recalled):
        return item.finished
    # _articles has looked it up
    return finish_article(item.article, client, plan, memo, recalled=True, input_sha256=item.input_sha256)


def _not_started(item: FromInput | Recalled, plan: RunPlan, reason: str) -> FinishedArticle:
    """What is written for an item the run did not get to: nothing was spent on one the memo answers."""
    if isinstance(item, Recalled):
        return item.finished
    return FinishedArticle(not_started_result(item.article, plan, reason))


def _entry(index: int, finished: FinishedArticle) -> Entry:
    result = finished.result
    ok = result.status is ArticleStatus.ok
    return Entry(index, result.id, ok, result.model_dump_json(), finished.records)


def _unreachable(unreachable: bool, finished: FinishedArticle) -> str:
    """A server that refused the very first connection will refuse the rest: stop instead of failing each."""
    return (finished.result.error or "server unreachable") if unreachable else ""


def tables(outcomes: Sequence[ArticleOutcome], skipped: Sequence[SkippedInput]) -> dict[str, Sequence[BaseModel]]:
    """The four files' rows for outcomes held in memory, in the order `run_corpus` writes them."""
    meetings: list[BaseModel] = []
    statements: list[BaseModel] = []
    positions: list[BaseModel] = []
    for outcome in outcomes:
        meetings.extend(outcome.records.meetings)
        statements.extend(outcome.records.statements)
        positions.extend(outcome.records.positions)
    return {
        "articles.jsonl": [o.result for o in outcomes] + [skipped_result(s) for s in skipped],
        "meetings.jsonl": meetings,
        "statements.jsonl": statements,
        "positions.jsonl": positions,
    }
