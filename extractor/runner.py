"""Bounded concurrency over a lazy stream of articles, stoppable at any moment.

Workers are daemon threads fed from a short queue, so the corpus is read
as it is processed (memory does not grow with it) and a worker stuck in a
network read never keeps the process alive after a stop. The main thread
only feeds, collects and checks the stop flag, every 0.2 s at most, so a
Ctrl-C or a budget takes effect at once.
"""

from __future__ import annotations

import contextlib
import ctypes
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Item = TypeVar("Item")  # what the stream hands out: articles, or anything a `recall` may answer at once
Outcome = TypeVar("Outcome")

POLL_S = 0.2
ARTICLES_PER_SLOT = 2  # articles in progress per request slot (see articles_in_progress)
_M_ARENA_MAX = -8  # mallopt parameter (malloc.h)


@dataclass
class StopFlag:
    """Set by a signal handler or a budget; read by the runner."""

    reason: str = ""
    abandon_in_flight: bool = False  # Ctrl-C: do not wait for requests already sent
    _event: threading.Event = field(default_factory=threading.Event)

    def request(self, reason: str, *, abandon_in_flight: bool = False) -> None:
        if not self._event.is_set():
            self.reason, self.abandon_in_flight = reason, abandon_in_flight
            self._event.set()
        elif abandon_in_flight:
            self.abandon_in_flight = True  # a budget stop, then Ctrl-C: stop waiting too

    @property
    def is_set(self) -> bool:
        return self._event.is_set()


def run_stream(
    articles: Iterable[Item],
    process: Callable[[Item], Outcome],
    concurrency: int,
    stop: StopFlag,
    on_stop: Callable[[], None] = lambda: None,
    recall: Callable[[Item], Outcome | None] | None = None,
) -> Iterator[tuple[int, Item, Outcome | None]]:
    """(index, article, outcome) in completion order; once stopped, (index, article, None) for every article left.

    `process` must not raise (a failed article is an outcome); if it does, the
    error is re-raised here. `on_stop` runs once when in-flight work is
    abandoned (e.g. closing the client so stuck workers fail fast). `recall`
    answers an article without a worker when it can (e.g. from the article
    memo): no thread hand-off for work that is already done.
    """
    limit_malloc_arenas()
    width = max(1, concurrency)
    todo: queue.Queue[tuple[int, Item] | None] = queue.Queue()
    done: queue.Queue[tuple[int, Outcome | BaseException | None]] = queue.Queue()
    for _ in range(width):
        threading.Thread(target=_worker, args=(todo, done, process, stop), daemon=True).start()
    feeder = Feeder(enumerate(articles), width, lambda index, article: todo.put((index, article)), recall)
    try:
        while True:
            yield from feeder.fill(stop)
            if not feeder.pending or (stop.is_set and stop.abandon_in_flight):
                break
            try:
                index, outcome = done.get(timeout=POLL_S)
            except queue.Empty:
                continue
            if isinstance(outcome, BaseException):
                raise outcome
            yield index, feeder.pending.pop(index), outcome
    finally:
        for _ in range(width):
            todo.put(None)
    if stop.is_set:
        if feeder.pending:
            on_stop()
        yield from feeder.left()


@dataclass
class Feeder(Generic[Item, Outcome]):
    """Hands out the articles of a lazy corpus, at most `width` pending, answering what `recall` can at once."""

    source: Iterator[tuple[int, Item]]
    width: int
    send: Callable[[int, Item], None]
    recall: Callable[[Item], Outcome | None] | None = None
    pending: dict[int, Item] = field(default_factory=dict)
    exhausted: bool = False

    def fill(self, stop: StopFlag) -> Iterator[tuple[int, Item, Outcome]]:
        """Send articles until `width` are pending; yield the recalled ones, which never become pending."""
        while not self.exhausted and not stop.is_set and len(self.pending) < self.width:
            item = next(self.source, None)
            if item is None:
                self.exhausted = True
            elif self.recall is not None and (recalled := self.recall(item[1])) is not None:
                yield item[0], item[1], recalled
            else:
                self.pending[item[0]] = item[1]
                self.send(*item)

    def left(self) -> Iterator[tuple[int, Item, None]]:
        """After a stop: the pending articles, then the rest of the corpus, as not started."""
        for index in sorted(self.pending):
            yield index, self.pending[index], None
        for index, article in self.source:
            yield index, article, None


def articles_in_progress(concurrency: int) -> int:
    """How many articles to work on at once for `concurrency` requests in flight (the client's slots).

    An article's calls come one after another, with CPU work between them (building the next request,
    checking an answer). With only `concurrency` articles, a slot idles during that work, and under one
    interpreter lock the work waits for the lock too: measured, 1.35x the ideal wall time at 32 slots, 1.18x
    with two articles per slot (bench/scale.py). At concurrency 1 the calls stay one article at a time, in
    order: a llama.cpp server keeps one article's story in its prompt cache between that article's
    questions, and a second article interleaved would evict it.
    """
    return 1 if concurrency <= 1 else ARTICLES_PER_SLOT * concurrency


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's malloc arenas before worker threads start allocating.

    glibc gives busy threads arenas of their own (up to 8 per core) and seldom returns their freed memory to
    the system, so C threads handling article-sized strings held ~60 MB each: peak RSS grew with
    --concurrency, not with the work (bench/scale.py). Two arenas keep it flat; elsewhere this does nothing.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, arenas)


def _worker(
    todo: queue.Queue[tuple[int, Item] | None],
    done: queue.Queue[tuple[int, Outcome | BaseException | None]],
    process: Callable[[Item], Outcome],
    stop: StopFlag,
) -> None:
    while (item := todo.get()) is not None:
        index, article = item
        if stop.is_set:  # queued before the stop: not started, so not spent on
            done.put((index, None))
            continue
        try:
            done.put((index, process(article)))
        except BaseException as exc:
            done.put((index, exc))
