"""`extractor run --engine processes`: articles spread over worker processes, each with its own client.

Threads in one process share one interpreter lock, so against a remote endpoint at high concurrency the
CPU each article needs (splitting, grounding, rules, the SDK's own work) serialises the batch. Here
`--workers` processes (default: one per CPU) work on articles in threads, through the same
`memo.finish_article` a local run uses (article memo included: diskcache is safe across processes). All of
them draw on one set of `--concurrency` request slots (a semaphore shared across processes), so a worker
that is busy with CPU work leaves its slots to the others; each works on twice its even share of articles
at a time (`runner.articles_in_progress`). The parent reads the corpus lazily, hands out at most a little
more than the workers' articles in progress, and yields finished ones as they come, shaped like
`runner.run_stream`, so the journal, budgets and Ctrl-C behave as with threads.

A new interpreter takes seconds to import the SDK and the pipeline; until every worker has finished an
article, the parent's own client works on articles too (same slots), so requests go out at once.

Workers ignore the terminal's Ctrl-C (the parent decides what stops) and die with the parent, even by
SIGKILL. Client-side rate limits (`--rps`, `--tpm`) are split evenly between workers; a 429 pauses the
threads of the worker that got it.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import multiprocessing
import os
import queue
import signal
import threading
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Protocol

from extractor.config import Settings
from extractor.errors import ConfigError, ExtractorError
from extractor.llm.endpoint import open_client
from extractor.llm.seam import LLMClient
from extractor.memo import ArticleMemo, FromInput, Recalled, finish_article, memo_for, recalled
from extractor.pipeline import FinishedArticle, RunPlan
from extractor.runner import POLL_S, Feeder, StopFlag, articles_in_progress, limit_malloc_arenas
from schemas import Article

_PR_SET_PDEATHSIG = 1
JOIN_S = 3.0


class WorkerState(Protocol):
    """What the parent learns about its workers besides finished articles."""

    unreachable: bool  # a worker's endpoint refused before it ever answered


def check_settings(settings: Settings) -> None:
    if not (settings.base_url or settings.api_key):
        raise ConfigError(
            "--engine processes is for a remote endpoint (--base-url or OPENAI_API_KEY); "
            "the embedded model answers one request at a time"
        )


def worker_count(settings: Settings) -> int:
    return max(1, settings.workers or os.cpu_count() or 1)


def run_stream_processes(
    articles: Iterable[FromInput | Recalled], settings: Settings, plan: RunPlan, stop: StopFlag, state: WorkerState,
    memo: ArticleMemo | None = None, client: LLMClient | None = None,
) -> Iterator[tuple[int, FromInput | Recalled, FinishedArticle | None]]:  # fmt: skip
    """(index, article, finished) in completion order; once stopped, (index, article, None) for the rest.

    What the memo answered before the article was read (`Recalled`) is passed on here, not sent to a worker;
    `memo` is for the workers' new articles. With `client` (the parent's), the parent works on articles too
    while the workers start.
    """
    workers = worker_count(settings)
    threads = max(1, math.ceil(settings.concurrency / workers))
    context = multiprocessing.get_context("spawn")  # no fork of a process that already runs threads
    todo: Any = context.Queue()
    done: Any = context.Queue()
    slots = context.BoundedSemaphore(max(1, settings.concurrency))
    share = replace(
        settings, concurrency=threads,
        rps=settings.rps / workers if settings.rps else None, tpm=settings.tpm / workers if settings.tpm else None,
    )  # fmt: skip
    processes = [
        context.Process(
            target=_worker, args=(share, plan, todo, done, slots), daemon=True, name=f"extractor-worker-{n}"
        )
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    per_worker = articles_in_progress(threads)
    width = workers * per_worker + workers  # every thread busy, and one article waiting per worker
    feeder = Feeder(enumerate(articles), width, lambda index, item: todo.put((index, *_message(item))), recalled)
    helpers = _StartHelpers.start(client, plan, memo, todo, done, slots, per_worker) if client else None
    ready = 0
    try:
        while True:
            yield from feeder.fill(stop)
            if not feeder.pending or (stop.is_set and stop.abandon_in_flight):
                break
            try:
                message = done.get(timeout=POLL_S)
            except queue.Empty:
                _check_alive(processes)
                continue
            index, finished, unreachable, error = message
            if index == _READY:
                ready += 1
                if helpers is not None and ready == workers:
                    helpers.stop()
                continue
            if error is not None:
                raise ExtractorError(f"a worker process failed on {_source(feeder.pending[index])}: {error}")
            state.unreachable = state.unreachable or unreachable
            yield index, feeder.pending.pop(index), finished
    finally:
        abandon = stop.is_set and stop.abandon_in_flight
        if helpers is not None:  # abandoned: a helper's hung request is left to the client's close, as threads'
            helpers.stop(wait=not abandon)
        _shut_down(processes, todo, workers * per_worker, abandon=abandon)
    if stop.is_set:
        yield from feeder.left()


def _check_alive(processes: list[Any]) -> None:
    for process in processes:
        if process.exitcode is not None:
            raise ExtractorError(
                f"worker process {process.name} exited unexpectedly (exit code {process.exitcode}); "
                "finished articles are saved, rerun to go on"
            )


def _shut_down(processes: list[Any], todo: Any, threads: int, *, abandon: bool) -> None:
    if abandon:
        for process in processes:
            process.kill()  # requests in flight are abandoned, as threads abandon theirs
    else:
        for _ in range(threads):
            todo.put(None)
    for process in processes:
        process.join(JOIN_S)
        if process.is_alive():
            process.kill()
            process.join(JOIN_S)


_READY = -1  # in place of an article index: a worker has finished its first article


@dataclass
class _StartHelpers:
    """The parent's threads working on articles, with its own client, until every worker is under way."""

    threads: list[threading.Thread]
    stopping: threading.Event

    @classmethod
    def start(
        cls, client: LLMClient, plan: RunPlan, memo: ArticleMemo | None, todo: Any, done: Any, slots: Any, count: int
    ) -> _StartHelpers:
        client.slots = slots
        stopping = threading.Event()

        def serve() -> None:
            while not stopping.is_set():
                try:
                    item = todo.get(timeout=POLL_S)
                except queue.Empty:
                    continue
                if item is None:  # a worker's signal to stop: not ours
                    todo.put(None)
                    return
                _answer(item, client, plan, memo, done)

        threads = [threading.Thread(target=serve, daemon=True, name="extractor-start-helper") for _ in range(count)]
        for thread in threads:
            thread.start()
        return cls(threads, stopping)

    def stop(self, wait: bool = False) -> None:
        """No new articles; with `wait`, until those in progress are done (their answers are in `done`)."""
        self.stopping.set()
        for thread in self.threads if wait else ():
            thread.join()


