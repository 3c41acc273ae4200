from __future__ import annotations

import threading
import time

from extractor.runner import StopFlag, run_stream
from schemas import Article


def _articles(n: int) -> list[Article]:
    return [Article(id=f"a{i}", title="", text=f"text {i}", source=f"s{i}", sha256="x") for i in range(n)]


def test_every_article_comes_back_once_with_its_input_index() -> None:
    def slow_first(article: Article) -> str:
        if article.id == "a0":
            time.sleep(0.2)  # finishes last: completion order is not input order
        return article.id.upper()

    done = list(run_stream(_articles(5), slow_first, 3, StopFlag()))
    assert sorted((i, o) for i, _, o in done) == [(i, f"A{i}") for i in range(5)]
    assert done[-1][0] == 0


def test_a_stop_that_abandons_in_flight_work_returns_at_once_and_lists_the_rest() -> None:
    release = threading.Event()
    stop = StopFlag()
    stopped: list[bool] = []

    def hang_on_second(article: Article) -> str:
        if article.id == "a1":
            stop.request("Ctrl-C", abandon_in_flight=True)
            release.wait(10)  # a request that never comes back
        return article.id

    started = time.monotonic()
    done = list(run_stream(_articles(4), hang_on_second, 1, stop, on_stop=lambda: stopped.append(True)))
    assert time.monotonic() - started < 2
    assert [(i, o) for i, _, o in done] == [(0, "a0"), (1, None), (2, None), (3, None)]
    assert stopped == [True]
    release.set()


def test_a_budget_stop_lets_in_flight_work_finish_and_starts_nothing_new() -> None:
    stop = StopFlag()

    def spend(article: Article) -> str:
        if article.id == "a0":
            stop.request("budget")
        return article.id

    done = list(run_stream(_articles(4), spend, 1, stop))
    assert [(i, o) for i, _, o in done] == [(0, "a0"), (1, None), (2, None), (3, None)]
    assert stop.reason == "budget"


def test_recalled_articles_never_reach_a_worker() -> None:
    articles = _articles(6)
    processed: list[str] = []

    def process(article: Article) -> str:
        processed.append(article.id)
        return "worked"

    def recall(article: Article) -> str | None:
        return "remembered" if int(article.id[-1]) % 2 == 0 else None

    got = {i: outcome for i, _, outcome in run_stream(articles, process, 2, StopFlag(), recall=recall)}
    assert got == {i: "remembered" if i % 2 == 0 else "worked" for i in range(6)}
    assert sorted(processed) == sorted(a.id for a in articles if int(a.id[-1]) % 2 == 1)
