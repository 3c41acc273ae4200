"""Bounded concurrency over a lazy stream of articles, stoppable at any moment.

Workers are daemon threads fed from a short queue, so the corpus is read
as it is processed (memory does not grow with it) and a worker stuck in a
network read never keeps the process alive after a stop. The main thread
only feeds, collects and checks the stop flag, every 0.2 s at most, so a
Ctrl-C or a budget takes effect at once.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from schemas import Article

Outcome = TypeVar("Outcome")

POLL_S = 0.2


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
    articles: Iterable[Article],
    process: Callable[[Article], Outcome],
    concurrency: int,
    stop: StopFlag,
    on_stop: Callable[[], None] = lambda: None,
) -> Iterator[tuple[int, Article, Outcome | None]]:
    """(index, article, outcome) in completion order; once stopped, (index, article, None) for every article left.

    `process` must not raise (a failed article is an outcome); if it does, the
    error is re-raised here. `on_stop` runs once when in-flight work is
    abandoned (e.g. closing the client so stuck workers fail fast).
    """
    width = max(1, concurrency)
    todo: queue.Queue[tuple[int, Article] | None] = queue.Queue()
    done: queue.Queue[tuple[int, Outcome | BaseException | None]] = queue.Queue()
    for _ in range(width):
        threading.Thread(target=_worker, args=(todo, done, process, stop), daemon=True).start()
    source = enumerate(articles)
    pending: dict[int, Article] = {}
    exhausted = False
    try:
        while True:
            while not exhausted and not stop.is_set and len(pending) < width:
                item = next(source, None)
                if item is None:
                    exhausted = True
                else:
                    pending[item[0]] = item[1]
                    todo.put(item)
            if not pending or (stop.is_set and stop.abandon_in_flight):
                break
            try:
                index, outcome = done.get(timeout=POLL_S)
            except queue.Empty:
                continue
            if isinstance(outcome, BaseException):
                raise outcome
            yield index, pending.pop(index), outcome
    finally:
        for _ in range(width):
            todo.put(None)
    if stop.is_set:
        if pending:
            on_stop()
        for index in sorted(pending):
            yield index, pending[index], None
        for index, article in source:
            yield index, article, None


def _worker(
    todo: queue.Queue[tuple[int, Article] | None],
    done: queue.Queue[tuple[int, Outcome | BaseException | None]],
    process: Callable[[Article], Outcome],
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