def _message(item: FromInput | Recalled) -> tuple[str, str]:
    """(article JSON, input digest) for a worker; the feeder passes recalled items on itself, never here."""
    if isinstance(item, Recalled):
        raise TypeError("a recalled article is not sent to a worker")
    return item.article.model_dump_json(), item.input_sha256


def _source(item: FromInput | Recalled) -> str:
    return item.finished.result.source if isinstance(item, Recalled) else item.article.source


def _answer(item: tuple[int, str, str], client: LLMClient, plan: RunPlan, memo: ArticleMemo | None, done: Any) -> None:
    index, article_json, input_sha256 = item
    try:
        article = Article.model_validate_json(article_json)
        # the parent looked it up
        finished = finish_article(article, client, plan, memo, recalled=True, input_sha256=input_sha256)
        done.put((index, finished, client.unreachable, None))
    except BaseException as exc:  # a bug, not an article's failure (those are outcomes)
        done.put((index, None, False, "".join(traceback.format_exception_only(exc)).strip()))


def _worker(settings: Settings, plan: RunPlan, todo: Any, done: Any, slots: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what a Ctrl-C stops
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    limit_malloc_arenas()
    with open_client(settings) as client:
        client.slots = slots  # shared by every process of the run
        memo = memo_for(client, plan)
        first = threading.Lock()

        def serve() -> None:
            while (item := todo.get()) is not None:
                _answer(item, client, plan, memo, done)
                if first.acquire(blocking=False):  # once per process
                    done.put((_READY, None, False, None))

        pool = [threading.Thread(target=serve, daemon=True) for _ in range(articles_in_progress(settings.concurrency))]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
